import { err, ok, Result } from "./result";

/**
 * base64url without padding (RFC 4648 §5), by plain loops: this file runs on Espruino too.
 * The decoder is total and canonical: it refuses any character outside the alphabet, a length
 * of 1 mod 4, and non-zero bits in the last character's unused tail, so that one byte string
 * has exactly one text (an edited URL can never decode to the same token).
 */
/**
 * One function, the alphabet by arithmetic (A-Z, a-z, 0-9, "-", "_"): on the Puck.js a
 * 64-character table and each helper function would stay in RAM for the stamp's life.
 */
export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let count = 0;
  for (let i = 0; i < bytes.length || count > 0; ) {
    if (count < 6) {
      if (i < bytes.length) {
        bits = ((bits << 8) | bytes[i++]) & 0xffff;
        count += 8;
      } else {
        // The last character: the remaining bits, then zeros (no padding characters).
        bits = (bits << (6 - count)) & 0xffff;
        count = 6;
      }
    }
    count -= 6;
    const value = (bits >> count) & 63;
    out += String.fromCharCode(value < 26 ? 65 + value : value < 52 ? 71 + value : value < 62 ? value - 4 : value === 62 ? 45 : 95);
  }
  return out;
}

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  if (code === 45) return 62; // -
  if (code === 95) return 63; // _
  return -1;
}

export function fromBase64Url(text: string): Result<Uint8Array, string> {
  if (text.length % 4 === 1) return err("base64url text of " + text.length + " characters cannot be whole bytes");
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const value = sextet(text.charCodeAt(i));
    if (value < 0) return err("base64url text has a character outside the alphabet at position " + i);
    bits = ((bits << 6) | value) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 0xff;
    }
  }
  if ((bits & ((1 << count) - 1)) !== 0) return err("base64url text is not canonical: its last character has bits set past the data");
  return ok(out);
}
