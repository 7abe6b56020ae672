/**
 * A real host on a real database (SQLite file or PostgreSQL, test/support/test-stores.ts) that
 * a test can stop, so its port refuses connections, and start again on the same database and
 * port, as another host process would; counter stations with their own keys and their own
 * offline files (better-sqlite3) in a temporary directory; and test devices: a stamp's key and
 * its counter state, which a clone copies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastifyInstance } from "fastify";
import { StampStatus, encodeStampReply } from "../../shared/stamp-reply";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { ApiClient } from "../../host/client/api-client";
import { OfflineCapableTapService, offlineCapableTapService } from "../../host/client/offline-tap-service";
import { OfflineQueue } from "../../host/client/offline-queue";
import { httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { Store } from "../../host/store/store";
import { StoreKind } from "../support/test-stores";
import { seed, Seeded, startApi, Station, TestApi } from "../http/api-harness";
import { signTap, TestStamp } from "../http/signed-tap";

const UNLIMITED = { perAddressPerMinute: 1_000_000, perCredentialPerMinute: 1_000_000, perAddressPerMinuteOnPhonePages: 1_000_000 };

/** A stamp's key and counter state. `clone()` is a flash dump booted on a second device: same key, same counter. */
export class TestDevice {
  constructor(
    readonly stamp: TestStamp,
    private counter: number,
    private readonly flags: number = FLAG_USER_PRESENT,
  ) {}

  /** Signs the next counter over the challenge, as the firmware does, and answers with a stamp reply. */
  press = async (challenge: Uint8Array): Promise<Uint8Array> => {
    this.counter += 1;
    return encodeStampReply({ status: StampStatus.OK, response: signTap(this.stamp, challenge, this.counter, { flags: this.flags }) });
  };

  clone(): TestDevice {
    return new TestDevice(this.stamp, this.counter, this.flags);
  }

  get lastCounter(): number {
    return this.counter;
  }
}

export interface OfflineStation {
  /** The station's own SQLite file: a station opened again with the same name uses it again. */
  file: string;
  service: OfflineCapableTapService;
  queue: OfflineQueue;
  client: ApiClient;
  log: string[];
}

export interface OfflineWorld {
  api: TestApi;
  world: Seeded;
  /** The store of the host now running (a new one after each restart). */
  store(): Store;
  /** A counter station over HTTP with its own offline file. */
  station(which: Station, name: string): OfflineStation;
  /** Closes the server: its port refuses connections from now on. */
  stopHost(): Promise<void>;
  /** A new server on a new store on the same database, listening on the same port. */
  restartHost(): Promise<void>;
  close(): Promise<void>;
}

export async function startOfflineWorld(kind: StoreKind): Promise<OfflineWorld> {
  const api = await startApi(kind);
  const world = await seed(api);
  const dir = mkdtempSync(join(tmpdir(), "stamp-offline-"));
  const port = Number(new URL(api.url).port);
  let app: FastifyInstance | undefined = api.app;
  let restarted: { app: FastifyInstance; store: Store } | undefined;
  const stations: OfflineStation[] = [];
  const clients: ApiClient[] = [];

  const stopHost = async () => {
    await app?.close();
    app = undefined;
  };
  return {
    api: api,
    world: world,
    store: () => restarted?.store ?? api.store,
    station(which, name) {
      const client = new ApiClient(httpTransport(api.url), { kind: "station", keyId: which.keyId, privateKey: which.privateKey }, () => api.now);
      const file = join(dir, `${name}.db`);
      const queue = new OfflineQueue(file);
      const log: string[] = [];
      const station = { file: file, service: offlineCapableTapService(client, queue, { clock: () => api.now, log: (line) => log.push(line) }), queue: queue, client: client, log: log };
      stations.push(station);
      clients.push(client);
      return station;
    },
    stopHost: stopHost,
    async restartHost() {
      await stopHost();
      if (restarted !== undefined) await restarted.store.close();
      const store = await api.database.open();
      const next = buildServer(store, { clock: () => api.now, rateLimits: UNLIMITED, publicUrl: () => api.url });
      await next.listen({ port: port, host: "127.0.0.1" });
      if ((next.server.address() as AddressInfo).port !== port) throw new Error("the host came back on another port");
      restarted = { app: next, store: store };
      app = next;
    },
    async close() {
      for (const station of stations) station.queue.close();
      for (const client of clients) await client.close();
      if (restarted !== undefined) {
        await restarted.app.close();
        await restarted.store.close();
      }
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
