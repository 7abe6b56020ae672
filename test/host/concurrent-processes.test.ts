import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { toHex } from "../../shared/hex";
import { createTestWorld } from "../support/test-world";

const run = promisify(execFile);
const worker = join(__dirname, "..", "support", "submit-tap-process.ts");

async function race(dbPath: string, stationKeyId: string, perProcess: string[][]): Promise<string[]> {
  const startAt = String(Date.now() + 3000);
  const outputs = await Promise.all(perProcess.map((responses) => run(process.execPath, ["--import", "tsx", worker, dbPath, stationKeyId, startAt, ...responses])));
  return outputs.flatMap((output) => JSON.parse(output.stdout) as string[]);
}

describe("single use and strictly rising counters across host processes", () => {
  it("accepts the same response once when four processes submit it at the same moment", async () => {
    const w = await createTestWorld();
    const response = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation)));
    const reasons = await race(w.dbPath, w.gangnamStation.keyId, [[response], [response], [response], [response]]);
    expect(reasons.filter((r) => r === "ACCEPTED")).toHaveLength(1);
    expect(reasons.filter((r) => r === "CHALLENGE_REUSED")).toHaveLength(3);
    expect(await w.store.listEvents({ merchantId: "bean-bros", limit: 10 })).toHaveLength(1);
  }, 60_000);

  it("lets exactly one of two equal counters win (two devices with one key), proves the fork and quarantines the stamp", async () => {
    const w = await createTestWorld();
    const a = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 7 }));
    const b = toHex(w.stamp.answer(await w.challengeFor(w.gangnamStation), { counter: 7 }));
    const reasons = await race(w.dbPath, w.gangnamStation.keyId, [[a], [b]]);
    expect(reasons.sort()).toEqual(["ACCEPTED", "COUNTER_FORK"]);
    expect((await w.store.getStamp(w.stamp.id))?.status).toBe("quarantined");
    expect((await w.store.chainHeads()).ledger.count).toBe(1);
  }, 60_000);
});
