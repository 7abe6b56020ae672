/**
 * What the flashing station asks of the host, as a port. The station never touches the store:
 * it is a flashing-station principal like any other client, so the host checks its key, scopes
 * it to its own merchant, issues the provisioning challenge and re-verifies the proof of
 * possession itself. `apiStationRegistry` is the one implementation, over the HTTP API with the
 * station's signed requests (in process on a local database, or to a remote host).
 *
 * Every refusal becomes a FlashError whose code says why (flash-error.ts); transport failures,
 * 5xx and 429 answers are HOST_UNREACHABLE.
 */
import { fromHex } from "../../shared/hex";
import { PROVISION_CHALLENGE_LENGTH } from "../../shared/provisioning-message";
import { ApiResponse } from "../client/api-client";
import { ApiMethod } from "../client/transports";
import { FlashError } from "./flash-error";
import { isRecord } from "./json-record";

/** A proved stamp, as the station registers it: the proof is the stamp's answer to the host's challenge. */
export interface StampRegistration {
  publicKeyHex: string;
  label: string;
  merchantId: string;
  shopIds: string[];
  proof: {
    /** The host-issued provisioning challenge, 64 hex digits. */
    challenge: string;
    /** The firmware hash the stamp computed from its own Storage, 64 hex digits. */
    firmwareHash: string;
    /** The stamp's Ed25519 signature over shared/provisioning-message.ts, 128 hex digits. */
    signature: string;
  };
}

export interface RegistryTarget {
  merchantId: string;
  shopIds: string[];
  /** The firmware the station is about to upload: the operator must have approved it. */
  firmwareHash: string;
  /** When given: the label must be free within the merchant (no stamp in service has it). */
  label?: string;
}

export interface StationRegistry {
  /**
   * Before the device is touched (and again before locking): the host answers and accepts this
   * station's key, the merchant is the station's own, the shops are that merchant's, and the
   * firmware is approved. Throws a FlashError otherwise.
   */
  checkTarget(target: RegistryTarget): Promise<void>;
  /** A fresh challenge issued by the host to this station, for STAMP.prove. */
  provisioningChallenge(): Promise<Uint8Array>;
  /** Whether the host already has this stamp id (among the stamps this station may see). */
  isRegistered(stampId: string): Promise<boolean>;
  /** The only write of a successful flash; the host re-verifies the proof. */
  register(input: StampRegistration): Promise<void>;
  /** Revokes a stamp id whose key a factory reset is about to destroy; the id if the host knew it. */
  revokeDestroyedKey(stampId: string): Promise<string | undefined>;
}

/** How the registry reaches the API: ApiClient, or anything with its request(). */
export interface ApiRequester {
  request(method: ApiMethod, pathAndQuery: string, body?: object): Promise<ApiResponse>;
}

/** The API's `{ error: { code, message } }`, if the body is one. */
function apiError(body: unknown): { code: string; message: string } | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  return typeof code === "string" && typeof message === "string" ? { code: code, message: message } : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The FlashError for a refused request `what` (e.g. "registering stamp 0123…"). */
export function refusalError(what: string, response: ApiResponse, after = ""): FlashError {
  const error = apiError(response.body);
  const said = error === undefined ? `status ${response.status}` : `${error.message} (${error.code})`;
  if (response.status >= 500 || response.status === 429 || response.status === 0) {
    return new FlashError("HOST_UNREACHABLE", `host unreachable while ${what}: ${said}${after}`);
  }
  if (response.status === 401 || response.status === 403) {
    return new FlashError(
      "NOT_ENROLLED",
      `the host refuses this station's key while ${what}: ${said}. A flashing station needs its own key, enrolled for the merchant ` +
        "(`stamp codes add --role flashing-station`, then `stamp station enrol --role flashing-station`)" + after,
    );
  }
  switch (error?.code) {
    case "PROOF_INVALID":
      return new FlashError("PROOF_INVALID", `proof of possession invalid at the host while ${what}: ${said}${after}`);
    case "FIRMWARE_NOT_APPROVED":
      return new FlashError("WRONG_FIRMWARE", `the host refuses the firmware while ${what}: ${said}${after}`);
    case "WEAK_KEY":
      return new FlashError("WEAK_KEY", `the host refuses the stamp's key while ${what}: ${said}${after}`);
    case "DUPLICATE":
      return new FlashError("DUPLICATE", `the host already has this stamp while ${what}: ${said}${after}`);
    default:
      return new FlashError("REGISTRY_REFUSED", `the host refused ${what}: ${said}${after}`);
  }
}

interface ListPage {
  items: unknown[];
  next: string | null;
}

function isListPage(body: unknown): body is ListPage {
  return isRecord(body) && Array.isArray(body.items) && (body.next === null || typeof body.next === "string");
}

/** The flashing station's registry over the host's HTTP API. */
export function apiStationRegistry(client: ApiRequester): StationRegistry {
  async function send(what: string, method: ApiMethod, path: string, body?: object, after = ""): Promise<ApiResponse> {
    try {
      return await client.request(method, path, body);
    } catch (error) {
      throw new FlashError("HOST_UNREACHABLE", `host unreachable while ${what}: ${messageOf(error)}${after}`);
    }
  }

  async function call(what: string, method: ApiMethod, path: string, body?: object): Promise<unknown> {
    const response = await send(what, method, path, body);
    if (response.status >= 400) throw refusalError(what, response);
    return response.body;
  }

  /** Every item of a paged list (`{ items, next }`). */
  async function listAll(what: string, path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let after: string | null = null;
    do {
      const page = await call(what, "GET", after === null ? path : `${path}?after=${encodeURIComponent(after)}`);
      if (!isListPage(page)) throw new FlashError("HOST_UNREACHABLE", `the host's answer while ${what} is not a list`);
      items.push(...page.items);
      after = page.items.length === 0 ? null : page.next;
    } while (after !== null);
    return items;
  }

  const ids = (items: unknown[], field: string): Map<string, Record<string, unknown>> =>
    new Map(items.filter(isRecord).flatMap((item) => (typeof item[field] === "string" ? [[item[field] as string, item] as const] : [])));

  return {
    async checkTarget(target) {
      const merchants = ids(await listAll("reading the station's merchant", "/v1/merchants"), "id");
      if (!merchants.has(target.merchantId)) {
        throw new FlashError("REGISTRY_REFUSED", `merchant ${target.merchantId} does not exist at the host, or is not the merchant this flashing station is enrolled for`);
      }
      if (target.shopIds.length === 0) throw new FlashError("REGISTRY_REFUSED", "a stamp must be bound to at least one shop (--shop)");
      const shops = ids(await listAll("reading the merchant's shops", "/v1/shops"), "id");
      for (const shopId of target.shopIds) {
        const shop = shops.get(shopId);
        if (shop === undefined || shop.merchantId !== target.merchantId) throw new FlashError("REGISTRY_REFUSED", `shop ${shopId} does not exist at the host (for merchant ${target.merchantId})`);
      }
      if (target.label !== undefined) {
        const what = `checking that the label "${target.label}" is free`;
        const page = await call(what, "GET", "/v1/stamps?" + new URLSearchParams({ label: target.label, limit: "1000" }).toString());
        if (!isListPage(page)) throw new FlashError("HOST_UNREACHABLE", `the host's answer while ${what} is not a list`);
        const holder = page.items.filter(isRecord).find((stamp) => stamp.status !== "revoked");
        if (holder !== undefined) {
          throw new FlashError("DUPLICATE", `the label "${target.label}" is already used by stamp ${String(holder.id)} of merchant ${target.merchantId}: give each stamp its own label (--label)`);
        }
      }
      const approved = ids(await listAll("reading the approved firmware", "/v1/firmware"), "hash");
      if (!approved.has(target.firmwareHash)) {
        throw new FlashError(
          "WRONG_FIRMWARE",
          `firmware ${target.firmwareHash} is not approved at the host: the operator approves it with \`stamp firmware approve ${target.firmwareHash} --label …\`; nothing was uploaded`,
        );
      }
    },

    async provisioningChallenge() {
      const what = "asking for a provisioning challenge";
      const body = await call(what, "POST", "/v1/provisioning-challenges");
      const hex = isRecord(body) && typeof body.challenge === "string" ? fromHex(body.challenge) : undefined;
      if (hex === undefined || !hex.ok || hex.value.length !== PROVISION_CHALLENGE_LENGTH) {
        throw new FlashError("HOST_UNREACHABLE", `the host's answer while ${what} has no ${PROVISION_CHALLENGE_LENGTH}-byte challenge`);
      }
      return hex.value;
    },

    async isRegistered(stampId) {
      const what = `checking for stamp ${stampId}`;
      const response = await send(what, "GET", `/v1/stamps/${stampId}`);
      if (response.status === 404) return false;
      if (response.status >= 400) throw refusalError(what, response);
      return true;
    },

    async register(input) {
      const body = { publicKey: input.publicKeyHex, label: input.label, merchantId: input.merchantId, shopIds: input.shopIds, proof: input.proof };
      await call(`registering the stamp ${input.publicKeyHex.slice(0, 16)}`, "POST", "/v1/stamps", body);
    },

    async revokeDestroyedKey(stampId) {
      const what = `revoking the old stamp ${stampId}`;
      const after = "; its key was not erased";
      const known = await send(what, "GET", `/v1/stamps/${stampId}`, undefined, after);
      if (known.status === 404) return undefined;
      if (known.status >= 400) throw refusalError(what, known, after);
      if (isRecord(known.body) && known.body.status === "revoked") return stampId;
      const revoked = await send(what, "POST", `/v1/stamps/${stampId}/revoke`, undefined, after);
      if (revoked.status >= 400) throw refusalError(what, revoked, after);
      return stampId;
    },
  };
}
