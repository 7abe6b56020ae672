// Node module hooks for the forgery campaign's twin (test code, never loaded by the product):
// the tap decision's import of the strict Ed25519 verifier is pointed at lax-signature.ts,
// which accepts any signature. Every other importer (request signatures, registration) keeps
// the real verifier, so only the tap path is weakened.
const LAX = new URL("./lax-signature.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromTapDecision = typeof context.parentURL === "string" && context.parentURL.endsWith("/host/core/tap-decision.ts");
  if (fromTapDecision && resolved.url.endsWith("/host/crypto/ed25519-strict.ts")) return { ...resolved, url: LAX };
  return resolved;
}
