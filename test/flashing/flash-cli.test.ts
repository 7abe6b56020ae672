/**
 * `stamp flash` on the command line, where it fails before any device is touched; the message
 * format; the label. The host is set up as the docs say, all on the command line: `stamp init`,
 * the operator adds the merchant and approves the firmware, the owner adds the shop and issues a
 * flashing-station code, `stamp station enrol` makes and enrols the station's key.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStationKeyFile, setStationKeyId } from "../../host/auth/station-key";
import { runCli } from "../../host/cli/run";
import { espruinoVersionProblem } from "../../host/flashing/espruino-version";
import { DEFAULT_FIRMWARE_DIR, loadFirmwareImage } from "../../host/flashing/firmware-image";
import { labelPayload, writeLabel } from "../../host/flashing/label";
import { buildServer } from "../../host/http/server";
import { SqliteStore } from "../../host/store/sqlite-store";
import { PROVISION_DOMAIN_TAG, provisioningMessage } from "../../shared/provisioning-message";
import { TAP_DOMAIN_TAG } from "../../shared/protocol-constants";

const work = mkdtempSync(join(tmpdir(), "stamp-flash-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, undefined, { io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

async function ok(args: string[]): Promise<string> {
  const result = await cli(args);
  expect({ args: args, code: result.code, err: result.err }).toEqual({ args: args, code: 0, err: "" });
  return result.out;
}

/** Nothing listens on port 9: a flash that got as far as the device would fail with NO_DEVICE. */
const flashArgs = ["flash", "--port", "tcp://127.0.0.1:9", "--merchant", "bean-bros", "--shop", "gangnam", "--label", "s1", "--labels", join(work, "labels")];

interface Host {
  db: string;
  operator: string;
  owner: string;
  stationKey: string;
}

/** A host made on the command line as docs/flashing.md says; `approve` and `shop` leave those steps out. */
async function makeHost(name: string, steps: { approve: boolean; shop: boolean }): Promise<Host> {
  const dir = join(work, name);
  const db = join(dir, "stamp.db");
  const operator = join(dir, "operator.token");
  const owner = join(dir, "owner.token");
  const stationKey = join(dir, "flasher.key");
  mkdirSync(dir, { recursive: true });
  await ok(["--db", db, "init", "--token-out", operator, "--host-key-out", join(dir, "host.key")]);
  await ok(["--db", db, "--token-file", operator, "merchants", "add", "bean-bros", "Bean Brothers"]);
  await ok(["--db", db, "--token-file", operator, "merchants", "add", "tea-house", "Tea House"]);
  if (steps.approve) await ok(["--db", db, "--token-file", operator, "firmware", "approve", loadFirmwareImage(DEFAULT_FIRMWARE_DIR).firmwareHash, "--label", "stamp firmware under test"]);
  await ok(["--db", db, "--token-file", operator, "tokens", "add", "--role", "owner", "--merchant", "bean-bros", "--label", "owner", "--out", owner]);
  if (steps.shop) await ok(["--db", db, "--token-file", owner, "shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "Gangnam"]);
  const code = JSON.parse(await ok(["--db", db, "--token-file", owner, "codes", "add", "--role", "flashing-station", "--json"])) as { code: string };
  await ok(["--db", db, "station", "enrol", "--code", code.code, "--key", stationKey, "--role", "flashing-station", "--label", "flashing station"]);
  return { db, operator, owner, stationKey };
}

async function stampsIn(db: string): Promise<number> {
  const store = new SqliteStore(db);
  try {
    return (await store.listStamps("bean-bros", { limit: 1000 })).length + (await store.listStamps("tea-house", { limit: 1000 })).length;
  } finally {
    await store.close();
  }
}

describe("stamp flash (command line)", () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost("host", { approve: true, shop: false });
  });

  it("needs the flashing station's enrolled key, and says how to get one, before anything else", async () => {
    const missing = await cli(["--db", host.db, ...flashArgs]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/error: stamp flash needs the flashing station's own key: --station-key <file>.*stamp codes add --role flashing-station.*stamp station enrol/);
    const fresh = join(work, "not-enrolled.key");
    expect((await createStationKeyFile(fresh, { role: "flashing-station", url: "local" })).ok).toBe(true);
    const notEnrolled = await cli(["--db", host.db, "--station-key", fresh, ...flashArgs]);
    expect(notEnrolled.code).toBe(1);
    expect(notEnrolled.err).toMatch(/is not enrolled yet: it has no credential id from the host/);
    const counter = join(work, "counter.key");
    expect((await createStationKeyFile(counter, { role: "counter-station", url: "local" })).ok).toBe(true);
    expect((await setStationKeyId(counter, "0123456789abcdef")).ok).toBe(true);
    expect((await cli(["--db", host.db, "--station-key", counter, ...flashArgs])).err).toMatch(/the station key is a counter-station's, not a flashing station's/);
  });

  it("a key this host never enrolled is refused before any device is touched (NOT_ENROLLED)", async () => {
    const stranger = join(work, "stranger.key");
    expect((await createStationKeyFile(stranger, { role: "flashing-station", url: "local" })).ok).toBe(true);
    expect((await setStationKeyId(stranger, "0123456789abcdef")).ok).toBe(true);
    const result = await cli(["--db", host.db, "--station-key", stranger, ...flashArgs, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual([{ code: "NOT_ENROLLED", error: expect.stringMatching(/the host refuses this station's key/) }]);
  });

  it("says the host is unreachable when there is no database, before touching a device", async () => {
    const result = await cli(["--db", join(work, "missing", "stamp.db"), "--station-key", host.stationKey, ...flashArgs]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/error: host unreachable: there is no database at/);
  });

  it("refuses an unknown shop, and another merchant's, before touching a device, and registers nothing", async () => {
    const result = await cli(["--db", host.db, "--station-key", host.stationKey, ...flashArgs]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/error: shop gangnam does not exist at the host/);
    const foreign = await cli(["--db", host.db, "--station-key", host.stationKey, ...flashArgs, "--merchant", "tea-house", "--json"]);
    expect(JSON.parse(foreign.out)).toEqual([{ code: "REGISTRY_REFUSED", error: expect.stringMatching(/merchant tea-house does not exist at the host, or is not the merchant this flashing station is enrolled for/) }]);
    expect(await stampsIn(host.db)).toBe(0);
  });

  it("refuses firmware the operator has not approved, before touching a device (WRONG_FIRMWARE)", async () => {
    const unapproved = await makeHost("unapproved", { approve: false, shop: true });
    const result = await cli(["--db", unapproved.db, "--station-key", unapproved.stationKey, ...flashArgs, "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual([{ code: "WRONG_FIRMWARE", error: expect.stringMatching(/^firmware [0-9a-f]{64} is not approved at the host: the operator approves it with `stamp firmware approve/) }]);
    // With the firmware approved, the same command gets as far as the device (nothing at port 9).
    await ok(["--db", unapproved.db, "--token-file", unapproved.operator, "firmware", "approve", loadFirmwareImage(DEFAULT_FIRMWARE_DIR).firmwareHash, "--label", "now approved"]);
    const next = await cli(["--db", unapproved.db, "--station-key", unapproved.stationKey, ...flashArgs, "--json"]);
    expect(JSON.parse(next.out)).toEqual([{ code: "NO_DEVICE", error: expect.any(String) }]);
    expect(await stampsIn(unapproved.db)).toBe(0);
  }, 30_000);

  it("works against a remote host (--url): the same checks through the network API with the station's signed requests", async () => {
    const remote = await makeHost("remote", { approve: true, shop: true });
    const store = new SqliteStore(remote.db);
    const app = buildServer(store);
    await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const foreign = await cli(["--url", url, "--station-key", remote.stationKey, ...flashArgs, "--shop", "nowhere", "--json"]);
      expect(JSON.parse(foreign.out)).toEqual([{ code: "REGISTRY_REFUSED", error: expect.stringMatching(/shop nowhere does not exist at the host/) }]);
      const reached = await cli(["--url", url, "--station-key", remote.stationKey, ...flashArgs, "--json"]);
      expect(JSON.parse(reached.out)).toEqual([{ code: "NO_DEVICE", error: expect.any(String) }]);
    } finally {
      await app.close();
      await store.close();
    }
    const down = await cli(["--url", "http://127.0.0.1:9", "--station-key", remote.stationKey, ...flashArgs, "--json"]);
    expect(JSON.parse(down.out)).toEqual([{ code: "HOST_UNREACHABLE", error: expect.stringMatching(/^host unreachable while reading the station's merchant: cannot reach/) }]);
  }, 30_000);

  // On a machine with an adapter, noble would scan for the port: nothing to refuse there.
  const hasAdapter = existsSync("/sys/class/bluetooth") && readdirSync("/sys/class/bluetooth").length > 0;
  it.skipIf(hasAdapter)("--ble on a machine without Bluetooth says there is no adapter, not that the stamp is out of range", async () => {
    const ble = await makeHost("ble", { approve: true, shop: true });
    const overBle = flashArgs.map((arg) => (arg === "tcp://127.0.0.1:9" ? "c0:ff:ee:00:00:01" : arg));
    const result = await cli(["--db", ble.db, "--station-key", ble.stationKey, ...overBle, "--ble", "--json"]);
    expect(result.code, result.err).toBe(2);
    expect(JSON.parse(result.out)).toEqual([
      { code: "NO_DEVICE", error: expect.stringMatching(/^no Bluetooth adapter: .*; c0:ff:ee:00:00:01 is a Bluetooth LE port: flash over a serial device or tcp:\/\/host:port instead$/) },
    ]);
    expect(result.out).not.toMatch(/in range/);
    expect(await stampsIn(ble.db)).toBe(0);
  }, 30_000);

  it("checks its arguments: ports per stamp, batch size", async () => {
    const key = ["--db", host.db, "--station-key", host.stationKey];
    expect((await cli([...key, ...flashArgs, "--batch", "2", "--port", "a", "b", "c"])).err).toMatch(/one per stamp \(2\)/);
    expect((await cli([...key, ...flashArgs, "--batch", "two"])).err).toMatch(/--batch must be a whole number/);
  });

  it("refuses a firmware image whose files do not match the manifest", async () => {
    const result = await cli(["--db", host.db, "--station-key", host.stationKey, ...flashArgs, "--firmware", join(work, "nowhere")]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no firmware image/);
  });
});

describe("Espruino version the station accepts", () => {
  it("takes 2v28 and later in the 2v series, cutting-edge builds included, and says why it refuses the rest", () => {
    for (const version of ["2v28", "2v29", "2v29.12", "2v99"]) expect(espruinoVersionProblem(version)).toBeUndefined();
    expect(espruinoVersionProblem("2v27")).toMatch(/too old: the firmware needs 2v28 or later/);
    expect(espruinoVersionProblem("1v99")).toMatch(/too old/);
    expect(espruinoVersionProblem("3v00")).toMatch(/newer than any version this firmware was tested on/);
    for (const version of ["", "2v", "v29", "2v29x", "2V29"]) expect(espruinoVersionProblem(version)).toMatch(/unreadable version/);
  });
});

describe("provisioning message and label", () => {
  it("signs its own domain, never the tap domain: tag | challenge | public key | firmware hash", () => {
    const message = provisioningMessage(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3));
    expect(PROVISION_DOMAIN_TAG).not.toBe(TAP_DOMAIN_TAG);
    expect(message?.length).toBe(PROVISION_DOMAIN_TAG.length + 96);
    expect(Buffer.from(message ?? []).subarray(0, PROVISION_DOMAIN_TAG.length).toString()).toBe("stamp-provision/v1");
    expect(provisioningMessage(new Uint8Array(31), new Uint8Array(32), new Uint8Array(32))).toBeUndefined();
  });

  it("writes an SVG label with the QR code, stamp id and shop", async () => {
    const path = await writeLabel(join(work, "labels"), { stampId: "0123456789abcdef", label: "counter <1>", merchantId: "bean-bros", shopIds: ["gangnam"] });
    const svg = readFileSync(path, "utf8");
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain("stamp 0123456789abcdef");
    expect(svg).toContain("counter &lt;1&gt;");
    expect(svg).toContain("bean-bros · gangnam");
    expect(svg.match(/<path/g)?.length).toBeGreaterThan(0);
    expect(labelPayload({ stampId: "0123456789abcdef", label: "", merchantId: "bean-bros", shopIds: ["gangnam"] })).toBe("smart-stamp:v1:0123456789abcdef:bean-bros:gangnam");
  });
});
