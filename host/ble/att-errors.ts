/**
 * ATT error codes the verifier's GATT server answers with (Bluetooth Core Vol 3 Part F 3.4.1.1;
 * 0x80–0x9F are application errors defined by this service). bleno itself answers 0x01, 0x02,
 * 0x03, 0x06 and 0x0A for invalid handles, non-readable/non-writable attributes, unsupported
 * requests and discovery past the end; the rest come from host/ble/ble-station.ts.
 */
export const AttError = {
  INVALID_HANDLE: 0x01,
  READ_NOT_PERMITTED: 0x02,
  WRITE_NOT_PERMITTED: 0x03,
  REQUEST_NOT_SUPPORTED: 0x06,
  /** A read or write at an offset the value does not have (Read Blob past the end, prepared writes). */
  INVALID_OFFSET: 0x07,
  ATTRIBUTE_NOT_FOUND: 0x0a,
  /** An empty chunk, or a chunk that would make the reply longer than 95 bytes. */
  INVALID_ATTRIBUTE_VALUE_LENGTH: 0x0d,
  /** The host failed (store error): nothing was recorded; the stamp may try again. */
  UNLIKELY_ERROR: 0x0e,
  /** A reply chunk written before the challenge was read on this connection. */
  CHALLENGE_NOT_READ: 0x80,
  /** A chunk whose index is not the next one expected (out of order, repeated). */
  CHUNK_OUT_OF_ORDER: 0x81,
  /** A write after the reply was complete: one reply per connection. */
  ALREADY_ANSWERED: 0x82,
  /** The verdict read before the reply was complete. */
  VERDICT_NOT_READY: 0x83,
  /** The station cannot issue a challenge (verifier not registered, bad order). */
  CHALLENGE_UNAVAILABLE: 0x84,
} as const;

export type AttErrorCode = (typeof AttError)[keyof typeof AttError];

export const ATT_ERROR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(AttError).map(([name, code]) => [code, name]));
