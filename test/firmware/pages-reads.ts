/**
 * The pages-mode READs of docs/protocol.md section 12 (table "nfc-pages-reads"), as a reader
 * that follows the document makes them. Tests drive taps with exactly this list: on the
 * simulated stamp (nfc-mailbox.test.ts) and on the ARM Espruino (espruino-native-signer.test.ts).
 */
import { checkedTable, readProtocolDoc } from "../protocol/protocol-doc";

/** One row: a READ, and which of its 16 answer bytes are which stamp reply bytes. */
export interface PagesRead {
  page: number;
  /** First and last byte of the 16-byte answer that are reply bytes. */
  answerBytes: [number, number];
  /** First and last reply byte they are. */
  replyBytes: [number, number];
}

function byteRange(text: string, what: string): [number, number] {
  const match = /^(\d+)–(\d+)$/.exec(text);
  if (match === null) throw new Error("docs/protocol.md nfc-pages-reads: " + what + " is not a range: " + JSON.stringify(text));
  return [Number(match[1]), Number(match[2])];
}

/** The READs the document lists for a 95-byte reply, in order (the status page first). */
export function documentedPagesReads(doc = readProtocolDoc()): PagesRead[] {
  return checkedTable(doc, "nfc-pages-reads").map(([page, bytes, reply]) => ({
    page: Number(page),
    answerBytes: byteRange(bytes, "bytes of READ " + page),
    replyBytes: byteRange(reply, "reply bytes of READ " + page),
  }));
}

/**
 * The stamp reply put together from READ answers exactly as the table says: `answers[i]` is the
 * answer to `plan[i]`; `length` comes from the status page. Rows past the reply are not needed.
 */
export function replyFromReads(plan: PagesRead[], answers: Uint8Array[], length: number): Uint8Array {
  const reply = new Uint8Array(length);
  plan.forEach((read, i) => {
    if (read.replyBytes[0] >= length) return;
    const count = Math.min(read.answerBytes[1] - read.answerBytes[0] + 1, length - read.replyBytes[0]);
    reply.set(answers[i].subarray(read.answerBytes[0], read.answerBytes[0] + count), read.replyBytes[0]);
  });
  return reply;
}
