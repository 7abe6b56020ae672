import { Reason } from "../shared/reason-codes";
import { BleTapper, runBleTap } from "./ble-tap";
import { Device } from "./device";
import { Feedback, showVerdict } from "./feedback";
import { Mailbox, startNfcMailbox } from "./nfc-mailbox";
import { schedulePhoneUrl, startPhoneUrl } from "./phone-url";
import { recordPress } from "./presence";
import { answerChallenge, BootReport, bootStamp, Stamp } from "./stamp-app";

/** A booted stamp with its radios wired: what runs on the Puck.js and in the simulator. */
export interface StampRuntime {
  stamp: Stamp;
  report: BootReport;
  feedback: Feedback;
  mailbox: Mailbox;
  tapper: BleTapper;
  /** The last BLE tap (resolves with its verdict byte, -1 when no verifier answered). */
  lastBleTap: Promise<number>;
}

export function startStamp(device: Device): StampRuntime {
  const booted = bootStamp(device);
  const stamp = booted.stamp;
  const feedback: Feedback = { device: device, offTimer: undefined };
  const runtime: StampRuntime = {
    stamp: stamp,
    report: booted.report,
    feedback: feedback,
    mailbox: startNfcMailbox(device, {
      answer: function (challenge) {
        return answerChallenge(stamp, challenge);
      },
      verdict: function (reason) {
        showVerdict(feedback, reason === Reason.ACCEPTED);
      },
    }),
    tapper: { busy: false },
    lastBleTap: Promise.resolve(-1),
  };
  startPhoneUrl(stamp, runtime.mailbox.memory);
  // A press is user presence for the next signature, starts a BLE tap and, with a base URL,
  // puts a signed phone URL in the tag.
  device.onButtonPress(function () {
    recordPress(stamp.presence, device.now());
    runtime.lastBleTap = runBleTap(device, stamp, feedback, runtime.tapper);
    schedulePhoneUrl(stamp, feedback);
  });
  return runtime;
}
