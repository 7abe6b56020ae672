import { Attempt, CampaignOutput, CampaignResult } from "./campaign";

const MAX_EXAMPLES = 5;

/** The counts a report shows, from the attempts a campaign made: pure. */
export function tally(name: string, attacks: string, output: CampaignOutput, durationMs: number): CampaignResult {
  const attacksOnly = output.attempts.filter((a) => !a.legitimate);
  const legitimate = output.attempts.filter((a) => a.legitimate);
  const accepted = attacksOnly.filter((a) => a.accepted);
  return {
    campaign: name,
    attacks: attacks,
    attempts: attacksOnly.length,
    accepted: accepted.length,
    flagged: attacksOnly.filter((a) => a.flagged).length,
    legitimate: legitimate.length,
    falseRejections: legitimate.filter((a) => !a.accepted).length,
    durationMs: durationMs,
    acceptedExamples: accepted.slice(0, MAX_EXAMPLES),
    byAttack: byAttack(attacksOnly),
    notRun: output.notRun,
    figures: output.figures,
  };
}

function byAttack(attempts: Attempt[]): CampaignResult["byAttack"] {
  const rows = new Map<string, CampaignResult["byAttack"][number]>();
  for (const a of attempts) {
    const row = rows.get(a.attack) ?? { attack: a.attack, sent: 0, accepted: 0, flagged: 0, answers: [] };
    row.sent += 1;
    if (a.accepted) row.accepted += 1;
    if (a.flagged) row.flagged += 1;
    if (!row.answers.includes(a.answer)) row.answers.push(a.answer);
    rows.set(a.attack, row);
  }
  return [...rows.values()];
}
