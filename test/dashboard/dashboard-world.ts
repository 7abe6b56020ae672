/**
 * The host the dashboard's tests open in Chromium: the very server `stamp serve` runs
 * (buildServer) on a real SQLite database with one merchant, two shops, a counter station at each
 * and a stamp at Gangnam (test/support/test-world.ts), listening on a loopback port and reached as
 * http://localhost:<port> (a secure context: Secure cookies and WebAuthn work as over HTTPS).
 * Taps go through the HTTP API, signed by the station's own key, as a counter station sends them,
 * or as a phone opens the stamp's signed URL (GET /t/:token, with the phone's card cookie). The
 * server's clock is the test's: it starts at the next 09:00 in Seoul, so a day's taps and an
 * eight-hour shift stay on one calendar day, and `advance` moves it.
 */
import { AddressInfo } from "node:net";
import { FastifyInstance } from "fastify";
import { ApiClient } from "../../host/client/api-client";
import { httpTransport } from "../../host/client/transports";
import { buildServer } from "../../host/http/server";
import { fromHex, toHex } from "../../shared/hex";
import { phoneTapUrl } from "../../shared/phone-url";
import { signPhoneToken } from "../support/phone-token";
import { createTestWorld, EnrolledStation, TestWorld } from "../support/test-world";

export const SHOP_TIME_ZONE = "Asia/Seoul";
const HOUR_MS = 3_600_000;
const SEOUL_OFFSET_MS = 9 * HOUR_MS;

/** A phone's browser as the host sees it: its card cookie ("name=value"), once the host gave one. */
export interface PhoneJar {
  cookie: string | undefined;
}

export interface DashboardWorld {
  world: TestWorld;
  publicUrl: string;
  owner: ApiClient;
  /** Invites a person through the API (as `stamp dashboard invite` does) and answers the link. */
  invite(role: "owner" | "manager" | "auditor", name: string): Promise<string>;
  /** One tap of the world's stamp at Gangnam through POST /v1/challenges and POST /v1/taps: its verdict's reason. `counter` repeats an earlier one (a clone). */
  tapAtGangnam(counter?: number): Promise<string>;
  /** A press of the world's stamp read by a phone: GET /t/:token with the jar's card cookie (kept when the host sets one); where the host sent the phone. */
  phoneTap(jar: PhoneJar): Promise<string>;
  /** The server's clock (ms) and moving it on. */
  now(): number;
  advance(ms: number): void;
  close(): Promise<void>;
}

/** The station signs its requests with the server's clock, as a station whose clock is right does. */
function stationClient(publicUrl: string, station: EnrolledStation, clock: () => number): ApiClient {
  return new ApiClient(httpTransport(publicUrl), { kind: "station", keyId: station.keyId, privateKey: station.key.privateKey }, clock);
}

export async function startDashboardWorld(): Promise<DashboardWorld> {
  const world = await createTestWorld("sqlite");
  const listening = { publicUrl: "" };
  const clock = { now: nextSeoulMorning(Date.now()) };
  const app: FastifyInstance = buildServer(world.store, { clock: () => clock.now, publicUrl: () => listening.publicUrl, timeZone: SHOP_TIME_ZONE, logLevel: "error" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const publicUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  listening.publicUrl = publicUrl;
  const owner = new ApiClient(httpTransport(publicUrl), { kind: "token", token: world.ownerToken });
  const gangnam = stationClient(publicUrl, world.gangnamStation, () => clock.now);
  return {
    world: world,
    publicUrl: publicUrl,
    owner: owner,
    invite: async (role, name) => {
      const answer = await owner.request("POST", "/v1/merchants/bean-bros/dashboard-invitations", { role: role, name: name });
      if (answer.status !== 201) throw new Error(`invitation refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      return (answer.body as { link: string }).link;
    },
    tapAtGangnam: async (counter) => {
      const issued = await gangnam.request("POST", "/v1/challenges");
      if (issued.status !== 201) throw new Error(`no challenge: ${issued.status} ${JSON.stringify(issued.body)}`);
      const challenge = fromHex((issued.body as { challenge: string }).challenge);
      if (!challenge.ok) throw new Error("the challenge is not hex");
      const tapped = await gangnam.request("POST", "/v1/taps", { response: toHex(world.stamp.answer(challenge.value, { counter: counter })) });
      if (tapped.status !== 200) throw new Error(`tap refused: ${tapped.status} ${JSON.stringify(tapped.body)}`);
      return (tapped.body as { reason: string }).reason;
    },
    phoneTap: async (jar) => {
      const stamp = world.stamp;
      stamp.counter += 1;
      const url = phoneTapUrl(publicUrl, signPhoneToken(stamp.privateKey, stamp.publicKey.subarray(0, 8), publicUrl, stamp.counter));
      const answer = await fetch(url, { redirect: "manual", headers: jar.cookie === undefined ? {} : { cookie: jar.cookie } });
      const set = answer.headers.get("set-cookie");
      if (set !== null) jar.cookie = set.split(";")[0];
      if (answer.status !== 303) throw new Error(`the phone's tap answered ${answer.status}`);
      return answer.headers.get("location") ?? "";
    },
    now: () => clock.now,
    advance: (ms) => {
      clock.now += ms;
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

/** The first 09:00 in Seoul after `at`: a shop's morning, with the whole working day ahead. */
function nextSeoulMorning(at: number): number {
  const seoulMidnight = Math.floor((at + SEOUL_OFFSET_MS) / (24 * HOUR_MS)) * 24 * HOUR_MS - SEOUL_OFFSET_MS;
  const morning = seoulMidnight + 9 * HOUR_MS;
  return morning > at ? morning : morning + 24 * HOUR_MS;
}
