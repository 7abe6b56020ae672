import { TapService } from "../../host/core/counter-station";
import { Verdict } from "../../host/core/verdict";
import { NfcErrorEvent, NfcStation, startNfcStation } from "../../host/nfc/nfc-station";
import { TagError } from "../../host/nfc/tag-link";
import { NfcBench } from "./nfc-bench";

/** Something that can be held to the reader: a stamp, or an attacker's card. */
export interface FieldCard {
  enter(): Promise<void>;
  leave(): Promise<void>;
}

/** What one contact at the reader came to: the station's verdict, or its typed error (nothing judged). */
export interface ContactOutcome {
  verdict: Verdict | undefined;
  error: TagError | undefined;
}

export interface RigNfcStation {
  /** The card enters the field, the station does its tap, the card leaves and the reader sees it go. */
  contact(card: FieldCard): Promise<ContactOutcome>;
  stop(): Promise<void>;
}

/** How long one step of a contact may take: pcscd's card polling, the station's helper, two HTTP round trips, on a loaded 2-core machine. */
const STEP_TIMEOUT_MS = 20_000;
/** How long the station's PC/SC helper may take to start (tsx compiles it from source) and announce the reader. */
const READER_TIMEOUT_MS = 60_000;

/** The station's events as they arrive, and a way to wait on them without fixed sleeps. */
class StationLog {
  readonly verdicts: Verdict[] = [];
  readonly errors: NfcErrorEvent[] = [];
  readonly cards: boolean[] = [];
  readers = 0;
  private waiters: (() => void)[] = [];

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  async until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the NFC station: timed out after ${timeoutMs} ms waiting for ${what} (errors so far: ${this.errors.map((e) => `${e.phase}/${e.error.failure}: ${e.error.message}`).slice(-3).join("; ")})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * The product's NFC counter station (`startNfcStation`, what `stamp serve --nfc` runs) on the
 * bench's reader, in direct mode (`stamp serve`'s default), reaching the host through `service`
 * (the rig's enrolled station key over the HTTP API). Resolves once the station serves the reader.
 */
export async function startRigNfcStation(service: TapService, bench: NfcBench): Promise<RigNfcStation> {
  const log = new StationLog();
  // libpcsclite, in the station's helper process, finds pcscd through this variable.
  process.env.PCSCLITE_CSOCK_NAME = bench.pcscSocket;
  const station: NfcStation = startNfcStation(service, {
    mode: "direct",
    readerName: bench.readerName,
    onVerdict: (event) => {
      log.verdicts.push(event.verdict);
      log.wake();
    },
    onError: (event) => {
      log.errors.push(event);
      log.wake();
    },
    onCard: (event) => {
      log.cards.push(event.present);
      log.wake();
    },
    onReader: () => {
      log.readers++;
      log.wake();
    },
  });
  try {
    await log.until(() => log.readers > 0, `the reader ${bench.readerName}`, READER_TIMEOUT_MS);
  } catch (e) {
    await station.stop();
    throw e;
  }
  return {
    async contact(card) {
      const verdicts = log.verdicts.length;
      // Reader-level errors (the service, the reader) are not this card's: only tap phases count.
      const tapErrors = () => log.errors.slice(errors).filter((e) => e.phase !== "reader");
      const errors = log.errors.length;
      const cards = log.cards.length;
      await card.enter();
      try {
        await log.until(() => log.verdicts.length > verdicts || tapErrors().length > 0, "a verdict or an error", STEP_TIMEOUT_MS);
        await station.idle();
      } finally {
        await card.leave();
      }
      await log.until(() => log.cards.slice(cards).includes(false), "the card to leave the field", STEP_TIMEOUT_MS);
      const verdict = log.verdicts[verdicts];
      return { verdict: verdict, error: verdict === undefined ? tapErrors()[0]?.error : undefined };
    },
    stop: () => station.stop(),
  };
}
