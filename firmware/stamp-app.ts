import { bytesEqual, copyBytes } from "../shared/bytes";
import { decodeChallenge } from "../shared/challenge";
import { FLAG_USER_PRESENT, VERIFIER_ID_LENGTH } from "../shared/protocol-constants";
import { tapSignedMessage } from "../shared/signed-message";
import { encodeStampReply, StampStatus } from "../shared/stamp-reply";
import { encodeTapResponse } from "../shared/tap-response";
import { Counter, initializeCounter, loadCounter, takeCounterValue } from "./counter-store";
import { Device } from "./device";
import { PhoneUrl, withdrawPhoneUrl } from "./phone-url";
import { consumePresence, Presence } from "./presence";
import { loadOrCreateKey, StampKey } from "./stamp-key";
import { ALLOWED_VERIFIERS_FILE, SEED_FILE } from "./storage-files";

export interface Stamp {
  device: Device;
  key: StampKey | undefined;
  counter: Counter | undefined;
  presence: Presence;
  /** Verifier ids this stamp answers; empty means any. */
  allowedVerifiers: Uint8Array[];
  /** Why the stamp cannot sign, when it cannot. */
  fault: string | undefined;
  /** The phone URL in the tag, when the stamp has a base URL (firmware/phone-url.ts). */
  phoneUrl: PhoneUrl | undefined;
}

export interface BootReport {
  keyCreated: boolean;
  publicKey: Uint8Array | undefined;
  fault: string | undefined;
}

function readAllowedVerifiers(device: Device): Uint8Array[] {
  const bytes = device.readFile(ALLOWED_VERIFIERS_FILE);
  const ids: Uint8Array[] = [];
  if (bytes === undefined) return ids;
  for (let offset = 0; offset + VERIFIER_ID_LENGTH <= bytes.length; offset += VERIFIER_ID_LENGTH) {
    ids.push(copyBytes(bytes, offset, VERIFIER_ID_LENGTH));
  }
  return ids;
}

/**
 * First boot creates the key; every boot loads key, counter and the allowed verifiers. The
 * button is wired by the runtime (stamp-runtime.ts): one watch records presence and starts the
 * press's work.
 */
export function bootStamp(device: Device): { stamp: Stamp; report: BootReport } {
  const stamp: Stamp = {
    device: device,
    key: undefined,
    counter: undefined,
    presence: { pressedAt: -Infinity }, // no press yet
    allowedVerifiers: readAllowedVerifiers(device),
    fault: undefined,
    phoneUrl: undefined,
  };
  let keyCreated = false;
  const keyLoad = device.readFile(SEED_FILE) === undefined && !initializeCounter(device) ? { error: "could not initialise the counter" } : loadOrCreateKey(device);
  if ("error" in keyLoad) {
    stamp.fault = keyLoad.error;
  } else {
    keyCreated = keyLoad.created;
    const counterLoad = loadCounter(device);
    if ("error" in counterLoad) stamp.fault = counterLoad.error;
    else {
      stamp.key = keyLoad.key;
      stamp.counter = counterLoad.counter;
    }
  }
  return {
    stamp: stamp,
    report: { keyCreated: keyCreated, publicKey: stamp.key ? stamp.key.publicKey : undefined, fault: stamp.fault },
  };
}

function verifierAllowed(stamp: Stamp, verifierId: Uint8Array): boolean {
  if (stamp.allowedVerifiers.length === 0) return true;
  for (let i = 0; i < stamp.allowedVerifiers.length; i++) {
    if (bytesEqual(stamp.allowedVerifiers[i], verifierId)) return true;
  }
  return false;
}

function refusal(status: Exclude<StampStatus, 0>): Uint8Array {
  return encodeStampReply({ status: status });
}

/**
 * The single entry point every transport (NFC mailbox, BLE write, test rig) uses: takes the
 * challenge bytes a verifier sent and returns the encoded stamp reply. Synchronous: transports
 * call it between radio frames, never inside one.
 */
export function answerChallenge(stamp: Stamp, challengeBytes: Uint8Array): Uint8Array {
  const key = stamp.key;
  const counter = stamp.counter;
  if (key === undefined || counter === undefined) return refusal(StampStatus.NOT_PROVISIONED);
  const decoded = decodeChallenge(challengeBytes);
  if (!decoded.ok) return refusal(StampStatus.MALFORMED_CHALLENGE);
  const challenge = decoded.value;
  if (!verifierAllowed(stamp, challenge.verifierId)) return refusal(StampStatus.VERIFIER_NOT_ALLOWED);
  // Commit first, sign second: takeCounterValue has written the new ceiling to flash before it
  // returns, so no signature can ever leave the stamp with a value a later boot could hand out again.
  const taken = takeCounterValue(stamp.device, counter);
  if ("error" in taken) return refusal(taken.error === "exhausted" ? StampStatus.COUNTER_EXHAUSTED : StampStatus.COUNTER_UNAVAILABLE);
  // The press that made a phone URL was used here: that URL's counter is now below this one and
  // could only be refused as a regression, so it leaves the tag at once.
  withdrawPhoneUrl(stamp);
  const flags = consumePresence(stamp.presence, stamp.device.now()) ? FLAG_USER_PRESENT : 0;
  const message = tapSignedMessage(challenge, key.stampId, taken.value, flags);
  // From here on a failure is SIGNER_FAILED and the committed value is spent, never reused.
  let signature: Uint8Array | undefined;
  try {
    signature = stamp.device.signer.sign(key.seed, key.publicKey, message);
  } catch (e) {
    return refusal(StampStatus.SIGNER_FAILED);
  }
  if (signature === undefined || signature.length !== 64) return refusal(StampStatus.SIGNER_FAILED);
  return encodeStampReply({
    status: StampStatus.OK,
    response: encodeTapResponse({
      stampId: key.stampId,
      nonce: challenge.nonce,
      counter: taken.value,
      flags: flags,
      signature: signature,
    }),
  });
}
