/**
 * `stamp flash` on the ARM Puck-like Espruino under qemu-arm (ESPRUINO_ARM_BIN) with the real
 * native signer: its own file so that vitest runs it beside the x86 suite.
 */
import { describe, it } from "vitest";
import { deviceKinds } from "./device-bridge";
import { defineFlashSuite } from "./flash-suite";

const kinds = deviceKinds();

if (kinds.arm === undefined) {
  console.warn(`\n!!! SKIPPED: stamp flash on the ARM Puck-like Espruino — ESPRUINO_ARM_BIN not set or socat missing (needs qemu-arm) !!!\n`);
  describe.skip("stamp flash on the ARM Puck-like Espruino with the native signer — SKIPPED: ESPRUINO_ARM_BIN (or socat) missing", () => {
    it("flashes one stamp end to end", () => undefined);
  });
} else {
  defineFlashSuite(kinds.arm, false);
}
