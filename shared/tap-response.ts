import { copyBytes, readUint32, writeUint32 } from "./bytes";
import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import {
  KNOWN_FLAGS,
  NONCE_LENGTH,
  PROTOCOL_VERSION,
  SIGNATURE_LENGTH,
  STAMP_ID_LENGTH,
  TAP_RESPONSE_LENGTH,
} from "./protocol-constants";
import { err, ok, Result } from "./result";

/** A stamp's answer to a challenge. Encoded as 94 bytes; see docs/protocol.md. */
export interface TapResponse {
  stampId: Uint8Array; // 8 bytes: the first 8 bytes of the stamp's public key
  nonce: Uint8Array; // 16 bytes: names the challenge that was signed
  counter: number; // uint32, at least 1
  flags: number; // FLAG_* bits
  signature: Uint8Array; // 64 bytes, Ed25519 over the signed message
}

const OFFSET_STAMP_ID = 1;
const OFFSET_NONCE = OFFSET_STAMP_ID + STAMP_ID_LENGTH;
const OFFSET_COUNTER = OFFSET_NONCE + NONCE_LENGTH;
const OFFSET_FLAGS = OFFSET_COUNTER + 4;
const OFFSET_SIGNATURE = OFFSET_FLAGS + 1;

export function encodeTapResponse(response: TapResponse): Uint8Array {
  const out = new Uint8Array(TAP_RESPONSE_LENGTH);
  out[0] = PROTOCOL_VERSION;
  out.set(response.stampId, OFFSET_STAMP_ID);
  out.set(response.nonce, OFFSET_NONCE);
  writeUint32(out, OFFSET_COUNTER, response.counter);
  out[OFFSET_FLAGS] = response.flags;
  out.set(response.signature, OFFSET_SIGNATURE);
  return out;
}

export function decodeTapResponse(bytes: Uint8Array): Result<TapResponse, DecodeError> {
  if (bytes.length !== TAP_RESPONSE_LENGTH) {
    return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "tap response must be " + TAP_RESPONSE_LENGTH + " bytes, got " + bytes.length));
  }
  if (bytes[0] !== PROTOCOL_VERSION) {
    return err(decodeError(DecodeErrorCode.UNSUPPORTED_VERSION, "tap response version " + bytes[0] + " is not supported"));
  }
  const counter = readUint32(bytes, OFFSET_COUNTER);
  if (counter === 0) return err(decodeError(DecodeErrorCode.ZERO_COUNTER, "tap response counter must be at least 1"));
  const flags = bytes[OFFSET_FLAGS];
  // Unknown flag bits are refused rather than ignored: a later meaning must not be silently dropped.
  if ((flags & ~KNOWN_FLAGS) !== 0) return err(decodeError(DecodeErrorCode.UNKNOWN_FLAGS, "tap response has unknown flag bits " + flags));
  return ok({
    stampId: copyBytes(bytes, OFFSET_STAMP_ID, STAMP_ID_LENGTH),
    nonce: copyBytes(bytes, OFFSET_NONCE, NONCE_LENGTH),
    counter: counter,
    flags: flags,
    signature: copyBytes(bytes, OFFSET_SIGNATURE, SIGNATURE_LENGTH),
  });
}
