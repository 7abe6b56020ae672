/**
 * One tap an offline station judged and queued: the 32-byte challenge it made and the stamp's
 * 94-byte response. Decoded whole or not at all: a batch with one malformed event writes nothing.
 */
import { Challenge, decodeChallenge } from "../../../shared/challenge";
import { fromHex, toHex } from "../../../shared/hex";
import { err, ok, Result } from "../../../shared/result";
import { decodeTapResponse, TapResponse } from "../../../shared/tap-response";

/** As carried in an upload (and in the station's queue): hex. */
export interface OfflineEventText {
  challenge: string;
  response: string;
}

export interface OfflineEvent {
  challenge: Challenge;
  response: TapResponse;
  /** The response's bytes in hex, kept as evidence. */
  responseHex: string;
  /** The challenge's nonce in hex. */
  nonce: string;
}

export interface OfflineEventError {
  /** Which event of the batch (0-based). */
  index: number;
  detail: string;
}

/** At most this many events per upload: a station with more sends several. */
export const MAX_OFFLINE_EVENTS_PER_UPLOAD = 40;

function decodeOne(text: OfflineEventText): Result<OfflineEvent, string> {
  const challengeBytes = fromHex(text.challenge);
  if (!challengeBytes.ok) return err(`challenge ${challengeBytes.error}`);
  const challenge = decodeChallenge(challengeBytes.value);
  if (!challenge.ok) return err(challenge.error.detail);
  const responseBytes = fromHex(text.response);
  if (!responseBytes.ok) return err(`response ${responseBytes.error}`);
  const response = decodeTapResponse(responseBytes.value);
  if (!response.ok) return err(response.error.detail);
  const nonce = toHex(challenge.value.nonce);
  if (toHex(response.value.nonce) !== nonce) return err("the response answers another challenge than the one sent with it");
  return ok({ challenge: challenge.value, response: response.value, responseHex: toHex(responseBytes.value), nonce: nonce });
}

/** Every event of an upload, or the first one that does not decode. */
export function decodeOfflineEvents(texts: readonly OfflineEventText[]): Result<OfflineEvent[], OfflineEventError> {
  if (texts.length > MAX_OFFLINE_EVENTS_PER_UPLOAD) return err({ index: MAX_OFFLINE_EVENTS_PER_UPLOAD, detail: `at most ${MAX_OFFLINE_EVENTS_PER_UPLOAD} events per upload` });
  const events: OfflineEvent[] = [];
  for (const [index, text] of texts.entries()) {
    const decoded = decodeOne(text);
    if (!decoded.ok) return err({ index: index, detail: decoded.error });
    events.push(decoded.value);
  }
  return ok(events);
}
