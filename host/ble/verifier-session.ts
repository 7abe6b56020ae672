import { addChunk, ChunkAssembly, createChunkAssembly } from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { Purpose, TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { issueChallenge } from "../core/challenge-service";
import { MAX_CHALLENGE_TTL_MS } from "../core/challenge-issuer";
import { judgeStampReply } from "../core/judge-stamp-reply";
import { Verdict } from "../core/verdict";
import { Store } from "../store/store";

/** Why a GATT operation on the verifier service is refused (mapped to ATT errors by the radio). */
export type SessionRefusal = "not-ready" | "bad-length" | "out-of-order" | "already-answered";

export type SessionAnswer<T> = { ok: true; value: T } | { ok: false; refusal: SessionRefusal; message: string };

/** One BLE connection to a counter station: one challenge, one reply, one verdict. */
export interface VerifierSession {
  challenge: Uint8Array | undefined;
  assembly: ChunkAssembly;
  verdict: Verdict | undefined;
}

export function openVerifierSession(): VerifierSession {
  return { challenge: undefined, assembly: createChunkAssembly(), verdict: undefined };
}

/** Read of the challenge characteristic: issues the connection's one challenge on first read. */
export async function readChallenge(
  store: Store,
  session: VerifierSession,
  order: { verifierId: string; purpose: Purpose; quantity: number },
  now: number,
): Promise<SessionAnswer<Uint8Array>> {
  if (session.challenge === undefined) {
    const issued = await issueChallenge(store, { ...order, ttlMs: MAX_CHALLENGE_TTL_MS }, now);
    if (!issued.ok) return { ok: false, refusal: "not-ready", message: issued.error };
    session.challenge = issued.value.bytes;
  }
  return { ok: true, value: session.challenge };
}

/** The longest stamp reply: a status byte and a tap response. */
export const STAMP_REPLY_MAX_LENGTH = 1 + TAP_RESPONSE_LENGTH;

/** Why addChunk refused a chunk: its length (empty, or the message would be too long) or its index. */
function refusalFor(assembly: ChunkAssembly, chunk: Uint8Array): SessionRefusal {
  if (chunk.length < 1) return "bad-length";
  let length = chunk.length - 1;
  for (const part of assembly.parts) length += part.length;
  return length > STAMP_REPLY_MAX_LENGTH ? "bad-length" : "out-of-order";
}

/** Write of one reply chunk; the last chunk is judged at once through the host core. */
export async function writeReplyChunk(store: Store, session: VerifierSession, verifierId: string, chunk: Uint8Array, now: number): Promise<SessionAnswer<Verdict | undefined>> {
  if (session.challenge === undefined) return { ok: false, refusal: "not-ready", message: "read the challenge first" };
  if (session.verdict !== undefined) return { ok: false, refusal: "already-answered", message: "this connection already has its verdict" };
  if (session.assembly.complete) return { ok: false, refusal: "already-answered", message: "the reply is complete and being judged" };
  const added = addChunk(session.assembly, chunk, STAMP_REPLY_MAX_LENGTH);
  if (!added.ok) return { ok: false, refusal: refusalFor(session.assembly, chunk), message: added.error.detail };
  session.assembly = added.value;
  if (!added.value.complete) return { ok: true, value: undefined };
  session.verdict = (await judgeStampReply(store, verifierId, concatBytes(added.value.parts), now)).verdict;
  return { ok: true, value: session.verdict };
}

/** Read of the verdict characteristic: one byte, once the reply has been judged. */
export function readVerdict(session: VerifierSession): SessionAnswer<Uint8Array> {
  if (session.verdict === undefined) return { ok: false, refusal: "not-ready", message: "no verdict yet" };
  return { ok: true, value: new Uint8Array([session.verdict.code]) };
}
