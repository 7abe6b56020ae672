/**
 * A strict subset of RFC 8941 Structured Field Values, enough for Signature-Input, Signature
 * and Content-Digest: dictionaries whose members are items or inner lists with parameters, and
 * bare items that are integers, strings, tokens, byte sequences or booleans. Decimals are
 * refused (nothing here uses them).
 *
 * Total: parseDictionary returns a Result for any string. Stricter than RFC 8941 on purpose:
 * a repeated dictionary key or parameter is refused rather than "the last one wins", so two
 * readers cannot disagree on which value counted, and byte sequences must be canonical base64,
 * so one value has one spelling.
 */
import { err, ok, Result } from "../../shared/result";

export type BareItem =
  | { type: "integer"; value: number }
  | { type: "string"; value: string }
  | { type: "token"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "boolean"; value: boolean };

export type Parameters = ReadonlyArray<readonly [string, BareItem]>;

export interface Item {
  kind: "item";
  bare: BareItem;
  params: Parameters;
}

export interface InnerList {
  kind: "inner-list";
  items: Item[];
  params: Parameters;
}

export type Dictionary = ReadonlyArray<readonly [string, Item | InnerList]>;

/** RFC 8941 integers have at most 15 digits, so they are exact JavaScript numbers. */
const MAX_INTEGER_DIGITS = 15;

/** Thrown inside this module only, and always caught by parseDictionary. */
class SyntaxFailure extends Error {}

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  peek(): string {
    return this.text.charAt(this.position);
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  take(): string {
    const char = this.peek();
    this.position += 1;
    return char;
  }

  expect(char: string, what: string): void {
    if (this.take() !== char) this.fail(`expected ${what}`);
  }

  skipWhile(chars: string): void {
    while (!this.atEnd() && chars.includes(this.peek())) this.position += 1;
  }

  fail(message: string): never {
    throw new SyntaxFailure(`${message} at offset ${this.position}`);
  }
}

export function parseDictionary(text: string): Result<Dictionary, string> {
  try {
    return ok(readDictionary(new Cursor(trimSpaces(text))));
  } catch (error) {
    if (error instanceof SyntaxFailure) return err(error.message);
    throw error;
  }
}

/** RFC 8941 §4.2 steps 2 and 4: leading and trailing SP are not part of the value. */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === " ") start += 1;
  while (end > start && text[end - 1] === " ") end -= 1;
  return text.slice(start, end);
}

function readDictionary(cursor: Cursor): Dictionary {
  const members: Array<readonly [string, Item | InnerList]> = [];
  while (!cursor.atEnd()) {
    const key = readKey(cursor);
    if (members.some(([existing]) => existing === key)) cursor.fail(`repeated key "${key}"`);
    members.push([key, readMember(cursor)]);
    cursor.skipWhile(" \t");
    if (cursor.atEnd()) break;
    cursor.expect(",", '","');
    cursor.skipWhile(" \t");
    if (cursor.atEnd()) cursor.fail("trailing comma");
  }
  return members;
}

/** A key without "=" is the boolean true, with parameters (RFC 8941 §4.2.2 step 3.3). */
function readMember(cursor: Cursor): Item | InnerList {
  if (cursor.peek() !== "=") return { kind: "item", bare: { type: "boolean", value: true }, params: readParameters(cursor) };
  cursor.take();
  return cursor.peek() === "(" ? readInnerList(cursor) : readItem(cursor);
}

function readInnerList(cursor: Cursor): InnerList {
  cursor.expect("(", '"("');
  const items: Item[] = [];
  for (;;) {
    cursor.skipWhile(" ");
    if (cursor.atEnd()) cursor.fail("unterminated inner list");
    if (cursor.peek() === ")") {
      cursor.take();
      return { kind: "inner-list", items: items, params: readParameters(cursor) };
    }
    items.push(readItem(cursor));
    if (cursor.peek() !== " " && cursor.peek() !== ")") cursor.fail("expected a space or \")\" in inner list");
  }
}

function readItem(cursor: Cursor): Item {
  const bare = readBareItem(cursor);
  return { kind: "item", bare: bare, params: readParameters(cursor) };
}

function readParameters(cursor: Cursor): Parameters {
  const params: Array<readonly [string, BareItem]> = [];
  while (cursor.peek() === ";") {
    cursor.take();
    cursor.skipWhile(" ");
    const key = readKey(cursor);
    if (params.some(([existing]) => existing === key)) cursor.fail(`repeated parameter "${key}"`);
    let value: BareItem = { type: "boolean", value: true };
    if (cursor.peek() === "=") {
      cursor.take();
      value = readBareItem(cursor);
    }
    params.push([key, value]);
  }
  return params;
}

function readKey(cursor: Cursor): string {
  if (!/^[a-z*]$/.test(cursor.peek())) cursor.fail("expected a key");
  const start = cursor.position;
  while (/^[a-z0-9_\-.*]$/.test(cursor.peek())) cursor.take();
  return cursor.text.slice(start, cursor.position);
}

function readBareItem(cursor: Cursor): BareItem {
  const first = cursor.peek();
  if (first === "-" || /^[0-9]$/.test(first)) return readInteger(cursor);
  if (first === '"') return readString(cursor);
  if (first === ":") return readBytes(cursor);
  if (first === "?") return readBoolean(cursor);
  if (/^[A-Za-z*]$/.test(first)) return readToken(cursor);
  return cursor.fail("expected an item");
}

function readInteger(cursor: Cursor): BareItem {
  const negative = cursor.peek() === "-";
  if (negative) cursor.take();
  const start = cursor.position;
  while (/^[0-9]$/.test(cursor.peek())) cursor.take();
  const digits = cursor.text.slice(start, cursor.position);
  if (digits.length === 0) cursor.fail("expected a digit");
  if (digits.length > MAX_INTEGER_DIGITS) cursor.fail("integer too long");
  if (cursor.peek() === ".") cursor.fail("decimals are not supported");
  const magnitude = Number(digits);
  return { type: "integer", value: negative ? -magnitude : magnitude };
}

function readString(cursor: Cursor): BareItem {
  cursor.expect('"', "a string");
  let value = "";
  for (;;) {
    if (cursor.atEnd()) cursor.fail("unterminated string");
    const char = cursor.take();
    if (char === '"') return { type: "string", value: value };
    if (char === "\\") {
      const escaped = cursor.take();
      if (escaped !== '"' && escaped !== "\\") cursor.fail("invalid escape in string");
      value += escaped;
    } else if (char < " " || char > "~") {
      cursor.fail("invalid character in string");
    } else {
      value += char;
    }
  }
}

function readToken(cursor: Cursor): BareItem {
  const start = cursor.position;
  cursor.take();
  while (/^[A-Za-z0-9!#$%&'*+\-.^_`|~:/]$/.test(cursor.peek())) cursor.take();
  return { type: "token", value: cursor.text.slice(start, cursor.position) };
}

function readBytes(cursor: Cursor): BareItem {
  cursor.expect(":", '":"');
  const start = cursor.position;
  while (/^[A-Za-z0-9+/=]$/.test(cursor.peek())) cursor.take();
  const encoded = cursor.text.slice(start, cursor.position);
  cursor.expect(":", 'a closing ":"');
  const decoded = Buffer.from(encoded, "base64");
  if (decoded.toString("base64") !== encoded) cursor.fail("byte sequence is not canonical base64");
  return { type: "bytes", value: new Uint8Array(decoded) };
}

function readBoolean(cursor: Cursor): BareItem {
  cursor.expect("?", '"?"');
  const digit = cursor.take();
  if (digit !== "0" && digit !== "1") cursor.fail("expected ?0 or ?1");
  return { type: "boolean", value: digit === "1" };
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(" ")})${serializeParameters(list.params)}`;
}

function serializeItem(item: Item): string {
  return serializeBareItem(item.bare) + serializeParameters(item.params);
}

function serializeParameters(params: Parameters): string {
  return params.map(([key, value]) => (value.type === "boolean" && value.value ? `;${key}` : `;${key}=${serializeBareItem(value)}`)).join("");
}

function serializeBareItem(bare: BareItem): string {
  switch (bare.type) {
    case "integer":
      return String(bare.value);
    case "string":
      return `"${bare.value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
    case "token":
      return bare.value;
    case "bytes":
      return `:${Buffer.from(bare.value).toString("base64")}:`;
    case "boolean":
      return bare.value ? "?1" : "?0";
  }
}

/** A string item without parameters, as the covered components of a signature are written. */
export function stringItem(value: string): Item {
  return { kind: "item", bare: { type: "string", value: value }, params: [] };
}
