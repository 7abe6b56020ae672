/**
 * A counter station's view of a Type 2 Tag in its reader's field: page reads and writes, as
 * a PC/SC reader offers them (FF B0 / FF D6) or as raw frames. Failures are typed.
 */
export type TagFailure =
  /** the tag left the field (or was never there) */
  | "removed"
  /** the tag answered NACK, or the reader reported the operation failed (SW 63 00) */
  | "nack"
  /** no answer in time */
  | "timeout"
  /** an answer that cannot be what a stamp or a reader sends */
  | "garbled"
  /** the reader or the PC/SC service is gone or refused the request */
  | "reader";

export class TagError extends Error {
  constructor(
    readonly failure: TagFailure,
    message: string,
  ) {
    super(message);
    this.name = "TagError";
  }
}

export interface TagLink {
  /** The 16 bytes of pages page..page+3. */
  readPages(page: number): Promise<Uint8Array>;
  /** Writes one 4-byte page. */
  writePage(page: number, data: Uint8Array): Promise<void>;
}

/**
 * A tag link that can also pass the stamp's fast frames (docs/nfc.md): the vendor
 * WRITE_CHALLENGE (`7a` + 32 bytes, ACKed) and NTAG FAST_READ (`3a first last`). Over PC/SC
 * these need a reader with a raw-frame pass-through (ACR122U-class direct transmit).
 */
export interface FastTagLink extends TagLink {
  writeChallenge(challenge: Uint8Array): Promise<void>;
  /** Pages first..last, 4 bytes each. */
  fastRead(first: number, last: number): Promise<Uint8Array>;
}
