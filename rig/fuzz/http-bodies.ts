import fc from "fast-check";
import { ApiClient } from "../../host/client/api-client";
import { ApiTransport, httpTransport } from "../../host/client/transports";
import { toHex } from "../../shared/hex";
import { RigWorld } from "../world/rig-world";
import { Decoder, FuzzTarget, fuzzTarget, OVER_HTTP_HANG_MS } from "./fuzz-decoder";
import { anyText, mutatedBytes, mutatedText } from "./mutations";
import { validTapResponse } from "./valid-encodings";

/** What the host answered, reduced to what the judge needs. */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Why an answer to a malformed body is wrong, or undefined: a refusal must be a 4xx in the API's
 * error format ({ error: { code, message } }); a 200 is right only for a tap that decoded and was
 * refused, a 201 only for a challenge (an empty or absent body is a valid request for one). A 5xx
 * is the host failing on input, and an accepted tap is input recorded.
 */
export function wrongHttpAnswer(answer: unknown): string | undefined {
  const status = Number(field(answer, "status"));
  const body = field(answer, "body");
  if (status >= 400 && status < 500) {
    const error = field(body, "error");
    return typeof field(error, "code") === "string" && typeof field(error, "message") === "string" ? undefined : `HTTP ${status} without the API's error format`;
  }
  if (status === 200) return field(body, "accepted") === false ? undefined : "HTTP 200 with a tap accepted";
  if (status === 201 && typeof field(body, "challenge") === "string") return undefined;
  return `HTTP ${status}`;
}

/**
 * The newest ledger event, alert and audit entry the owner can see: equal before and after the
 * fuzzing when nothing was recorded. (Every input is malformed or names no challenge the host
 * issued, so not even an alert is due.)
 */
export async function newestRecords(owner: ApiClient): Promise<string> {
  const newest: unknown[] = [];
  for (const path of ["/v1/events", "/v1/alerts", "/v1/audit"]) {
    const answer = await owner.request("GET", `${path}?limit=1`);
    if (answer.status !== 200) throw new Error(`the owner cannot list ${path}: HTTP ${answer.status}`);
    newest.push(field(answer.body, "items"));
  }
  return JSON.stringify(newest);
}

/** A tap response's hex, mutated as text: odd lengths, non-hex characters, Unicode, padding. */
const tapHex = mutatedText(validTapResponse.map(toHex));
/** A tap response's bytes mutated, then written as hex: the body is well-formed, the bytes are not. */
const tapBytesHex = mutatedBytes(validTapResponse).map(toHex);

const jsonObject: fc.Arbitrary<object> = fc.oneof(fc.object({ maxDepth: 2 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }));

/** POST /v1/taps as the rig's station, signed: only the body is wrong. */
function tapBodies(world: RigWorld, transport: ApiTransport, path: string): Decoder<object> {
  const station = world.home.client.through(transport);
  return {
    name: `HTTP POST /v1/taps bodies (station-signed JSON, ${path})`,
    generated: fc.oneof(jsonObject, anyText.map((text) => ({ response: text }))),
    mutated: fc.oneof(tapHex, tapBytesHex).map((hex) => ({ response: hex })),
    decode: async (body) => {
      const answer = await station.request("POST", "/v1/taps", body);
      return { status: answer.status, body: answer.body };
    },
    wrongAnswer: wrongHttpAnswer,
    show: (body) => JSON.stringify(body),
    hangMs: OVER_HTTP_HANG_MS,
  };
}

/** POST /v1/challenges at the other shop's station, so that the challenges a valid body opens never crowd the home station's. */
function challengeBodies(world: RigWorld, transport: ApiTransport, path: string): Decoder<object> {
  const station = world.other.client.through(transport);
  return {
    name: `HTTP POST /v1/challenges bodies (station-signed JSON, ${path})`,
    generated: jsonObject,
    mutated: fc.record({ card: fc.option(anyText), receipt: fc.option(fc.object({ maxDepth: 1 })) }, { requiredKeys: [] }),
    decode: async (body) => {
      const answer = await station.request("POST", "/v1/challenges", body);
      if (answer.status === 201) world.target.advanceClock?.(60_000);
      return { status: answer.status, body: answer.body };
    },
    wrongAnswer: wrongHttpAnswer,
    show: (body) => JSON.stringify(body),
    hangMs: OVER_HTTP_HANG_MS,
  };
}

/** Raw bytes that are not JSON at all (or half of it), with the owner's token: the parser's own refusal must be a 4xx too. */
function rawBodies(world: RigWorld, transport: ApiTransport, path: string): Decoder<Uint8Array> {
  const halfJson = mutatedBytes(validTapResponse.map((r) => new TextEncoder().encode(JSON.stringify({ response: toHex(r) }))));
  return {
    name: `HTTP POST /v1/taps raw bodies (not JSON, broken JSON, ${path})`,
    generated: fc.uint8Array({ maxLength: 300 }),
    mutated: halfJson,
    decode: async (bytes) => {
      const answer = await transport.request("POST", "/v1/taps", { authorization: `Bearer ${world.target.ownerToken}`, "content-type": "application/json", accept: "application/json" }, bytes);
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        body = answer.body;
      }
      return { status: answer.status, body: body };
    },
    wrongAnswer: wrongHttpAnswer,
    show: toHex,
    hangMs: OVER_HTTP_HANG_MS,
  };
}

/**
 * The HTTP routes' targets, and a way to close their connection: over the network, or in process
 * where the target offers it (a host the rig started), which is how the full run affords
 * 100,000 calls per route.
 */
export function httpBodyTargets(world: RigWorld, inProcess: boolean): { targets: FuzzTarget[]; close(): Promise<void> } {
  const inProcessTransport = world.target.inProcessTransport;
  const transport = inProcess && inProcessTransport !== undefined ? inProcessTransport() : httpTransport(world.target.url);
  const path = inProcess && inProcessTransport !== undefined ? "in process" : "over HTTP";
  return {
    targets: [fuzzTarget(tapBodies(world, transport, path)), fuzzTarget(challengeBodies(world, transport, path)), fuzzTarget(rawBodies(world, transport, path))],
    close: () => transport.close(),
  };
}
