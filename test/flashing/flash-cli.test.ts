/** `stamp flash` on the command line, where it fails before any device is touched; the message format; the label. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../host/cli/run";
import { addMerchant } from "../../host/core/registry";
import { espruinoVersionProblem } from "../../host/flashing/espruino-version";
import { labelPayload, writeLabel } from "../../host/flashing/label";
import { SqliteStore } from "../../host/store/sqlite-store";
import { PROVISION_DOMAIN_TAG, provisioningMessage } from "../../shared/provisioning-message";
import { TAP_DOMAIN_TAG } from "../../shared/protocol-constants";

const work = mkdtempSync(join(tmpdir(), "stamp-flash-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function flash(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, undefined, { io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err };
}

const base = ["flash", "--port", "tcp://127.0.0.1:9", "--merchant", "bean-bros", "--shop", "gangnam", "--label", "s1", "--labels", join(work, "labels")];

describe("stamp flash (command line)", () => {
  it("says the host is unreachable when there is no database, before touching a device", async () => {
    const result = await flash(["--db", join(work, "missing", "stamp.db"), ...base]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/error: host unreachable: there is no database at/);
  });

  it("refuses an unknown shop before touching a device, and registers nothing", async () => {
    const db = join(work, "stamp.db");
    const store = new SqliteStore(db);
    expect((await addMerchant(store, { id: "bean-bros", name: "Bean Brothers" })).ok).toBe(true);
    await store.close();
    const result = await flash(["--db", db, ...base]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/error: shop gangnam does not exist at the host/);
    const after = new SqliteStore(db);
    expect(await after.listStamps()).toEqual([]);
    await after.close();
  });

  it("checks its arguments: ports per stamp, batch size", async () => {
    expect((await flash(["--db", join(work, "x.db"), ...base, "--batch", "2", "--port", "a", "b", "c"])).err).toMatch(/one per stamp \(2\)/);
    expect((await flash(["--db", join(work, "x.db"), ...base, "--batch", "two"])).err).toMatch(/--batch must be a whole number/);
  });

  it("refuses a firmware image whose files do not match the manifest", async () => {
    const result = await flash(["--db", join(work, "x.db"), ...base, "--firmware", join(work, "nowhere")]);
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
