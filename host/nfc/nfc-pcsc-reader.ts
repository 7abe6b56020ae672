import { createRequire } from "node:module";
import { ApduTransport } from "./pcsc-tag-link";
import { TagError } from "./tag-link";

/** The part of nfc-pcsc's Reader the station uses (nfc-pcsc ships no types). */
export interface PcscReader {
  readonly name: string;
  autoProcessing: boolean;
  transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
  on(event: "card", listener: (card: { atr?: Buffer }) => void): this;
  on(event: "card.off", listener: () => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "end", listener: () => void): this;
}

/** nfc-pcsc's NFC: one PC/SC context that announces readers. */
export interface PcscContext {
  on(event: "reader", listener: (reader: PcscReader) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  close(): void;
}

type PcscContextClass = new () => PcscContext;

/**
 * Opens a PC/SC context through nfc-pcsc (and its native @pokusew/pcsclite), loaded only here so
 * that nothing else in the host needs the native module. The PC/SC service is pcscd, found
 * through PCSCLITE_CSOCK_NAME when set (libpcsclite reads it).
 */
export function openPcscContext(): PcscContext {
  const require = createRequire(import.meta.url);
  const loaded = require("nfc-pcsc") as { NFC?: unknown; default?: unknown };
  const NFC = (loaded.NFC ?? loaded.default) as PcscContextClass | undefined;
  if (typeof NFC !== "function") throw new TagError("reader", "nfc-pcsc did not export NFC");
  return new NFC();
}

/** PC/SC return codes (pcsclite.h) and what they mean for a tap. */
const PCSC_CODES: { code: string; failure: "removed" | "reader"; meaning: string }[] = [
  { code: "80100069", failure: "removed", meaning: "the card was removed" },
  { code: "80100068", failure: "removed", meaning: "the card was reset" },
  { code: "80100067", failure: "removed", meaning: "the card is unpowered" },
  { code: "80100066", failure: "removed", meaning: "the card does not respond" },
  { code: "80100016", failure: "removed", meaning: "the exchange with the card broke off" },
  { code: "8010000c", failure: "removed", meaning: "no card in the reader" },
  { code: "80100017", failure: "reader", meaning: "the reader is unavailable" },
  { code: "80100009", failure: "reader", meaning: "the reader is unknown (unplugged)" },
  { code: "8010001d", failure: "reader", meaning: "the PC/SC service (pcscd) is not running" },
  { code: "8010001e", failure: "reader", meaning: "the PC/SC service stopped" },
  { code: "80100013", failure: "reader", meaning: "the connection to the PC/SC service broke (pcscd stopped or was killed)" },
  { code: "80100002", failure: "reader", meaning: "the request was cancelled" },
];

/** Turns whatever nfc-pcsc / pcsclite threw into a typed TagError. */
export function pcscFailure(error: unknown, what: string): TagError {
  if (error instanceof TagError) return error;
  const parts: string[] = [];
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    parts.push(cause.message);
    const next = (cause as Error & { previous?: unknown; code?: unknown }).previous ?? cause.cause;
    if ((cause as { code?: unknown }).code === "card_not_connected") parts.push("0x8010000c");
    cause = next;
  }
  if (cause !== undefined && !(cause instanceof Error)) parts.push(String(cause));
  const text = parts.join(": ").toLowerCase();
  for (const known of PCSC_CODES) {
    if (text.includes(known.code)) return new TagError(known.failure, `${what}: ${known.meaning} (${parts.join(": ")})`);
  }
  return new TagError("reader", `${what}: ${parts.join(": ") || "unknown PC/SC failure"}`);
}

/** An ApduTransport over an nfc-pcsc reader with a card connected. */
export function readerTransport(reader: PcscReader): ApduTransport {
  return {
    async transmit(apdu: Uint8Array, maxResponseLength: number): Promise<Uint8Array> {
      try {
        // nfc-pcsc throws synchronously when the card is already gone: the try catches both.
        const response = await reader.transmit(Buffer.from(apdu), maxResponseLength);
        return new Uint8Array(response);
      } catch (error) {
        throw pcscFailure(error, `APDU ${Buffer.from(apdu.subarray(0, 2)).toString("hex")}`);
      }
    },
  };
}
