import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapOperator } from "../host/core/access/credentials";
import { ApiClient } from "../host/client/api-client";
import { httpTransport, injectTransport } from "../host/client/transports";
import { buildServer, RateLimits } from "../host/http/server";
import { openStore } from "../host/store/open-store";
import { Store } from "../host/store/store";
import { SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../sim/provision";
import { RunningHost } from "./twin";

/**
 * Rate limits far above what the rig sends: campaigns other than floods measure what a route
 * accepts, and the limits would only slow them. The floods campaign runs the product's own.
 */
export const RAISED_RATE_LIMITS: RateLimits = { perAddressPerMinute: 10_000_000, perCredentialPerMinute: 10_000_000, perAddressPerMinuteOnPhonePages: 10_000_000 };

export const RIG_MERCHANT = "rig";

/** How the rig's own host is set up. */
export interface HostSettings {
  /** undefined: the product's defaults, as `stamp serve` runs. */
  rateLimits: RateLimits | undefined;
  /** Serve phone pages, with the host's own loopback URL as its public URL. */
  servePhonePages: boolean;
  /** A twin's weakened store in front of the real one; the product has no such switch. */
  wrap: (store: Store) => Store;
  /** Where the host's clock offset is kept: shared memory when the host runs in a thread of its own (threaded-host.ts). */
  clockOffset?: { ms: number };
}

async function created(client: ApiClient, path: string, body: object): Promise<Record<string, unknown>> {
  const response = await client.request("POST", path, body);
  if (response.status !== 201) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

/**
 * The real host (buildServer) on a fresh SQLite file in a temporary directory, listening on an
 * ephemeral loopback port, with what an operator does once for the rig: the rig's merchant, the
 * simulated stamp firmware approved, and an owner token; the operator's token is kept on the
 * target (the access-control campaign makes a second merchant with it). The store and its file
 * are returned too, for the rig's test code to measure the database.
 */
export async function startConfiguredHost(settings: HostSettings): Promise<RunningHost & { store: Store; databaseFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "stamp-rig-"));
  const databaseFile = join(dir, "rig.db");
  const store = await openStore(databaseFile);
  const offset = settings.clockOffset ?? { ms: 0 };
  const clock = () => Date.now() + offset.ms;
  const own = { url: "" };
  const app = buildServer(settings.wrap(store), {
    clock: clock,
    ...(settings.rateLimits === undefined ? {} : { rateLimits: settings.rateLimits }),
    ...(settings.servePhonePages ? { publicUrl: () => own.url } : {}),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  own.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const operator = await bootstrapOperator(store, "rig operator", clock());
  if (!operator.ok) throw new Error(operator.error.message);
  const op = new ApiClient(httpTransport(own.url), { kind: "token", token: operator.value.token }, clock);
  await created(op, "/v1/merchants", { id: RIG_MERCHANT, name: "Security rig" });
  await created(op, "/v1/firmware", { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL });
  const owner = await created(op, "/v1/tokens", { role: "owner", merchantId: RIG_MERCHANT, label: "rig owner" });
  await op.close();
  return {
    store: store,
    databaseFile: databaseFile,
    target: {
      label: "embedded host (SQLite)",
      url: own.url,
      ownerToken: String(owner.token),
      merchantId: RIG_MERCHANT,
      clock: clock,
      advanceClock: (ms) => (offset.ms += ms),
      operatorToken: operator.value.token,
      // The transport would close the app with it: the host stays up until stop().
      inProcessTransport: () => ({ ...injectTransport(app), close: async () => undefined }),
    },
    async stop() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The rig's usual host: raised rate limits, phone pages served; `wrap` puts a twin's weakened store in front. */
export function startEmbeddedHost(wrap: (store: Store) => Store = (store) => store): Promise<RunningHost> {
  return startConfiguredHost({ rateLimits: RAISED_RATE_LIMITS, servePhonePages: true, wrap: wrap });
}
