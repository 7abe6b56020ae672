/** Every size and fixed value of protocol version 1; docs/protocol.md describes each byte. */

export const PROTOCOL_VERSION = 1;

/** "stamp-tap/v1": separates tap signatures from any other use of the stamp key. */
export const TAP_DOMAIN_TAG = "stamp-tap/v1";

export const VERIFIER_ID_LENGTH = 8;
export const STAMP_ID_LENGTH = 8;
export const NONCE_LENGTH = 16;
export const PUBLIC_KEY_LENGTH = 32;
export const SEED_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export const CHALLENGE_LENGTH = 1 + VERIFIER_ID_LENGTH + 4 + NONCE_LENGTH + 1 + 2; // 32
export const TAP_RESPONSE_LENGTH = 1 + STAMP_ID_LENGTH + NONCE_LENGTH + 4 + 1 + SIGNATURE_LENGTH; // 94
export const SIGNED_MESSAGE_LENGTH = TAP_DOMAIN_TAG.length + CHALLENGE_LENGTH + STAMP_ID_LENGTH + 4 + 1; // 57

/** What a tap is for. */
export const Purpose = {
  STAMP: 1,
  REDEEM: 2,
  CLOCK_IN: 3,
  CLOCK_OUT: 4,
} as const;
export type Purpose = (typeof Purpose)[keyof typeof Purpose];

export function isPurpose(value: number): value is Purpose {
  return value >= Purpose.STAMP && value <= Purpose.CLOCK_OUT;
}

/** Response flag bits. Bits not defined here must be zero. */
export const FLAG_USER_PRESENT = 0x01;
export const KNOWN_FLAGS = FLAG_USER_PRESENT;

/** The largest counter value; a stamp that reaches it stops signing rather than wrapping. */
export const MAX_COUNTER = 0xffffffff;
