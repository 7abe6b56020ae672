import { decodeChallenge } from "../../../shared/challenge";
import { toHex } from "../../../shared/hex";
import { Decoder, IN_PROCESS_HANG_MS } from "../../../rig/fuzz/fuzz-decoder";
import { notAResult } from "../../../rig/fuzz/answer-shapes";
import { anyBytes, mutatedBytes } from "../../../rig/fuzz/mutations";
import { validChallenge } from "../../../rig/fuzz/valid-encodings";

/**
 * The malformed-input campaign's twin, in test code: a challenge decoder that is not total. It
 * trusts a length byte from the input (as hand-written parsers do) and reads past the end for
 * a challenge whose purpose byte is out of range, throwing a TypeError; otherwise it is the
 * real decoder. The campaign must report it as accepted.
 */
export function readsPastTheEnd(bytes: Uint8Array): unknown {
  if (bytes.length > 29 && bytes[29] > 4) {
    const claimed = bytes[bytes.length - 1] + bytes.length;
    const past: Uint8Array | undefined = [bytes][claimed];
    return { ok: true, value: past!.length };
  }
  return decodeChallenge(bytes);
}

export const partialChallengeDecoder: Decoder<Uint8Array> = {
  name: "challenge, weakened: reads past the end on an unknown purpose",
  generated: anyBytes,
  mutated: mutatedBytes(validChallenge),
  decode: readsPastTheEnd,
  wrongAnswer: notAResult,
  show: toHex,
  hangMs: IN_PROCESS_HANG_MS,
};
