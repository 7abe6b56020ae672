/**
 * The stamp's NFC face: an NFC Forum Type 2 Tag whose memory holds an NDEF message any phone
 * reads without an app, followed by a mailbox for counter readers (4-byte pages).
 *
 * page  0-2   UID/BCC (from the radio) and lock bytes          read-only
 * page  3     capability container E1 10 28 0F                 read-only
 * page  4-49  NDEF area: the URI record TLV (03 len D1 01 ...) and a terminator (FE): the
 *             "press the stamp" URL, or for a few seconds after a press the signed phone URL
 *             (docs/protocol.md §15); zero padding after the terminator   read-only
 * page 50-57  challenge, 32 bytes                              written by the reader
 * page 58     status: state, stamp status, reply length, seq   read-only
 * page 59-82  stamp reply, up to 96 bytes                      read-only
 * page 83     verdict: reason code, 3 zero bytes               written by the reader
 *
 * The capability container declares a data area of pages 4-83 (0x28 * 8 = 320 bytes) with no
 * NDEF write access (0F): a phone reads the TLVs from page 4 and stops at the terminator, so
 * it never looks at the mailbox; a counter reader reads and writes mailbox pages by number.
 *
 * Besides the Type 2 Tag READ/WRITE/HALT, the stamp answers two frames that let a reader
 * with a raw-frame pass-through (ACR122U-class "direct transmit") finish a tap in a few round
 * trips (docs/nfc.md):
 *   3A ss ee        FAST_READ (as on NXP NTAG21x): pages ss..ee, 4*(ee-ss+1) bytes
 *   7A c0 .. c31    WRITE_CHALLENGE (vendor, this stamp): all 32 challenge bytes at once, ACK
 */
export const PAGE_SIZE = 4;
export const CAPABILITY_CONTAINER_PAGE = 3;
export const NDEF_FIRST_PAGE = 4;
/** Room for the longest phone URL (a 64-character http:// base URL): TLV header 2, record header
 * and identifier code 5, 57 + 3 + 112 URI bytes, terminator 1 = 180 bytes, in 46 pages (184). */
export const NDEF_PAGES = 46;
export const CHALLENGE_FIRST_PAGE = 50;
export const CHALLENGE_PAGES = 8;
export const STATUS_PAGE = 58;
export const REPLY_FIRST_PAGE = 59;
export const REPLY_PAGES = 24;
export const VERDICT_PAGE = 83;
export const TAG_PAGES = 84;
/** Capability container bytes (NFC Forum Type 2 Tag 1.0, §6.1): NDEF magic number, mapping
 * version 1.0, data area size / 8 (pages 4-83), access: read freely, never written by NDEF. */
export const CC_NDEF_MAGIC = 0xe1;
export const CC_MAPPING_VERSION = 0x10;
export const CC_DATA_AREA_SIZE = ((TAG_PAGES - NDEF_FIRST_PAGE) * PAGE_SIZE) / 8;
export const CC_READ_ONLY_ACCESS = 0x0f;
export const CAPABILITY_CONTAINER = [CC_NDEF_MAGIC, CC_MAPPING_VERSION, CC_DATA_AREA_SIZE, CC_READ_ONLY_ACCESS];

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
