import { toHex } from "../../shared/hex";
import { Signer } from "../device";
import { startStamp } from "../stamp-runtime";
import { answerChallenge } from "../stamp-app";
import { createEspruinoDevice } from "./espruino-device";
import { nativeSigner } from "./native-signer";
import { enterProductionMode } from "./production-mode";
import { LOCK_FILE } from "../storage-files";
import { addProvisioningEntries } from "./provisioning-entry";

/**
 * The firmware bundle's entry: runs at boot on the Puck.js. A test rig on an x86 Linux
 * Espruino (which cannot run Thumb code) may define STAMP_SIGNER before loading the bundle;
 * on a locked production stamp nobody can define globals, as the console is closed.
 */
const testSigner = global.STAMP_SIGNER as Signer | undefined;
const device = createEspruinoDevice(testSigner !== undefined ? testSigner : nativeSigner);
const runtime = startStamp(device);
// A locked stamp closes its console and Bluetooth UART at every boot (R1), whatever signs for it:
// a test rig that needs the console simply never locks its stamps.
if (device.readFile(LOCK_FILE) !== undefined) enterProductionMode();

/** What the console (flashing station, test rig) may see: public data and one signing entry. */
global.STAMP = {
  publicKey: runtime.report.publicKey === undefined ? "" : toHex(runtime.report.publicKey),
  keyCreated: runtime.report.keyCreated,
  fault: runtime.report.fault === undefined ? "" : runtime.report.fault,
  /** The base URL the stamp signs phone URLs for, "" without one: the flashing station checks it. */
  phoneUrl: runtime.stamp.phoneUrl === undefined ? "" : runtime.stamp.phoneUrl.baseUrl,
  answer: function (challenge: Uint8Array) {
    return answerChallenge(runtime.stamp, challenge);
  },
};
// The flashing station's entries (prove, lock, factoryReset): firmware/espruino/provisioning-entry.ts.
addProvisioningEntries(global.STAMP as { [name: string]: unknown }, runtime.stamp);
