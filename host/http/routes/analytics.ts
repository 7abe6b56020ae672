/**
 * The merchant's analytics (host/core/analytics), read by its owner, managers and auditors:
 * stamps and customers per day and shop, visit frequency, the come-back list (JSON, or CSV for
 * a message campaign with ?format=csv or Accept: text/csv) and workers' hours.
 */
import { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { attendanceRangeReport, comeBackReport, dailyReport, frequencyReport } from "../../core/analytics/analytics-reports";
import { comeBackCsv } from "../../core/analytics/come-back-csv";
import { CoreError } from "../../core/core-error";
import { Result } from "../../../shared/result";
import { attendanceView, comeBackView } from "../analytics-views";
import { RangeInput } from "../../core/analytics/analytics-range";
import { ApiDeps } from "../deps";
import { sendCoreError } from "../errors";
import { aboutRoute, successAnswer } from "../openapi";
import { principal } from "../principal";
import { MerchantParams, merchantParams, SLUG_PATTERN } from "../schemas";

/** A calendar day, YYYY-MM-DD, in timeZone. */
const DAY = { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" } as const;
/** An IANA time zone name (e.g. Asia/Seoul). */
const TIME_ZONE = { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_+/-]{0,63}$" } as const;
const WHOLE = { type: "string", pattern: "^[0-9]{1,7}$" } as const;

interface RangeQuery {
  from?: string;
  to?: string;
  shopId?: string;
  timeZone?: string;
}

/** from (default: 29 days before to), to (included; default: today, or 29 days after from), shopId (only its taps), timeZone (UTC by default). */
const rangeQuery = {
  type: "object",
  properties: {
    from: DAY,
    to: DAY,
    shopId: { type: "string", pattern: SLUG_PATTERN },
    timeZone: TIME_ZONE,
  },
  additionalProperties: false,
} as const;

interface ComeBackQuery {
  minStamps?: string;
  maxStamps?: string;
  quietDays?: string;
  limit?: string;
  format?: "json" | "csv";
}

/** minStamps (default 1), maxStamps (default: no bound), quietDays (default 30), limit (default 1000, at most 10000), format. */
const comeBackQuery = {
  type: "object",
  properties: {
    minStamps: WHOLE,
    maxStamps: WHOLE,
    quietDays: WHOLE,
    limit: WHOLE,
    format: { type: "string", enum: ["json", "csv"] },
  },
  additionalProperties: false,
} as const;

function rangeInput(merchantId: string, query: RangeQuery): RangeInput {
  return { merchantId: merchantId, from: query.from, to: query.to, shopId: query.shopId, timeZone: query.timeZone };
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function wantsCsv(request: FastifyRequest<{ Querystring: ComeBackQuery }>): boolean {
  if (request.query.format !== undefined) return request.query.format === "csv";
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(request.headers.accept ?? "");
}

type RangeRoute = FastifyRequest<{ Params: MerchantParams; Querystring: RangeQuery }>;

export function registerAnalyticsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const rangeRoute = <R>(path: string, summary: string, description: string, report: (...args: Parameters<typeof dailyReport>) => Promise<Result<R, CoreError>>, view: (report: R) => unknown) => {
    const about = `${description} Query: from and to (YYYY-MM-DD, both included; the last 30 days by default), shopId, timeZone (IANA, UTC by default); at most 366 days.`;
    const schema = { ...aboutRoute("analytics", summary, about), params: merchantParams, querystring: rangeQuery, response: successAnswer(200, summary + ".") };
    app.get<{ Params: MerchantParams; Querystring: RangeQuery }>(`/v1/merchants/:id/analytics/${path}`, { schema: schema }, async (request: RangeRoute, reply: FastifyReply) => {
      const answer = await report(deps.store, principal(request), rangeInput(request.params.id, request.query), deps.now());
      if (!answer.ok) return sendCoreError(reply, answer.error);
      return view(answer.value);
    });
  };
  const same = <R>(report: R): R => report;

  rangeRoute(
    "daily",
    "Stamps and customers per day",
    "Per day with taps (calendar days in timeZone) and shop: the stamps given (stations and phones) and the distinct customer cards (taps credited to a card: phones, and counter readers that scanned the card's code); then the day's all-shops row (shopId null).",
    dailyReport,
    same,
  );
  rangeRoute("frequency", "Visit frequency", "Customer cards by the number of different days they came on within the range.", frequencyReport, same);
  rangeRoute(
    "attendance",
    "Workers' hours",
    "Per worker, minutes per day and per month of the shifts that began then; clock-ins never clocked out are counted and listed (they count no minutes); shifts open now are listed apart. Clock-in times in ISO 8601.",
    attendanceRangeReport,
    attendanceView,
  );

  const comeBack = {
    ...aboutRoute(
      "analytics",
      "The come-back list",
      "Customer cards whose stamps (all time) are within [minStamps, maxStamps] and that have not come for quietDays days: card id, stamps, last visit; the longest gone first. JSON, or CSV with format=csv or Accept: text/csv.",
    ),
    params: merchantParams,
    querystring: comeBackQuery,
    response: successAnswer(200, "The cards: { cards, truncated, ... } or text/csv."),
  };
  app.get<{ Params: MerchantParams; Querystring: ComeBackQuery }>("/v1/merchants/:id/analytics/come-back", { schema: comeBack }, async (request, reply) => {
    const { minStamps, maxStamps, quietDays, limit } = request.query;
    const input = { merchantId: request.params.id, minStamps: optionalNumber(minStamps), maxStamps: optionalNumber(maxStamps), quietDays: optionalNumber(quietDays), limit: optionalNumber(limit) };
    const answer = await comeBackReport(deps.store, principal(request), input, deps.now());
    if (!answer.ok) return sendCoreError(reply, answer.error);
    if (!wantsCsv(request)) return comeBackView(answer.value);
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="come-back.csv"').send(comeBackCsv(answer.value.cards));
  });
}
