import fc from "fast-check";
import { apiTapService } from "../../host/client/api-tap-service";
import { openVerifierSession, readChallenge, writeReplyChunk } from "../../host/ble/verifier-session";
import { splitIntoChunks } from "../../shared/ble-gatt";
import { toHex } from "../../shared/hex";
import { RigStation } from "../world/rig-station";
import { Decoder, OVER_HTTP_HANG_MS } from "./fuzz-decoder";
import { mutatedBytes } from "./mutations";
import { validStampReply } from "./valid-encodings";

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Why a session's answer to its last write is wrong: it must be a SessionAnswer (a refusal with
 * its name, or success with no verdict yet or a verdict), and no verdict may accept a tap.
 */
export function wrongSessionAnswer(answer: unknown): string | undefined {
  const ok = field(answer, "ok");
  if (ok === false) return typeof field(answer, "refusal") === "string" && typeof field(answer, "message") === "string" ? undefined : "a refusal without its name";
  if (ok !== true) return "not a session answer";
  const verdict = field(answer, "value");
  if (verdict === undefined) return undefined;
  if (typeof field(verdict, "reason") !== "string") return "a verdict without its reason";
  return field(verdict, "accepted") === false ? undefined : "a tap accepted";
}

/** Chunk lists of any shape, and valid replies split and then mutated chunk by chunk. */
const anyChunks = fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 8 });
const mutatedChunks = fc
  .tuple(validStampReply, fc.integer({ min: 2, max: 60 }), fc.nat())
  .chain(([reply, size, at]) => {
    const chunks = splitIntoChunks(reply, size);
    const i = at % chunks.length;
    return mutatedBytes(fc.constant(chunks[i])).map((m) => chunks.map((c, j) => (j === i ? m : c)));
  });

/**
 * The verifier's BLE write handler itself (what the response characteristic's ATT Write Request
 * calls): one connection per input, after a real challenge read, each chunk written in order;
 * a complete reply is judged through the host over the station's signed API, as a counter
 * station does. The challenge is read once and shared: the fuzzed replies name other nonces, so
 * none of them can spend it.
 */
export async function attWriteDecoder(station: RigStation): Promise<Decoder<Uint8Array[]>> {
  const service = apiTapService(station.client);
  const first = openVerifierSession();
  const read = await readChallenge(service, first);
  if (!read.ok) throw new Error(`the host issued no challenge: ${read.message}`);
  const challenge = first.challenge;
  return {
    name: "BLE ATT writes into the verifier's response characteristic (writeReplyChunk, judged through the host)",
    generated: anyChunks,
    mutated: mutatedChunks,
    decode: async (chunks) => {
      const session = { ...openVerifierSession(), challenge: challenge };
      let last: unknown = { ok: true, value: undefined };
      for (const chunk of chunks) last = await writeReplyChunk(service, session, chunk);
      return last;
    },
    wrongAnswer: wrongSessionAnswer,
    show: (chunks) => chunks.map(toHex).join(" "),
    hangMs: OVER_HTTP_HANG_MS,
  };
}
