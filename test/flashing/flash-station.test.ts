/** `stamp flash` on the x86 Puck-like Espruino (ESPRUINO_BIN); the suite is in flash-suite.ts. */
import { describe, it } from "vitest";
import { deviceKinds } from "./device-bridge";
import { defineFlashSuite } from "./flash-suite";

const kinds = deviceKinds();

if (kinds.x86 === undefined) {
  console.warn(`\n!!! SKIPPED: stamp flash on the Puck-like Espruino — ${kinds.missing.join("; ")} (e.g. ESPRUINO_BIN=../shared/tools/espruino-puckjs-x86_64; needs socat) !!!\n`);
  describe.skip(`stamp flash on the Puck-like Espruino — SKIPPED: ${kinds.missing.join("; ")}`, () => {
    it("flashes, provisions, locks and registers a stamp", () => undefined);
  });
} else {
  defineFlashSuite(kinds.x86, true);
}
