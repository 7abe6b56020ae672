import { FastifyInstance } from "fastify";
import { REASON_NAMES } from "../../../shared/reason-codes";
import { reasonSentence } from "../../core/reason-sentences";
import { Verdict } from "../../core/verdict";
import { CliIo } from "../io";
import { shortTime } from "../table";

/** One line per verdict: when, where, what, whose, and the reason in plain words. */
export function verdictLine(source: string, verdict: Verdict, at: Date = new Date()): string {
  const who = verdict.stampLabel === undefined ? "" : ` ${verdict.stampLabel}`;
  const counter = verdict.counter === undefined ? "" : ` counter ${verdict.counter}`;
  return `${shortTime(at.toISOString())} ${source}: ${verdict.accepted ? "ACCEPTED" : `REJECTED ${verdict.reason}`}${who}${counter}: ${reasonSentence(verdict.reason)}\n`;
}

function isVerdict(value: unknown): value is Verdict {
  return typeof value === "object" && value !== null && "accepted" in value && typeof value.accepted === "boolean" && "reason" in value && REASON_NAMES.some((name) => name === value.reason);
}

/**
 * A verdict line for every tap the HTTP API judges (POST /v1/taps answered 200), naming the
 * counter station that sent it; except taps from `ownStation`, the station running in this
 * process, which logs its own with the reader's name.
 */
export function logTapVerdicts(app: FastifyInstance, io: CliIo, ownStation: string | undefined): void {
  app.addHook("preSerialization", async (request, reply, payload: unknown) => {
    const station = request.principal?.credentialId;
    if (request.routeOptions.url === "/v1/taps" && reply.statusCode === 200 && isVerdict(payload) && station !== undefined && station !== ownStation) {
      io.out(verdictLine(`HTTP station ${station}`, payload));
    }
    return payload;
  });
}
