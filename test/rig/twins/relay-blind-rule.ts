/**
 * The relay twin's rule: the real module's exports, with slowReply replaced by one that finds
 * every reply in time. Loaded only through relay-blind-hooks.mjs, in the twin's own process.
 */
export * from "../../../host/core/relay-rule";

export function slowReply(): number | undefined {
  return undefined;
}
