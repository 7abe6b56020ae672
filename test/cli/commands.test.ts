import { copyFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueChallenge } from "../../host/core/challenge-service";
import { submitTap } from "../../host/core/tap-verifier";
import { buildProgram } from "../../host/cli/program";
import { SqliteStore } from "../../host/store/sqlite-store";
import { Purpose } from "../../shared/protocol-constants";
import { snapshotDatabase } from "../http/api-harness";
import { newTestStamp, signTap, TestStamp } from "../http/signed-tap";
import { stamp, tempDir } from "./cli-harness";

let dir: string;
let db: string;
beforeEach(() => {
  dir = tempDir();
  db = join(dir, "stamp.db");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const GANGNAM_VERIFIER = "1000000000000001";
const HONGDAE_VERIFIER = "2000000000000002";

/** Runs a command against the test database and insists that it succeeds. */
async function ok(...args: string[]): Promise<string> {
  const result = await stamp(["--db", db, ...args]);
  if (result.code !== 0) throw new Error(`stamp ${args.join(" ")} failed (${result.code}): ${result.err}`);
  return result.out;
}

async function provision(): Promise<TestStamp> {
  await ok("merchants", "add", "bean-bros", "Bean Bros");
  await ok("shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "Bean Bros Gangnam");
  await ok("shops", "add", "hongdae", "--merchant", "bean-bros", "--name", "Bean Bros Hongdae");
  await ok("verifiers", "add", "--shop", "gangnam", "--label", "front counter", "--id", GANGNAM_VERIFIER);
  await ok("verifiers", "add", "--shop", "hongdae", "--label", "kiosk", "--no-presence", "--id", HONGDAE_VERIFIER);
  const key = newTestStamp();
  await ok("stamps", "add", "--public-key", key.publicKeyHex, "--label", "gangnam-1", "--merchant", "bean-bros", "--shop", "gangnam");
  return key;
}

/** Taps through the host core on the same database file, as a counter station would. */
async function tap(key: TestStamp, verifierId: string, counter: number): Promise<string> {
  const store = new SqliteStore(db);
  try {
    const issued = await issueChallenge(store, { verifierId: verifierId, purpose: Purpose.STAMP, quantity: 1, ttlMs: 30_000 }, Date.now());
    if (!issued.ok) throw new Error(issued.error);
    return (await submitTap(store, verifierId, signTap(key, issued.value.bytes, counter), Date.now())).reason;
  } finally {
    await store.close();
  }
}

function allCommands(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => [{ path: [...path, sub.name()], command: sub }, ...allCommands(sub, [...path, sub.name()])]);
}

describe("help", () => {
  it("every command has --help that exits 0 and shows its usage", async () => {
    const commands = allCommands(buildProgram());
    expect(commands.map((c) => c.path.join(" "))).toEqual(
      expect.arrayContaining([
        ...["serve", "merchants add", "merchants list", "shops add", "shops list", "verifiers add", "verifiers list"],
        ...["stamps add", "stamps list", "stamps revoke", "events", "alerts", "ledger check"],
      ]),
    );
    for (const { path } of commands) {
      const result = await stamp([...path, "--help"]);
      expect(result.code, path.join(" ")).toBe(0);
      expect(result.out).toContain(`Usage: stamp ${path.join(" ")}`);
    }
    const top = await stamp(["--help"]);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/--db <path>.*STAMP_DB/s);
  });

  it("every command that prints data has --json", () => {
    const leaves = allCommands(buildProgram()).filter(({ command }) => command.commands.length === 0 && command.name() !== "serve");
    for (const { path, command } of leaves) expect(command.options.map((o) => o.long), path.join(" ")).toContain("--json");
  });
});

describe("registry commands", () => {
  it("provisions merchants, shops, verifiers and stamps, and lists them as tables and JSON", async () => {
    const key = await provision();
    expect(await ok("shops", "list")).toBe(
      [
        "ID       MERCHANT   NAME",
        "-------  ---------  -----------------",
        "gangnam  bean-bros  Bean Bros Gangnam",
        "hongdae  bean-bros  Bean Bros Hongdae",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(await ok("verifiers", "list", "--json"))).toEqual([
      { id: GANGNAM_VERIFIER, shopId: "gangnam", label: "front counter", requirePresence: true },
      { id: HONGDAE_VERIFIER, shopId: "hongdae", label: "kiosk", requirePresence: false },
    ]);
    expect(await ok("verifiers", "list")).toMatch(/2000000000000002\s+hongdae\s+not needed\s+kiosk/);

    const stamps = await ok("stamps", "list");
    expect(stamps).toMatch(/^ID\s+STATUS\s+COUNTER\s+MERCHANT\s+SHOPS\s+VERIFIERS\s+LABEL\n/);
    expect(stamps).toContain(`${key.id}  active  0        bean-bros  gangnam  -          gangnam-1`);
    const json = JSON.parse(await ok("stamps", "list", "--json")) as { id: string; publicKey: string }[];
    expect(json).toEqual([expect.objectContaining({ id: key.id, publicKey: key.publicKeyHex, status: "active", lastCounter: 0 })]);
    expect(await ok("stamps", "show", key.id)).toMatch(new RegExp(`public key\\s+${key.publicKeyHex}`));
  });

  it("prints what it added, and JSON with --json", async () => {
    expect(await ok("merchants", "add", "bean-bros", "Bean Bros")).toBe("merchant bean-bros added: Bean Bros\n");
    expect(JSON.parse(await ok("shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "G", "--json"))).toEqual({
      id: "gangnam",
      merchantId: "bean-bros",
      name: "G",
    });
    const added = await ok("verifiers", "add", "--shop", "gangnam", "--label", "front");
    expect(added).toMatch(/^verifier [0-9a-f]{16} added to shop gangnam: front\n$/);
    const key = newTestStamp();
    const stampJson = JSON.parse(await ok("stamps", "add", "--public-key", key.publicKeyHex, "--label", "s1", "--merchant", "bean-bros", "--shop", "gangnam", "--json"));
    expect(stampJson).toMatchObject({ id: key.id, label: "s1", shopIds: ["gangnam"], status: "active" });
  });

  it("revokes a stamp, and the next tap is refused", async () => {
    const key = await provision();
    expect(await tap(key, GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await ok("stamps", "revoke", key.id)).toBe(`stamp ${key.id} (gangnam-1) revoked\n`);
    expect(JSON.parse(await ok("stamps", "list", "--json"))[0]).toMatchObject({ status: "revoked", lastCounter: 1 });
    expect(await tap(key, GANGNAM_VERIFIER, 2)).toBe("STAMP_REVOKED");
  });
});

describe("history commands", () => {
  it("lists events, alerts and checks the ledger", async () => {
    const key = await provision();
    expect(await ok("events")).toBe("no events\n");
    expect(await ok("alerts")).toBe("no alerts\n");
    expect(await tap(key, GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await tap(key, GANGNAM_VERIFIER, 2)).toBe("ACCEPTED");
    expect(await tap(key, HONGDAE_VERIFIER, 3)).toBe("OUTSIDE_SHOP");

    const events = await ok("events");
    expect(events.split("\n")[0]).toMatch(/^SEQ\s+ACCEPTED AT\s+STAMP\s+COUNTER\s+SHOP\s+VERIFIER\s+PURPOSE\s+QTY$/);
    expect(events).toMatch(new RegExp(`^2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+${key.id}\\s+2\\s+gangnam\\s+${GANGNAM_VERIFIER}\\s+stamp\\s+1$`, "m"));
    const json = JSON.parse(await ok("events", "--stamp", key.id, "--shop", "gangnam", "--limit", "1", "--json")) as { sequence: number }[];
    expect(json.map((e) => e.sequence)).toEqual([2]);
    expect(JSON.parse(await ok("events", "--shop", "hongdae", "--json"))).toEqual([]);

    expect(await ok("alerts")).toMatch(/STAMP_OUTSIDE_SHOP\s+[0-9a-f]{16}\s+hongdae\s+OUTSIDE_SHOP\s+stolen stamp used at Bean Bros Hongdae/);
    expect(JSON.parse(await ok("alerts", "--json", "--limit", "5"))).toHaveLength(1);

    expect(await ok("ledger", "check")).toBe("ledger intact: 2 events, hash chain verified\n");
    expect(JSON.parse(await ok("ledger", "check", "--json"))).toEqual({ intact: true, events: 2 });
  });

  it("exits non-zero when the ledger was tampered with", async () => {
    const key = await provision();
    await tap(key, GANGNAM_VERIFIER, 1);
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(db);
    raw.exec("DROP TRIGGER ledger_no_update; UPDATE ledger SET counter = 7");
    raw.close();
    const result = await stamp(["--db", db, "ledger", "check"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe("error: the ledger is broken at event 1: the event was altered\n");
  });
});

describe("bad arguments: a clear error, a non-zero exit, nothing written", () => {
  // One provisioned database, copied for each case (closed, so the file holds everything).
  let template: string;
  beforeAll(async () => {
    const saved = { dir: dir, db: db };
    template = tempDir();
    db = join(template, "stamp.db");
    await provision();
    ({ dir, db } = saved);
  });
  afterAll(() => {
    rmSync(template, { recursive: true, force: true });
  });

  it.each([
    [["merchants", "add", "Bean Bros", "x"], /^error: <id> must be 1-40 characters of a-z, 0-9 and "-"/],
    [["merchants", "add", "bean"], /missing required argument 'name'/],
    [["merchants", "add", "a", "b", "c"], /too many arguments/],
    [["merchants", "add", "a", " "], /^error: <name> must be printable text, not blank/],
    [["shops", "add", "x", "--name", "X"], /required option '--merchant <id>' not specified/],
    [["shops", "add", "x", "--merchant", "nobody", "--name", "X"], /^error: merchant nobody does not exist/],
    [["shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "again"], /^error: shop gangnam is already registered/],
    [["verifiers", "add", "--shop", "gangnam", "--label", "x", "--id", "XYZ"], /^error: --id must be 16 lower-case hex digits/],
    [["verifiers", "add", "--shop", "nowhere", "--label", "x"], /^error: shop nowhere does not exist/],
    [["stamps", "add", "--public-key", "zz", "--label", "a", "--merchant", "bean-bros", "--shop", "gangnam"], /^error: --public-key must be 64 hex digits/],
    [["stamps", "add", "--public-key", "00".repeat(32), "--label", "a", "--merchant", "bean-bros", "--shop", "gangnam"], /^error: public key refused: small-order/],
    [["stamps", "add", "--public-key", "ab".repeat(32), "--label", "a", "--merchant", "bean-bros", "--shop", "Gang Nam"], /^error: --shop must be 1-40 characters/],
    [["stamps", "add", "--label", "a", "--merchant", "bean-bros", "--shop", "gangnam"], /required option '--public-key <hex>' not specified/],
    [["stamps", "revoke", "xyz"], /^error: <id> must be 16 lower-case hex digits \(8 bytes\), got "xyz"/],
    [["stamps", "revoke", "0123456789abcdef"], /^error: stamp 0123456789abcdef is not registered/],
    [["stamps", "show", "0123456789abcdef"], /^error: stamp 0123456789abcdef is not registered/],
    [["stamps", "list", "--jsn"], /unknown option '--jsn'/],
    [["events", "--limit", "0"], /^error: --limit must be a whole number from 1 to 1000/],
    [["events", "--limit", "ten"], /^error: --limit must be a whole number/],
    [["events", "--stamp", "nope"], /^error: --stamp must be 16 lower-case hex digits/],
    [["alerts", "--limit", "-3"], /^error: --limit must be a whole number/],
    [["serve", "--port", "70000"], /option '--port <port>' argument '70000' is invalid. must be a whole number from 0 to 65535/],
    [["serve", "--port", "http"], /argument 'http' is invalid/],
    [["serve", "--host", "a b"], /must be a host name or an IP address/],
    [["stampz"], /unknown command 'stampz'/],
    [["stamps", "delete"], /unknown command 'delete'/],
  ])("stamp %j", async (args, message) => {
    copyFileSync(join(template, "stamp.db"), db);
    const before = snapshotDatabase(db);
    const result = await stamp(["--db", db, ...args]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.out).toBe("");
    expect(snapshotDatabase(db)).toBe(before);
  });

  it("creates no database file for a refused command or a read of a database that is not there", async () => {
    const fresh = join(dir, "fresh.db");
    const bad = await stamp(["--db", fresh, "stamps", "add", "--public-key", "00", "--label", "a", "--merchant", "m", "--shop", "s"]);
    expect(bad.code).toBe(1);
    const missing = await stamp(["--db", fresh, "shops", "add", "s", "--merchant", "m", "--name", "S"]);
    expect(missing.err).toBe("error: merchant m does not exist\n");
    const list = await stamp(["--db", fresh, "stamps", "list"]);
    expect(list).toEqual({ code: 0, out: "no stamps\n", err: `note: there is no database at ${fresh} yet\n` });
    expect(await stamp(["--db", fresh, "stamps", "revoke", "0123456789abcdef"])).toMatchObject({ code: 1 });
    expect(existsSync(fresh)).toBe(false);
  });

  it("says so when the database cannot be opened", async () => {
    const result = await stamp(["--db", join(dir, "no-such-dir", "x.db"), "merchants", "add", "a", "A"]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: cannot open the database .*no-such-dir\/x\.db: /);
  });
});

describe("serve (in-process)", () => {
  it("serves the API on the given port and stops cleanly when asked", async () => {
    await provision();
    const stop = new AbortController();
    let announce: (url: string) => void = () => undefined;
    const announced = new Promise<string>((resolveUrl) => (announce = resolveUrl));
    const running = stamp(["--db", db, "serve", "--port", "0"], {
      stop: stop.signal,
      onOut: (text) => {
        const match = /listening on (http:\/\/\S+)/.exec(text);
        if (match) announce(match[1]);
      },
    });
    const url = await announced;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const shops = await fetch(url + "/v1/shops");
    expect(shops.status).toBe(200);
    expect(((await shops.json()) as unknown[]).length).toBe(2);
    stop.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/stop: shutting down\nstopped; database closed\n$/);
  });
});
