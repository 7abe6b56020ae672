/**
 * A stamp registration refused because it looks forged raises an alert for the owner, attributed
 * to the flashing station that sent it. A station that registers a key with no proof of
 * possession, with a proof that does not verify or names a challenge never issued to it, or a
 * weak (small-order, non-canonical) key, is either broken or in an attacker's hands: an
 * attacker's station trying to plant a key it can sign for anything. The refusal alone protects
 * the stamps; the alert tells the owner to revoke that station's key.
 *
 * Refusals an honest station meets in normal work raise nothing: a challenge already used (a
 * retry after a lost answer) or expired (a slow flash), firmware not approved yet, a shop that
 * does not exist.
 *
 * Bounded: one alert per station per FORGED_REGISTRATION_ALERT_WINDOW_MS, whatever the number of
 * refusals (Store.addStationAlert checks and inserts in one step). A flood of forged registrations
 * from a station (at most its per-minute request budget) writes at most one alert and one audit
 * entry per window; every refusal is still answered as such.
 */
import { Store } from "../store/store";
import { Principal } from "./access/principal";
import { auditEntry } from "./audit-entry";
import { NewAlert } from "./model";

/** One alert per station per ten minutes: enough to tell the owner at once, too few to flood the list. */
export const FORGED_REGISTRATION_ALERT_WINDOW_MS = 10 * 60_000;

/** Why a refused registration looks forged (the alert's detail names it). */
export type ForgeryKind = "no proof of possession" | "weak public key" | "proof over a challenge never issued to this station" | "proof that does not verify";

/**
 * Records the alert (or nothing, when this station already raised one within the window): the
 * registration is refused by the caller either way.
 */
export async function alertForgedRegistration(
  store: Store,
  station: Principal & { role: "flashing-station" },
  forgery: ForgeryKind,
  publicKeyHex: string,
  now: number,
): Promise<"added" | "already-raised"> {
  // The key is the attacker's text only in form: the schema let through 64 hex digits, nothing else.
  const detail = `stamp registration refused: ${forgery} (public key ${publicKeyHex})`;
  const alert: NewAlert = {
    at: now,
    kind: "FORGED_REGISTRATION",
    merchantId: station.merchantId,
    stampId: "",
    verifierId: "",
    shopId: "",
    reason: "FORGED_REGISTRATION",
    detail: detail,
    stationId: station.credentialId,
  };
  const audit = auditEntry("system", now, station.merchantId, "alert.FORGED_REGISTRATION", station.credentialId, { detail: detail });
  return store.addStationAlert(alert, audit, now - FORGED_REGISTRATION_ALERT_WINDOW_MS);
}
