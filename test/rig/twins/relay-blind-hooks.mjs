// Node module hooks for the relay campaign's twin (test code, never loaded by the product): the
// tap decision's import of the relay rule is pointed at relay-blind-rule.ts, which never finds a
// reply late. The rule lives in the pure decision, not in the store, so no store wrapper can
// remove it: the twin is a host process whose decision lacks it.
const BLIND = new URL("./relay-blind-rule.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromTapDecision = typeof context.parentURL === "string" && context.parentURL.endsWith("/host/core/tap-decision.ts");
  if (fromTapDecision && resolved.url.endsWith("/host/core/relay-rule.ts")) return { ...resolved, url: BLIND };
  return resolved;
}
