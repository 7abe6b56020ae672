/**
 * A real API for tests: buildServer on a real SQLite file in a fresh temporary directory,
 * listening on an ephemeral loopback port, spoken to with fetch. The clock is the test's.
 */
import Database from "better-sqlite3";
import { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer } from "../../host/http/server";
import { SqliteStore } from "../../host/store/sqlite-store";

export interface ApiResponse {
  status: number;
  /** The parsed JSON body (undefined when empty). */
  body: unknown;
  text: string;
  contentType: string | null;
}

export interface TestApi {
  url: string;
  dir: string;
  dbPath: string;
  store: SqliteStore;
  app: FastifyInstance;
  /** The API's clock, in milliseconds; tests move it. */
  now: number;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  /** Any request, body sent as given (for malformed JSON, wrong content types, ...). */
  raw(path: string, init: RequestInit): Promise<ApiResponse>;
  /** Every row of every table, to prove that a refused request wrote nothing. */
  snapshot(): string;
  close(): Promise<void>;
}

/** A fixed start time, so ISO strings in assertions are predictable. */
export const START_TIME = Date.UTC(2025, 4, 1, 9, 30, 0);

async function toResponse(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body: body, text: text, contentType: response.headers.get("content-type") };
}

export function snapshotDatabase(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const dump: Record<string, unknown[]> = {};
    for (const table of tables) dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all();
    return JSON.stringify(dump);
  } finally {
    db.close();
  }
}

export async function startApi(): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-http-"));
  const dbPath = join(dir, "stamp.db");
  const store = new SqliteStore(dbPath);
  const api: Partial<TestApi> & { now: number } = { now: START_TIME };
  const app = buildServer(store, { clock: () => api.now });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const raw = async (path: string, init: RequestInit) => toResponse(await fetch(url + path, init));
  return Object.assign(api, {
    url: url,
    dir: dir,
    dbPath: dbPath,
    store: store,
    app: app,
    get: (path: string) => raw(path, { method: "GET" }),
    post: (path: string, body?: unknown) =>
      raw(path, body === undefined ? { method: "POST" } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    raw: raw,
    snapshot: () => snapshotDatabase(dbPath),
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export interface Seeded {
  merchantId: string;
  /** Shop "gangnam" and its verifier (presence required). */
  gangnam: { shopId: string; verifierId: string };
  /** Shop "hongdae" and its verifier. */
  hongdae: { shopId: string; verifierId: string };
  /** A second verifier at gangnam that does not need the button. */
  gangnamNoButton: { shopId: string; verifierId: string };
}

export const GANGNAM_VERIFIER = "1000000000000001";
export const HONGDAE_VERIFIER = "2000000000000002";
export const GANGNAM_NO_BUTTON = "1000000000000003";

async function created(response: Promise<ApiResponse>): Promise<void> {
  const { status, text } = await response;
  if (status !== 201) throw new Error(`seeding failed: ${status} ${text}`);
}

/** One merchant with two shops and a verifier in each, through the API itself. */
export async function seed(api: TestApi): Promise<Seeded> {
  await created(api.post("/v1/merchants", { id: "bean-bros", name: "Bean Bros" }));
  await created(api.post("/v1/shops", { id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam" }));
  await created(api.post("/v1/shops", { id: "hongdae", merchantId: "bean-bros", name: "Bean Bros Hongdae" }));
  await created(api.post("/v1/verifiers", { shopId: "gangnam", label: "front counter", id: GANGNAM_VERIFIER }));
  await created(api.post("/v1/verifiers", { shopId: "hongdae", label: "front counter", id: HONGDAE_VERIFIER }));
  await created(api.post("/v1/verifiers", { shopId: "gangnam", label: "kiosk", id: GANGNAM_NO_BUTTON, requirePresence: false }));
  return {
    merchantId: "bean-bros",
    gangnam: { shopId: "gangnam", verifierId: GANGNAM_VERIFIER },
    hongdae: { shopId: "hongdae", verifierId: HONGDAE_VERIFIER },
    gangnamNoButton: { shopId: "gangnam", verifierId: GANGNAM_NO_BUTTON },
  };
}

/** The `{ error: { code, message } }` body of a refused request. */
export function errorOf(response: ApiResponse): { code: string; message: string; field?: string } {
  const body = response.body;
  if (typeof body === "object" && body !== null && "error" in body) {
    const error = body.error;
    if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
      return error as { code: string; message: string; field?: string };
    }
  }
  throw new Error(`not an error body: ${response.status} ${response.text}`);
}

/**
 * Sends a request that must be refused with `status`, and proves the database is byte-for-byte
 * what it was before. Returns the error body for further checks.
 */
export async function expectRefused(
  api: TestApi,
  request: () => Promise<ApiResponse>,
  status: number,
  code: string,
): Promise<{ code: string; message: string; field?: string }> {
  const before = api.snapshot();
  const response = await request();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  const error = errorOf(response);
  if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
  if (/\bat .+:\d+:\d+/.test(response.text)) throw new Error("a stack trace leaked into the response: " + response.text);
  if (api.snapshot() !== before) throw new Error(`the refused request changed the database: ${response.text}`);
  return error;
}
