/** The come-back list as a message campaign imports it: one card per line, last visits in UTC (ISO 8601). */
import { ComeBackCard } from "./analytics-model";
import { csvText } from "./csv";

export function comeBackCsv(cards: readonly ComeBackCard[]): string {
  return csvText(
    ["card_id", "stamps", "last_visit"],
    cards.map((card) => [card.cardId, card.stamps, new Date(card.lastVisit).toISOString()]),
  );
}
