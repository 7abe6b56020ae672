import { randomBytes } from "node:crypto";
import { TYPE2_TAG_ATR } from "../../sim/virtual-stamp/virtual-stamp";
import { VpcdLink } from "../../sim/virtual-stamp/vpcd-link";
import { ackAnswer, challengeOf, isFastRead, isPageWrite, isWriteChallenge, silenceAnswer } from "./nfc-mailbox-answers";

/** What the attacker's card answers; every answer is a whole R-APDU (data and status word). */
export interface AttackerScript {
  /** The answer to FF CA (the UID); a random 7-byte UID when absent. */
  uid?: () => Uint8Array;
  /** The answer to each FAST_READ of the mailbox, given the challenge the station wrote (undefined if none was). */
  fastRead(challenge: Uint8Array | undefined): Uint8Array;
}

/**
 * An attacker's card emulation on the reader: it presents itself as a Type 2 Tag (the stamp's
 * ATR), ACKs the station's challenge and verdict writes and answers the mailbox reads with
 * whatever its script says (a recorded reply, another stamp's, garbage). No firmware runs behind
 * it: this is the phone or the programmable tag an attacker holds to the counter, not a stamp.
 */
export class AttackerCard {
  private link: VpcdLink | undefined;
  private challenge: Uint8Array | undefined;
  private readonly uid = randomBytes(7);

  constructor(
    private readonly port: number,
    private readonly script: AttackerScript,
  ) {}

  private answer(apdu: Uint8Array): Uint8Array {
    if (apdu.length === 5 && apdu[0] === 0xff && apdu[1] === 0xca) return this.script.uid?.() ?? new Uint8Array([...this.uid, 0x90, 0x00]);
    if (isWriteChallenge(apdu)) {
      this.challenge = challengeOf(apdu);
      return ackAnswer();
    }
    if (isFastRead(apdu)) return this.script.fastRead(this.challenge);
    if (isPageWrite(apdu)) return ackAnswer();
    return silenceAnswer();
  }

  /** Enters the reader's field (connects to vpcd). */
  async enter(): Promise<void> {
    this.challenge = undefined;
    this.link = await VpcdLink.open({ atr: () => TYPE2_TAG_ATR, control: () => undefined, apdu: (apdu) => this.answer(apdu) }, this.port, "127.0.0.1", 5000);
  }

  /** Leaves the field. */
  async leave(): Promise<void> {
    await this.link?.close();
    this.link = undefined;
  }
}
