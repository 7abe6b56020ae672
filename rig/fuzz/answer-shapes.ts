/**
 * What a right answer from a decoder looks like, judged from outside: a Result whose success
 * carries a value and whose failure carries an error, or (for the radio and the reader) an
 * answer of the kinds the air allows.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A Result: `{ ok: true, value }` or `{ ok: false, error }`, the error present. */
export function notAResult(answer: unknown): string | undefined {
  if (!isObject(answer) || typeof answer.ok !== "boolean") return `not a Result: ${typeof answer}`;
  if (answer.ok && !("value" in answer)) return "ok without a value";
  if (!answer.ok && (answer.error === undefined || answer.error === null)) return "a failure without its error";
  return undefined;
}

/** The stamp's radio after a frame: data, an ACK/NACK nibble, no answer, or undefined (the frame budget passed). */
export function notARadioAnswer(answer: unknown): string | undefined {
  if (answer === undefined) return undefined;
  if (!isObject(answer)) return `not a radio answer: ${typeof answer}`;
  if (answer.kind === "none") return undefined;
  if (answer.kind === "ack") return typeof answer.nibble === "number" && answer.nibble >= 0 && answer.nibble <= 0x0f ? undefined : "an ACK that is no 4-bit nibble";
  if (answer.kind === "data") return answer.bytes instanceof Uint8Array ? undefined : "data that is not bytes";
  return `unknown radio answer ${String(answer.kind)}`;
}

/** An R-APDU: bytes ending in a two-byte status word. */
export function notAnRApdu(answer: unknown): string | undefined {
  if (!(answer instanceof Uint8Array)) return `not bytes: ${typeof answer}`;
  return answer.length >= 2 ? undefined : `an R-APDU of ${answer.length} bytes has no status word`;
}
