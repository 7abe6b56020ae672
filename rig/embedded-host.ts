import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapOperator } from "../host/core/access/credentials";
import { ApiClient } from "../host/client/api-client";
import { httpTransport } from "../host/client/transports";
import { buildServer } from "../host/http/server";
import { openStore } from "../host/store/open-store";
import { Store } from "../host/store/store";
import { SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../sim/provision";
import { RunningHost } from "./twin";

/**
 * Rate limits far above what the rig sends: the rig measures what the tap path accepts, and the
 * limits would only slow it. They are a campaign of their own (floods, not built yet).
 */
const RIG_RATE_LIMITS = { perAddressPerMinute: 10_000_000, perCredentialPerMinute: 10_000_000, perAddressPerMinuteOnPhonePages: 10_000_000 };

export const RIG_MERCHANT = "rig";

async function created(client: ApiClient, path: string, body: object): Promise<Record<string, unknown>> {
  const response = await client.request("POST", path, body);
  if (response.status !== 201) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

/**
 * The real host (buildServer) on a fresh SQLite file in a temporary directory, listening on an
 * ephemeral loopback port, with what an operator does once for the rig: the rig's merchant, the
 * simulated stamp firmware approved, and an owner token. `wrap` lets the rig's test code put a
 * weakened store in front (a twin); the product itself has no such switch.
 */
export async function startEmbeddedHost(wrap: (store: Store) => Store = (store) => store): Promise<RunningHost> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-rig-"));
  const store = await openStore(join(dir, "rig.db"));
  const offset = { ms: 0 };
  const clock = () => Date.now() + offset.ms;
  const app = buildServer(wrap(store), { clock: clock, rateLimits: RIG_RATE_LIMITS });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const operator = await bootstrapOperator(store, "rig operator", clock());
  if (!operator.ok) throw new Error(operator.error.message);
  const op = new ApiClient(httpTransport(url), { kind: "token", token: operator.value.token }, clock);
  await created(op, "/v1/merchants", { id: RIG_MERCHANT, name: "Security rig" });
  await created(op, "/v1/firmware", { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL });
  const owner = await created(op, "/v1/tokens", { role: "owner", merchantId: RIG_MERCHANT, label: "rig owner" });
  await op.close();
  return {
    target: { label: "embedded host (SQLite)", url: url, ownerToken: String(owner.token), merchantId: RIG_MERCHANT, clock: clock, advanceClock: (ms) => (offset.ms += ms), operatorToken: operator.value.token },
    async stop() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
