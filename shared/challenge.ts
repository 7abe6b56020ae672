import { copyBytes, readUint16, readUint32, writeUint16, writeUint32 } from "./bytes";
import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import { CHALLENGE_LENGTH, isPurpose, NONCE_LENGTH, Purpose, PROTOCOL_VERSION, VERIFIER_ID_LENGTH } from "./protocol-constants";
import { err, ok, Result } from "./result";

/** What a verifier asks a stamp to sign. Encoded as 32 bytes; see docs/protocol.md. */
export interface Challenge {
  verifierId: Uint8Array; // 8 bytes
  issuedAt: number; // unix seconds, uint32
  nonce: Uint8Array; // 16 bytes from a CSPRNG
  purpose: Purpose;
  quantity: number; // uint16, at least 1
}

const OFFSET_VERIFIER_ID = 1;
const OFFSET_ISSUED_AT = OFFSET_VERIFIER_ID + VERIFIER_ID_LENGTH;
const OFFSET_NONCE = OFFSET_ISSUED_AT + 4;
const OFFSET_PURPOSE = OFFSET_NONCE + NONCE_LENGTH;
const OFFSET_QUANTITY = OFFSET_PURPOSE + 1;

export function encodeChallenge(challenge: Challenge): Uint8Array {
  const out = new Uint8Array(CHALLENGE_LENGTH);
  out[0] = PROTOCOL_VERSION;
  out.set(challenge.verifierId, OFFSET_VERIFIER_ID);
  writeUint32(out, OFFSET_ISSUED_AT, challenge.issuedAt);
  out.set(challenge.nonce, OFFSET_NONCE);
  out[OFFSET_PURPOSE] = challenge.purpose;
  writeUint16(out, OFFSET_QUANTITY, challenge.quantity);
  return out;
}

export function decodeChallenge(bytes: Uint8Array): Result<Challenge, DecodeError> {
  if (bytes.length !== CHALLENGE_LENGTH) {
    return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "challenge must be " + CHALLENGE_LENGTH + " bytes, got " + bytes.length));
  }
  if (bytes[0] !== PROTOCOL_VERSION) {
    return err(decodeError(DecodeErrorCode.UNSUPPORTED_VERSION, "challenge version " + bytes[0] + " is not supported"));
  }
  const purpose = bytes[OFFSET_PURPOSE];
  if (!isPurpose(purpose)) return err(decodeError(DecodeErrorCode.UNKNOWN_PURPOSE, "challenge purpose " + purpose + " is unknown"));
  const quantity = readUint16(bytes, OFFSET_QUANTITY);
  if (quantity === 0) return err(decodeError(DecodeErrorCode.ZERO_QUANTITY, "challenge quantity must be at least 1"));
  return ok({
    verifierId: copyBytes(bytes, OFFSET_VERIFIER_ID, VERIFIER_ID_LENGTH),
    issuedAt: readUint32(bytes, OFFSET_ISSUED_AT),
    nonce: copyBytes(bytes, OFFSET_NONCE, NONCE_LENGTH),
    purpose: purpose,
    quantity: quantity,
  });
}
