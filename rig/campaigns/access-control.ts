import { Attempt, Campaign, NotRun } from "../campaign";
import { anonymousApiSweep, anonymousPageSweep } from "../access/anonymous-sweep";
import { AccessWorld, issueRigToken, revokeRigCredential, setUpAccessWorld } from "../access/access-world";
import { ApiRoute, fetchApiRoutes } from "../access/api-routes";
import { csrfAttacks, rebindingAttacks } from "../access/browser-shaped";
import { foreignRegistration } from "../access/foreign-registration";
import { foreignShop, foreignStationAttacks } from "../access/foreign-station";
import { foreignSweep } from "../access/foreign-sweep";
import { auditorWriteSweep, stationOnPeopleRoutes } from "../access/role-sweep";
import { ForeignOwner, foreignOwnerFor } from "../access/second-merchant";
import { cardHolderAttacks } from "../access/card-holders";
import { offlineUploadAttacks } from "../access/offline-uploads";
import { dashboardSessionAttacks, expiredSession, SessionAttacks } from "../access/session-attacks";
import { concurrentReplays, signedRequestAttacks } from "../access/signed-requests";
import { snapshot, stateAttempts } from "../access/state-snapshot";
import { holdStationKey } from "../access/station-key";
import { stationScopeAttacks } from "../access/station-scope";
import { expiredCredentials, reusedEnrolmentCode, revokedStationKey, revokedToken } from "../access/stale-credentials";

/** Another merchant's owner on the rig's objects, or why it could not be run. */
async function foreignAttempts(access: AccessWorld, routes: readonly ApiRoute[], foreign: ForeignOwner | undefined): Promise<Attempt[] | NotRun> {
  if (foreign === undefined) {
    return { attack: "another merchant's credential", why: "the target carries neither another merchant's owner token nor an operator token, and the rig's owner cannot make a second merchant" };
  }
  const shop = await foreignShop(access.world, foreign.token);
  return [
    ...(await foreignSweep(access, routes, foreign.token)),
    ...(await foreignStationAttacks(access.world, foreign.token, shop, access.victim)),
    ...(await foreignRegistration(access.world, shop, access.ids.shop)),
  ];
}

/** An auditor of the rig's merchant on every write route, its token revoked afterwards. */
async function auditorWrites(access: AccessWorld, routes: readonly ApiRoute[]): Promise<Attempt[]> {
  const auditor = await issueRigToken(access.world, "auditor", `rig ${access.world.run} auditor`);
  try {
    return await auditorWriteSweep(access, routes, auditor.token);
  } finally {
    await revokeRigCredential(access.world, auditor.id);
  }
}

/**
 * Access control over HTTP, route by route: the routes come from the host's own OpenAPI
 * document (plus the page routes, rig/access/page-routes.ts), so a deployment's routes are all
 * attacked. Legitimate requests of every kind are mixed in (public pages, an owner's reads, a
 * station's signed requests and taps), so a host that refuses everything shows up as false
 * rejections. After the attacks, the objects they aimed at must be unchanged.
 */
export const accessControlCampaign: Campaign = {
  name: "access-control",
  attacks:
    "HTTP API and pages: every route without a credential, with another merchant's owner or station, an auditor's or a counter station's where they may not, a revoked or expired one; signed station requests replayed (also 100 at once), moved, dated outside the window; a station reaching for another verifier, also through offline-tap uploads; dashboard sessions on the API, of another merchant, revoked, logged out, expired, and CSRF-shaped with the cookie; one card cookie acting for another card; CSRF- and DNS-rebinding-shaped requests",
  async run(world, budget) {
    const routes = await fetchApiRoutes(world.target.url);
    const access = await setUpAccessWorld(world);
    const key = await holdStationKey(world, world.home.verifierId, `rig ${world.run} access station`);
    const attempts: Attempt[] = [];
    const notRun: NotRun[] = [];
    const foreign = await foreignOwnerFor(world.target, world.run);
    let sessions: SessionAttacks | undefined;
    try {
      const before = await snapshot(world, access.ids);
      attempts.push(...(await anonymousApiSweep(access, routes)), ...(await anonymousPageSweep(access)));
      const foreignOnes = await foreignAttempts(access, routes, foreign);
      if ("why" in foreignOnes) notRun.push(foreignOnes);
      else attempts.push(...foreignOnes);
      sessions = await dashboardSessionAttacks(access, routes, foreign);
      attempts.push(...sessions.attempts);
      notRun.push(...sessions.notRun);
      const cards = await cardHolderAttacks(world);
      attempts.push(...cards.attempts);
      notRun.push(...cards.notRun);
      attempts.push(...(await offlineUploadAttacks(world)));
      attempts.push(...(await signedRequestAttacks(world, key)), ...(await concurrentReplays(world, key, budget.concurrentSubmissions)));
      attempts.push(...(await stationScopeAttacks(world, key, await world.newStamp())));
      attempts.push(...(await stationOnPeopleRoutes(access, routes, key)), ...(await auditorWrites(access, routes)));
      attempts.push(...(await revokedToken(world)), ...(await revokedStationKey(world)), ...(await reusedEnrolmentCode(world)));
      attempts.push(...(await csrfAttacks(access)), ...(await rebindingAttacks(access)));
      attempts.push(...stateAttempts(before, await snapshot(world, access.ids)));
      // Last: it moves the host's clock a day ahead.
      const expired = await expiredCredentials(world);
      attempts.push(...expired.attempts);
      notRun.push(...expired.notRun);
      const expiredSessions = await expiredSession(world, sessions);
      attempts.push(...expiredSessions.attempts);
      notRun.push(...expiredSessions.notRun);
    } finally {
      await sessions?.close();
      await foreign?.close();
      await revokeRigCredential(world, key.keyId);
      await revokeRigCredential(world, access.sacrificial.id);
      await key.client.close();
    }
    return { attempts: attempts, notRun: notRun, figures: [{ name: "API routes in the host's OpenAPI document", value: String(routes.length), ok: routes.length > 0 }] };
  },
};
