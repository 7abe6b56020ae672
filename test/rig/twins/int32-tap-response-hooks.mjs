// Node module hooks for the malformed-input campaign's host twin (test code, never loaded by the
// product): the tap verifier's import of shared/tap-response.ts is pointed at
// int32-tap-response.ts, whose decoder throws on a counter of 2^31 or more. Every other importer
// keeps the real, total decoder.
const INT32 = new URL("./int32-tap-response.ts", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const fromTapVerifier = typeof context.parentURL === "string" && context.parentURL.endsWith("/host/core/tap-verifier.ts");
  if (fromTapVerifier && resolved.url.endsWith("/shared/tap-response.ts")) return { ...resolved, url: INT32 };
  return resolved;
}
