import { Target } from "../target";
import { sendRaw } from "./raw-http";
import { bearer, jsonRequest } from "./sweep-request";

/** The merchant the rig plays "another merchant" with: one per host, reused run after run (a merchant cannot be deleted). */
export const FOREIGN_MERCHANT = "rig-foreign";

/**
 * An operator token, when the target carries one: only an operator makes merchants, and the
 * rig's own owner token cannot make a second one. A target without it still runs the rest of the
 * campaign.
 */
export function operatorTokenOf(target: Target): string | undefined {
  return target.operatorToken;
}

/**
 * An owner token of another merchant handed to the rig (`foreignOwnerToken`), when the target
 * carries one: a deployment can give the rig that instead of an operator token, which is less to
 * trust it with.
 */
export function foreignOwnerTokenOf(target: Target): string | undefined {
  return target.foreignOwnerToken;
}

/** An owner of another merchant, and how to retire it. */
export interface ForeignOwner {
  token: string;
  close(): Promise<void>;
}

/** Makes (or reuses) the foreign merchant and a fresh owner token of it, revoked when the run closes it. */
export async function foreignOwner(target: Target, operatorToken: string, run: string): Promise<ForeignOwner> {
  const send = (method: string, path: string, body?: object) => sendRaw(target.url, jsonRequest(target.url, method, path, body, bearer(operatorToken)));
  const merchant = await send("POST", "/v1/merchants", { id: FOREIGN_MERCHANT, name: "Security rig: another merchant" });
  // 409: made by an earlier run, which is what the fixed id is for.
  if (merchant.status !== 201 && merchant.status !== 409) throw new Error(`the foreign merchant: HTTP ${merchant.status} ${merchant.text}`);
  const issued = await send("POST", "/v1/tokens", { role: "owner", merchantId: FOREIGN_MERCHANT, label: `rig ${run} foreign owner` });
  if (issued.status !== 201) throw new Error(`the foreign owner's token: HTTP ${issued.status} ${issued.text}`);
  const body = JSON.parse(issued.text) as { token: string; credential: { id: string } };
  return {
    token: body.token,
    async close() {
      const revoked = await send("POST", `/v1/credentials/${body.credential.id}/revoke`);
      if (revoked.status !== 200) throw new Error(`the rig could not revoke the foreign owner's token: HTTP ${revoked.status}`);
    },
  };
}

/** Another merchant's owner for this run: the one handed over, or one the operator makes; undefined when the target carries neither token. */
export async function foreignOwnerFor(target: Target, run: string): Promise<ForeignOwner | undefined> {
  const handed = foreignOwnerTokenOf(target);
  if (handed !== undefined) return { token: handed, close: async () => undefined };
  const operatorToken = operatorTokenOf(target);
  return operatorToken === undefined ? undefined : foreignOwner(target, operatorToken, run);
}
