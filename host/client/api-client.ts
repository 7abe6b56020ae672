/**
 * The API client of the CLI and the stations: JSON in and out, over any ApiTransport, with one
 * of three credentials. A station signs every request (RFC 9421, host/auth/http-signature.ts)
 * over the exact bytes it sends, with a fresh nonce and the current time.
 */
import { KeyObject } from "node:crypto";
import { contentDigest } from "../auth/content-digest";
import { randomNonce, signRequest, splitPathAndQuery } from "../auth/http-signature";
import { ApiMethod, ApiTransport, TransportResponse } from "./transports";

export type ApiCredential = { kind: "none" } | { kind: "token"; token: string } | { kind: "station"; keyId: string; privateKey: KeyObject };

export interface ApiResponse {
  status: number;
  /** The parsed JSON body; the text when the answer is not JSON; undefined when empty. */
  body: unknown;
  headers: Record<string, string>;
}

const EMPTY_BODY = new Uint8Array(0);

/** The headers that prove who sends this request (none for kind "none"). */
export function credentialHeaders(
  credential: ApiCredential,
  request: { method: ApiMethod; authority: string; pathAndQuery: string; body: Uint8Array },
  nowMs: number,
): Record<string, string> {
  switch (credential.kind) {
    case "none":
      return {};
    case "token":
      return { authorization: `Bearer ${credential.token}` };
    case "station": {
      const digest = contentDigest(request.body);
      const signable = { method: request.method, authority: request.authority, ...splitPathAndQuery(request.pathAndQuery), contentDigest: digest };
      return { "content-digest": digest, ...signRequest(signable, credential, Math.floor(nowMs / 1000), randomNonce()) };
    }
  }
}

function decodeBody(response: TransportResponse): unknown {
  if (response.body === "") return undefined;
  if (!/^application\/(.+\+)?json\b/i.test(response.headers["content-type"] ?? "")) return response.body;
  try {
    return JSON.parse(response.body);
  } catch {
    return response.body;
  }
}

export class ApiClient {
  constructor(
    private readonly transport: ApiTransport,
    private readonly credential: ApiCredential,
    /** Milliseconds since the epoch. */
    private readonly clock: () => number = Date.now,
  ) {}

  async request(method: ApiMethod, pathAndQuery: string, body?: object): Promise<ApiResponse> {
    const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
    const headers = {
      accept: "application/json",
      ...(bytes === undefined ? {} : { "content-type": "application/json" }),
      ...credentialHeaders(this.credential, { method: method, authority: this.transport.authority, pathAndQuery: pathAndQuery, body: bytes ?? EMPTY_BODY }, this.clock()),
    };
    const response = await this.transport.request(method, pathAndQuery, headers, bytes);
    return { status: response.status, body: decodeBody(response), headers: response.headers };
  }

  /** The same credential and clock over another transport (the rig sends one station's requests both over the network and in process). */
  through(transport: ApiTransport): ApiClient {
    return new ApiClient(transport, this.credential, this.clock);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
