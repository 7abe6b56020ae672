import { fromHex, toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { err, ok } from "../../shared/result";
import { TapService } from "../core/counter-station";
import { verdict, Verdict } from "../core/verdict";
import { ApiClient, ApiResponse } from "./api-client";

function errorMessage(response: ApiResponse): string {
  const body = response.body;
  if (typeof body === "object" && body !== null && "error" in body && typeof body.error === "object" && body.error !== null && "message" in body.error) {
    return String(body.error.message);
  }
  return `status ${response.status}`;
}

function isVerdict(body: unknown): body is Verdict {
  return typeof body === "object" && body !== null && "reason" in body && "code" in body && "accepted" in body && "message" in body;
}

/** The host answered, but with a failure of its own (5xx) or another status a station cannot act on. */
export class HostAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HostAnswerError";
  }
}

/** An answer that is no verdict: refused credentials become one; a busy or failing host is an error for the station's log. */
function refusal(response: ApiResponse): Verdict {
  if (response.status === 400) return verdict(Reason.MALFORMED_RESPONSE, errorMessage(response));
  if (response.status === 401 || response.status === 403 || response.status === 404) return verdict(Reason.UNKNOWN_VERIFIER, `the host refused this station: ${errorMessage(response)}`);
  throw new HostAnswerError(response.status, `the host answered ${response.status}: ${errorMessage(response)}`);
}

/**
 * A counter station's way to the verifier through the HTTP API, every request signed with the
 * station's own key: over the network, or in process on the local database. The station never
 * says what a tap is worth; the host's verifier configuration does.
 */
export function apiTapService(client: ApiClient): TapService {
  return {
    async challenge(order) {
      const response = await client.request("POST", "/v1/challenges", order === undefined ? undefined : order);
      if (response.status !== 201) return err(refusal(response));
      const body = response.body as { challenge?: unknown };
      const bytes = typeof body.challenge === "string" ? fromHex(body.challenge) : undefined;
      if (bytes === undefined || !bytes.ok) throw new Error("the host's challenge is malformed");
      return ok(bytes.value);
    },
    async submit(tapResponse) {
      const response = await client.request("POST", "/v1/taps", { response: toHex(tapResponse) });
      if (response.status === 200 && isVerdict(response.body)) return response.body;
      return refusal(response);
    },
  };
}
