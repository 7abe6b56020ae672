import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildProgram } from "../../host/cli/program";
import { snapshotDatabase } from "../support/database-snapshot";
import { serveInProcess, stamp, tempDir } from "./cli-harness";
import { addShops, addStationsAndStamp, CliWorld, GANGNAM_VERIFIER, HONGDAE_VERIFIER, initWorld } from "./cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** fetch() will not send another Host header: a rebinding browser's request, by hand. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolveStatus, rejectStatus) => {
    const request = httpRequest(url, { headers: { host: host } }, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.on("error", rejectStatus);
    request.end();
  });
}

function allCommands(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => [{ path: [...path, sub.name()], command: sub }, ...allCommands(sub, [...path, sub.name()])]);
}

describe("help", () => {
  it("every command has --help that exits 0 and shows its usage", async () => {
    const commands = allCommands(buildProgram());
    expect(commands.map((c) => c.path.join(" "))).toEqual(
      expect.arrayContaining([
        ...["init", "serve", "merchants add", "merchants list", "shops add", "shops list", "verifiers add", "verifiers set", "verifiers list"],
        ...["stamps list", "stamps revoke", "stamps reinstate", "events", "alerts", "audit", "ledger check", "ledger checkpoint"],
        ...["tokens add", "tokens list", "tokens revoke", "codes add", "station enrol", "firmware approve"],
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
    expect(top.out).toMatch(/--url <url>.*--token-file <file>.*--station-key <file>/s);
  });

  it("every command that prints data has --json", () => {
    const quiet = new Set(["serve", "init", "approve"]);
    const leaves = allCommands(buildProgram()).filter(({ command }) => command.commands.length === 0 && !quiet.has(command.name()));
    for (const { path, command } of leaves) expect(command.options.map((o) => o.long), path.join(" ")).toContain("--json");
  });
});

describe("bootstrap: stamp init", () => {
  it("makes the database, the operator token (0600) and the host key once, and refuses a second time", async () => {
    const world = await initWorld(dir);
    expect(statSync(world.operatorTokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "host.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(world.operatorTokenFile, "utf8")).toMatch(/^stamp_[A-Za-z0-9_-]{43}\n$/);
    const again = await stamp(["--db", world.db, "init", "--token-out", join(dir, "other.token"), "--host-key-out", join(dir, "other.key")]);
    expect(again.code).toBe(1);
    expect(again.err).toBe("error: this database already has an operator: `stamp init` runs once\n");
    const clobber = await stamp(["--db", join(dir, "new.db"), "init", "--token-out", world.operatorTokenFile, "--host-key-out", join(dir, "k2")]);
    expect(clobber.err).toMatch(/operator\.token already exists: it is not overwritten/);
    expect(existsSync(join(dir, "new.db"))).toBe(false);
  });

  it("asks for a credential, in words, when none is given; and for `stamp init` when there is no database", async () => {
    const world = await initWorld(dir);
    const none = await stamp(["--db", world.db, "shops", "list"], { env: {} });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^error: the database .* needs a credential: give an API token with STAMP_TOKEN=… or --token-file <file>/);
    const missing = await stamp(["--db", join(dir, "nothing.db"), "shops", "list"], { env: {} });
    expect(missing.err).toMatch(/there is no database at .*nothing\.db: run `stamp init` first/);
    expect(existsSync(join(dir, "nothing.db"))).toBe(false);
    const viaEnv = await stamp(["--db", world.db, "merchants", "list"], { env: { STAMP_TOKEN: readFileSync(world.ownerTokenFile, "utf8").trim() } });
    expect(viaEnv.out).toContain("bean-bros");
  });
});

describe("people and their tokens", () => {
  it("the operator issues owners; an owner issues managers and auditors of the merchant only; revoked tokens stop at once", async () => {
    const world = await initWorld(dir);
    await world.as(world.operatorTokenFile, "merchants", "add", "tea-house", "Tea House");
    const manager = join(dir, "manager.token");
    await world.ok("tokens", "add", "--role", "manager", "--merchant", "bean-bros", "--label", "Minji", "--out", manager);
    const foreign = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "tokens", "add", "--role", "owner", "--merchant", "tea-house", "--label", "x"]);
    expect(foreign.err).toBe("error: merchant tea-house does not exist\n");
    const operatorByOwner = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "tokens", "add", "--role", "operator", "--label", "x"]);
    expect(operatorByOwner.err).toBe("error: this credential may not issue operator tokens\n");
    const listed = JSON.parse(await world.ok("tokens", "list", "--json")) as { items: { id: string; role: string; label: string }[] };
    expect(listed.items.map((c) => c.role).sort()).toEqual(["manager", "owner"]);
    const managerId = listed.items.find((c) => c.role === "manager")?.id ?? "";
    await world.as(manager, "shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "G");
    expect(await world.ok("tokens", "revoke", managerId)).toBe(`credential ${managerId} (manager, Minji) revoked\n`);
    const after = await stamp(["--db", world.db, "--token-file", manager, "shops", "list"]);
    expect(after.err).toBe("error: not authenticated: the credential was revoked\n");
  });
});

describe("registry commands", () => {
  it("adds shops and verifiers, sets what a tap is worth, and lists them as tables and JSON pages", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    expect(await world.ok("shops", "list")).toBe(
      ["ID       MERCHANT   NAME", "-------  ---------  -----------------", "gangnam  bean-bros  Bean Bros Gangnam", "hongdae  bean-bros  Bean Bros Hongdae", ""].join("\n"),
    );
    expect(JSON.parse(await world.ok("verifiers", "list", "--json"))).toEqual({
      items: [
        { id: GANGNAM_VERIFIER, shopId: "gangnam", label: "front counter", requirePresence: true, purpose: "stamp", quantity: 1 },
        { id: HONGDAE_VERIFIER, shopId: "hongdae", label: "kiosk", requirePresence: false, purpose: "stamp", quantity: 1 },
      ],
      next: null,
    });
    expect(await world.ok("verifiers", "set", GANGNAM_VERIFIER, "--purpose", "redeem", "--quantity", "10")).toBe(
      `verifier ${GANGNAM_VERIFIER} (front counter): redeem x10, presence required\n`,
    );
    const tooMuch = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "verifiers", "set", GANGNAM_VERIFIER, "--quantity", "500"]);
    expect(tooMuch.err).toBe("error: --quantity must be a whole number from 1 to 100\n");
    const page = JSON.parse(await world.ok("shops", "list", "--limit", "1", "--json")) as { items: { id: string }[]; next: string };
    expect(page).toEqual({ items: [expect.objectContaining({ id: "gangnam" })], next: "gangnam" });
    expect(await world.ok("shops", "list", "--limit", "1")).toMatch(/\(more: run again with --after gangnam\)\n$/);
    expect(JSON.parse(await world.ok("shops", "list", "--after", "gangnam", "--json")).items.map((s: { id: string }) => s.id)).toEqual(["hongdae"]);
  });

  it("lists, shows, revokes and reinstates stamps; the next tap sees each change", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    const id = stations.stamp.id;
    expect(await world.ok("stamps", "list")).toContain(`${id}  active  0        gangnam  -          gangnam-1`);
    expect(await world.ok("stamps", "show", id)).toMatch(/firmware\s+f1f1/);
    expect(await stations.tap(GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await stations.tap(GANGNAM_VERIFIER, 2)).toBe("ACCEPTED");
    expect(await stations.tap(GANGNAM_VERIFIER, 2)).toBe("COUNTER_FORK");
    expect(JSON.parse(await world.ok("stamps", "show", id, "--json"))).toMatchObject({ status: "quarantined", lastCounter: 2 });
    const noReason = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "stamps", "reinstate", id]);
    expect(noReason.err).toMatch(/required option '--reason <text>'/);
    expect(await world.ok("stamps", "reinstate", id, "--reason", "tested at the counter")).toBe(`stamp ${id} (gangnam-1) reinstated: active\n`);
    expect(await stations.tap(GANGNAM_VERIFIER, 3)).toBe("ACCEPTED");
    expect(await world.ok("stamps", "revoke", id)).toBe(`stamp ${id} (gangnam-1) revoked\n`);
    expect(await stations.tap(GANGNAM_VERIFIER, 4)).toBe("STAMP_REVOKED");
    const audit = await world.ok("audit", "--limit", "3");
    expect(audit).toMatch(/stamp\.revoke/);
    expect(audit).toMatch(/alert\.REVOKED_STAMP_USED/);
  });

  it("accepts a stamp's label wherever it takes its id: show, revoke, reinstate", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    const id = stations.stamp.id;
    expect(await world.ok("stamps", "show", "gangnam-1")).toMatch(new RegExp(`^stamp\\s+${id}\nlabel\\s+gangnam-1\n`));
    expect(await stations.tap(GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await stations.tap(GANGNAM_VERIFIER, 1)).toBe("COUNTER_FORK");
    expect(await world.ok("stamps", "reinstate", "gangnam-1", "--reason", "checked")).toBe(`stamp ${id} (gangnam-1) reinstated: active\n`);
    expect(await world.ok("stamps", "revoke", "gangnam-1")).toBe(`stamp ${id} (gangnam-1) revoked\n`);
    // Another merchant's owner cannot find it by label either: answered like a label nobody has.
    await world.as(world.operatorTokenFile, "merchants", "add", "tea-house", "Tea House");
    const teaOwner = join(dir, "tea.token");
    await world.as(world.operatorTokenFile, "tokens", "add", "--role", "owner", "--merchant", "tea-house", "--label", "tea", "--out", teaOwner);
    const foreign = await stamp(["--db", world.db, "--token-file", teaOwner, "stamps", "show", "gangnam-1"]);
    expect(foreign.err).toBe(`error: no stamp of your merchant has the id or label "gangnam-1" (an id is 16 lower-case hex digits; \`stamp stamps list\` shows ids and labels)\n`);
    expect(JSON.parse(await world.ok("stamps", "show", "gangnam-1", "--json"))).toMatchObject({ id: id, status: "revoked" });
    // A database from before labels were unique may hold two stamps in service with one label: the CLI asks for the id.
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(world.db);
    raw.exec("DROP INDEX stamps_live_label_by_merchant");
    raw.prepare("INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at) VALUES (?, ?, 'twin', 'bean-bros', 'active', 0, 1)").run("00000000000000a1", Buffer.alloc(32, 1));
    raw.prepare("INSERT INTO stamps (id, public_key, label, merchant_id, status, last_counter, registered_at) VALUES (?, ?, 'twin', 'bean-bros', 'active', 0, 1)").run("00000000000000a2", Buffer.alloc(32, 2));
    raw.close();
    const twins = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "stamps", "revoke", "twin"]);
    expect(twins.err).toBe('error: more than one stamp has the label "twin" (00000000000000a1, 00000000000000a2): give the id instead\n');
  });
});

describe("history and the ledger's evidence", () => {
  it("lists events and alerts newest first, in pages", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    expect(await world.ok("events")).toBe("no events\n");
    expect(await stations.tap(GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await stations.tap(GANGNAM_VERIFIER, 2)).toBe("ACCEPTED");
    expect(await stations.tap(HONGDAE_VERIFIER, 3)).toBe("OUTSIDE_SHOP");
    const events = await world.ok("events");
    expect(events.split("\n")[0]).toMatch(/^SEQ\s+ACCEPTED AT\s+STAMP\s+STAMP ID\s+COUNTER\s+SHOP\s+VERIFIER\s+PURPOSE\s+QTY$/);
    // The stamp's label, the shop's name and the verifier's label beside the stamp id; the time in UTC.
    expect(events.split("\n")[2]).toMatch(new RegExp(`^2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+gangnam-1\\s+${stations.stamp.id}\\s+2\\s+Bean Bros Gangnam\\s+front counter\\s+stamp\\s+1$`));
    expect(JSON.parse(await world.ok("events", "--json")).items[0]).toMatchObject({ stampId: stations.stamp.id, stampLabel: "gangnam-1", shopId: "gangnam", shopName: "Bean Bros Gangnam", verifierLabel: "front counter" });
    // --stamp takes the label as well as the id.
    expect(JSON.parse(await world.ok("events", "--stamp", "gangnam-1", "--json")).items.map((e: { sequence: number }) => e.sequence)).toEqual([2, 1]);
    const first = JSON.parse(await world.ok("events", "--limit", "1", "--json")) as { items: { sequence: number }[]; next: string };
    expect(first.items.map((e) => e.sequence)).toEqual([2]);
    expect(JSON.parse(await world.ok("events", "--before", first.next, "--json")).items.map((e: { sequence: number }) => e.sequence)).toEqual([1]);
    const alerts = await world.ok("alerts");
    expect(alerts).toMatch(new RegExp(`STAMP_OUTSIDE_SHOP\\s+gangnam-1\\s+${stations.stamp.id}\\s+Bean Bros Hongdae\\s+OUTSIDE_SHOP\\s+stolen stamp used at Bean Bros Hongdae`));
    // Every code in the table, once, in words.
    expect(alerts).toMatch(/\nwhat these mean:\n  STAMP_OUTSIDE_SHOP  this stamp was pressed at a counter where it does not belong: .*\n  OUTSIDE_SHOP        this stamp belongs to another shop and does not count here; .*\n$/);
    expect(JSON.parse(await world.ok("alerts", "--json")).items[0]).toMatchObject({ stampLabel: "gangnam-1", shopName: "Bean Bros Hongdae", sentence: expect.any(String), reasonSentence: expect.any(String) });
  });

  it("checks the evidence, and a kept checkpoint reveals deleted events and an altered tap", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    for (let counter = 1; counter <= 3; counter++) expect(await stations.tap(GANGNAM_VERIFIER, counter)).toBe("ACCEPTED");
    const operator = ["--host-key", join(dir, "host.key")];
    const kept = join(dir, "kept.jsonl");
    expect(await world.as(world.operatorTokenFile, ...operator, "ledger", "checkpoint", "--out", kept)).toMatch(/checkpoint ledger: 3 entries/);
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    expect(await world.as(world.operatorTokenFile, ...operator, "ledger", "check", "--checkpoints", kept)).toMatch(/^evidence intact: 3 ledger events .*, \d+ audit entries, [1-9]\d* checkpoints checked\n$/);
    // Someone with the database file deletes the last tap (and the database's own checkpoints).
    const truncated = join(dir, "truncated.db");
    copyFileSync(world.db, truncated);
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(truncated);
    raw.exec("DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE sequence = 3; DELETE FROM checkpoints");
    raw.close();
    const checked = await stamp(["--db", truncated, "--token-file", world.operatorTokenFile, ...operator, "ledger", "check", "--checkpoints", kept]);
    expect(checked.code).toBe(3);
    expect(checked.out).toMatch(/EVIDENCE BROKEN/);
    expect(checked.out).toMatch(/truncated: the ledger checkpoint of .* saw 3 events, the database has 2/);
    // Or alters an accepted tap's quantity and recomputes nothing: the stamp's signature no longer matches.
    const altered = join(dir, "altered.db");
    copyFileSync(world.db, altered);
    const raw2 = new Database(altered);
    raw2.exec("DROP TRIGGER ledger_no_update; UPDATE ledger SET quantity = 50 WHERE sequence = 2");
    raw2.close();
    const alteredCheck = await stamp(["--db", altered, "--token-file", world.operatorTokenFile, "ledger", "check", "--json"]);
    expect(alteredCheck.code).toBe(3);
    expect(JSON.stringify(JSON.parse(alteredCheck.out).problems)).toMatch(/event 2/);
  });

  it("lets only the operator check the ledger", async () => {
    const world = await initWorld(dir);
    const owner = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "ledger", "check"]);
    expect(owner.err).toBe("error: this credential may not check the ledger\n");
    const noKey = await stamp(["--db", world.db, "--token-file", world.operatorTokenFile, "ledger", "checkpoint", "--out", join(dir, "c.jsonl")]);
    expect(noKey.err).toMatch(/no checkpoint key: start it with --host-key/);
  });
});

describe("stations enrol their own key with a one-time code", () => {
  it("enrols a counter station (key file 0600, private key never sent) and refuses the code a second time", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const issued = JSON.parse(await world.ok("codes", "add", "--role", "counter-station", "--verifier", GANGNAM_VERIFIER, "--json")) as { code: string };
    expect(issued.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const key = join(dir, "station.key");
    const enrolled = await stamp(["--db", world.db, "station", "enrol", "--code", issued.code, "--key", key, "--role", "counter-station", "--label", "Gangnam front"], { env: {} });
    expect(enrolled.code, enrolled.err).toBe(0);
    expect(enrolled.out).toMatch(new RegExp(`^station enrolled: counter-station [0-9a-f]{16} for verifier ${GANGNAM_VERIFIER}`));
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(key, "utf8")) as { keyId: string; publicKey: string };
    const listed = JSON.parse(await world.ok("tokens", "list", "--json")) as { items: { id: string; kind: string; publicKey: string | null }[] };
    expect(listed.items).toContainEqual(expect.objectContaining({ id: file.keyId, kind: "station-key", publicKey: file.publicKey }));
    expect(readFileSync(world.db).includes(Buffer.from(JSON.parse(readFileSync(key, "utf8")).privateKey, "base64"))).toBe(false);
    const again = await stamp(["--db", world.db, "station", "enrol", "--code", issued.code, "--key", join(dir, "second.key"), "--role", "counter-station"], { env: {} });
    expect(again.err).toBe("error: the enrolment code was already used\n");
    // The station sees only its own verifier.
    const own = JSON.parse((await stamp(["--db", world.db, "--station-key", key, "verifiers", "list", "--json"], { env: {} })).out) as { items: { id: string }[] };
    expect(own.items.map((v) => v.id)).toEqual([GANGNAM_VERIFIER]);
    const shops = await stamp(["--db", world.db, "--station-key", key, "shops", "list"], { env: {} });
    expect(shops.err).toBe("error: this credential may not read shops\n");
  });
});

describe("bad arguments: a clear error, a non-zero exit, nothing written", () => {
  let template: string;
  let world: CliWorld;
  let db: string;
  beforeAll(async () => {
    template = tempDir();
    world = await initWorld(template);
    await addShops(world);
  });
  afterAll(() => {
    rmSync(template, { recursive: true, force: true });
  });

  it.each([
    // An owner may not create merchants at all: the host says so before it reads the malformed id.
    [["merchants", "add", "Bean Bros", "x"], /^error: this credential may not create merchants/],
    [["merchants", "add", "tea-house", "Tea House"], /^error: this credential may not create merchants/],
    [["merchants", "add", "bean"], /missing required argument 'name'/],
    [["shops", "add", "x", "--name", "X"], /required option '--merchant <id>' not specified/],
    [["shops", "add", "x", "--merchant", "nobody", "--name", "X"], /^error: merchant nobody does not exist/],
    [["shops", "add", "x", "--merchant", "bean-bros", "--name", "evil\u202Egnp.exe"], /^error: shop name contains an invisible formatting character \(U\+202E/],
    [["shops", "add", "x", "--merchant", "bean-bros", "--name", "a\u0085b"], /^error: shop name contains a control character/],
    [["shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "again"], /^error: shop gangnam is already registered/],
    [["verifiers", "add", "--shop", "gangnam", "--label", "x", "--id", "XYZ"], /^error: --id must be 16 lower-case hex digits/],
    [["verifiers", "add", "--shop", "nowhere", "--label", "x"], /^error: shop nowhere does not exist/],
    [["verifiers", "add", "--shop", "gangnam", "--label", "x", "--purpose", "gift"], /^error: --purpose must be one of stamp, redeem, clock-in, clock-out/],
    [["stamps", "revoke", "xyz"], /^error: no stamp of your merchant has the id or label "xyz" \(an id is 16 lower-case hex digits; `stamp stamps list` shows ids and labels\)/],
    [["stamps", "show", "x".repeat(300)], /^error: <id-or-label> /],
    [["stamps", "reinstate", "", "--reason", "x"], /^error: <id-or-label> must be a stamp id \(16 hex digits\) or a stamp's label, got ""/],
    [["events", "--stamp", " "], /^error: --stamp must be a stamp id/],
    [["stamps", "revoke", "0123456789abcdef"], /^error: stamp 0123456789abcdef is not registered/],
    [["stamps", "show", "0123456789abcdef"], /^error: stamp 0123456789abcdef is not registered/],
    [["stamps", "add"], /unknown command 'add'/],
    [["stamps", "list", "--jsn"], /unknown option '--jsn'/],
    [["events", "--limit", "0"], /^error: --limit must be a whole number from 1 to 1000/],
    [["events", "--stamp", "nope"], /^error: no stamp of your merchant has the id or label "nope"/],
    [["events", "--before", "x"], /^error: --before must be a sequence number/],
    [["tokens", "add", "--role", "king", "--label", "x"], /--role must be one of operator, owner, manager, auditor/],
    [["tokens", "revoke", "0123456789abcdef"], /^error: credential 0123456789abcdef does not exist/],
    [["codes", "add", "--role", "counter-station"], /^error: a counter station's code names its verifier/],
    [["serve", "--port", "70000"], /option '--port <port>' argument '70000' is invalid. must be a whole number from 0 to 65535/],
    [["serve", "--host", "0.0.0.0"], /^error: .*--tls-cert.*--insecure-http/],
    [["serve", "--nfc"], /^error: --nfc and --ble need the station's key: --station-key <file>/],
    [["serve", "--no-http"], /^error: --no-http leaves nothing to run: add --nfc or --ble/],
    [["stampz"], /unknown command 'stampz'/],
  ])("stamp %j", async (args, message) => {
    const copy = join(dir, "copy");
    mkdirSync(copy, { recursive: true });
    db = join(copy, "stamp.db");
    copyFileSync(world.db, db);
    const before = snapshotDatabase(db);
    const result = await stamp(["--db", db, "--token-file", world.ownerTokenFile, ...args]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at /);
    expect(result.out).toBe("");
    expect(snapshotDatabase(db)).toBe(before);
  });

  it("says so when the token file cannot be read", async () => {
    writeFileSync(join(dir, "empty.token"), "");
    expect((await stamp(["--db", world.db, "--token-file", join(dir, "empty.token"), "shops", "list"])).err).toMatch(/the token file .*empty\.token is empty/);
    expect((await stamp(["--db", world.db, "--token-file", join(dir, "none.token"), "shops", "list"])).err).toMatch(/cannot read the token file/);
  });
});

describe("serve (in-process)", () => {
  it("serves the API on the given port, authenticated, and stops cleanly when asked", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const server = await serveInProcess(["--db", world.db, "serve", "--port", "0"]);
    const url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(url + "/v1/shops")).status).toBe(401);
    const shops = await fetch(url + "/v1/shops", { headers: { authorization: "Bearer " + readFileSync(world.ownerTokenFile, "utf8").trim() } });
    expect(shops.status).toBe(200);
    expect(((await shops.json()) as { items: unknown[] }).items.length).toBe(2);
    expect(await statusWithHost(url + "/healthz", "attacker.example")).toBe(421);
    // The remote CLI reaches it with --url.
    const remote = await stamp(["--url", url, "--token-file", world.ownerTokenFile, "shops", "list", "--json"]);
    expect(JSON.parse(remote.out).items).toHaveLength(2);
    const result = await server.stop();
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/stop: shutting down\nstopped; database closed\n$/);
  }, 30_000);
});

describe("the stamps' state against the chains", () => {
  it("reports a quarantined stamp put back in service, or a counter wound back, directly in the database", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    expect(await stations.tap(GANGNAM_VERIFIER, 5)).toBe("ACCEPTED");
    expect(await stations.tap(GANGNAM_VERIFIER, 5)).toBe("COUNTER_FORK");
    const check = () => stamp(["--db", world.db, "--token-file", world.operatorTokenFile, "ledger", "check"]);
    expect((await check()).code).toBe(0);
    const { default: Database } = await import("better-sqlite3");
    const raw = new Database(world.db);
    raw.prepare("UPDATE stamps SET status = 'active', last_counter = 1").run();
    raw.close();
    const broken = await check();
    expect(broken.code).toBe(3);
    expect(broken.out).toContain(`stamp ${stations.stamp.id} is active in the database but quarantined by the audit chain`);
    expect(broken.out).toContain(`stamp ${stations.stamp.id} has counter 1 in the database but 5 by the chains`);
  }, 30_000);
});

describe("a flashing station registers a stamp without a console by hand", () => {
  it("asks for a challenge, takes the stamp's proof, registers it; the same proof is refused a second time", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const code = JSON.parse(await world.ok("codes", "add", "--role", "flashing-station", "--json")) as { code: string };
    const key = join(dir, "flasher.key");
    expect((await stamp(["--db", world.db, "station", "enrol", "--code", code.code, "--key", key, "--role", "flashing-station"])).code).toBe(0);
    const asFlasher = (...args: string[]) => stamp(["--db", world.db, "--station-key", key, ...args]);
    const challenge = (await asFlasher("stamps", "challenge")).out.trim();
    expect(challenge).toMatch(/^[0-9a-f]{64}$/);
    const { TestStamp } = await import("../support/test-world");
    const device = new TestStamp();
    const proofFile = join(dir, "proof.json");
    writeFileSync(proofFile, JSON.stringify({ publicKey: Buffer.from(device.publicKey).toString("hex"), proof: device.prove(challenge) }));
    const registered = await asFlasher("stamps", "register", "--proof", proofFile, "--label", "virtual 1", "--merchant", "bean-bros", "--shop", "gangnam");
    expect(registered.out).toBe(`stamp ${device.id} registered: virtual 1 (shops gangnam)\n`);
    const again = await asFlasher("stamps", "register", "--proof", proofFile, "--label", "virtual 1", "--merchant", "bean-bros", "--shop", "gangnam");
    expect(again.err).toMatch(/^error: (the proof's challenge was already used|stamp .* is already registered)/);
    writeFileSync(proofFile, "{}");
    expect((await asFlasher("stamps", "register", "--proof", proofFile, "--label", "x", "--merchant", "bean-bros", "--shop", "gangnam")).err).toMatch(/must be \{ publicKey, proof/);
    const byOwner = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "stamps", "challenge"]);
    expect(byOwner.err).toBe("error: this credential may not ask for provisioning challenges\n");
  }, 30_000);
});

describe("stamp flash arguments", () => {
  it("refuses a batch on one port without a terminal to prompt on, at once and with exit 2", async () => {
    // vitest's standard input is not a terminal, as `… </dev/null` or a script's is not.
    const result = await stamp(["flash", "--batch", "2", "--port", "tcp://127.0.0.1:9", "--merchant", "m", "--shop", "s", "--label", "tray"]);
    expect(result.code).toBe(2);
    expect(result.err).toBe("error: --batch 2 with one --port asks for Enter between stamps, and standard input is not a terminal: give one --port per stamp\n");
  });
});
