import { KeyObject } from "node:crypto";
import { ApiClient } from "../host/client/api-client";
import { apiTapService } from "../host/client/api-tap-service";
import { injectTransport } from "../host/client/transports";
import { TapService } from "../host/core/counter-station";
import { buildServer } from "../host/http/server";
import { Store } from "../host/store/store";

/** An enrolled station key: the credential id its signatures name, and the private key. */
export interface StationCredential {
  keyId: string;
  privateKey: KeyObject;
}

export interface ApiStation {
  /** Challenges and taps over the HTTP API, each request signed with the station's key. */
  service: TapService;
  client: ApiClient;
  /** Closes the in-process API (not the store). */
  close(): Promise<void>;
}

/**
 * A counter station that reaches the host the way `stamp serve --nfc/--ble` does on a local
 * database: the real HTTP API in this process (Fastify's inject, no socket) with its own signed
 * requests, over the given store.
 */
export function apiStation(store: Store, station: StationCredential, clock: () => number = Date.now): ApiStation {
  const client = new ApiClient(injectTransport(buildServer(store, { clock: clock })), { kind: "station", keyId: station.keyId, privateKey: station.privateKey }, clock);
  return { service: apiTapService(client), client: client, close: () => client.close() };
}
