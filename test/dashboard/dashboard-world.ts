/**
 * The host the dashboard's tests open in Chromium: the very server `stamp serve` runs
 * (buildServer) on a real SQLite database with one merchant, two shops, a counter station at each
 * and a stamp at Gangnam (test/support/test-world.ts), listening on a loopback port and reached as
 * http://localhost:<port> (a secure context: Secure cookies and WebAuthn work as over HTTPS).
 * Taps go through the HTTP API, signed by the station's own key, as a counter station sends them.
 */
import { AddressInfo } from "node:net";
import { FastifyInstance } from "fastify";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { fromHex, toHex } from "../../shared/hex";
import { createTestWorld, EnrolledStation, TestWorld } from "../support/test-world";

export interface DashboardWorld {
  world: TestWorld;
  publicUrl: string;
  owner: ApiClient;
  /** Invites a person through the API (as `stamp dashboard invite` does) and answers the link. */
  invite(role: "owner" | "manager" | "auditor", name: string): Promise<string>;
  /** One tap of the world's stamp at Gangnam through POST /v1/challenges and POST /v1/taps: its verdict's reason. */
  tapAtGangnam(): Promise<string>;
  close(): Promise<void>;
}

function stationClient(publicUrl: string, station: EnrolledStation): ApiClient {
  return new ApiClient(httpTransport(publicUrl), { kind: "station", keyId: station.keyId, privateKey: station.key.privateKey });
}

export async function startDashboardWorld(): Promise<DashboardWorld> {
  const world = await createTestWorld("sqlite");
  const listening = { publicUrl: "" };
  const app: FastifyInstance = buildServer(world.store, { publicUrl: () => listening.publicUrl, timeZone: "Asia/Seoul", logLevel: "error" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const publicUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  listening.publicUrl = publicUrl;
  const owner = new ApiClient(httpTransport(publicUrl), { kind: "token", token: world.ownerToken });
  const gangnam = stationClient(publicUrl, world.gangnamStation);
  return {
    world: world,
    publicUrl: publicUrl,
    owner: owner,
    invite: async (role, name) => {
      const answer = await owner.request("POST", "/v1/merchants/bean-bros/dashboard-invitations", { role: role, name: name });
      if (answer.status !== 201) throw new Error(`invitation refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as { link: string }).link;
    },
    tapAtGangnam: async () => {
      const issued = await gangnam.request("POST", "/v1/challenges");
      if (issued.status !== 201) throw new Error(`no challenge: ${issued.status} ${JSON.stringify(issued.body)}`);
      const challenge = fromHex((issued.body as { challenge: string }).challenge);
      if (!challenge.ok) throw new Error("the challenge is not hex");
      const tapped = await gangnam.request("POST", "/v1/taps", { response: toHex(world.stamp.answer(challenge.value)) });
      if (tapped.status !== 200) throw new Error(`tap refused: ${tapped.status} ${JSON.stringify(tapped.body)}`);
      return (tapped.body as { reason: string }).reason;
    },
    close: async () => {
      await owner.close();
      await gangnam.close();
      await app.close();
      await world.store.close();
      await world.database.discard();
    },
  };
}
