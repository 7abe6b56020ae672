import { REPLY_DEADLINE_MS } from "../../host/core/relay-rule";
import { Attempt, Budget, Campaign, Figure } from "../campaign";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { TapAnswer } from "../world/tap-answer";
import { attackAttempt, legitimateTap } from "./legitimate-tap";

const REFUSAL = "POSSIBLE_RELAY";
/** How long the relay holds the reply: past the deadline by more than the issue time's one-second resolution. */
const HOLD_MS = REPLY_DEADLINE_MS + 2_000;

/** The relay rule's refusal raises an alert; tap-answer.ts's table may predate the reason. */
function flaggedAnswer(answer: TapAnswer): TapAnswer {
  return { ...answer, flagged: answer.flagged || answer.answer === REFUSAL };
}

/** Lets time pass on the way: the embedded host's clock moves; a deployment is waited for. */
async function hold(world: RigWorld, ms: number): Promise<void> {
  if (world.target.advanceClock !== undefined) world.target.advanceClock(ms);
  else await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A relay between the home counter and a genuine stamp elsewhere: the counter's challenge is
 * carried to the stamp, which answers at once (it cannot tell), and the reply is carried back
 * HOLD_MS later — the time a relay over a slow link, or one waiting for the stamp's holder to
 * press it, takes. The reply is valid in every other way, so only its age gives it away.
 */
async function relayedTap(world: RigWorld, stamp: RigStamp): Promise<Attempt> {
  const issued = await world.home.challenge();
  if (!issued.ok) throw new Error(`challenge refused: ${issued.answer}`);
  const reply = stamp.tap(issued.challenge);
  await hold(world, HOLD_MS);
  return attackAttempt(`reply relayed back ${HOLD_MS / 1000} s after the challenge`, flaggedAnswer(await world.home.submit(reply)));
}

function rounds(world: RigWorld, budget: Budget): number {
  if (budget.kind === "full") return 10;
  // Against a host whose clock the rig cannot move, each round waits HOLD_MS in real time.
  return world.target.advanceClock === undefined ? 1 : 3;
}

/**
 * Relay (R8): replies slower than the transports allow are refused and flagged as possible relays,
 * and the genuine stamp keeps working. Honest about its reach: a relay that answers within the
 * deadline (7 s, docs/security.md "The relay rule") is not caught by the host, so the campaign
 * does not claim it: the report shows it as the campaign's blind spot.
 */
export const relayCampaign: Campaign = {
  name: "relay",
  attacks: `HTTP API tap route: a genuine stamp's reply relayed from elsewhere and delivered ${HOLD_MS / 1000} s after its challenge`,
  async run(world, budget) {
    const attempts: Attempt[] = [];
    const stamp = await world.newStamp();
    for (let round = 0; round < rounds(world, budget); round++) {
      attempts.push((await legitimateTap(world.home, stamp)).attempt);
      attempts.push(await relayedTap(world, stamp));
    }
    attempts.push((await legitimateTap(world.home, stamp, "legitimate tap after the relays")).attempt);
    // The blind spot is a figure, not a sub-attack "not run": nothing the rig could send would
    // test it, and a report must not read as if a later run might.
    const figures: Figure[] = [
      { name: "reply deadline (exchange budget + network allowance)", value: `${REPLY_DEADLINE_MS} ms`, ok: true },
      { name: "blind spot", value: `a relay answering within ${REPLY_DEADLINE_MS / 1000} s is not detectable by the host's timing (docs/security.md, "The relay rule")`, ok: true },
    ];
    return { attempts: attempts, notRun: [], figures: figures };
  },
};
