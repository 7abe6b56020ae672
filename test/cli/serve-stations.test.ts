/**
 * `stamp serve --nfc / --ble`: the argument checks, and a clear refusal where the radio is
 * missing. The stations themselves are tested end to end in test/nfc (real pcscd) and test/ble
 * (bleno over the emulated controller).
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runStamp, tempDir } from "./cli-harness";

let dir: string;
let db: string;
beforeEach(() => {
  dir = tempDir();
  db = join(dir, "stamp.db");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function registeredVerifier(): Promise<string> {
  await runStamp(["--db", db, "merchants", "add", "m", "M"]);
  await runStamp(["--db", db, "shops", "add", "s", "--merchant", "m", "--name", "S"]);
  const added = await runStamp(["--db", db, "verifiers", "add", "--shop", "s", "--label", "counter", "--json"]);
  return (JSON.parse(added.out) as { id: string }).id;
}

describe("stamp serve with a counter station", () => {
  it("needs --verifier, a valid one, and something to run", async () => {
    expect((await runStamp(["--db", db, "serve", "--nfc"])).err).toBe("error: --nfc and --ble need --verifier <id> (see `stamp verifiers list`)\n");
    expect((await runStamp(["--db", db, "serve", "--ble", "--verifier", "xyz"])).err).toMatch(/--verifier.*16 lower-case hex digits/);
    expect((await runStamp(["--db", db, "serve", "--no-http"])).err).toBe("error: --no-http leaves nothing to run: add --nfc or --ble\n");
    expect((await runStamp(["--db", db, "serve", "--nfc", "--verifier", "00112233445566ff", "--mode", "raw"])).err).toMatch(/--mode.*"direct".*"pages"/);
  });

  it("refuses a verifier that is not registered", async () => {
    const result = await runStamp(["--db", db, "serve", "--nfc", "--verifier", "00112233445566ff", "--no-http"]);
    expect(result.code).toBe(1);
    expect(result.err).toBe("error: verifier 00112233445566ff is not registered (see `stamp verifiers list`)\n");
  });

  // On a machine with an adapter the station would start and serve: nothing to refuse there.
  const hasAdapter = existsSync("/sys/class/bluetooth") && readdirSync("/sys/class/bluetooth").length > 0;
  it.skipIf(hasAdapter)("says clearly when there is no Bluetooth adapter, and exits", async () => {
    const verifier = await registeredVerifier();
    const result = await runStamp(["--db", db, "serve", "--ble", "--verifier", verifier, "--no-http"]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: cannot start the counter station: no Bluetooth adapter: /);
  }, 30_000);
});
