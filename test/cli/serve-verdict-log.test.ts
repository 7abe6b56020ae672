/**
 * `stamp serve` as a host logs one timestamped line per tap it judges over HTTP, naming the
 * counter station; under systemd these lines are the journal (docs/deploy.md).
 */
import { readFileSync, rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../shared/hex";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { authenticateToken } from "../../host/core/access/credentials";
import { SqliteStore } from "../../host/store/sqlite-store";
import { EnrolledStation, enrolTestStation, must, registerTestStamp, TestStamp } from "../support/test-world";
import { serveInProcess, tempDir } from "./cli-harness";
import { addShops, GANGNAM_VERIFIER, initWorld } from "./cli-world";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("stamp serve's verdict log", () => {
  it("prints one line per tap judged over HTTP: time, station, verdict, stamp, counter, reason in words", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const store = new SqliteStore(world.db);
    const stampKey = new TestStamp();
    let station: EnrolledStation;
    try {
      const owner = must(await authenticateToken(store, readFileSync(world.ownerTokenFile, "utf8").trim(), Date.now()));
      station = await enrolTestStation(store, owner, "counter-station", { verifierId: GANGNAM_VERIFIER }, Date.now());
      const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: "bean-bros" }, Date.now());
      await registerTestStamp(store, flasher.principal, stampKey, { label: "gangnam-1", merchantId: "bean-bros", shopIds: ["gangnam"] }, Date.now());
    } finally {
      await store.close();
    }

    const server = await serveInProcess(["--db", world.db, "serve", "--port", "0"]);
    const client = new ApiClient(httpTransport(server.url), { kind: "station", keyId: station.keyId, privateKey: station.key.privateKey });
    const issued = await client.request("POST", "/v1/challenges");
    const challenge = must(fromHex((issued.body as { challenge: string }).challenge));
    const response = { response: toHex(stampKey.answer(challenge)) };
    expect(((await client.request("POST", "/v1/taps", response)).body as { reason: string }).reason).toBe("ACCEPTED");
    expect(((await client.request("POST", "/v1/taps", response)).body as { reason: string }).reason).toBe("CHALLENGE_REUSED");
    await client.close();
    const result = await server.stop();

    expect(result.code, result.err).toBe(0);
    const verdicts = result.out.split("\n").filter((line) => line.includes(" HTTP station "));
    const time = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ`;
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatch(new RegExp(`^${time} HTTP station ${station.keyId}: ACCEPTED gangnam-1 counter 1: \\S`));
    expect(verdicts[1]).toMatch(new RegExp(`^${time} HTTP station ${station.keyId}: REJECTED CHALLENGE_REUSED.*: \\S`));
  }, 30_000);
});
