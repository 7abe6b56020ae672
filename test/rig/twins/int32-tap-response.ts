/**
 * The malformed-input campaign's host twin: the real tap-response module's exports, with
 * decodeTapResponse replaced by one that is not total. It reads the counter as a signed 32-bit
 * integer and asserts that it is positive (a classic port from C), so a counter of 2^31 or more
 * throws instead of decoding. Loaded only through int32-tap-response-hooks.mjs, for the tap
 * verifier alone, in the twin's own process: the exception becomes a 5xx, which the campaign
 * must report.
 */
export * from "../../../shared/tap-response";
import { decodeTapResponse as realDecode } from "../../../shared/tap-response";

export function decodeTapResponse(bytes: Uint8Array): ReturnType<typeof realDecode> {
  const decoded = realDecode(bytes);
  if (decoded.ok && (decoded.value.counter | 0) < 0) throw new RangeError(`counter ${decoded.value.counter | 0} is negative`);
  return decoded;
}
