/**
 * A phone held to a PC/SC reader: sim/phone-tag-reader.ts's phone read through the real pcscd,
 * with FF B0 (READ BINARY: one Type 2 Tag READ frame each).
 */
import { openPcscContext, PcscContext, PcscReader, readerTransport } from "../../host/nfc/nfc-pcsc-reader";
import { PcscTagLink } from "../../host/nfc/pcsc-tag-link";
import { PhoneNdefRead, readPhoneUrl } from "../../sim/phone-tag-reader";

/** The same through pcscd: FF B0 00 pp 10 per READ, the portable PC/SC part 3 command. */
export function readPhoneUrlThroughPcsc(reader: PcscReader): Promise<PhoneNdefRead> {
  return readPhoneUrl(new PcscTagLink(readerTransport(reader), "pages"));
}

/** A phone held to a PC/SC reader's field: it sees each tag that arrives and reads it. */
export interface PhoneReader {
  /** Tags that arrived so far (a stamp that re-presents its tag arrives again). */
  readonly arrivals: number;
  /** Resolves once more than `after` tags have arrived and one is in the field. */
  waitForTag(after: number, timeoutMs: number): Promise<void>;
  read(): Promise<PhoneNdefRead>;
  close(): void;
}

/** Opens a PC/SC context (pcscd found through PCSCLITE_CSOCK_NAME) on the named reader. */
export async function openPhoneReader(readerName: string, timeoutMs: number): Promise<PhoneReader> {
  const context: PcscContext = openPcscContext();
  context.on("error", () => {});
  let arrivals = 0;
  let present = false;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const reader = await new Promise<PcscReader>((resolve, reject) => {
    const timer = setTimeout(() => {
      context.close();
      reject(new Error(`no reader "${readerName}" within ${timeoutMs} ms`));
    }, timeoutMs);
    context.on("reader", (found) => {
      found.on("error", () => {});
      if (found.name !== readerName) return;
      found.autoProcessing = false;
      found.on("card", () => {
        arrivals++;
        present = true;
        wake();
      });
      found.on("card.off", () => {
        present = false;
        wake();
      });
      clearTimeout(timer);
      resolve(found);
    });
  });
  return {
    get arrivals() {
      return arrivals;
    },
    async waitForTag(after, waitMs) {
      const deadline = Date.now() + waitMs;
      while (!(arrivals > after && present)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no tag arrived at "${readerName}" within ${waitMs} ms (arrivals ${arrivals}, present ${present})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    read: () => readPhoneUrlThroughPcsc(reader),
    close: () => context.close(),
  };
}
