import { startEmbeddedHost } from "../../../rig/embedded-host";
import { Twin } from "../../../rig/twin";
import { withNfcBench } from "../nfc-bench-pcscd";
import { amnesiacStore } from "./amnesiac-store";

/**
 * The nfc-station campaign's twin: the forgetful store of the replay twin (spent challenges and
 * counters forgotten) behind the real host, with its own NFC bench. The reply a sniffer recorded
 * and played at the next contact must then be accepted through the station, and the held-back
 * reply played late too.
 */
export const nfcStationTwin: Twin = {
  campaign: "nfc-station",
  weakness: "a store that forgets spent challenges and counters (amnesiac-store.ts), reached through the NFC station on its own pcscd + vpcd bench",
  start: async () => withNfcBench(await startEmbeddedHost(amnesiacStore)),
};
