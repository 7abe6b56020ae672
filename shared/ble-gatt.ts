import { decodeError, DecodeError, DecodeErrorCode } from "./decode-error";
import { err, ok, Result } from "./result";

/** The verifier's GATT service, advertised by counter stations; see docs/protocol.md. */
export const VERIFIER_SERVICE_UUID = "5a7a0001-8f1c-4b7e-9d3a-2c6e1b0f5e01";
/** read: a fresh 32-byte challenge for this connection. */
export const CHALLENGE_CHARACTERISTIC_UUID = "5a7a0002-8f1c-4b7e-9d3a-2c6e1b0f5e01";
/** write: the stamp reply, in chunks. */
export const RESPONSE_CHARACTERISTIC_UUID = "5a7a0003-8f1c-4b7e-9d3a-2c6e1b0f5e01";
/** read/notify: one verdict byte (a Reason). */
export const VERDICT_CHARACTERISTIC_UUID = "5a7a0004-8f1c-4b7e-9d3a-2c6e1b0f5e01";

/** A chunk's first byte: bit 7 marks the last chunk, bits 0-6 its index from 0. */
const LAST_CHUNK = 0x80;
const MAX_CHUNKS = 0x80;

/**
 * Splits bytes into writes of at most chunkSize bytes each (header byte included). The sizes
 * are the caller's own constants, not input from the air: an impossible split is a programming
 * error and throws.
 */
export function splitIntoChunks(bytes: Uint8Array, chunkSize: number): Uint8Array[] {
  const payload = Math.floor(chunkSize) - 1;
  if (payload < 1 || Math.ceil(bytes.length / payload) > MAX_CHUNKS) throw new Error("cannot split " + bytes.length + " bytes into chunks of " + chunkSize);
  const chunks: Uint8Array[] = [];
  for (let offset = 0, index = 0; offset < bytes.length || index === 0; offset += payload, index++) {
    const length = Math.min(payload, bytes.length - offset);
    const chunk = new Uint8Array(1 + length);
    chunk[0] = index | (offset + length >= bytes.length ? LAST_CHUNK : 0);
    for (let i = 0; i < length; i++) chunk[1 + i] = bytes[offset + i];
    chunks.push(chunk);
  }
  return chunks;
}

/** Reassembly state for one connection. */
export interface ChunkAssembly {
  parts: Uint8Array[];
  complete: boolean;
}

export function createChunkAssembly(): ChunkAssembly {
  return { parts: [], complete: false };
}

/**
 * Adds one written chunk. Total: an out-of-order, repeated, empty or late chunk, or a message
 * longer than maxLength, is a typed error and leaves the assembly unchanged.
 */
export function addChunk(assembly: ChunkAssembly, chunk: Uint8Array, maxLength: number): Result<ChunkAssembly, DecodeError> {
  if (chunk.length < 1) return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "a chunk needs its header byte"));
  if (assembly.complete) return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "the message is already complete"));
  const index = chunk[0] & ~LAST_CHUNK;
  if (index !== assembly.parts.length || index >= MAX_CHUNKS) {
    return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "expected chunk " + assembly.parts.length + ", got " + index));
  }
  let length = chunk.length - 1;
  for (let i = 0; i < assembly.parts.length; i++) length += assembly.parts[i].length;
  if (length > maxLength) return err(decodeError(DecodeErrorCode.WRONG_LENGTH, "message exceeds " + maxLength + " bytes"));
  return ok({ parts: assembly.parts.concat([chunk.subarray(1)]), complete: (chunk[0] & LAST_CHUNK) !== 0 });
}
