// Node module hooks for an access-control twin (test code, never loaded by the product): the
// offline sync's import of the offline tap decision is pointed at
// offline-verifier-blind-decision.ts, which judges an uploaded tap at the verifier its challenge
// names instead of the uploading station's. The rule lives in the pure decision, not in the
// store, so no store wrapper can remove it: the twin is a host process whose decision lacks it.
const BLIND = new URL("./offline-verifier-blind-decision.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromSync = typeof context.parentURL === "string" && context.parentURL.endsWith("/host/core/offline/offline-sync.ts");
  if (fromSync && resolved.url.endsWith("/host/core/offline/offline-tap-decision.ts")) return { ...resolved, url: BLIND };
  return resolved;
}
