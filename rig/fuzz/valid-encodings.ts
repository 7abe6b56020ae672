import fc from "fast-check";
import { encodeChallenge } from "../../shared/challenge";
import { toHex } from "../../shared/hex";
import { ndefUriTlv } from "../../shared/ndef";
import { encodePhoneToken, PhoneToken } from "../../shared/phone-url";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { encodeStampReply } from "../../shared/stamp-reply";
import { encodeTapResponse } from "../../shared/tap-response";

/**
 * Valid encodings of every message the decoders take, built with the product's own encoders:
 * the seeds the mutations start from.
 */

const bytesOf = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const counter = fc.integer({ min: 1, max: 0xffffffff });

export const validChallenge: fc.Arbitrary<Uint8Array> = fc
  .record({ verifierId: bytesOf(8), issuedAt: fc.integer({ min: 0, max: 0xffffffff }), nonce: bytesOf(16), purpose: fc.integer({ min: 1, max: 4 }), quantity: fc.integer({ min: 1, max: 0xffff }) })
  .map((c) => encodeChallenge({ ...c, purpose: c.purpose as 1 | 2 | 3 | 4 }));

export const validTapResponse: fc.Arbitrary<Uint8Array> = fc
  .record({ stampId: bytesOf(8), nonce: bytesOf(16), counter: counter, signature: bytesOf(64) })
  .map((r) => encodeTapResponse({ ...r, flags: FLAG_USER_PRESENT }));

export const validStampReply: fc.Arbitrary<Uint8Array> = fc.oneof(
  validTapResponse.map((response) => encodeStampReply({ status: 0, response: response })),
  fc.integer({ min: 1, max: 8 }).map((status) => new Uint8Array([status])),
);

const validPhoneTokenValue: fc.Arbitrary<PhoneToken> = fc.record({ stampId: bytesOf(8), counter: counter, flags: fc.constant(FLAG_USER_PRESENT), pressRandom: bytesOf(6), signature: bytesOf(64) });

export const validPhoneToken: fc.Arbitrary<Uint8Array> = validPhoneTokenValue.map(encodePhoneToken);

export const validBaseUrl: fc.Arbitrary<string> = fc.constantFrom("https://stamp.example", "http://127.0.0.1:8080", "https://a.b.c/shop/x-1");

export const validUri: fc.Arbitrary<string> = fc.oneof(validBaseUrl, fc.webUrl({ size: "small" }).filter((u) => u.length <= 150));

export const validNdefArea: fc.Arbitrary<Uint8Array> = validUri.map(ndefUriTlv);

export const validHex: fc.Arbitrary<string> = fc.uint8Array({ maxLength: 120 }).map(toHex);
