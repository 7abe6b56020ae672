/** The outcome of a total function: a value, or a typed error. Decoders never throw. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value: value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error: error };
}
