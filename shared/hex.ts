import { err, ok, Result } from "./result";

const HEX_DIGITS = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i] >> 4] + HEX_DIGITS[bytes[i] & 15];
  return out;
}

function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/** Total hex decoder: odd length or a non-hex character is an error, never an exception. */
export function fromHex(text: string): Result<Uint8Array, string> {
  if (text.length % 2 !== 0) return err("hex string has an odd number of digits");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = hexDigitValue(text.charCodeAt(2 * i));
    const low = hexDigitValue(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return err("hex string has a non-hex character near position " + 2 * i);
    out[i] = (high << 4) | low;
  }
  return ok(out);
}
