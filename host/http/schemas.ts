/**
 * JSON schemas for every body, path parameter and query string of the API. Every object is
 * closed (`additionalProperties: false`) and every string is bounded and patterned, so what
 * reaches a handler has the exact shape its TypeScript type claims. The patterns carry a human
 * hint (PATTERN_HINTS) that the error handler uses for its message.
 */
import { PURPOSE_NAMES, PurposeName } from "./purpose-names";

/** Merchant and shop ids: the slugs of host/core/identifiers.ts. */
export const SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{0,39}$";
/** Stamp and verifier ids: 8 bytes as 16 lower-case hex digits. */
export const HEX_ID_PATTERN = "^[0-9a-f]{16}$";
/** An Ed25519 public key: 32 bytes. */
export const PUBLIC_KEY_PATTERN = "^[0-9a-fA-F]{64}$";
/** A tap response: the 94 bytes of shared/tap-response.ts. */
export const TAP_RESPONSE_PATTERN = "^[0-9a-fA-F]{188}$";
/** Names and labels: printable text, not blank (control characters would garble terminals and logs). */
export const TEXT_PATTERN = "^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$";
/** A query-string limit: a whole number from 1 to 1000. */
export const LIMIT_PATTERN = "^(?:[1-9][0-9]{0,2}|1000)$";

export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [SLUG_PATTERN]: 'must be 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit',
  [HEX_ID_PATTERN]: "must be 16 lower-case hex digits (8 bytes)",
  [PUBLIC_KEY_PATTERN]: "must be 64 hex digits (a 32-byte Ed25519 public key)",
  [TAP_RESPONSE_PATTERN]: "must be 188 hex digits (the 94-byte tap response)",
  [TEXT_PATTERN]: "must be printable text, not blank and without control characters",
  [LIMIT_PATTERN]: "must be a whole number from 1 to 1000",
};

export const DEFAULT_LIST_LIMIT = 100;

/** No request of this API needs more than a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

const slug = { type: "string", pattern: SLUG_PATTERN } as const;
const hexId = { type: "string", pattern: HEX_ID_PATTERN } as const;
const name = { type: "string", minLength: 1, maxLength: 100, pattern: TEXT_PATTERN } as const;
const label = { type: "string", minLength: 1, maxLength: 64, pattern: TEXT_PATTERN } as const;
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

export interface VerifierBody {
  shopId: string;
  label: string;
  requirePresence?: boolean;
  id?: string;
}
export const verifierBody = closedObject({ shopId: slug, label: label, requirePresence: { type: "boolean" }, id: hexId }, ["shopId", "label"]);

export interface ChallengeBody {
  verifierId: string;
  purpose: PurposeName;
  quantity?: number;
  ttlSeconds?: number;
}
export const challengeBody = closedObject(
  {
    verifierId: hexId,
    purpose: { type: "string", enum: [...PURPOSE_NAMES] },
    quantity: { type: "integer", minimum: 1, maximum: 65535 },
    ttlSeconds: { type: "integer", minimum: 1, maximum: 30 },
  },
  ["verifierId", "purpose"],
);

export interface TapBody {
  verifierId: string;
  response: string;
}
export const tapBody = closedObject({ verifierId: hexId, response: { type: "string", pattern: TAP_RESPONSE_PATTERN } }, ["verifierId", "response"]);

export interface StampBody {
  publicKey: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  verifierIds?: string[];
}
export const stampBody = closedObject(
  {
    publicKey: { type: "string", pattern: PUBLIC_KEY_PATTERN },
    label: label,
    merchantId: slug,
    shopIds: { type: "array", items: slug, minItems: 1, maxItems: 32 },
    verifierIds: { type: "array", items: hexId, maxItems: 64 },
  },
  ["publicKey", "label", "merchantId", "shopIds"],
);

export interface StampParams {
  id: string;
}
export const stampParams = closedObject({ id: hexId }, ["id"]);

export interface EventsQuery {
  stampId?: string;
  shopId?: string;
  limit?: string;
}
export const eventsQuery = closedObject({ stampId: hexId, shopId: slug, limit: limit }, []);

export interface LimitQuery {
  limit?: string;
}
export const limitQuery = closedObject({ limit: limit }, []);

/** A query string with nothing in it: list routes without filters refuse unknown parameters. */
export const emptyQuery = closedObject({}, []);

/** The limit of a list query, or the default. The pattern has already bounded it. */
export function listLimit(value: string | undefined): number {
  return value === undefined ? DEFAULT_LIST_LIMIT : Number(value);
}
