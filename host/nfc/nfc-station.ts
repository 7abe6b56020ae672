import { toHex } from "../../shared/hex";
import { runStationTap, TapService } from "../core/counter-station";
import { RetryPolicy } from "../core/retry-policy";
import { Verdict } from "../core/verdict";
import { DEFAULT_FAST_POLL, DEFAULT_POLL, exchangeOverNfc, exchangeOverNfcFast, FastPollPolicy, PollPolicy, sendVerdictOverNfc } from "./mailbox-reader";
import { pcscFailure } from "./nfc-pcsc-reader";
import { ApduTransport, PcscTagLink } from "./pcsc-tag-link";
import { SupervisedPcsc } from "./pcsc-supervisor";
import { TagError } from "./tag-link";

/**
 * How the station talks to the stamp through the reader:
 *  - "direct": ACR122U-class direct transmit (FF 00 00 00 … D4 42 frame): the stamp's fast
 *    frames, 4 APDUs per tap when the first read finds the reply;
 *  - "pages": the portable PC/SC storage-card APDUs FF B0 / FF D6 only (any PC/SC part 3
 *    reader), 16 APDUs per tap or more.
 */
export type NfcMode = "direct" | "pages";

export interface NfcVerdictEvent {
  verdict: Verdict;
  reader: string;
  /** The tag UID, hex (random per stamp boot on the simulator; identity is the key, not the UID). */
  uid: string;
  mode: NfcMode;
  /** APDUs exchanged with the reader up to the verdict (the verdict page write excluded). */
  apdus: number;
  /** From card detected to verdict, milliseconds. */
  elapsedMs: number;
}

export type NfcTapPhase = "uid" | "exchange" | "verdict-page" | "reader";

export interface NfcErrorEvent {
  reader: string | undefined;
  uid: string | undefined;
  /** Where it failed: reading the UID, the mailbox exchange (nothing recorded), writing the verdict page after it was recorded, or the reader/PC/SC service itself. */
  phase: NfcTapPhase;
  error: TagError;
}

export interface NfcStationOptions {
  mode: NfcMode;
  onVerdict(event: NfcVerdictEvent): void;
  onError(event: NfcErrorEvent): void;
  /** A reader appeared (its PC/SC name). */
  onReader?(name: string): void;
  /** A card entered (present) or left a served reader's field. */
  onCard?(event: { reader: string; present: boolean }): void;
  /** Serve only readers whose PC/SC name contains this. */
  readerName?: string;
  pagesPoll?: PollPolicy;
  directPoll?: FastPollPolicy;
  /** Pauses between attempts to reach pcscd while it is missing or after it stopped (1 s doubling to 30 s). */
  retry?: RetryPolicy;
  /** How long pcscd may take to give a PC/SC context before it is reported as not answering (3 s). */
  contextTimeoutMs?: number;
}

export interface NfcStation {
  /** Resolves when no tap is in progress (the verdict page written or given up). */
  idle(): Promise<void>;
  /** Stops serving: waits (at most about a second) for a tap in progress, then ends the PC/SC helper. Prompt even while pcscd is missing. */
  stop(): Promise<void>;
}

/**
 * The counter station over NFC: for every stamp that enters a reader's field, read its UID,
 * carry a fresh challenge through the mailbox, judge the reply with the same core as the HTTP
 * path (runStationTap → judgeStampReply), report the verdict and write it to the verdict page
 * for the stamp's LEDs. A removed card, a vanished reader or garbage answers are reported
 * through onError with a typed TagError; they record nothing and the station keeps serving.
 */
export function startNfcStation(service: TapService, options: NfcStationOptions): NfcStation {
  const inFlight = new Set<Promise<void>>();
  const busy = new Set<string>();
  let stopped = false;

  const report = (event: NfcErrorEvent) => {
    if (stopped) return;
    try {
      options.onError(event);
    } catch {
      // a failing listener must not stop the station
    }
  };

  const served = (reader: string) => options.readerName === undefined || reader.includes(options.readerName);

  const tap = async (reader: string): Promise<void> => {
    const started = performance.now();
    const transport: ApduTransport = { transmit: (apdu, max) => pcsc.transmit(reader, apdu, max) };
    const link = new PcscTagLink(transport, options.mode);
    let uid: string | undefined;
    let phase: NfcTapPhase = "uid";
    try {
      uid = toHex(await link.readUid());
      phase = "exchange";
      const judged = await runStationTap(service, (challenge) =>
        options.mode === "direct" ? exchangeOverNfcFast(link, challenge, options.directPoll ?? DEFAULT_FAST_POLL) : exchangeOverNfc(link, challenge, options.pagesPoll ?? DEFAULT_POLL),
      );
      const apdus = link.traffic.apdus;
      if (!stopped) {
        try {
          options.onVerdict({ verdict: judged.verdict, reader: reader, uid: uid, mode: options.mode, apdus: apdus, elapsedMs: performance.now() - started });
        } catch {
          // a failing listener must not stop the station
        }
      }
      phase = "verdict-page";
      // Best effort, after the verdict is recorded: the stamp shows it on its LEDs.
      await sendVerdictOverNfc(link, judged.verdict.code);
    } catch (error) {
      report({ reader: reader, uid: uid, phase: phase, error: pcscFailure(error, phase) });
    }
  };

  const notify = (reader: string, present: boolean) => {
    if (stopped || options.onCard === undefined) return;
    try {
      options.onCard({ reader: reader, present: present });
    } catch {
      // a failing listener must not stop the station
    }
  };

  // The PC/SC calls run in a supervised helper process: pcsclite blocks its thread while pcscd
  // is missing (docs/nfc.md, "When pcscd is missing").
  const pcsc = new SupervisedPcsc(
    {
      reader(name) {
        if (stopped || !served(name)) return;
        if (options.onReader !== undefined) {
          try {
            options.onReader(name);
          } catch {
            // a failing listener must not stop the station
          }
        }
      },
      card(reader, present) {
        if (!served(reader)) return;
        notify(reader, present);
        if (!present || stopped || busy.has(reader)) return;
        busy.add(reader);
        const running = tap(reader).finally(() => {
          busy.delete(reader);
          inFlight.delete(running);
        });
        inFlight.add(running);
      },
      readerError(reader, error) {
        if (served(reader)) report({ reader: reader, uid: undefined, phase: "reader", error: error });
      },
      readerGone(reader) {
        if (served(reader)) report({ reader: reader, uid: undefined, phase: "reader", error: new TagError("reader", `reader ${reader} was removed`) });
      },
      serviceError(error) {
        report({ reader: undefined, uid: undefined, phase: "reader", error: error });
      },
    },
    { retry: options.retry, contextTimeoutMs: options.contextTimeoutMs },
  );

  return {
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      // A tap in progress normally ends within a second; a stuck reader must not hold the stop.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
      stopped = true;
      await pcsc.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
