/**
 * JSON schemas for every body, path parameter and query string of the API. Every object is
 * closed (`additionalProperties: false`) and every string is bounded and patterned, so what
 * reaches a handler has the exact shape its TypeScript type claims. The patterns carry a human
 * hint (PATTERN_HINTS) that the error handler uses for its message.
 */
import { PERSON_ROLES, PersonRole, STATION_ROLES, StationRole } from "../core/access/principal";
import { MAX_REWARD_VALID_DAYS, MAX_STAMPS_PER_REWARD } from "../core/phone/loyalty";
import { MAX_COUPON_CARDS } from "../core/phone/vouchers";
import { COUNTER_CODE_PATTERN } from "../core/phone/counter-codes";
import { MAX_RECEIPT_AMOUNT, ORDER_REF_MAX_LENGTH } from "../core/challenge-service";
import { MAX_OFFLINE_EVENTS_PER_UPLOAD } from "../core/offline/offline-event";
import { MAX_TAP_QUANTITY } from "../core/registry";
import { Checkpoint } from "../ledger/checkpoint";
import { PURPOSE_NAMES, PurposeName } from "./purpose-names";

/** Merchant and shop ids: the slugs of host/core/identifiers.ts. */
export const SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{0,39}$";
/** Stamp and verifier ids: 8 bytes as 16 lower-case hex digits. */
export const HEX_ID_PATTERN = "^[0-9a-f]{16}$";
/** An Ed25519 public key: 32 bytes. */
export const PUBLIC_KEY_PATTERN = "^[0-9a-fA-F]{64}$";
/** A tap response: the 94 bytes of shared/tap-response.ts. */
export const TAP_RESPONSE_PATTERN = "^[0-9a-fA-F]{188}$";
/** A tap challenge: the 32 bytes of shared/challenge.ts. */
export const CHALLENGE_PATTERN = "^(?:[0-9a-fA-F]{2}){32}$";
/** 32 bytes as 64 lower-case hex digits: a firmware hash, a provisioning challenge. */
export const HASH_PATTERN = "^[0-9a-f]{64}$";
/** An Ed25519 signature: 64 bytes. */
export const SIGNATURE_PATTERN = "^[0-9a-f]{128}$";
/** A page cursor: the last id of the previous page (slugs and hex ids alike). */
export const CURSOR_PATTERN = "^[0-9a-z][0-9a-z-]{0,39}$";
/** A history cursor: a sequence number. */
export const SEQUENCE_PATTERN = "^[1-9][0-9]{0,14}$";
/** A query-string limit: a whole number from 1 to 1000. */
export const LIMIT_PATTERN = "^(?:[1-9][0-9]{0,2}|1000)$";

export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [SLUG_PATTERN]: 'must be 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit',
  [HEX_ID_PATTERN]: "must be 16 lower-case hex digits (8 bytes)",
  [PUBLIC_KEY_PATTERN]: "must be 64 hex digits (a 32-byte Ed25519 public key)",
  [TAP_RESPONSE_PATTERN]: "must be 188 hex digits (the 94-byte tap response)",
  [CHALLENGE_PATTERN]: "must be 64 hex digits (the 32-byte challenge)",
  [HASH_PATTERN]: "must be 64 lower-case hex digits (32 bytes)",
  [SIGNATURE_PATTERN]: "must be 128 lower-case hex digits (a 64-byte Ed25519 signature)",
  [CURSOR_PATTERN]: "must be the last id of the previous page",
  [SEQUENCE_PATTERN]: "must be a sequence number from the previous page",
  [LIMIT_PATTERN]: "must be a whole number from 1 to 1000",
};

export const DEFAULT_LIST_LIMIT = 100;

/** No request of this API needs more than a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

const slug = { type: "string", pattern: SLUG_PATTERN } as const;
const hexId = { type: "string", pattern: HEX_ID_PATTERN } as const;
/** Names and labels are bounded here and judged as display text by the core (host/core/text). */
const name = { type: "string", minLength: 1, maxLength: 400 } as const;
const label = { type: "string", minLength: 1, maxLength: 256 } as const;
const limit = { type: "string", pattern: LIMIT_PATTERN } as const;

function closedObject(properties: Record<string, object>, required: string[]): object {
  return { type: "object", properties: properties, required: required, additionalProperties: false };
}

export interface MerchantBody {
  id: string;
  name: string;
}
export const merchantBody = closedObject({ id: slug, name: name }, ["id", "name"]);

export interface ShopBody {
  id: string;
  merchantId: string;
  name: string;
}
export const shopBody = closedObject({ id: slug, merchantId: slug, name: name }, ["id", "merchantId", "name"]);

/** A shop's location for the travel rule, WGS 84 degrees (host/core/shop-location.ts checks the ranges again). */
export interface ShopLocationBody {
  latitude: number;
  longitude: number;
}
export const shopLocationBody = closedObject(
  { latitude: { type: "number", minimum: -90, maximum: 90 }, longitude: { type: "number", minimum: -180, maximum: 180 } },
  ["latitude", "longitude"],
);
export interface ShopParams {
  id: string;
}
export const shopParams = closedObject({ id: slug }, ["id"]);

export interface VerifierBody {
  shopId: string;
  label: string;
  requirePresence?: boolean;
  purpose?: PurposeName;
  quantity?: number;
  id?: string;
}
const purpose = { type: "string", enum: [...PURPOSE_NAMES] } as const;
const quantity = { type: "integer", minimum: 1, maximum: MAX_TAP_QUANTITY } as const;
export const verifierBody = closedObject(
  { shopId: slug, label: label, requirePresence: { type: "boolean" }, purpose: purpose, quantity: quantity, id: hexId },
  ["shopId", "label"],
);

export interface VerifierPatchBody {
  label?: string;
  requirePresence?: boolean;
  purpose?: PurposeName;
  quantity?: number;
}
export const verifierPatchBody = { ...closedObject({ label: label, requirePresence: { type: "boolean" }, purpose: purpose, quantity: quantity }, []), minProperties: 1 };

/** A counter station asks for a challenge with an empty body: what it is for is its verifier's configuration. */
export const emptyBody = closedObject({}, []);

export interface TapBody {
  response: string;
}
export const tapBody = closedObject({ response: { type: "string", pattern: TAP_RESPONSE_PATTERN } }, ["response"]);

/** A station's upload of the taps it judged while the host was unreachable (host/core/offline). */
export interface OfflineTapsBody {
  events: { challenge: string; response: string }[];
}
export const offlineTapsBody = closedObject(
  {
    events: {
      type: "array",
      minItems: 1,
      maxItems: MAX_OFFLINE_EVENTS_PER_UPLOAD,
      items: closedObject({ challenge: { type: "string", pattern: CHALLENGE_PATTERN }, response: { type: "string", pattern: TAP_RESPONSE_PATTERN } }, ["challenge", "response"]),
    },
  },
  ["events"],
);

export interface StampBody {
  publicKey: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds?: string[];
  /** Required in substance: a body without it reaches the core, which refuses it and alerts the owner. */
  proof?: { challenge: string; firmwareHash: string; signature: string };
}
export const stampBody = closedObject(
  {
    publicKey: { type: "string", pattern: PUBLIC_KEY_PATTERN },
    label: label,
    merchantId: slug,
    shopIds: { type: "array", items: slug, minItems: 1, maxItems: 32 },
    verifierIds: { type: "array", items: hexId, maxItems: 64 },
    proof: closedObject(
      {
        challenge: { type: "string", pattern: HASH_PATTERN },
        firmwareHash: { type: "string", pattern: HASH_PATTERN },
        signature: { type: "string", pattern: SIGNATURE_PATTERN },
      },
      ["challenge", "firmwareHash", "signature"],
    ),
  },
  // No "proof" here: a registration without one is refused by the core, which alerts the owner
  // (host/core/registration-alert.ts); a schema refusal would pass unnoticed.
  ["publicKey", "label", "merchantId", "shopIds"],
);

export interface IdParams {
  id: string;
}
export const hexIdParams = closedObject({ id: hexId }, ["id"]);

export interface ReinstateBody {
  reason: string;
}
export const reinstateBody = closedObject({ reason: { type: "string", minLength: 1, maxLength: 500 } }, ["reason"]);

export interface TokenBody {
  role: PersonRole;
  merchantId?: string;
  label: string;
  ttlDays?: number;
}
export const tokenBody = closedObject(
  { role: { type: "string", enum: [...PERSON_ROLES] }, merchantId: slug, label: label, ttlDays: { type: "integer", minimum: 1, maximum: 366 } },
  ["role", "label"],
);

export interface EnrolmentCodeBody {
  role: StationRole;
  verifierId?: string;
  merchantId?: string;
}
export const enrolmentCodeBody = closedObject({ role: { type: "string", enum: [...STATION_ROLES] }, verifierId: hexId, merchantId: slug }, ["role"]);

export interface EnrolmentBody {
  code: string;
  publicKey: string;
  label: string;
}
export const enrolmentBody = closedObject(
  { code: { type: "string", minLength: 1, maxLength: 40 }, publicKey: { type: "string", pattern: PUBLIC_KEY_PATTERN }, label: label },
  ["code", "publicKey", "label"],
);

export interface FirmwareBody {
  hash: string;
  label: string;
}
export const firmwareBody = closedObject({ hash: { type: "string", pattern: HASH_PATTERN }, label: label }, ["hash", "label"]);

export interface IdPageQuery {
  limit?: string;
  after?: string;
}
export const idPageQuery = closedObject({ limit: limit, after: { type: "string", pattern: CURSOR_PATTERN } }, []);

export interface StampsQuery extends IdPageQuery {
  /** Only the stamp with this label (unique within the merchant). */
  label?: string;
}
export const stampsQuery = closedObject({ limit: limit, after: { type: "string", pattern: CURSOR_PATTERN }, label: label }, []);

export interface EventsQuery {
  stampId?: string;
  shopId?: string;
  limit?: string;
  before?: string;
}
export const eventsQuery = closedObject({ stampId: hexId, shopId: slug, limit: limit, before: { type: "string", pattern: SEQUENCE_PATTERN } }, []);

export interface HistoryQuery {
  limit?: string;
  before?: string;
}
export const historyQuery = closedObject({ limit: limit, before: { type: "string", pattern: SEQUENCE_PATTERN } }, []);

export interface LedgerCheckBody {
  checkpoints?: Checkpoint[];
  incremental?: boolean;
}
/** Checkpoints the operator kept: at most 40 per check (the body limit), the newest matter most. */
export const ledgerCheckBody = closedObject(
  {
    checkpoints: {
      type: "array",
      maxItems: 40,
      items: closedObject(
        {
          chain: { type: "string", enum: ["ledger", "audit"] },
          count: { type: "integer", minimum: 0 },
          headHash: { type: "string", pattern: HASH_PATTERN },
          at: { type: "integer", minimum: 0 },
          hostKeyId: { type: "string", pattern: HEX_ID_PATTERN },
          signature: { type: "string", pattern: SIGNATURE_PATTERN },
        },
        ["chain", "count", "headHash", "at", "hostKeyId", "signature"],
      ),
    },
    incremental: { type: "boolean", description: "Check only what came after the newest checkpoint the host key signed." },
  },
  [],
);

/** A query string with nothing in it: routes without filters refuse unknown parameters. */
export const emptyQuery = closedObject({}, []);

/** The limit of a list query, or the default. The pattern has already bounded it. */
export function listLimit(value: string | undefined): number {
  return value === undefined ? DEFAULT_LIST_LIMIT : Number(value);
}

/** A history cursor, or none. The pattern has already bounded it. */
export function listBefore(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

export interface MerchantParams {
  id: string;
}
export const merchantParams = closedObject({ id: slug }, ["id"]);

export interface WorkerBody {
  name: string;
}
export const workerBody = closedObject({ name: name }, ["name"]);

export interface ChallengeBody {
  card?: string;
  receipt?: { orderRef: string; amount: number; currency: string };
}
export const challengeBody = closedObject(
  {
    card: { type: "string", pattern: COUNTER_CODE_PATTERN, description: "The code the customer's card page shows (its QR code), scanned by the station." },
    receipt: closedObject(
      {
        orderRef: { type: "string", minLength: 1, maxLength: ORDER_REF_MAX_LENGTH },
        amount: { type: "integer", minimum: 0, maximum: MAX_RECEIPT_AMOUNT },
        currency: { type: "string", pattern: "^[A-Z]{3}$" },
      },
      ["orderRef", "amount", "currency"],
    ),
  },
  [],
);

export interface CouponBody {
  cardIds: string[];
  label: string;
  validDays?: number | null;
}
export const couponBody = closedObject(
  {
    cardIds: { type: "array", minItems: 1, maxItems: MAX_COUPON_CARDS, items: { type: "string", pattern: "^[0-9a-f]{32}$" }, description: "Card ids (as the come-back list gives them)." },
    label: label,
    validDays: { type: ["integer", "null"], minimum: 1, maximum: MAX_REWARD_VALID_DAYS, description: "Days the coupon stays usable; null or absent: never expires." },
  },
  ["cardIds", "label"],
);

export interface LimitQuery {
  limit?: string;
}
export const limitQuery = closedObject({ limit: limit }, []);

export interface LoyaltyBody {
  stampsPerReward: number;
  stampsPerPress: number;
  rewardLabel: string;
  rewardValidDays?: number | null;
}
export const loyaltyBody = closedObject(
  {
    stampsPerReward: { type: "integer", minimum: 1, maximum: MAX_STAMPS_PER_REWARD },
    stampsPerPress: { type: "integer", minimum: 1, maximum: MAX_TAP_QUANTITY },
    rewardLabel: label,
    rewardValidDays: { type: ["integer", "null"], minimum: 1, maximum: MAX_REWARD_VALID_DAYS, description: "Days a reward stays usable; null or absent: never expires." },
  },
  ["stampsPerReward", "stampsPerPress", "rewardLabel"],
);
