import { copyBytes } from "../../shared/bytes";
import {
  CHALLENGE_FIRST_PAGE,
  CHALLENGE_PAGES,
  MailboxState,
  PAGE_SIZE,
  REPLY_FIRST_PAGE,
  REPLY_PAGES,
  STATUS_PAGE,
  T2T_READ_LENGTH,
  VERDICT_PAGE,
} from "../../shared/nfc-mailbox-layout";
import { FastTagLink, TagError, TagLink } from "./tag-link";

export interface PollPolicy {
  /** Pause between status polls. */
  intervalMs: number;
  /** Give up after this many polls. */
  maxPolls: number;
}

export const DEFAULT_POLL: PollPolicy = { intervalMs: 5, maxPolls: 200 };

export interface FastPollPolicy extends PollPolicy {
  /** Pause after the challenge is ACKed before the first read: about one signature's time, so
   * that the first read usually finds the reply ready (one round trip instead of several). */
  firstPollDelayMs: number;
}

/** The stamp is busy about 15 ms after the challenge (8-10 ms signature, counter commit, JS;
 * docs/nfc.md): wait that long, then read every 5 ms. */
export const DEFAULT_FAST_POLL: FastPollPolicy = { firstPollDelayMs: 15, intervalMs: 5, maxPolls: 200 };

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One exchange with a stamp's NFC mailbox: write the challenge page by page, poll the status
 * page until the stamp has answered, read the reply. Returns the raw stamp reply bytes.
 */
export async function exchangeOverNfc(tag: TagLink, challenge: Uint8Array, poll: PollPolicy = DEFAULT_POLL): Promise<Uint8Array> {
  if (challenge.length !== CHALLENGE_PAGES * PAGE_SIZE) throw new Error("a challenge is " + CHALLENGE_PAGES * PAGE_SIZE + " bytes");
  for (let i = 0; i < CHALLENGE_PAGES; i++) {
    await tag.writePage(CHALLENGE_FIRST_PAGE + i, challenge.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  }
  for (let polls = 0; polls < poll.maxPolls; polls++) {
    // The status page is followed by the reply's first 12 bytes, so a short reply may need no
    // further read.
    const head = await tag.readPages(STATUS_PAGE);
    const state = head[0];
    const length = head[2];
    if (state === MailboxState.BUSY || state === MailboxState.IDLE) {
      await pause(poll.intervalMs);
      continue;
    }
    if (state !== MailboxState.READY && state !== MailboxState.ERROR) throw new TagError("garbled", `unknown mailbox state ${state}`);
    if (length < 1 || length > REPLY_PAGES * PAGE_SIZE) throw new TagError("garbled", `impossible reply length ${length}`);
    const reply = new Uint8Array(length);
    reply.set(head.subarray(PAGE_SIZE, PAGE_SIZE + Math.min(length, T2T_READ_LENGTH - PAGE_SIZE)));
    for (let offset = T2T_READ_LENGTH - PAGE_SIZE; offset < length; offset += T2T_READ_LENGTH) {
      const pages = await tag.readPages(REPLY_FIRST_PAGE + offset / PAGE_SIZE);
      reply.set(copyBytes(pages, 0, Math.min(T2T_READ_LENGTH, length - offset)), offset);
    }
    return reply;
  }
  throw new TagError("timeout", "the stamp did not answer in time");
}

/** The stamp reply in a status page + reply pages image (status at offset 0), or undefined while the stamp is not done. */
function replyFromStatus(pages: Uint8Array): Uint8Array | undefined {
  const state = pages[0];
  const length = pages[2];
  if (state === MailboxState.BUSY || state === MailboxState.IDLE) return undefined;
  if (state !== MailboxState.READY && state !== MailboxState.ERROR) throw new TagError("garbled", `unknown mailbox state ${state}`);
  if (length < 1 || length > REPLY_PAGES * PAGE_SIZE) throw new TagError("garbled", `impossible reply length ${length}`);
  if (PAGE_SIZE + length > pages.length) throw new TagError("garbled", `reply of ${length} bytes in ${pages.length - PAGE_SIZE} bytes of pages`);
  return copyBytes(pages, PAGE_SIZE, length);
}

/**
 * One exchange over the fast frames (direct transmit): WRITE_CHALLENGE in one frame, then
 * FAST_READ of the status page and every reply page at once until the stamp is done. A tap is
 * then 2 frames when the first read finds the reply (docs/nfc.md).
 */
export async function exchangeOverNfcFast(tag: FastTagLink, challenge: Uint8Array, poll: FastPollPolicy = DEFAULT_FAST_POLL): Promise<Uint8Array> {
  if (challenge.length !== CHALLENGE_PAGES * PAGE_SIZE) throw new Error("a challenge is " + CHALLENGE_PAGES * PAGE_SIZE + " bytes");
  await tag.writeChallenge(challenge);
  await pause(poll.firstPollDelayMs);
  for (let polls = 0; polls < poll.maxPolls; polls++) {
    const pages = await tag.fastRead(STATUS_PAGE, REPLY_FIRST_PAGE + REPLY_PAGES - 1);
    if (pages.length !== (REPLY_PAGES + 1) * PAGE_SIZE) throw new TagError("garbled", `FAST_READ answered ${pages.length} bytes`);
    const reply = replyFromStatus(pages);
    if (reply !== undefined) return reply;
    await pause(poll.intervalMs);
  }
  throw new TagError("timeout", "the stamp did not answer in time");
}

/** Tells the stamp the verdict, for its LEDs. Best effort: the verdict is already recorded. */
export async function sendVerdictOverNfc(tag: TagLink, code: number): Promise<void> {
  await tag.writePage(VERDICT_PAGE, new Uint8Array([code, 0, 0, 0]));
}
