/**
 * One verdict as the counter view shows it, in the viewer's language: counted or not, the reason
 * in words, the stamp by its label (an unregistered stamp is called that, never an id), where and
 * how it came, and when. Sent as JSON in a server-sent event; the page script puts each field in
 * as text, never as markup.
 */
import { VerdictNotice } from "../core/staff/verdict-feed";
import { clockTime } from "../web/clock-text";
import { DashboardContext } from "./dashboard-context";

export interface VerdictLine {
  tone: "good" | "bad";
  title: string;
  sentence: string;
  stamp: string;
  where: string;
  time: string;
}

export function verdictLine(context: DashboardContext, notice: VerdictNotice, names: { stampLabel: string | undefined; shopName: string | undefined }): VerdictLine {
  const m = context.messages;
  const via = notice.transport === "phone" ? m.viaPhone : m.viaStation;
  return {
    tone: notice.accepted ? "good" : "bad",
    title: notice.accepted ? m.counted : m.notCounted,
    sentence: m.reasons[notice.reason],
    stamp: names.stampLabel ?? m.unknownStampName,
    where: names.shopName === undefined ? via : `${m.atShop(names.shopName)} · ${via}`,
    time: clockTime(notice.at, context.language, context.timeZone),
  };
}
