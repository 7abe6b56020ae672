// Node module hooks for the registration-forgery campaign's twin (test code, never loaded by the
// product): the registration core's import of the strict Ed25519 module is pointed at
// lax-registration-checks.ts, which passes any key and any proof. Every other importer (taps,
// request signatures, the flashing station's own check) keeps the real checks.
const LAX = new URL("./lax-registration-checks.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromRegistration = typeof context.parentURL === "string" && context.parentURL.endsWith("/host/core/stamp-registration.ts");
  if (fromRegistration && resolved.url.endsWith("/host/crypto/ed25519-strict.ts")) return { ...resolved, url: LAX };
  return resolved;
}
