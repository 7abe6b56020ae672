import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import { err, ok, Result } from "./result";

/**
 * One NDEF URI record in an NFC Forum Type 2 Tag's data area: what Android's and iOS's
 * background tag reading open as a link, without an app (docs/protocol.md §15).
 *
 * Record (NFC Forum NDEF 1.0, short record, RTD URI 1.0):
 *   D1        MB=1 ME=1 CF=0 SR=1 IL=0 TNF=1 (well-known)
 *   01        type length
 *   nn        payload length (1 byte: short record)
 *   55        type "U"
 *   pp        URI identifier code: 04 "https://", 03 "http://", 00 none
 *   ...       the rest of the URI, ASCII
 * TLV in the data area (from page 4): 03 (NDEF message), length (one byte < FF), the
 * record, then FE (terminator).
 */
export const NDEF_MESSAGE_TLV = 0x03;
export const TERMINATOR_TLV = 0xfe;
const NULL_TLV = 0x00;
const URI_RECORD_HEADER = 0xd1;
const URI_TYPE = 0x55;
/** URI identifier codes 1-4 of the URI RTD: the prefixes a record may abbreviate. */
const PREFIX_CODES = 5;
const HTTPS_CODE = 4;
const HTTP_CODE = 3;

/** The prefix a URI identifier code stands for (a function, not a table: nothing stays in the
 * stamp's RAM). */
function uriPrefix(code: number): string {
  if (code === 1) return "http://www.";
  if (code === 2) return "https://www.";
  if (code === HTTP_CODE) return "http://";
  if (code === HTTPS_CODE) return "https://";
  return "";
}

/**
 * Writes the NDEF message TLV for one URI record, with its terminator, at the start of target,
 * allocating nothing (the stamp writes it straight into its tag memory). "https://" and
 * "http://" are abbreviated (codes 4 and 3); any other URI is written whole (code 0). Returns the
 * bytes written, or 0 when it does not fit there or in a short record (payload ≤ 255 bytes),
 * leaving target untouched. One function on purpose: on the Puck.js each function the firmware
 * keeps costs about 5 of its 2,630 variables.
 */
export function writeNdefUriTlv(target: Uint8Array, uri: string): number {
  const code = uri.indexOf("https://") === 0 ? HTTPS_CODE : uri.indexOf("http://") === 0 ? HTTP_CODE : 0;
  const skip = code === HTTPS_CODE ? 8 : code === HTTP_CODE ? 7 : 0;
  const payloadLength = uri.length - skip + 1;
  // TLV type and length, record header, type length, payload length, "U", payload, terminator.
  const length = 2 + 4 + payloadLength + 1;
  if (payloadLength > 255 || length > target.length) return 0;
  target[0] = NDEF_MESSAGE_TLV;
  target[1] = length - 3; // the record: TLV type, TLV length and terminator excluded
  target[2] = URI_RECORD_HEADER;
  target[3] = 1;
  target[4] = payloadLength;
  target[5] = URI_TYPE;
  target[6] = code;
  for (let i = skip; i < uri.length; i++) target[7 + i - skip] = uri.charCodeAt(i) & 0x7f;
  target[length - 1] = TERMINATOR_TLV;
  return length;
}

/** The same as a new byte string (host side and tests). Throws for a URI too long for a short record. */
export function ndefUriTlv(uri: string): Uint8Array {
  const out = new Uint8Array(uri.length + 8);
  const length = writeNdefUriTlv(out, uri);
  if (length === 0) throw new Error("a URI of " + uri.length + " characters does not fit one short NDEF record");
  return out.slice(0, length);
}

function notNdef(detail: string): { ok: false; error: DecodeError } {
  return err(decodeError(DecodeErrorCode.NOT_NDEF, detail));
}

/** Total: the URI of an NDEF message made of one well-known URI record. */
export function decodeNdefUriRecord(message: Uint8Array): Result<string, DecodeError> {
  if (message.length < 5) return notNdef("an NDEF URI record needs at least 5 bytes, got " + message.length);
  const header = message[0];
  // MB and ME set (one record), CF clear, TNF 1 (well-known); SR decides the length field's size.
  if ((header & 0xc0) !== 0xc0 || (header & 0x20) !== 0 || (header & 0x07) !== 1) return notNdef("not a single well-known NDEF record (header " + header + ")");
  const shortRecord = (header & 0x10) !== 0;
  const hasId = (header & 0x08) !== 0;
  const typeLength = message[1];
  let offset = 2;
  let payloadLength: number;
  if (shortRecord) payloadLength = message[offset++];
  else {
    if (message.length < offset + 4) return notNdef("the record's length field is cut off");
    payloadLength = ((message[offset] << 24) | (message[offset + 1] << 16) | (message[offset + 2] << 8) | message[offset + 3]) >>> 0;
    offset += 4;
  }
  const idLength = hasId ? message[offset++] : 0;
  if (typeLength !== 1 || message[offset] !== URI_TYPE) return notNdef("the record is not of type U (URI)");
  offset += 1 + idLength;
  if (payloadLength < 1 || offset + payloadLength !== message.length) return notNdef("the record's payload length does not match the message");
  const code = message[offset];
  if (code >= PREFIX_CODES) return notNdef("URI identifier code " + code + " is not one this stamp uses");
  let uri = uriPrefix(code);
  for (let i = offset + 1; i < message.length; i++) {
    const c = message[i];
    if (c <= 0x20 || c >= 0x7f) return notNdef("the URI has a byte outside printable ASCII");
    uri += String.fromCharCode(c);
  }
  return ok(uri);
}

/**
 * Total: the NDEF message in a Type 2 Tag's data area (bytes from page 4 on), read as a phone
 * does: NULL TLVs skipped, lock and memory control TLVs and proprietary TLVs stepped over, the
 * first NDEF message TLV taken; a terminator or the end of the data area first means no message.
 */
export function findNdefMessage(dataArea: Uint8Array): Result<Uint8Array, DecodeError> {
  let offset = 0;
  while (offset < dataArea.length) {
    const type = dataArea[offset++];
    if (type === NULL_TLV) continue;
    if (type === TERMINATOR_TLV) return notNdef("the tag holds no NDEF message");
    if (offset >= dataArea.length) break;
    let length = dataArea[offset++];
    if (length === 0xff) {
      if (offset + 2 > dataArea.length) break;
      length = (dataArea[offset] << 8) | dataArea[offset + 1];
      offset += 2;
    }
    if (offset + length > dataArea.length) return notNdef("a TLV runs past the end of the data area");
    if (type === NDEF_MESSAGE_TLV) return ok(dataArea.slice(offset, offset + length));
    offset += length;
  }
  return notNdef("the data area ends inside a TLV");
}
