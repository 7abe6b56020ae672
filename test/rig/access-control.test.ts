/**
 * The access-control campaign: its pure parts; its route lists against docs/security.md (the
 * pages kept in rig/, the API's read from the host's OpenAPI document), so neither can drift;
 * a short run against the real host (buildServer on a temporary SQLite file, over HTTP on a
 * loopback port) with no accepted attack and no false rejection; and its weakened twins, which it
 * must catch.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignResult, SHORT_BUDGET } from "../../rig/campaign";
import { accessControlCampaign } from "../../rig/campaigns/access-control";
import { apiRoutesOf, fetchApiRoutes } from "../../rig/access/api-routes";
import { attackerHosts } from "../../rig/access/browser-shaped";
import { existenceProbe, withoutIds } from "../../rig/access/existence-probe";
import { leakedMarkers } from "../../rig/access/foreign-sweep";
import { PAGE_ROUTES } from "../../rig/access/page-routes";
import { COUNTER_STATION_ROUTES } from "../../rig/access/role-sweep";
import { fillPath } from "../../rig/access/route-path";
import { foreignOwner } from "../../rig/access/second-merchant";
import { concurrentAttemptsOf } from "../../rig/access/signed-requests";
import { stateAttempts } from "../../rig/access/state-snapshot";
import { runCampaign } from "../../rig/runner";
import { ACCESS_CONTROL_TWIN } from "./twins/access-control-twin";
import { cardBlindStore } from "./twins/card-blind-store";
import { startChildHost } from "./twins/child-host";
import { merchantBlindStore } from "./twins/merchant-blind-store";
import { startHostWithOperator } from "./twins/operator-host";
import { sessionBlindStore } from "./twins/session-blind-store";

/** One campaign over loopback HTTP: about a second idle, far more on a loaded 2-core machine. */
const RUN_TIMEOUT = 120_000;
/** Starting or stopping an embedded host (a SQLite file, a listening socket). */
const HOST_TIMEOUT = 30_000;

const SECURITY_MD = readFileSync(join(__dirname, "../../docs/security.md"), "utf8");

/** The first column of the table after `marker` in docs/security.md: "METHOD /path". */
function documentedRoutes(marker: string): string[] {
  const start = SECURITY_MD.indexOf(marker);
  if (start < 0) throw new Error(`docs/security.md has no ${marker}`);
  const lines = SECURITY_MD.slice(start + marker.length).trim().split("\n");
  const end = lines.findIndex((line) => !line.trim().startsWith("|"));
  return lines.slice(2, end < 0 ? lines.length : end).map((line) => line.split("|")[1].replace(/`/g, "").trim());
}

/** The routes docs/security.md's route × role table allows `role`, public ones (allowed for anonymous) left out. */
function allowedTo(role: string): string[] {
  const marker = "<!-- checked: route-roles -->";
  const lines = SECURITY_MD.slice(SECURITY_MD.indexOf(marker) + marker.length).trim().split("\n");
  const end = lines.findIndex((line) => !line.trim().startsWith("|"));
  const cells = (line: string) => line.split("|").slice(1, -1).map((cell) => cell.replace(/`/g, "").trim());
  const header = cells(lines[0]);
  const column = header.indexOf(role);
  const anonymous = header.indexOf("anonymous");
  return lines
    .slice(2, end < 0 ? lines.length : end)
    .map(cells)
    .filter((row) => row[column] === "allowed" && row[anonymous] !== "allowed")
    .map((row) => row[0]);
}

const ids = { merchant: "rig", verifier: "aa".repeat(8), stamp: "bb".repeat(8), credential: "cc".repeat(8), worker: "dd".repeat(8), person: "ee".repeat(8) };

describe("access-control campaign: its parts", () => {
  it("reads every operation of an OpenAPI document, public where security is empty", () => {
    const doc = { paths: { "/healthz": { get: { security: [] } }, "/v1/stamps/{id}": { get: {}, post: { security: [{ token: [] }] } } } };
    expect(apiRoutesOf(doc)).toEqual([
      { method: "GET", path: "/healthz", public: true },
      { method: "GET", path: "/v1/stamps/:id", public: false },
      { method: "POST", path: "/v1/stamps/:id", public: false },
    ]);
    expect(() => apiRoutesOf({})).toThrow(/no paths/);
  });

  it("fills path parameters with the object each collection names", () => {
    expect(fillPath("/v1/stamps/:id/revoke", ids, "x")).toBe(`/v1/stamps/${ids.stamp}/revoke`);
    expect(fillPath("/v1/merchants/:id/workers", ids, "x")).toBe("/v1/merchants/rig/workers");
    expect(fillPath("/dashboard/programs/workers/:id/invitation", ids, "x")).toBe(`/dashboard/programs/workers/${ids.worker}/invitation`);
    expect(fillPath("/card/:merchantId/redeem", ids, "x")).toBe("/card/rig/redeem");
    expect(fillPath("/dashboard/assets/:name", ids, "x")).toBe("/dashboard/assets/uplot.css");
    expect(fillPath("/w/:code", ids, "x")).toBe("/w/x");
  });

  it("names the markers a list leaks, and the state an attack changed", () => {
    expect(leakedMarkers('{"items":[{"merchantId":"rig-foreign"}]}', ['"rig"', "bbbb"])).toEqual([]);
    expect(leakedMarkers('{"items":[{"merchantId":"rig","id":"bbbb"}]}', ['"rig"', "bbbb"])).toEqual(['"rig"', "bbbb"]);
    const before = { stampStatus: "active", credentialRevoked: "null", verifierLabel: "home" };
    expect(stateAttempts(before, before).filter((a) => a.accepted)).toEqual([]);
    expect(stateAttempts(before, { ...before, stampStatus: "revoked" }).filter((a) => a.accepted).map((a) => a.answer)).toEqual(["active → revoked"]);
  });

  it("counts one winner of concurrent signed sendings as legitimate and any other as an accepted replay", () => {
    const one = concurrentAttemptsOf([{ served: false, answer: "HTTP 401" }, { served: true, answer: "HTTP 200" }]);
    expect(one.map((a) => [a.legitimate, a.accepted])).toEqual([[false, false], [true, true]]);
    const two = concurrentAttemptsOf([{ served: true, answer: "HTTP 200" }, { served: true, answer: "HTTP 200" }]);
    expect(two.filter((a) => !a.legitimate && a.accepted)).toHaveLength(1);
  });

  it("tells another merchant's object from none only by status or words, ids set aside", () => {
    const real = { ...ids, shop: "rig-run-ac" };
    const none = { ...ids, merchant: "rig-nx-1", stamp: "ff".repeat(8), shop: "rig-nx-2" };
    const answer = (status: number, text: string) => ({ status: status, headers: {}, text: text });
    expect(withoutIds("shop rig-run-ac of rig", real)).toBe("shop <id> of <id>");
    expect(existenceProbe("x", answer(404, `stamp ${ids.stamp} does not exist`), real, answer(404, `stamp ${"ff".repeat(8)} does not exist`), none).accepted).toBe(false);
    expect(existenceProbe("x", answer(404, "shop rig-run-ac is not yours"), real, answer(404, "shop rig-nx-2 does not exist"), none).accepted).toBe(true);
    expect(existenceProbe("x", answer(403, "{}"), real, answer(404, "{}"), none).accepted).toBe(true);
  });

  it("sends rebinding requests under attacker names, with and without the port", () => {
    expect(attackerHosts("127.0.0.1:8080")).toEqual(["evil.example:8080", "evil.example", "localhost.evil.example:8080", "127.0.0.1.evil.example:8080"]);
  });

  it("keeps the counter station's routes equal to docs/security.md's counter-station column", () => {
    expect([...COUNTER_STATION_ROUTES].sort()).toEqual(allowedTo("counter-station").sort());
  });

  it("keeps its page routes equal to docs/security.md's phone and dashboard tables", () => {
    const documented = [...documentedRoutes("<!-- checked: phone-pages -->"), ...documentedRoutes("<!-- checked: dashboard-pages -->")];
    expect(PAGE_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented.sort());
  });
});

describe("access-control campaign against hosts", () => {
  let host: Awaited<ReturnType<typeof startHostWithOperator>>;
  let result: CampaignResult;

  beforeAll(async () => {
    host = await startHostWithOperator();
    result = await runCampaign(accessControlCampaign, host.target, SHORT_BUDGET);
  }, RUN_TIMEOUT);

  afterAll(() => host?.stop(), HOST_TIMEOUT);

  it(
    "attacks every route docs/security.md lists, read from the host's own OpenAPI document",
    async () => {
      const served = (await fetchApiRoutes(host.target.url)).map((r) => `${r.method} ${r.path}`);
      expect(served.sort()).toEqual(documentedRoutes("<!-- checked: route-roles -->").sort());
      const attacked = result.byAttack.map((a) => a.attack);
      for (const route of served.filter((r) => !["GET /healthz", "GET /v1/openapi.json"].includes(r))) expect(attacked).toContain(`no credential: ${route}`);
    },
    HOST_TIMEOUT,
  );

  it("accepts no attack and refuses no legitimate request on the real host, and runs every sub-attack", () => {
    expect({ accepted: result.accepted, falseRejections: result.falseRejections, examples: result.acceptedExamples, notRun: result.notRun }).toEqual({ accepted: 0, falseRejections: 0, examples: [], notRun: [] });
    expect(result.legitimate).toBeGreaterThan(20);
    const families = ["no credential", "no session", "API token on a dashboard page", "another merchant's owner", "another merchant's object told apart from none", "another merchant's list", "signed request replayed", "100 concurrent sendings of one signed request", "created before the window", "station answers another verifier's challenge", "station's registry holds another shop's stamp", "the rig's stamp pressed at another merchant's station", "another merchant's station reads", "a flashing station registers a stamp for another merchant", "counter station's key on a person's route", "auditor's token on a write", "revoked token", "revoked station key", "expired token", "CSRF on the API", "CSRF on a page", "DNS rebinding", "refused requests changed nothing", "dashboard session on the API", "CSRF with a dashboard session", "revoked dashboard person's session", "logged-out session", "expired dashboard session", "another merchant's session lists the rig's stamp", "another merchant's session revokes", "a card cookie reads another card's reward", "a card cookie redeems another card's reward", "offline upload naming another verifier"];
    for (const family of families) expect(result.byAttack.some((a) => a.attack.startsWith(family)), family).toBe(true);
  });

  it(
    "says what it did not run against a host like a deployment (no operator token, a clock it cannot move)",
    async () => {
      const { advanceClock: _clock, operatorToken: _operator, ...rest } = host.target;
      const deployment = await runCampaign(accessControlCampaign, { ...rest, label: "like a deployment" }, SHORT_BUDGET);
      expect(deployment.notRun.map((n) => n.attack)).toEqual(["another merchant's credential", "another merchant's dashboard session", "expired token", "expired enrolment code", "expired dashboard session"]);
      expect({ accepted: deployment.accepted, falseRejections: deployment.falseRejections }).toEqual({ accepted: 0, falseRejections: 0 });
    },
    RUN_TIMEOUT,
  );

  it(
    "plays another merchant with an owner token handed to it, as a deployment can give instead of an operator token",
    async () => {
      const foreign = await foreignOwner(host.target, host.target.operatorToken, "handed");
      try {
        const { operatorToken: _operator, ...rest } = host.target;
        const target = { ...rest, foreignOwnerToken: foreign.token };
        const handed = await runCampaign(accessControlCampaign, target, SHORT_BUDGET);
        expect(handed.notRun).toEqual([]);
        expect(handed.byAttack.filter((a) => a.attack.startsWith("another merchant's owner:")).length).toBeGreaterThan(10);
        expect({ accepted: handed.accepted, falseRejections: handed.falseRejections }).toEqual({ accepted: 0, falseRejections: 0 });
      } finally {
        await foreign.close();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "catches its registered twin: revoked, expired and replayed credentials accepted",
    async () => {
      const twin = await ACCESS_CONTROL_TWIN.start();
      try {
        const caught = await runCampaign(accessControlCampaign, twin.target, SHORT_BUDGET);
        const accepted = caught.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack);
        expect(caught.accepted).toBeGreaterThan(0);
        for (const family of ["revoked token", "revoked station key", "signed request replayed", "100 concurrent sendings", "expired token", "revoked dashboard person's session"]) expect(accepted.some((a) => a.startsWith(family)), family).toBe(true);
      } finally {
        await twin.stop();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "catches a host whose merchant check is in effect dropped: another merchant's owner reaches the rig's objects",
    async () => {
      const twin = await startHostWithOperator(merchantBlindStore(host.target.merchantId));
      try {
        const caught = await runCampaign(accessControlCampaign, twin.target, SHORT_BUDGET);
        const accepted = caught.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack);
        expect(accepted.filter((a) => a.startsWith("another merchant's owner:")).length).toBeGreaterThan(5);
        expect(accepted).toContain("refused requests changed nothing: stampStatus");
      } finally {
        await twin.stop();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "says it did not run the dashboard sessions on a target without an authenticator",
    async () => {
      const { passkeys: _passkeys, ...rest } = host.target;
      const bare = await runCampaign(accessControlCampaign, rest, SHORT_BUDGET);
      expect(bare.notRun.map((n) => n.attack)).toEqual(["dashboard sessions"]);
      expect({ accepted: bare.accepted, falseRejections: bare.falseRejections }).toEqual({ accepted: 0, falseRejections: 0 });
    },
    RUN_TIMEOUT,
  );

  it(
    "catches a host whose session lookup crosses merchants: another merchant's session reaches the rig's stamps",
    async () => {
      const twin = await startHostWithOperator(sessionBlindStore(host.target.merchantId));
      try {
        const caught = await runCampaign(accessControlCampaign, twin.target, SHORT_BUDGET);
        const accepted = caught.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack);
        expect(accepted).toContain("another merchant's session lists the rig's stamp: GET /dashboard/stamps");
      } finally {
        await twin.stop();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "catches a host whose card lookup answers every cookie with one card: a card cookie acts for another card",
    async () => {
      const twin = await startHostWithOperator(cardBlindStore);
      try {
        const caught = await runCampaign(accessControlCampaign, twin.target, SHORT_BUDGET);
        const accepted = caught.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack);
        expect(accepted).toEqual(expect.arrayContaining(["a card cookie reads another card's reward: GET /card/:merchantId", "a card cookie redeems another card's reward: POST /card/:merchantId/redeem"]));
      } finally {
        await twin.stop();
      }
    },
    RUN_TIMEOUT,
  );

  it(
    "catches a host that judges an uploaded offline tap at the verifier its challenge names (own process)",
    async () => {
      const twin = await startChildHost("offline-verifier-blind-hooks.mjs", "offline-verifier-blind twin");
      try {
        const caught = await runCampaign(accessControlCampaign, twin.target, SHORT_BUDGET);
        const accepted = caught.byAttack.filter((a) => a.accepted > 0).map((a) => a.attack);
        expect(accepted.filter((a) => a.startsWith("offline upload naming another verifier"))).toHaveLength(2);
      } finally {
        await twin.stop();
      }
    },
    RUN_TIMEOUT,
  );
});
