/**
 * The host of one shard: the server `stamp serve` builds (buildServer), in this process, with its
 * own store (and so its own connection pool) on the shard's own database, listening on an ephemeral loopback port, with the real clock. Stations
 * and people reach it over HTTP through the project's ApiClient, exactly as they would reach a
 * host of their own.
 *
 * A shard knows nothing of the others: it has its own operator (`stamp init` on its database) and
 * its own host key. What every shard must hold alike, the reference data (here the approved
 * firmware; in a deployment also the operator's credentials), is written to each one: that is
 * one of the costs of partitioning (docs/scale.md, "Beyond one database server").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapOperator } from "../../host/core/access/credentials";
import { ApiClient, ApiCredential } from "../../host/client/api-client";
import { ApiTransport, httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { createHostKeyFile } from "../../host/ledger/host-key";
import { call, Person, TEST_FIRMWARE_HASH, TestApi } from "../http/api-harness";
import { ShardDatabase } from "./shard-database";

/** Rate limits far above anything these tests send (the limits have their own tests). */
const UNLIMITED = { perAddressPerMinute: 1_000_000, perCredentialPerMinute: 1_000_000, perAddressPerMinuteOnPhonePages: 1_000_000 };

/** A host process (here, a server in this process with its own store and connection pool) on a database. */
export interface Host {
  /** The shard's name, as the placement knows it. */
  shard: string;
  api: TestApi;
  database: ShardDatabase;
}

export interface ShardHost extends Host {
  /** This shard's operator. */
  operator: Person;
}

/** A host on a new shard database: the shard's operator made (`stamp init`), the test firmware approved. */
export async function startShardHost(shard: string, database: ShardDatabase): Promise<ShardHost> {
  const host = await startHost(shard, database);
  const bootstrapped = await bootstrapOperator(host.api.store, "operator", Date.now());
  if (!bootstrapped.ok) throw new Error(bootstrapped.error.message);
  const operator: Person = { token: bootstrapped.value.token, credentialId: bootstrapped.value.credential.id, client: host.api.client({ kind: "token", token: bootstrapped.value.token }) };
  await call(operator.client, "POST", "/v1/firmware", { hash: TEST_FIRMWARE_HASH, label: "stamp firmware 1.0" }, 201);
  return { ...host, operator: operator };
}

/** One more host on a database that already has its operator, as a second `stamp serve` beside the first. */
export async function startHost(shard: string, database: ShardDatabase): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), `stamp-${shard}-`));
  const store = await database.open();
  const hostKey = createHostKeyFile(join(dir, "host-key.json"));
  if (!hostKey.ok) throw new Error(hostKey.error);
  const listening = { url: "" };
  const app = buildServer(store, { rateLimits: UNLIMITED, hostKey: hostKey.value, publicUrl: () => listening.url });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  listening.url = url;
  const transports: ApiTransport[] = [];
  const transport = (): ApiTransport => {
    const made = httpTransport(url);
    transports.push(made);
    return made;
  };
  // The TestApi's clock is the real one: `now` is read by the harness's helpers, never moved here.
  const api: TestApi = {
    now: Date.now(),
    url: url,
    dir: dir,
    dbPath: database.location,
    database: database,
    store: store,
    app: app,
    client: (credential: ApiCredential, clock?: () => number) => new ApiClient(transport(), credential, clock ?? Date.now),
    anonymous: new ApiClient(transport(), { kind: "none" }),
    transport: transport,
    raw: async (path: string, init: RequestInit) => {
      const response = await fetch(url + path, init);
      const text = await response.text();
      return { status: response.status, body: text, text: text, contentType: response.headers.get("content-type") };
    },
    snapshot: () => database.dump(new Set(["request_nonces"])),
    close: async () => {
      for (const made of transports) await made.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { shard: shard, api: api, database: database };
}
