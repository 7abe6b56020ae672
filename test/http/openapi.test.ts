/**
 * The OpenAPI document at GET /v1/openapi.json: a well-formed OpenAPI 3.1 document, served
 * without a credential, that lists every route the server registered, each with the very schemas
 * the route validates with; and a request the document forbids is refused by the server with 400.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastifyInstance, FastifySchema, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOperator } from "../../host/core/access/credentials";
import { buildServer } from "../../host/http/server";
import { SqliteStore } from "../../host/store/sqlite-store";

type Json = Record<string, unknown>;

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags: { name: string }[];
  security: Record<string, string[]>[];
  components: { securitySchemes: Json; schemas: Json };
  paths: Record<string, Record<string, Operation>>;
}

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let dir: string;
let store: SqliteStore;
let app: FastifyInstance;
let operatorToken: string;
let document: OpenApiDocument;
/** Every API route as declared, with the schema object Fastify compiled its validators from. */
const declared: { method: string; url: string; schema: FastifySchema | undefined }[] = [];
/** The routes kept out of the document (`schema.hide`): the phone pages. */
const hidden: { method: string; url: string; isPublic: boolean }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "stamp-openapi-"));
  store = new SqliteStore(join(dir, "stamp.db"));
  app = buildServer(store);
  // Added before the app is ready: the routes are declared when their plugin loads, after this.
  app.addHook("onRoute", (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      if (route.schema?.hide === true) hidden.push({ method: method, url: route.url, isPublic: route.config?.public === true });
      else declared.push({ method: method, url: route.url, schema: route.schema });
    }
  });
  await app.ready();
  const bootstrapped = await bootstrapOperator(store, "operator", Date.now());
  if (!bootstrapped.ok) throw new Error(bootstrapped.error.message);
  operatorToken = bootstrapped.value.token;
  const served = await app.inject({ method: "GET", url: "/v1/openapi.json" });
  expect(served.statusCode, served.body).toBe(200);
  expect(served.headers["content-type"]).toMatch(/^application\/json/);
  document = JSON.parse(served.body) as OpenApiDocument;
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** "/v1/stamps/:id" as OpenAPI writes it: "/v1/stamps/{id}". */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function operationOf(method: string, url: string): Operation {
  const operation = document.paths[openApiPath(url)]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`${method} ${url} is not in the document`);
  return operation;
}

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner)));
}

/** The value a local JSON pointer ("#/components/schemas/ApiError") names, or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, part) => (typeof node === "object" && node !== null ? (node as Json)[part] : undefined), root);
}

function operations(): { path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
}

describe("the OpenAPI document", () => {
  it("is a well-formed OpenAPI 3.1 document", () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).not.toBe("");
    expect(document.info.version).not.toBe("");
    const tagNames = document.tags.map((tag) => tag.name);
    const schemes = Object.keys(document.components.securitySchemes);
    for (const requirement of document.security) for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
    const operationIds = new Set<string>();
    for (const { path, method, operation } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(path, where).toMatch(/^\//);
      expect(OPERATION_METHODS, where).toContain(method);
      expect(operation.summary, `${where} has a summary`).toEqual(expect.any(String));
      expect(operation.description, `${where} has a description`).toEqual(expect.any(String));
      expect(operation.tags?.length, `${where} has one tag`).toBe(1);
      for (const tag of operation.tags ?? []) expect(tagNames, `${where}'s tag is declared`).toContain(tag);
      for (const requirement of operation.security ?? []) for (const name of Object.keys(requirement)) expect(schemes, where).toContain(name);
      expect(Object.keys(operation.responses).length, `${where} has responses`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(status, where).toMatch(/^(default|[1-5](\d\d|XX))$/);
        expect(response.description, `${where} ${status} has a description`).toEqual(expect.any(String));
      }
      const parameters = operation.parameters ?? [];
      for (const parameter of parameters) {
        expect(["query", "header", "path", "cookie"], where).toContain(parameter.in);
        if (parameter.in === "path") expect(parameter.required, `${where}: path parameters are required`).toBe(true);
      }
      expect(new Set(parameters.map((p) => `${p.in} ${p.name}`)).size, `${where}: no parameter twice`).toBe(parameters.length);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      expect(parameters.filter((p) => p.in === "path").map((p) => p.name).sort(), `${where}: path parameters match the template`).toEqual(templated);
      const operationId = (operation as { operationId?: string }).operationId;
      if (operationId !== undefined) {
        expect(operationIds.has(operationId), `${where}: operationId is unique`).toBe(false);
        operationIds.add(operationId);
      }
    }
    for (const ref of refsIn(document)) expect(resolvePointer(document, ref), `${ref} resolves`).toBeDefined();
  });

  it("keeps the phone pages out: they are for people's browsers, not programs, and need no credential", () => {
    expect(hidden.length).toBeGreaterThan(5);
    for (const route of hidden) {
      expect(route.url, `${route.method} ${route.url} is a page, not under /v1`).not.toMatch(/^\/v1(\/|$)/);
      expect(route.isPublic, `${route.method} ${route.url} is public`).toBe(true);
    }
    const documentedPaths = Object.keys(document.paths);
    for (const route of hidden) expect(documentedPaths, route.url).not.toContain(openApiPath(route.url));
  });

  it("lists every API route the server registered, and nothing else", () => {
    expect(declared.length).toBeGreaterThan(20);
    const registered = declared.map((route) => `${route.method.toLowerCase()} ${openApiPath(route.url)}`).sort();
    const documented = operations().map(({ path, method }) => `${method} ${path}`).sort();
    expect(documented).toEqual(registered);
    for (const route of declared) expect(app.hasRoute({ method: route.method as "GET", url: route.url }), `${route.method} ${route.url}`).toBe(true);
  });

  it("carries, for every route, the very body, query and path schemas the route validates with", () => {
    for (const route of declared) {
      const where = `${route.method} ${route.url}`;
      const operation = operationOf(route.method, route.url);
      const body = route.schema?.body;
      if (body === undefined) expect(operation.requestBody, where).toBeUndefined();
      else expect(operation.requestBody?.content["application/json"].schema, `${where}: request body`).toEqual(body);
      for (const [location, schema] of [["query", route.schema?.querystring], ["path", route.schema?.params]] as const) {
        const object = schema as { properties?: Json; required?: string[] } | undefined;
        const parameters = (operation.parameters ?? []).filter((p) => p.in === location);
        expect(parameters.map((p) => p.name).sort(), `${where}: ${location} parameters`).toEqual(Object.keys(object?.properties ?? {}).sort());
        for (const parameter of parameters) {
          expect(parameter.schema, `${where}: ${location} ${parameter.name}`).toEqual(object?.properties?.[parameter.name]);
          expect(parameter.required === true, `${where}: ${location} ${parameter.name} required`).toBe(object?.required?.includes(parameter.name) === true);
        }
      }
    }
  });

  it("marks a body optional where the route takes none (its schema accepts null), and the server agrees", async () => {
    const optional = operations()
      .filter(({ operation }) => operation.requestBody !== undefined && !operation.requestBody.required)
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(optional).toEqual([
      "POST /v1/challenges",
      "POST /v1/credentials/{id}/revoke",
      "POST /v1/dashboard-people/{id}/recovery-links",
      "POST /v1/ledger/check",
      "POST /v1/ledger/checkpoints",
      "POST /v1/provisioning-challenges",
      "POST /v1/stamps/{id}/revoke",
      "POST /v1/workers/{id}/invitations",
    ]);
    const check = await app.inject({ method: "POST", url: "/v1/ledger/check", headers: { authorization: `Bearer ${operatorToken}` } });
    expect(check.statusCode, check.body).toBe(200);
    const merchant = await app.inject({ method: "POST", url: "/v1/merchants", headers: { authorization: `Bearer ${operatorToken}` } });
    expect(merchant.statusCode, "a required body left out").toBe(400);
  });

  it("says which routes need no credential: the public ones, this document among them", async () => {
    const publicRoutes = operations()
      .filter(({ operation }) => operation.security !== undefined && operation.security.length === 0)
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(publicRoutes).toEqual(["GET /healthz", "GET /v1/openapi.json", "POST /v1/enrolments"]);
    expect(document.security).toEqual([{ token: [] }, { stationSignature: [] }]);
    const anonymous = await app.inject({ method: "GET", url: "/v1/stamps" });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("a request the document forbids", () => {
  const asOperator = () => ({ authorization: `Bearer ${operatorToken}` });

  it("is refused with 400 by the server, on the field the document's schema names", async () => {
    const schema = operationOf("POST", "/v1/merchants").requestBody?.content["application/json"].schema as {
      properties: { id: { pattern: string } };
      additionalProperties: boolean;
      required: string[];
    };
    const idPattern = new RegExp(schema.properties.id.pattern, "u");

    expect(idPattern.test("Bad_Id"), "the document's pattern refuses Bad_Id").toBe(false);
    const badId = await app.inject({ method: "POST", url: "/v1/merchants", headers: asOperator(), payload: { id: "Bad_Id", name: "Bad" } });
    expect([badId.statusCode, badId.json()]).toEqual([400, { error: expect.objectContaining({ code: "INVALID_INPUT", field: "id" }) }]);

    expect(schema.additionalProperties, "the document closes the object").toBe(false);
    const extra = await app.inject({ method: "POST", url: "/v1/merchants", headers: asOperator(), payload: { id: "bean-bros", name: "Bean Bros", owner: "me" } });
    expect([extra.statusCode, extra.json()]).toEqual([400, { error: expect.objectContaining({ code: "INVALID_INPUT", field: "owner" }) }]);

    // What the document allows, the server takes.
    expect(idPattern.test("bean-bros")).toBe(true);
    const allowed = await app.inject({ method: "POST", url: "/v1/merchants", headers: asOperator(), payload: { id: "bean-bros", name: "Bean Bros" } });
    expect(allowed.statusCode, allowed.body).toBe(201);
  });

  it("in the query string, and on a public route before any credential is looked at", async () => {
    const limit = operationOf("GET", "/v1/merchants").parameters?.find((p) => p.name === "limit")?.schema as { pattern: string };
    expect(new RegExp(limit.pattern, "u").test("0")).toBe(false);
    const zero = await app.inject({ method: "GET", url: "/v1/merchants?limit=0", headers: asOperator() });
    expect([zero.statusCode, zero.json()]).toEqual([400, { error: expect.objectContaining({ code: "INVALID_INPUT", field: "limit" }) }]);

    const enrolment = operationOf("POST", "/v1/enrolments").requestBody?.content["application/json"].schema as { required: string[] };
    expect(enrolment.required).toContain("publicKey");
    const missing = await app.inject({ method: "POST", url: "/v1/enrolments", payload: { code: "7K3M-Q9TR-2XWH-D4NB", label: "counter" } });
    expect([missing.statusCode, missing.json()]).toEqual([400, { error: expect.objectContaining({ code: "INVALID_INPUT", field: "publicKey" }) }]);
  });

  it("is answered in the document's error shape", async () => {
    const answer = await app.inject({ method: "POST", url: "/v1/merchants", headers: asOperator(), payload: { id: "x", name: "" } });
    expect(answer.statusCode).toBe(400);
    const errorSchema = resolvePointer(document, "#/components/schemas/ApiError") as { required: string[]; properties: { error: { required: string[]; properties: Json } } };
    const body = answer.json() as { error: Json };
    expect(Object.keys(body)).toEqual(errorSchema.required);
    for (const key of errorSchema.properties.error.required) expect(body.error[key], key).toEqual(expect.any(String));
    for (const key of Object.keys(body.error)) expect(Object.keys(errorSchema.properties.error.properties)).toContain(key);
  });
});
