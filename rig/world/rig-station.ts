import { generateKeyPairSync, KeyObject, createPublicKey } from "node:crypto";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { toHex } from "../../shared/hex";
import { Target } from "../target";
import { readTapAnswer, TapAnswer } from "./tap-answer";

/** A counter station the rig enrolled: its verifier, and challenges and taps signed with its own key. */
export interface RigStation {
  verifierId: string;
  client: ApiClient;
  /** A fresh challenge for this station's verifier (hex), or the refusal's HTTP answer. */
  challenge(): Promise<{ ok: true; challenge: string; nonce: string } | { ok: false; answer: string }>;
  /** Submits response bytes (or a hex text exactly as given) as this station. */
  submit(response: Uint8Array | string): Promise<TapAnswer>;
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

export function stationClient(target: Target, keyId: string, privateKey: KeyObject): ApiClient {
  return new ApiClient(httpTransport(target.url), { kind: "station", keyId: keyId, privateKey: privateKey }, target.clock);
}

function expect201(what: string, response: { status: number; body: unknown }): Record<string, unknown> {
  if (response.status !== 201) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

/**
 * Enrols a new station key the way `stamp station enrol` does: the owner asks for a one-time
 * code, the station enrols its own public key with it, signing that request with the very key
 * (its keyid is the key's first 8 bytes in hex until the host names it).
 */
export async function enrolStationKey(
  target: Target,
  owner: ApiClient,
  role: { role: "counter-station"; verifierId: string } | { role: "flashing-station"; merchantId: string },
  label: string,
): Promise<{ keyId: string; client: ApiClient }> {
  const code = expect201("enrolment code", await owner.request("POST", "/v1/enrolment-codes", role)).code;
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const publicKey = rawPublicKey(privateKey);
  const enrolling = stationClient(target, toHex(publicKey).slice(0, 16), privateKey);
  const enrolled = expect201("enrolment", await enrolling.request("POST", "/v1/enrolments", { code: code, publicKey: toHex(publicKey), label: label }));
  await enrolling.close();
  return { keyId: String(enrolled.id), client: stationClient(target, String(enrolled.id), privateKey) };
}

export function rigStation(verifierId: string, client: ApiClient): RigStation {
  return {
    verifierId: verifierId,
    client: client,
    async challenge() {
      const response = await client.request("POST", "/v1/challenges");
      if (response.status !== 201) return { ok: false, answer: readTapAnswer(response.status, response.body).answer };
      const body = response.body as { challenge: string; nonce: string };
      return { ok: true, challenge: body.challenge, nonce: body.nonce };
    },
    async submit(response) {
      const hex = typeof response === "string" ? response : toHex(response);
      const answer = await client.request("POST", "/v1/taps", { response: hex });
      return readTapAnswer(answer.status, answer.body);
    },
  };
}
