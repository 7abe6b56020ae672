import { Reason } from "../../shared/reason-codes";
import { err, ok, Result } from "../../shared/result";
import { Store } from "../store/store";
import { Principal } from "./access/principal";
import { ChallengeOrder, issueChallenge } from "./challenge-service";
import { readStampReply } from "./judge-stamp-reply";
import { submitTap } from "./tap-verifier";
import { verdict, Verdict } from "./verdict";

/** Carries a challenge to a stamp and brings back its raw reply (NFC mailbox, BLE, ...). */
export type StampExchange = (challenge: Uint8Array) => Promise<Uint8Array>;

/**
 * How a counter station reaches the verifier: in this process, through the core over the store
 * (a station that holds the database), or over the HTTP API with its own signed requests.
 */
export interface TapService {
  /**
   * The 32 challenge bytes for the stamp, or the verdict saying why none was issued. `order` is
   * what the till knows of the tap to come: the card code it scanned, the order's receipt.
   */
  challenge(order?: ChallengeOrder): Promise<Result<Uint8Array, Verdict>>;
  submit(response: Uint8Array): Promise<Verdict>;
}

export interface JudgedReply {
  verdict: Verdict;
  /** The stamp's tap response, when it gave one (for audits and attack rigs). */
  response: Uint8Array | undefined;
}

/** The core in this process, acting as the given counter station. */
export function localTapService(store: Store, station: Principal, clock: () => number): TapService {
  return {
    async challenge(order) {
      const issued = await issueChallenge(store, station, clock(), order);
      return issued.ok ? ok(issued.value.bytes) : err(verdict(Reason.UNKNOWN_VERIFIER, issued.error.message));
    },
    submit: (response) => submitTap(store, station, response, clock()),
  };
}

/** Judges a stamp's raw reply: a refusal or garbage at once, a tap response through the service. */
export async function judgeStampReply(service: TapService, replyBytes: Uint8Array): Promise<JudgedReply> {
  const read = readStampReply(replyBytes);
  if (read.kind === "verdict") return { verdict: read.verdict, response: undefined };
  return { verdict: await service.submit(read.response), response: read.response };
}

/**
 * What a counter station does for one tap, whatever the transport: get a challenge, let the
 * transport carry it, judge the reply through the same core as every other path.
 */
export async function runStationTap(service: TapService, exchange: StampExchange, order?: ChallengeOrder): Promise<JudgedReply> {
  const challenge = await service.challenge(order);
  if (!challenge.ok) return { verdict: challenge.error, response: undefined };
  return judgeStampReply(service, await exchange(challenge.value));
}
