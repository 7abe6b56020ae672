import { join } from "node:path";
import { ApduIntercept, saveFlash, VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { RigStamp } from "../world/rig-stamp";
import { isFastRead, isReadyAnswer } from "./nfc-mailbox-answers";
import { FieldCard } from "./nfc-contact";

/**
 * A stamp the rig registered, moved onto the NFC bench: its flash (key, counter) written to a
 * file in `dir` and booted as a virtual stamp, the real firmware behind vpcd. The RigStamp it
 * came from must not tap again: it would be a second device with the same key (a clone).
 */
export function nfcStampFrom(registered: RigStamp, vpcdPort: number, dir: string): VirtualStamp {
  const flashFile = join(dir, `${registered.id}.json`);
  saveFlash(flashFile, registered.flash);
  return new VirtualStamp({ port: vpcdPort, flashFile: flashFile });
}

/**
 * The stamp held to the reader: pressed (user presence) unless `press` is false, its APDUs
 * answered by its own firmware unless `intercept` takes one over (a man in the middle on the air).
 */
export function held(stamp: VirtualStamp, options: { press?: boolean; intercept?: ApduIntercept } = {}): FieldCard {
  return {
    async enter() {
      stamp.intercept = options.intercept;
      await stamp.present({ press: options.press ?? true });
    },
    async leave() {
      await stamp.remove();
      stamp.intercept = undefined;
    },
  };
}

/**
 * An intercept that lets the stamp's own firmware answer every APDU, and hands its FAST_READ
 * answer that carries the signed reply to `edit`: to record it, change it, or cut the field
 * instead of delivering it ("remove"). Busy answers before it pass unchanged.
 */
export function onSignedReply(stamp: VirtualStamp, edit: (answer: Uint8Array) => { answer: Uint8Array } | "remove"): ApduIntercept {
  return (apdu) => {
    if (!isFastRead(apdu)) return undefined;
    const answer = stamp.emulation.handleApdu(apdu);
    return isReadyAnswer(answer) ? edit(answer) : { answer: answer };
  };
}
