/**
 * The evidence id of a tap an offline station judged: "offline:" + the nonce of the challenge the
 * station made itself. The prefix keeps station-made nonces apart from the host's own (a station
 * chooses its nonce, so it must not be able to name one of the host's challenges), makes an
 * uploaded event idempotent (the id is kept once per stamp and counter), and marks the event in
 * the ledger, whose hash covers the id.
 */
import { NONCE_LENGTH } from "../../../shared/protocol-constants";

const PREFIX = "offline:";
const NONCE_HEX = new RegExp(`^[0-9a-f]{${2 * NONCE_LENGTH}}$`);

export function offlineEvidenceId(nonceHex: string): string {
  return PREFIX + nonceHex;
}

/** The challenge nonce (hex) inside an offline evidence id; undefined for any other id. */
function offlineNonceOf(evidenceId: string): string | undefined {
  if (!evidenceId.startsWith(PREFIX)) return undefined;
  const nonce = evidenceId.slice(PREFIX.length);
  return NONCE_HEX.test(nonce) ? nonce : undefined;
}

export function isOfflineEvidenceId(evidenceId: string): boolean {
  return evidenceId.startsWith(PREFIX);
}

/**
 * The challenge a kept signature answered, whichever way it reached the host: the same challenge
 * signed twice is one tap sent twice (online and as an offline event), never proof of a second
 * device, so the fork rule compares these, not evidence ids.
 */
export function challengeNonceOf(evidenceId: string): string {
  return offlineNonceOf(evidenceId) ?? evidenceId;
}
