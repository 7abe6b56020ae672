import { asciiBytes, concatBytes, writeUint32 } from "./bytes";
import { Challenge, encodeChallenge } from "./challenge";
import { TAP_DOMAIN_TAG } from "./protocol-constants";

const DOMAIN_TAG_BYTES = asciiBytes(TAP_DOMAIN_TAG);

/**
 * The exact bytes a stamp signs for a tap (57 bytes):
 * domain tag "stamp-tap/v1" | the whole 32-byte challenge encoding | stamp id | counter | flags.
 * Everything the verifier relies on is inside: which verifier asked, when, for what and how
 * much, which stamp answered, with which counter, and whether a person pressed it.
 */
export function tapSignedMessage(challenge: Challenge, stampId: Uint8Array, counter: number, flags: number): Uint8Array {
  const tail = new Uint8Array(5);
  writeUint32(tail, 0, counter);
  tail[4] = flags;
  return concatBytes([DOMAIN_TAG_BYTES, encodeChallenge(challenge), stampId, tail]);
}
