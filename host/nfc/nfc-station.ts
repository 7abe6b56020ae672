import { toHex } from "../../shared/hex";
import { runStationTap, TapService } from "../core/counter-station";
import { Verdict } from "../core/verdict";
import { DEFAULT_FAST_POLL, DEFAULT_POLL, exchangeOverNfc, exchangeOverNfcFast, FastPollPolicy, PollPolicy, sendVerdictOverNfc } from "./mailbox-reader";
import { openPcscContext, pcscFailure, PcscContext, PcscReader, readerTransport } from "./nfc-pcsc-reader";
import { PcscTagLink } from "./pcsc-tag-link";
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
}

export interface NfcStation {
  /** Resolves when no tap is in progress (the verdict page written or given up). */
  idle(): Promise<void>;
  /** Stops serving: waits for a tap in progress, then releases the PC/SC context. */
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
  const context: PcscContext = openPcscContext();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const report = (event: NfcErrorEvent) => {
    if (stopped) return;
    try {
      options.onError(event);
    } catch {
      // a failing listener must not stop the station
    }
  };

  const tap = async (reader: PcscReader): Promise<void> => {
    const started = performance.now();
    const link = new PcscTagLink(readerTransport(reader), options.mode);
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
          options.onVerdict({ verdict: judged.verdict, reader: reader.name, uid: uid, mode: options.mode, apdus: apdus, elapsedMs: performance.now() - started });
        } catch {
          // a failing listener must not stop the station
        }
      }
      phase = "verdict-page";
      // Best effort, after the verdict is recorded: the stamp shows it on its LEDs.
      await sendVerdictOverNfc(link, judged.verdict.code);
    } catch (error) {
      report({ reader: reader.name, uid: uid, phase: phase, error: pcscFailure(error, phase) });
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

  context.on("reader", (reader) => {
    reader.autoProcessing = false;
    if (stopped || (options.readerName !== undefined && !reader.name.includes(options.readerName))) {
      // Not served, but its errors must not go unhandled (an EventEmitter would throw them).
      reader.on("error", () => {});
      return;
    }
    let busy = false;
    reader.on("card.off", () => notify(reader.name, false));
    reader.on("card", () => {
      notify(reader.name, true);
      if (stopped || busy) return;
      busy = true;
      const running = tap(reader).finally(() => {
        busy = false;
        inFlight.delete(running);
      });
      inFlight.add(running);
    });
    reader.on("error", (error) => report({ reader: reader.name, uid: undefined, phase: "reader", error: pcscFailure(error, "reader") }));
    reader.on("end", () => report({ reader: reader.name, uid: undefined, phase: "reader", error: new TagError("reader", `reader ${reader.name} was removed`) }));
    if (options.onReader !== undefined) options.onReader(reader.name);
  });
  context.on("error", (error) => report({ reader: undefined, uid: undefined, phase: "reader", error: pcscFailure(error, "PC/SC") }));

  return {
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      await Promise.allSettled([...inFlight]);
      stopped = true;
      context.close();
    },
  };
}
