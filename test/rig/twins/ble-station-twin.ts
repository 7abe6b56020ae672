import { startEmbeddedHost } from "../../../rig/embedded-host";
import { Twin } from "../../../rig/twin";
import { withBleBench } from "../ble-bench-emulated";
import { amnesiacStore } from "./amnesiac-store";

/**
 * The ble-station campaign's weakened host: the replay defences taken out of the store (spent
 * challenges and counters forgotten, amnesiac-store.ts), reached through the same BLE bench. A
 * reply sniffed at the counter and written again over BLE must then be accepted.
 */
export const bleStationTwin: Twin = {
  campaign: "ble-station",
  weakness: "a store that forgets spent challenges and counters (amnesiac-store.ts), reached through the BLE bench",
  start: async () => withBleBench(await startEmbeddedHost(amnesiacStore)),
};
