/**
 * `stamp coupons issue|list`: single-use coupons on customers' cards. `issue --come-back` sends one
 * to every card of the come-back list (the campaign that list is for); a customer uses it with a
 * press of the merchant's stamp on their phone.
 */
import { Command, InvalidArgumentError } from "commander";
import { ComeBackView } from "../../http/analytics-views";
import { CliContext, print, withApi } from "../context";
import { query } from "../query";
import { formatTable, shortTime } from "../table";

interface VoucherView {
  id: string;
  cardId: string;
  kind: "reward" | "coupon";
  label: string;
  issuedAt: string;
  expiresAt: string | null;
  usedAt: string | null;
}

interface IssueOptions {
  merchant: string;
  label: string;
  validDays?: number;
  card?: string[];
  comeBack?: boolean;
  minStamps?: string;
  maxStamps?: string;
  quietDays?: string;
  json?: boolean;
}

function wholeNumber(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError("must be a whole number.");
  return Number(value);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addCouponCommands(program: Command, context: CliContext): void {
  const coupons = program.command("coupons").description("single-use coupons on customers' cards, used with a press of your stamp on their phone");
  coupons
    .command("issue")
    .description("issue a coupon to cards (owner or manager): --card <id> (repeatable) or --come-back; in the audit chain")
    .requiredOption("--merchant <id>", "the merchant")
    .requiredOption("--label <text>", "what the coupon gives, as the card shows it, e.g. '20% off a cake'")
    .option("--valid-days <n>", "days it stays usable (default: never expires)", wholeNumber)
    .option("--card <id>", "a card id (from the come-back list or `stamp coupons list`); repeatable", collect)
    .option("--come-back", "every card of the come-back list (with --min-stamps, --max-stamps, --quiet-days as in `stamp analytics come-back`)")
    .option("--min-stamps <n>", "with --come-back: at least this many stamps")
    .option("--max-stamps <n>", "with --come-back: at most this many stamps")
    .option("--quiet-days <n>", "with --come-back: not back for this many days")
    .option("--json", "print JSON")
    .action(async (options: IssueOptions, command: Command) => {
      if ((options.card === undefined) === (options.comeBack !== true)) throw new InvalidArgumentError("name the cards: --card <id> (repeatable) or --come-back, not both.");
      const merchant = encodeURIComponent(options.merchant);
      const issued = await withApi(context, command, async (api) => {
        let cardIds = options.card ?? [];
        if (options.comeBack === true) {
          const path = `/v1/merchants/${merchant}/analytics/come-back` + query({ minStamps: options.minStamps, maxStamps: options.maxStamps, quietDays: options.quietDays });
          const names = { id: "--merchant", minStamps: "--min-stamps", maxStamps: "--max-stamps", quietDays: "--quiet-days" };
          cardIds = (await api.call<ComeBackView>("GET", path, undefined, names)).cards.map((card) => card.cardId);
        }
        if (cardIds.length === 0) return { issued: 0, expiresAt: null };
        const body = { cardIds: cardIds, label: options.label, validDays: options.validDays ?? null };
        return api.call<{ issued: number; expiresAt: string | null }>("POST", `/v1/merchants/${merchant}/coupons`, body, { id: "--merchant", cardIds: "--card", label: "--label", validDays: "--valid-days" });
      });
      print(context, options.json, issued, () =>
        issued.issued === 0 ? "no cards: no coupon issued\n" : `${issued.issued} coupon${issued.issued === 1 ? "" : "s"} issued${issued.expiresAt === null ? "" : `, valid until ${shortTime(issued.expiresAt)}`}\n`,
      );
    });
  coupons
    .command("list")
    .description("the latest rewards and coupons, newest first: whose card, issued, used")
    .requiredOption("--merchant <id>", "the merchant")
    .option("--limit <n>", "at most this many (default 100)")
    .option("--json", "print JSON")
    .action(async (options: { merchant: string; limit?: string; json?: boolean }, command: Command) => {
      const path = `/v1/merchants/${encodeURIComponent(options.merchant)}/vouchers` + query({ limit: options.limit });
      const listed = await withApi(context, command, (api) => api.call<{ items: VoucherView[] }>("GET", path, undefined, { id: "--merchant", limit: "--limit" }));
      const rows = listed.items.map((v) => [v.kind, v.label, v.cardId, shortTime(v.issuedAt), v.usedAt === null ? (v.expiresAt === null ? "usable" : `usable until ${shortTime(v.expiresAt)}`) : `used ${shortTime(v.usedAt)}`]);
      print(context, options.json, listed, () => (rows.length === 0 ? "no rewards or coupons yet\n" : formatTable(["KIND", "LABEL", "CARD", "ISSUED", "STATE"], rows)));
    });
}
