import { Attempt } from "../campaign";
import { TapAnswer } from "../world/tap-answer";

/**
 * One URL opened many times at once: exactly one opening may credit. The first accepted answer
 * (or, if none was, the first answer) is the customer's legitimate tap; every other opening is
 * an attack, and an acceptance among them is a double credit. Pure.
 */
export function judgeConcurrentOpenings(answers: TapAnswer[], attack: string): Attempt[] {
  const firstAccepted = answers.findIndex((a) => a.accepted);
  const legitimate = firstAccepted === -1 ? 0 : firstAccepted;
  return answers.map((answer, i) => ({ attack: i === legitimate ? "the customer's opening among concurrent ones" : attack, legitimate: i === legitimate, ...answer }));
}
