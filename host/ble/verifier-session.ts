import { addChunk, ChunkAssembly, createChunkAssembly, splitIntoChunks } from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { judgeStampReply, TapService } from "../core/counter-station";
import { Verdict } from "../core/verdict";

/** Why a GATT operation on the verifier service is refused (mapped to ATT errors by the radio). */
export type SessionRefusal = "not-ready" | "bad-length" | "out-of-order" | "already-answered";

export type SessionAnswer<T> = { ok: true; value: T } | { ok: false; refusal: SessionRefusal; message: string };

/** One BLE connection to a counter station: one challenge, one reply, one verdict. */
export interface VerifierSession {
  challenge: Uint8Array | undefined;
  /** The challenge as read chunks (chunk format of shared/ble-gatt.ts), and how many were read. */
  challengeChunks: Uint8Array[];
  challengeReads: number;
  assembly: ChunkAssembly;
  verdict: Verdict | undefined;
}

export function openVerifierSession(): VerifierSession {
  return { challenge: undefined, challengeChunks: [], challengeReads: 0, assembly: createChunkAssembly(), verdict: undefined };
}

/** The most an ATT Read Response carries at the default MTU of 23 (MTU - 1). */
export const DEFAULT_READ_SIZE = 22;

/**
 * Read of the challenge characteristic: the first read issues the connection's one challenge;
 * each new read (offset 0) returns its next chunk (header byte, then at most readSize - 1 bytes;
 * the last chunk is flagged), and reads after the last repeat it. A Read Blob (offset > 0) from
 * a central that reads long values continues the current chunk instead. A Puck.js reads with
 * one ATT Read (no Read Blob), so at MTU 23 the 32-byte challenge takes two reads; at 53, one.
 */
export async function readChallenge(
  service: TapService,
  session: VerifierSession,
  read: { offset: number; readSize: number } = { offset: 0, readSize: DEFAULT_READ_SIZE },
): Promise<SessionAnswer<Uint8Array>> {
  if (session.challenge === undefined) {
    const issued = await service.challenge();
    if (!issued.ok) return { ok: false, refusal: "not-ready", message: issued.error.message };
    session.challenge = issued.value;
    session.challengeChunks = splitIntoChunks(issued.value, Math.max(read.readSize, DEFAULT_READ_SIZE));
  }
  const chunks = session.challengeChunks;
  if (read.offset === 0) session.challengeReads++;
  const chunk = chunks[Math.min(Math.max(session.challengeReads, 1), chunks.length) - 1];
  if (read.offset > chunk.length) return { ok: false, refusal: "bad-length", message: "read offset past the end of the chunk" };
  return { ok: true, value: chunk.subarray(read.offset) };
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
export async function writeReplyChunk(service: TapService, session: VerifierSession, chunk: Uint8Array): Promise<SessionAnswer<Verdict | undefined>> {
  if (session.challenge === undefined) return { ok: false, refusal: "not-ready", message: "read the challenge first" };
  if (session.verdict !== undefined) return { ok: false, refusal: "already-answered", message: "this connection already has its verdict" };
  if (session.assembly.complete) return { ok: false, refusal: "already-answered", message: "the reply is complete and being judged" };
  const added = addChunk(session.assembly, chunk, STAMP_REPLY_MAX_LENGTH);
  if (!added.ok) return { ok: false, refusal: refusalFor(session.assembly, chunk), message: added.error.detail };
  session.assembly = added.value;
  if (!added.value.complete) return { ok: true, value: undefined };
  session.verdict = (await judgeStampReply(service, concatBytes(added.value.parts))).verdict;
  return { ok: true, value: session.verdict };
}

/** Read of the verdict characteristic: one byte, once the reply has been judged. */
export function readVerdict(session: VerifierSession): SessionAnswer<Uint8Array> {
  if (session.verdict === undefined) return { ok: false, refusal: "not-ready", message: "no verdict yet" };
  return { ok: true, value: new Uint8Array([session.verdict.code]) };
}
