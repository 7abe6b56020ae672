/**
 * The stamp's NFC face: an NFC Forum Type 2 Tag whose memory is a mailbox (4-byte pages).
 *
 * page  0-2   UID/BCC (from the radio) and lock bytes          read-only
 * page  3     capability container E1 10 13 00                 read-only
 * page  4-7   an empty NDEF message TLV (03 00 FE)            read-only
 * page  8-15  challenge, 32 bytes                              written by the reader
 * page 16     status: state, stamp status, reply length, seq   read-only
 * page 17-40  stamp reply, up to 96 bytes                      read-only
 * page 41     verdict: reason code, 3 zero bytes               written by the reader
 *
 * Besides the Type 2 Tag READ/WRITE/HALT, the stamp answers two frames that let a reader
 * with a raw-frame pass-through (ACR122U-class "direct transmit") finish a tap in a few round
 * trips (docs/nfc.md):
 *   3A ss ee        FAST_READ (as on NXP NTAG21x): pages ss..ee, 4*(ee-ss+1) bytes
 *   7A c0 .. c31    WRITE_CHALLENGE (vendor, this stamp): all 32 challenge bytes at once, ACK
 */
export const PAGE_SIZE = 4;
export const CHALLENGE_FIRST_PAGE = 8;
export const CHALLENGE_PAGES = 8;
export const STATUS_PAGE = 16;
export const REPLY_FIRST_PAGE = 17;
export const REPLY_PAGES = 24;
export const VERDICT_PAGE = 41;
export const TAG_PAGES = 42;

/** Byte 0 of the status page. */
export const MailboxState = { IDLE: 0, BUSY: 1, READY: 2, ERROR: 3 } as const;

/** Type 2 Tag commands and answers used by the mailbox. */
export const T2T_READ = 0x30;
export const T2T_WRITE = 0xa2;
export const T2T_HALT = 0x50;
export const T2T_ACK = 0x0a;
export const T2T_NACK_INVALID = 0x00;
/** NTAG21x FAST_READ: `3a first last`, answers pages first..last. */
export const T2T_FAST_READ = 0x3a;
/** Vendor command (not an NFC Forum Type 2 Tag, NTAG or ISO-DEP code): `7a` + the 32-byte challenge. */
export const STAMP_WRITE_CHALLENGE = 0x7a;
/** A READ answers 4 pages. */
export const T2T_READ_LENGTH = 16;
