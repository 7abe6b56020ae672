import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import { TAP_RESPONSE_LENGTH } from "./protocol-constants";
import { err, ok, Result } from "./result";

/**
 * What a stamp puts on the wire (NFC mailbox, BLE write) after a request: one status byte,
 * followed by the 94-byte tap response when the status is OK and by nothing otherwise.
 */
export const StampStatus = {
  OK: 0,
  BUSY: 1,
  MALFORMED_CHALLENGE: 2,
  VERIFIER_NOT_ALLOWED: 3,
  NOT_PROVISIONED: 4,
  COUNTER_UNAVAILABLE: 5,
  COUNTER_EXHAUSTED: 6,
  SIGNER_FAILED: 7,
} as const;
export type StampStatus = (typeof StampStatus)[keyof typeof StampStatus];

export const STAMP_STATUS_NAMES: readonly string[] = [
  "OK",
  "BUSY",
  "MALFORMED_CHALLENGE",
  "VERIFIER_NOT_ALLOWED",
  "NOT_PROVISIONED",
  "COUNTER_UNAVAILABLE",
  "COUNTER_EXHAUSTED",
  "SIGNER_FAILED",
];

export type StampReply = { status: typeof StampStatus.OK; response: Uint8Array } | { status: Exclude<StampStatus, 0> };

export function encodeStampReply(reply: StampReply): Uint8Array {
  if (reply.status !== StampStatus.OK) return new Uint8Array([reply.status]);
  const out = new Uint8Array(1 + reply.response.length);
  out[0] = StampStatus.OK;
  out.set(reply.response, 1);
  return out;
}

export function decodeStampReply(bytes: Uint8Array): Result<StampReply, DecodeError> {
  if (bytes.length === 0) return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "stamp reply is empty"));
  const status = bytes[0];
  if (status >= STAMP_STATUS_NAMES.length) return err(decodeError(DecodeErrorCode.UNKNOWN_STATUS, "stamp status " + status + " is unknown"));
  if (status === StampStatus.OK) {
    if (bytes.length !== 1 + TAP_RESPONSE_LENGTH) {
      return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "an OK stamp reply must be " + (1 + TAP_RESPONSE_LENGTH) + " bytes, got " + bytes.length));
    }
    return ok({ status: StampStatus.OK, response: bytes.subarray(1) });
  }
  if (bytes.length !== 1) return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "a refusal from the stamp must be 1 byte, got " + bytes.length));
  return ok({ status: status as Exclude<StampStatus, 0> });
}
