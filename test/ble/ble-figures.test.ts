import { expect, it } from "vitest";
import { measureBleTapFigures } from "../../bench/ble/ble-tap-figures";

it("BLE figures: ≤ 4 tap round trips and ≤ 400 ms modelled at MTU 53 and a 15 ms interval", async () => {
  const f = await measureBleTapFigures(5);
  expect(f.mtu53.tapRoundTrips).toBeLessThanOrEqual(4);
  expect(f.mtu53.modelledMs).toBeLessThanOrEqual(400);
  expect(f.mtu23.tapRoundTrips).toBe(8);
}, 60_000);
