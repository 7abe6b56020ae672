import { Device, TimerHandle } from "./device";

/** How long the accepted / rejected colour stays on. */
export const VERDICT_LIGHT_MS = 1500;

/** LED feedback: blue while working, green for accepted, red for rejected. */
export interface Feedback {
  device: Device;
  offTimer: TimerHandle | undefined;
}

function show(feedback: Feedback, red: boolean, green: boolean, blue: boolean, forMs: number): void {
  const device = feedback.device;
  if (feedback.offTimer !== undefined) device.clearTimer(feedback.offTimer);
  feedback.offTimer = undefined;
  device.setLeds(red, green, blue);
  if (forMs > 0) {
    feedback.offTimer = device.setTimer(function () {
      feedback.offTimer = undefined;
      device.setLeds(false, false, false);
    }, forMs);
  }
}

export function showBusy(feedback: Feedback): void {
  show(feedback, false, false, true, 0);
}

export function showVerdict(feedback: Feedback, accepted: boolean): void {
  show(feedback, !accepted, accepted, false, VERDICT_LIGHT_MS);
}
