/** For JSON from outside (a stamp's console answers, a manifest file): is it an object with named fields? */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
