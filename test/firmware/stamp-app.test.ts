import { verify, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeChallenge, Challenge } from "../../shared/challenge";
import { FLAG_USER_PRESENT, Purpose } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { decodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { decodeTapResponse, TapResponse } from "../../shared/tap-response";
import { COUNTER_SLOT_FILES, ALLOWED_VERIFIERS_FILE, PUBLIC_KEY_FILE, SEED_FILE } from "../../firmware/storage-files";
import { answerChallenge, bootStamp } from "../../firmware/stamp-app";
import { recordPress } from "../../firmware/presence";
import { simulatedStampSigner } from "../../sim/stamp-signer";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedDevice, SimulatedFlash } from "../../sim/simulated-device";

const challenge: Challenge = {
  verifierId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
  issuedAt: 1_790_000_000,
  nonce: new Uint8Array(16).fill(0xab),
  purpose: Purpose.STAMP,
  quantity: 1,
};

function boot(flash: SimulatedFlash = new Map()) {
  const device = new SimulatedDevice(simulatedStampSigner(), new SimulatedAir(), flash);
  return { device, ...bootStamp(device) };
}

function tap(stamp: ReturnType<typeof boot>["stamp"], c: Challenge = challenge): TapResponse {
  const reply = decodeStampReply(answerChallenge(stamp, encodeChallenge(c)));
  if (!reply.ok || reply.value.status !== StampStatus.OK) throw new Error("expected an OK reply, got " + JSON.stringify(reply));
  const response = decodeTapResponse(reply.value.response);
  if (!response.ok) throw new Error("undecodable response");
  return response.value;
}

function statusOf(bytes: Uint8Array): number {
  const reply = decodeStampReply(bytes);
  if (!reply.ok) throw new Error("undecodable reply");
  return reply.value.status;
}

describe("stamp firmware on the simulated device", () => {
  it("creates its key on first boot and reuses it on the next", () => {
    const first = boot();
    expect(first.report.keyCreated).toBe(true);
    expect(first.report.fault).toBeUndefined();
    expect([...first.device.flash.keys()].sort()).toEqual([COUNTER_SLOT_FILES[0], PUBLIC_KEY_FILE, SEED_FILE].sort());
    const second = boot(first.device.flash);
    expect(second.report.keyCreated).toBe(false);
    expect(second.report.publicKey).toEqual(first.report.publicKey);
  });

  it("signs exactly the host's message, and the signature verifies with the stamp's public key", () => {
    const { stamp, report } = boot();
    const response = tap(stamp);
    const publicKey = report.publicKey!;
    expect(response.stampId).toEqual(publicKey.subarray(0, 8));
    expect(response.nonce).toEqual(challenge.nonce);
    expect(response.counter).toBe(1);
    const message = tapSignedMessage(challenge, response.stampId, response.counter, response.flags);
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), publicKey]), format: "der", type: "spki" });
    expect(verify(null, message, key, response.signature)).toBe(true);
  });

  it("commits every counter value before signing and continues above it after a reboot", () => {
    const { stamp, device } = boot();
    expect([tap(stamp).counter, tap(stamp).counter, tap(stamp).counter]).toEqual([1, 2, 3]);
    const rebooted = boot(device.flash);
    expect(tap(rebooted.stamp).counter).toBe(4);
    expect(COUNTER_SLOT_FILES.every((name) => device.flash.has(name))).toBe(true);
  });

  it("releases no signature when the counter cannot be committed, and never reuses a value after the power cut", () => {
    const { stamp, device } = boot();
    tap(stamp);
    tap(stamp);
    device.failNextWrite = true; // power cut while writing the slot for value 3
    expect(statusOf(answerChallenge(stamp, encodeChallenge(challenge)))).toBe(StampStatus.COUNTER_UNAVAILABLE);
    const rebooted = boot(device.flash);
    expect(rebooted.report.fault).toBeUndefined();
    expect(tap(rebooted.stamp).counter).toBe(3); // 3 was never signed: the torn slot lost it, the other slot kept 2
  });

  it("fails closed when both counter slots are lost but the key exists", () => {
    const { stamp, device } = boot();
    tap(stamp);
    for (const name of COUNTER_SLOT_FILES) device.flash.set(name, new Uint8Array([1, 2, 3]));
    const rebooted = boot(device.flash);
    expect(rebooted.report.fault).toBe("counter storage is unreadable");
    expect(statusOf(answerChallenge(rebooted.stamp, encodeChallenge(challenge)))).toBe(StampStatus.NOT_PROVISIONED);
  });

  it("refuses malformed challenges without spending a counter value", () => {
    const { stamp } = boot();
    const bad = encodeChallenge(challenge);
    bad[0] = 9;
    expect(statusOf(answerChallenge(stamp, bad))).toBe(StampStatus.MALFORMED_CHALLENGE);
    expect(statusOf(answerChallenge(stamp, new Uint8Array(5)))).toBe(StampStatus.MALFORMED_CHALLENGE);
    expect(tap(stamp).counter).toBe(1);
  });

  it("answers only the verifiers it was provisioned for, when it has such a list", () => {
    const flash: SimulatedFlash = new Map([[ALLOWED_VERIFIERS_FILE, new Uint8Array(8).fill(7)]]);
    const { stamp } = boot(flash);
    expect(statusOf(answerChallenge(stamp, encodeChallenge(challenge)))).toBe(StampStatus.VERIFIER_NOT_ALLOWED);
    expect(tap(stamp, { ...challenge, verifierId: new Uint8Array(8).fill(7) }).counter).toBe(1);
  });

  it("sets the user-presence flag only within the window after a press, once per press", () => {
    const { stamp, device } = boot();
    expect(tap(stamp).flags).toBe(0);
    recordPress(stamp.presence, device.now());
    expect(tap(stamp).flags).toBe(FLAG_USER_PRESENT);
    expect(tap(stamp).flags).toBe(0);
    recordPress(stamp.presence, device.now() - 60_000);
    expect(tap(stamp).flags).toBe(0);
  });

  it("reports a signer failure instead of releasing anything", () => {
    const device = new SimulatedDevice(
      { publicKey: simulatedStampSigner().publicKey, sign: () => { throw new Error("no native code"); } },
      new SimulatedAir(),
    );
    const { stamp } = bootStamp(device);
    expect(statusOf(answerChallenge(stamp, encodeChallenge(challenge)))).toBe(StampStatus.SIGNER_FAILED);
  });

  it("answers SIGNER_FAILED when the signer declines (too little memory), its counter value spent and never reused", () => {
    const signer = simulatedStampSigner();
    let decline = true;
    const device = new SimulatedDevice(
      { publicKey: signer.publicKey, sign: (seed, publicKey, message) => (decline ? undefined : signer.sign(seed, publicKey, message)) },
      new SimulatedAir(),
    );
    const { stamp } = bootStamp(device);
    expect(statusOf(answerChallenge(stamp, encodeChallenge(challenge)))).toBe(StampStatus.SIGNER_FAILED);
    // Committed before signing: value 1 is in flash and spent.
    expect(stamp.counter?.last).toBe(1);
    expect(boot(device.flash).stamp.counter?.last).toBe(1);
    decline = false;
    expect(tap(stamp).counter).toBe(2);
  });
});
