import { Attempt, CampaignOutput, CampaignResult } from "./campaign";

const MAX_EXAMPLES = 5;

/** The counts a report shows, from the attempts a campaign made (kept one by one, or counted in batches): pure. */
export function tally(name: string, attacks: string, output: CampaignOutput, durationMs: number): CampaignResult {
  const counts = { attempts: 0, accepted: 0, flagged: 0, legitimate: 0, falseRejections: 0 };
  const rows = new Map<string, CampaignResult["byAttack"][number]>();
  const examples: Attempt[] = [];
  const count = (a: Attempt, times: number) => {
    if (times === 0) return;
    if (a.legitimate) {
      counts.legitimate += times;
      if (!a.accepted) counts.falseRejections += times;
      return;
    }
    counts.attempts += times;
    if (a.accepted) counts.accepted += times;
    if (a.flagged) counts.flagged += times;
    // A counted batch gives one example: its attempts are alike.
    if (a.accepted && examples.length < MAX_EXAMPLES) examples.push({ attack: a.attack, legitimate: a.legitimate, accepted: a.accepted, flagged: a.flagged, answer: a.answer });
    const row = rows.get(a.attack) ?? { attack: a.attack, sent: 0, accepted: 0, flagged: 0, answers: [] };
    row.sent += times;
    if (a.accepted) row.accepted += times;
    if (a.flagged) row.flagged += times;
    if (!row.answers.includes(a.answer)) row.answers.push(a.answer);
    rows.set(a.attack, row);
  };
  for (const a of output.attempts) count(a, 1);
  for (const batch of output.counted ?? []) count(batch, batch.count);
  return { campaign: name, attacks: attacks, ...counts, durationMs: durationMs, acceptedExamples: examples, byAttack: [...rows.values()], notRun: output.notRun, figures: output.figures };
}
