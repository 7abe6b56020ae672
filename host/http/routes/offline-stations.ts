import { FastifyInstance } from "fastify";
import { toHex } from "../../../shared/hex";
import { MAX_OFFLINE_EVENTS_PER_UPLOAD } from "../../core/offline/offline-event";
import { readRegistrySnapshot, RegistrySnapshot, SnapshotStamp } from "../../core/offline/registry-snapshot";
import { syncOfflineTaps } from "../../core/offline/offline-sync";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { IdPageQuery, idPageQuery, listLimit, OfflineTapsBody, offlineTapsBody } from "../schemas";
import { verdictNotice } from "../verdict-notice";
import { verdictView, verifierView } from "../views";

function snapshotStampView(stamp: SnapshotStamp) {
  return { ...stamp, publicKey: toHex(stamp.publicKey) };
}

function snapshotView(snapshot: RegistrySnapshot) {
  return {
    asOf: new Date(snapshot.asOf).toISOString(),
    verifier: verifierView(snapshot.verifier),
    shopName: snapshot.shopName,
    stamps: snapshot.stamps.map(snapshotStampView),
    next: snapshot.next ?? null,
  };
}

/**
 * A counter station that keeps working while the host is unreachable copies what it needs of
 * the registry (its own verifier only) and later uploads the taps it judged meanwhile, signed
 * like its other requests. The host judges every uploaded tap again (host/core/offline).
 */
export function registerOfflineStationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const registry = {
    ...aboutRoute(
      "stations",
      "Copy the registry for offline work",
      "A counter station's copy of what it may verify against while the host is unreachable: its verifier's configuration and the stamps that may be pressed there (public key, status, last counter, bindings), as of `asOf`. `next` is the `after` of the following page.",
    ),
    querystring: idPageQuery,
    response: successAnswer(200, "{ asOf, verifier, shopName, stamps, next }"),
  };
  app.get<{ Querystring: IdPageQuery }>("/v1/stations/registry", { schema: registry }, async (request, reply) => {
    const snapshot = await readRegistrySnapshot(deps.store, principal(request), { limit: listLimit(request.query.limit), after: request.query.after }, deps.now());
    if (!snapshot.ok) return sendCoreError(reply, snapshot.error);
    return snapshotView(snapshot.value);
  });

  const upload = {
    ...aboutRoute(
      "stations",
      "Upload offline taps",
      `A counter station uploads the taps it judged offline (each: the 32-byte challenge it made, the stamp's 94-byte response), at most ${MAX_OFFLINE_EVENTS_PER_UPLOAD} at a time. Each gets the host's verdict; \`outcome\` is \`already-recorded\` for an event uploaded before. A body with any malformed event is 400 and nothing is written.`,
    ),
    body: offlineTapsBody,
    response: successAnswer(200, "{ results: [{ nonce, outcome, verdict }] }, in the order sent."),
  };
  app.post<{ Body: OfflineTapsBody }>("/v1/stations/offline-taps", { schema: upload }, async (request, reply) => {
    const who = principal(request);
    const synced = await syncOfflineTaps(deps.store, who, request.body.events, deps.now());
    if (!synced.ok) return sendCoreError(reply, synced.error);
    // The merchant's live view hears of synced taps as of any other: a clone caught at sync shows at once.
    for (const result of synced.value) {
      if (who.role === "counter-station" && result.outcome === "judged") deps.verdicts.publish(verdictNotice(who.merchantId, "station", result.verdict, deps.now()));
    }
    return { results: synced.value.map((result) => ({ nonce: result.nonce, outcome: result.outcome, verdict: verdictView(result.verdict) })) };
  });
}
