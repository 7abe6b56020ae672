/**
 * A phone reading a stamp the way its background tag reading does (NFC Forum Type 2 Tag
 * operation, docs/protocol.md §15): READ 3 for the capability container (the answer also holds
 * pages 4-6, the start of the data area), then READs of 4 pages until the NDEF message TLV is
 * complete, parsed with shared/ndef.ts. It never writes and never reads past what the TLVs need,
 * so, like a phone, it never looks at the counter mailbox. Works on any TagLink: the simulated
 * radio (the demo), or PC/SC (test/support/phone-ndef-reader.ts).
 */
import { decodeNdefUriRecord, findNdefMessage, NDEF_MESSAGE_TLV, TERMINATOR_TLV } from "../shared/ndef";
import { CAPABILITY_CONTAINER_PAGE, CC_NDEF_MAGIC, NDEF_FIRST_PAGE, PAGE_SIZE } from "../shared/nfc-mailbox-layout";
import { TagLink } from "../host/nfc/tag-link";

export interface PhoneNdefRead {
  /** The URI of the tag's one URI record. */
  url: string;
  /** READ frames the read took, the capability container's included. */
  readFrames: number;
  /** Length of the NDEF message (the record), without the TLV's type, length and terminator. */
  ndefBytes: number;
}

const NULL_TLV = 0x00;

/**
 * How many data-area bytes (from page 4) must have been read to hold the first NDEF message TLV
 * whole, or to reach a terminator: at least one byte more than `have` while a TLV header or
 * value is still cut off.
 */
function bytesNeeded(data: Uint8Array, have: number): number {
  let offset = 0;
  while (offset < have) {
    const type = data[offset];
    if (type === NULL_TLV) {
      offset++;
      continue;
    }
    if (type === TERMINATOR_TLV) return offset + 1;
    if (offset + 2 > have) return offset + 2;
    let length = data[offset + 1];
    let header = 2;
    if (length === 0xff) {
      if (offset + 4 > have) return offset + 4;
      length = (data[offset + 2] << 8) | data[offset + 3];
      header = 4;
    }
    if (type === NDEF_MESSAGE_TLV) return offset + header + length;
    offset += header + length;
  }
  return have + 1;
}

/**
 * Reads the tag's URI record as a phone does. Throws, naming what it found, when there is none.
 * READ frames: 1 + ceil((2 + ndefBytes - 12) / 16) for a message TLV with a 1-byte length.
 */
export async function readPhoneUrl(tag: TagLink): Promise<PhoneNdefRead> {
  let readFrames = 1;
  const head = await tag.readPages(CAPABILITY_CONTAINER_PAGE);
  const cc = head.subarray(0, PAGE_SIZE);
  if (cc[0] !== CC_NDEF_MAGIC || cc[1] >> 4 !== 1 || cc[3] >> 4 !== 0) throw new Error(`no NDEF capability container: ${Buffer.from(cc).toString("hex")}`);
  const dataArea = new Uint8Array(cc[2] * 8);
  let have = head.length - PAGE_SIZE;
  dataArea.set(head.subarray(PAGE_SIZE));
  for (;;) {
    const need = bytesNeeded(dataArea, have);
    if (need <= have || have >= dataArea.length) break;
    const answer = await tag.readPages(NDEF_FIRST_PAGE + have / PAGE_SIZE);
    readFrames++;
    dataArea.set(answer.subarray(0, Math.min(answer.length, dataArea.length - have)), have);
    have += answer.length;
  }
  const message = findNdefMessage(dataArea.subarray(0, Math.min(have, dataArea.length)));
  if (!message.ok) throw new Error(`the tag holds no NDEF message: ${message.error.detail}`);
  if (message.value.length === 0) throw new Error("the tag holds an empty NDEF message");
  const url = decodeNdefUriRecord(message.value);
  if (!url.ok) throw new Error(`the tag's NDEF message is not one URI record: ${url.error.detail}`);
  return { url: url.value, readFrames: readFrames, ndefBytes: message.value.length };
}

