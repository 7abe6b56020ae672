/** Phone URLs signed the way the firmware signs them (docs/protocol.md §15), by a test stamp's key. */
import { toBase64Url } from "../../shared/base64url";
import { encodePhoneToken } from "../../shared/phone-url";
import { PhoneTokenOptions, signPhoneToken } from "../support/phone-token";
import { TestStamp } from "../support/test-world";

/** The host's public base URL in these tests. */
export const BASE_URL = "https://stamp.example";

/** The token text of a press: the stamp's next counter (or a chosen one), with the presence flag unless told otherwise. */
export function phoneTokenText(stamp: TestStamp, options: PhoneTokenOptions & { counter?: number; baseUrl?: string } = {}): string {
  const counter = options.counter ?? ++stamp.counter;
  return toBase64Url(encodePhoneToken(signPhoneToken(stamp.privateKey, stamp.publicKey.subarray(0, 8), options.baseUrl ?? BASE_URL, counter, options)));
}

/** The same text with one character of the signature changed: an edited URL, still canonical base64url. */
export function editedTokenText(text: string): string {
  const at = 60;
  return text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
}
