import { randomBytes } from "node:crypto";
import { Attempt } from "../campaign";
import { describeAnswer, judged } from "./judge-answer";
import { RawAnswer } from "./raw-http";
import { BodyIds } from "./request-bodies";

/** Ids of the same shapes as the rig's that name nothing: what "does not exist" answers to. */
export function madeUpIds(): BodyIds {
  const hex = () => randomBytes(8).toString("hex");
  return { merchant: `rig-nx-${hex()}`, verifier: hex(), stamp: hex(), credential: hex(), worker: hex(), person: hex(), shop: `rig-nx-${hex()}` };
}

/**
 * An answer's text with every id of `ids` replaced by a placeholder: pure. Longest first: the
 * merchant's id ("rig") is part of its shops' ids ("rig-…-ac").
 */
export function withoutIds(text: string, ids: BodyIds): string {
  const longestFirst = Object.values(ids).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((out: string, id: string) => out.split(id).join("<id>"), text);
}

/**
 * Another merchant's object must be answered exactly like one that does not exist (docs/security.md),
 * or its ids can be probed: the same status and the same words once the ids are set aside. Pure.
 */
export function existenceProbe(attack: string, real: RawAnswer, realIds: BodyIds, madeUp: RawAnswer, madeUpIdsUsed: BodyIds): Attempt {
  const same = real.status === madeUp.status && withoutIds(real.text, realIds) === withoutIds(madeUp.text, madeUpIdsUsed);
  return judged(attack, !same, same ? describeAnswer(real) : `${describeAnswer(real)} for the rig's object, ${describeAnswer(madeUp)} for none`);
}
