import { afterEach, describe, expect, it } from "vitest";
import { VERIFIER_SERVICE_UUID } from "../../shared/ble-gatt";
import { splitIntoChunks } from "../../shared/ble-gatt";
import { StampStatus } from "../../shared/stamp-reply";
import { AttError } from "../../host/ble/att-errors";
import { AttCentral, AttErrorResponse } from "../../sim/ble-hci/att-central";
import { parseAdvertisingLikeEspruino } from "../../sim/ble-hci/simulated-espruino-nrf";
import { revokeCredential } from "../../host/core/access/credentials";
import { createTestWorld, must } from "../support/test-world";
import { connectRaw, readWholeChallenge, startStation, StationUnderTest, until } from "./ble-world";

const ALL_EVENTS = { merchantId: "bean-bros", limit: 100 };
const stations: StationUnderTest[] = [];
async function station(...args: Parameters<typeof startStation>): Promise<StationUnderTest> {
  const s = await startStation(...args);
  stations.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stations.splice(0)) await s.stop();
});

async function attError(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AttErrorResponse) return error.code;
    throw error;
  }
  throw new Error("expected an ATT error");
}

/** The stamp reply (status OK + tap response) of the world's software stamp. */
function reply(answer: Uint8Array): Uint8Array {
  return new Uint8Array([StampStatus.OK, ...answer]);
}

describe("the verifier's GATT server (bleno over the emulated controller)", () => {
  it("advertises the verifier id as 128-bit service data, at 40 ms, with the service UUID in the scan response", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const adv = parseAdvertisingLikeEspruino(s.controller.advertisingData);
    expect(Buffer.from(adv.serviceData[VERIFIER_SERVICE_UUID]).toString("hex")).toBe(w.gangnam.id);
    expect(s.controller.advertisingData.length).toBe(29);
    expect(parseAdvertisingLikeEspruino(s.controller.scanResponseData).services).toEqual([VERIFIER_SERVICE_UUID]);
    expect(s.controller.advertisingIntervalUnits).toBe(64); // 40 ms / 0.625 ms
  });

  it("malformed ATT traffic gets ATT errors and records nothing; a good tap still works afterwards", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const c = await connectRaw(s.controller, 53);
    const chunk = (index: number, last = false) => new Uint8Array([index | (last ? 0x80 : 0), 1, 2, 3]);
    expect(await attError(c.central.write(c.response, chunk(0)))).toBe(AttError.CHALLENGE_NOT_READ);
    expect(await attError(c.central.read(c.verdict))).toBe(AttError.VERDICT_NOT_READY);
    const first = await c.central.read(c.challenge);
    expect(first).toHaveLength(33); // MTU 53: the whole challenge in one chunk, flagged last
    expect(first[0]).toBe(0x80);
    expect(await c.central.read(c.challenge)).toEqual(first); // one challenge per connection
    expect(await attError(c.central.write(c.response, new Uint8Array(0)))).toBe(AttError.INVALID_ATTRIBUTE_VALUE_LENGTH);
    expect(await attError(c.central.write(c.response, chunk(1)))).toBe(AttError.CHUNK_OUT_OF_ORDER);
    await c.central.write(c.response, new Uint8Array(50).fill(0)); // chunk 0: 49 bytes
    expect(await attError(c.central.write(c.response, new Uint8Array([0x00, 1])))).toBe(AttError.CHUNK_OUT_OF_ORDER); // repeated index
    expect(await attError(c.central.write(c.response, new Uint8Array(50).fill(1)))).toBe(AttError.INVALID_ATTRIBUTE_VALUE_LENGTH); // 98 > 95 bytes
    expect(await attError(c.central.write(c.challenge, chunk(0)))).toBe(AttError.WRITE_NOT_PERMITTED);
    expect(await attError(c.central.read(c.response))).toBe(AttError.READ_NOT_PERMITTED);
    expect(await attError(c.central.read(0x00ff))).toBe(AttError.INVALID_HANDLE);
    expect(await attError(c.central.request(new Uint8Array([0x0e, 12, 0, 16, 0])))).toBe(AttError.REQUEST_NOT_SUPPORTED); // Read Multiple
    expect(await attError(c.central.request(new Uint8Array([0x0c, c.challenge, 0, 40, 0])))).toBe(AttError.INVALID_OFFSET); // Read Blob past the end
    // A complete but garbage reply is judged MALFORMED_RESPONSE: nothing recorded; then no more writes.
    await c.central.write(c.response, new Uint8Array([0x81, 7, 7]));
    expect(await c.central.read(c.verdict)).toEqual(new Uint8Array([1]));
    expect(await attError(c.central.write(c.response, chunk(2, true)))).toBe(AttError.ALREADY_ANSWERED);
    c.central.disconnect();
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(0);
    expect(s.verdicts.map((v) => v.reason)).toEqual(["MALFORMED_RESPONSE"]);

    // The station keeps serving: a proper tap on a new connection.
    await until(() => s.controller.advertising);
    const good = await connectRaw(s.controller, 53);
    const fresh = await readWholeChallenge(good.central, good.challenge);
    for (const part of splitIntoChunks(reply(w.stamp.answer(fresh)), 50)) await good.central.write(good.response, part);
    expect(await good.central.read(good.verdict)).toEqual(new Uint8Array([0]));
    good.central.disconnect();
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(1);
    expect(s.controller.violations).toEqual([]);
  });

  it("a replayed reply (captured on the air, written on a new connection) is rejected", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const first = await connectRaw(s.controller, 53);
    const captured = splitIntoChunks(reply(w.stamp.answer(await readWholeChallenge(first.central, first.challenge))), 50);
    for (const part of captured) await first.central.write(first.response, part);
    expect(await first.central.read(first.verdict)).toEqual(new Uint8Array([0]));
    first.central.disconnect();
    await until(() => s.controller.advertising);
    const replay = await connectRaw(s.controller, 53);
    await readWholeChallenge(replay.central, replay.challenge);
    for (const part of captured) await replay.central.write(replay.response, part);
    const [code] = await replay.central.read(replay.verdict);
    expect(code).not.toBe(0);
    expect(s.verdicts.map((v) => v.reason)).toEqual(["ACCEPTED", "CHALLENGE_REUSED"]);
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(1);
  });

  it("a link lost mid-reply records nothing, and the station advertises and serves again", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const c = await connectRaw(s.controller, 23);
    const challenge = await readWholeChallenge(c.central, c.challenge);
    const chunks = splitIntoChunks(reply(w.stamp.answer(challenge)), 20);
    await c.central.write(c.response, chunks[0]);
    await c.central.write(c.response, chunks[1]);
    expect(s.controller.advertising).toBe(false);
    s.controller.loseLink(0x0040); // supervision timeout: the stamp left the counter
    await until(() => s.controller.advertising);
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(0);
    expect(s.verdicts).toEqual([]);
    const again = await connectRaw(s.controller, 23);
    const fresh = await readWholeChallenge(again.central, again.challenge);
    for (const part of splitIntoChunks(reply(w.stamp.answer(fresh)), 20)) await again.central.write(again.response, part);
    expect(await again.central.read(again.verdict)).toEqual(new Uint8Array([0]));
    again.central.disconnect();
  });

  it("the verdict is also notified to a subscribed client", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation);
    const c = await connectRaw(s.controller, 53);
    const descriptors = await c.central.findInformation(c.verdict + 1, c.verdict + 1);
    expect(descriptors).toEqual([{ handle: c.verdict + 1, uuid: "2902" }]);
    await c.central.write(c.verdict + 1, new Uint8Array([1, 0]));
    const notified: Uint8Array[] = [];
    c.central.onNotification((handle, value) => handle === c.verdict && notified.push(value));
    const challenge = await readWholeChallenge(c.central, c.challenge);
    for (const part of splitIntoChunks(reply(w.stamp.answer(challenge)), 50)) await c.central.write(c.response, part);
    await until(() => notified.length === 1);
    expect(notified[0]).toEqual(new Uint8Array([0]));
    c.central.disconnect();
  });

  it("drops an idle connection after the idle timeout", async () => {
    const w = await createTestWorld();
    const s = await station(w, w.gangnamStation, { idleTimeoutMs: 150 });
    const central = await AttCentral.connect(s.controller);
    await central.exchangeMtu(53);
    // The link state flips at once; the central hears the reason on the next tick.
    await until(() => central.disconnectReason !== undefined, 2000);
    expect(central.connected).toBe(false);
    expect(central.disconnectReason).toBe(0x13);
    await until(() => s.controller.advertising);
  });

  it.each([
    ["no-kernel-support", /no Bluetooth adapter: this kernel has no Bluetooth support \(EAFNOSUPPORT/],
    ["no-device", /no Bluetooth adapter: no HCI device found \(ENODEV/],
    ["down", /no Bluetooth adapter: the adapter is powered off or down/],
  ] as const)("fails clearly when the adapter is %s", async (adapter, message) => {
    const w = await createTestWorld();
    await expect(startStation(w, w.gangnamStation, { startTimeoutMs: 3000 }, { adapter })).rejects.toThrow(message);
  });

  it("fails clearly on a controller older than Bluetooth 4.0", async () => {
    const w = await createTestWorld();
    await expect(startStation(w, w.gangnamStation, {}, { hciVersion: 5 })).rejects.toThrow(/no Bluetooth adapter: .*does not support Bluetooth Low Energy/);
  });

  it("a station whose key was revoked gets no challenge: the read fails with CHALLENGE_UNAVAILABLE and nothing is recorded", async () => {
    const w = await createTestWorld();
    must(await revokeCredential(w.store, w.owner, w.gangnamStation.keyId, Date.now()));
    const s = await station(w, w.gangnamStation);
    const c = await connectRaw(s.controller, 53);
    expect(await attError(c.central.read(c.challenge))).toBe(AttError.CHALLENGE_UNAVAILABLE);
    c.central.disconnect();
    expect(await w.store.listEvents(ALL_EVENTS)).toHaveLength(0);
    expect(s.verdicts).toEqual([]);
  });
});
