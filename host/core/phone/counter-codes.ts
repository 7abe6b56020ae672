/**
 * The card's code for a counter reader: the card page shows it as a QR code; the counter station
 * scans it and names it when it asks for a challenge, so that the tap counts on that card (and
 * redeems what its holder asked to redeem). 128 random bits, shown for COUNTER_CODE_TTL_MS,
 * kept as a SHA-256 only; a code works only at the merchant whose card page showed it.
 */
import { createHash, randomBytes } from "node:crypto";
import { Store } from "../../store/store";

export const COUNTER_CODE_TTL_MS = 10 * 60_000;
/** base64url of 16 bytes: anything else is not looked up. */
export const COUNTER_CODE_PATTERN = "^[A-Za-z0-9_-]{22}$";
const COUNTER_CODE = new RegExp(COUNTER_CODE_PATTERN);

function codeHash(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

/** A fresh code for the holder's card at this merchant. */
export async function issueCounterCode(store: Store, input: { holderId: string; merchantId: string; now: number }): Promise<{ code: string; expiresAt: number }> {
  const code = randomBytes(16).toString("base64url");
  const expiresAt = input.now + COUNTER_CODE_TTL_MS;
  await store.vouchers.addCounterCode({ codeHash: codeHash(code), holderId: input.holderId, merchantId: input.merchantId, expiresAt: expiresAt }, input.now);
  return { code: code, expiresAt: expiresAt };
}

/** The card a code names at this merchant; undefined for an unknown, expired or other merchant's code. */
export async function cardOfCounterCode(store: Store, input: { code: string; merchantId: string; now: number }): Promise<string | undefined> {
  if (!COUNTER_CODE.test(input.code)) return undefined;
  const found = await store.vouchers.findCounterCode(codeHash(input.code), input.now);
  return found?.merchantId === input.merchantId ? found.holderId : undefined;
}
