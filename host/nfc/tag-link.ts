/**
 * A counter station's view of a Type 2 Tag in its reader's field: page reads and writes, as
 * a PC/SC reader offers them (FF B0 / FF D6) or as raw frames. Failures are typed.
 */
export type TagFailure = "removed" | "nack" | "timeout" | "garbled";

export class TagError extends Error {
  constructor(
    readonly failure: TagFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface TagLink {
  /** The 16 bytes of pages page..page+3. */
  readPages(page: number): Promise<Uint8Array>;
  /** Writes one 4-byte page. */
  writePage(page: number, data: Uint8Array): Promise<void>;
}
