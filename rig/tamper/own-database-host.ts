import { AddressInfo } from "node:net";
import { join } from "node:path";
import { bootstrapOperator } from "../../host/core/access/credentials";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { createHostKeyFile, HostKey } from "../../host/ledger/host-key";
import { openStore } from "../../host/store/open-store";
import { Store } from "../../host/store/store";
import { SIMULATED_FIRMWARE_HASH, SIMULATED_FIRMWARE_LABEL } from "../../sim/provision";
import { Target } from "../target";
import { TamperDatabases } from "./tamper-databases";

/**
 * The real host (buildServer) on a database the rig holds (an SQLite file or a PostgreSQL
 * database, see tamper-databases.ts), with a host key for checkpoints: what an attacker with
 * access to the database and an operator keeping checkpoints outside it each have. The
 * ledger-tampering campaign needs the database itself, which a host reached by URL never gives.
 */
export interface OwnDatabaseHost {
  target: Target;
  store: Store;
  /** The database's location (`--db`); complete (an SQLite WAL folded in) once stop() has returned. */
  database: string;
  hostKey: HostKey;
  stop(): Promise<void>;
}

const MERCHANT = "rig-ledger";
/** Far above what the campaign sends (rate limits are the floods campaign's matter). */
const RATE_LIMITS = { perAddressPerMinute: 10_000_000, perCredentialPerMinute: 10_000_000, perAddressPerMinuteOnPhonePages: 10_000_000 };

async function created(client: ApiClient, path: string, body: object): Promise<Record<string, unknown>> {
  const response = await client.request("POST", path, body);
  if (response.status !== 201) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

/** `databases` makes the host's database; `dir` holds the host key (and an SQLite file's copies). */
export async function startOwnDatabaseHost(databases: TamperDatabases, dir: string): Promise<OwnDatabaseHost> {
  const database = await databases.create();
  const key = createHostKeyFile(join(dir, "host-key.json"));
  if (!key.ok) throw new Error(key.error);
  const store = await openStore(database);
  const clock = () => Date.now();
  const app = buildServer(store, { clock: clock, rateLimits: RATE_LIMITS, hostKey: key.value });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const operator = await bootstrapOperator(store, "rig operator", clock());
  if (!operator.ok) throw new Error(operator.error.message);
  const op = new ApiClient(httpTransport(url), { kind: "token", token: operator.value.token }, clock);
  await created(op, "/v1/merchants", { id: MERCHANT, name: "Security rig, ledger" });
  await created(op, "/v1/firmware", { hash: SIMULATED_FIRMWARE_HASH, label: SIMULATED_FIRMWARE_LABEL });
  const owner = await created(op, "/v1/tokens", { role: "owner", merchantId: MERCHANT, label: "rig owner" });
  await op.close();
  let stopped = false;
  return {
    target: { label: `the rig's own host (${databases.label})`, url: url, ownerToken: String(owner.token), merchantId: MERCHANT, clock: clock },
    store: store,
    database: database,
    hostKey: key.value,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await store.close();
    },
  };
}
