import fc from "fast-check";

/**
 * Mutations of valid encodings: what a noisy radio, a buggy reader or an attacker probing the
 * parser sends. Each is applied to a copy; a few are chained so that a length fixed by one
 * mutation can be broken by the next.
 */
export type Mutation =
  | { kind: "flip"; at: number; mask: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "insert"; at: number; value: number }
  | { kind: "delete"; at: number }
  | { kind: "truncate"; at: number }
  | { kind: "extend"; extra: Uint8Array };

const position = fc.nat({ max: 1_000 });
const byte = fc.integer({ min: 0, max: 255 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: position, mask: fc.integer({ min: 1, max: 255 }) }),
  // Boundary values are where length and range checks go wrong.
  fc.record({ kind: fc.constant("set" as const), at: position, value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff) }),
  fc.record({ kind: fc.constant("insert" as const), at: position, value: byte }),
  fc.record({ kind: fc.constant("delete" as const), at: position }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constant("extend" as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

/** One mutation applied to a copy of `bytes` (positions wrap around its length): pure. */
export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : m.kind === "extend" ? 0 : m.at % n;
  switch (m.kind) {
    case "flip": {
      const out = bytes.slice();
      if (n > 0) out[at] ^= m.mask;
      return out;
    }
    case "set": {
      const out = bytes.slice();
      if (n > 0) out[at] = m.value;
      return out;
    }
    case "insert":
      return Uint8Array.from([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
    case "delete":
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    case "truncate":
      return bytes.slice(0, at);
    case "extend":
      return Uint8Array.from([...bytes, ...m.extra]);
  }
}

/** Valid encodings with one to three mutations each. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([bytes, ms]) => ms.reduce(applyMutation, bytes));
}

/** The same for text: the mutations act on its UTF-8 bytes, and the result is read back leniently (broken sequences become U+FFFD). */
export function mutatedText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return mutatedBytes(valid.map((text) => new TextEncoder().encode(text))).map((bytes) => new TextDecoder().decode(bytes));
}

/** Any bytes, lengths around the protocol's (0 to 300). */
export const anyBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 300 });

/** Any text: printable, full Unicode, and hex-looking. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.stringMatching(/^[0-9a-fA-F]{0,200}$/),
);
