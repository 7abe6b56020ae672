import fc from "fast-check";
import { addChunk, ChunkAssembly, createChunkAssembly, splitIntoChunks } from "../../shared/ble-gatt";
import { fromBase64Url, toBase64Url } from "../../shared/base64url";
import { decodeChallenge } from "../../shared/challenge";
import { fromHex, toHex } from "../../shared/hex";
import { decodeNdefUriRecord, findNdefMessage } from "../../shared/ndef";
import { decodePhoneToken, decodePhoneTokenText } from "../../shared/phone-url";
import { decodeStampReply } from "../../shared/stamp-reply";
import { decodeTapResponse } from "../../shared/tap-response";
import { Result } from "../../shared/result";
import { DecodeError } from "../../shared/decode-error";
import { parseCheckpointLines } from "../../host/ledger/checkpoint";
import { STAMP_REPLY_MAX_LENGTH } from "../../host/ble/verifier-session";
import { notAResult } from "./answer-shapes";
import { Decoder, FuzzTarget, fuzzTarget, IN_PROCESS_HANG_MS } from "./fuzz-decoder";
import { anyBytes, anyText, mutatedBytes, mutatedText } from "./mutations";
import { nfcFrameDecoder, readerApduDecoder } from "./stamp-decoders";
import { validChallenge, validHex, validNdefArea, validPhoneToken, validStampReply, validTapResponse } from "./valid-encodings";

/** A decoder of bytes returning a Result. */
function bytesDecoder(name: string, decode: (bytes: Uint8Array) => unknown, valid: fc.Arbitrary<Uint8Array>): Decoder<Uint8Array> {
  return { name: name, generated: anyBytes, mutated: mutatedBytes(valid), decode: decode, wrongAnswer: notAResult, show: toHex, hangMs: IN_PROCESS_HANG_MS };
}

/** A decoder of text returning a Result. */
function textDecoder(name: string, decode: (text: string) => unknown, valid: fc.Arbitrary<string>): Decoder<string> {
  return { name: name, generated: anyText, mutated: mutatedText(valid), decode: decode, wrongAnswer: notAResult, show: (text) => JSON.stringify(text), hangMs: IN_PROCESS_HANG_MS };
}

/** The BLE reply as the verifier's response characteristic receives it: chunk after chunk, each through addChunk. */
export function assembleChunks(chunks: readonly Uint8Array[]): Result<ChunkAssembly, DecodeError> {
  let assembly: Result<ChunkAssembly, DecodeError> = { ok: true, value: createChunkAssembly() };
  for (const chunk of chunks) {
    if (!assembly.ok) return assembly;
    assembly = addChunk(assembly.value, chunk, STAMP_REPLY_MAX_LENGTH);
  }
  return assembly;
}

const validChunks: fc.Arbitrary<Uint8Array[]> = fc.tuple(validStampReply, fc.integer({ min: 2, max: 60 })).map(([reply, size]) => splitIntoChunks(reply, size));

/** Chunk lists with one chunk mutated, dropped or repeated. */
const mutatedChunks: fc.Arbitrary<Uint8Array[]> = fc.tuple(validChunks, fc.nat(), fc.constantFrom("mutate", "drop", "repeat", "swap")).chain(([chunks, at, how]) => {
  const i = at % chunks.length;
  if (how === "drop") return fc.constant(chunks.filter((_, j) => j !== i));
  if (how === "repeat") return fc.constant([...chunks.slice(0, i + 1), chunks[i], ...chunks.slice(i + 1)]);
  if (how === "swap") return fc.constant(chunks.map((c, j) => (j === i ? chunks[(i + 1) % chunks.length] : j === (i + 1) % chunks.length ? chunks[i] : c)));
  return mutatedBytes(fc.constant(chunks[i])).map((m) => chunks.map((c, j) => (j === i ? m : c)));
});

const attWrites: Decoder<Uint8Array[]> = {
  name: "BLE reply chunks (ATT writes to the response characteristic, addChunk)",
  generated: fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 8 }),
  mutated: mutatedChunks,
  decode: assembleChunks,
  wrongAnswer: notAResult,
  show: (chunks) => chunks.map(toHex).join(" "),
  hangMs: IN_PROCESS_HANG_MS,
};

const validCheckpointLine: fc.Arbitrary<string> = fc
  .record({ chain: fc.constantFrom("ledger", "audit"), count: fc.nat(), head: fc.uint8Array({ minLength: 32, maxLength: 32 }), at: fc.nat(), key: fc.uint8Array({ minLength: 8, maxLength: 8 }), signature: fc.uint8Array({ minLength: 64, maxLength: 64 }) })
  .map((c) => JSON.stringify({ chain: c.chain, count: c.count, headHash: toHex(c.head), at: c.at, hostKeyId: toHex(c.key), signature: toHex(c.signature) }));

/**
 * Every decoder of bytes from outside the process: protocol messages, the phone URL's token,
 * the tag's NDEF area, BLE reply chunks, the checkpoint file the operator keeps, and the
 * firmware's NFC frame handler and the reader's APDUs into it. The HTTP bodies are the
 * campaign's other half (http-bodies.ts).
 */
export function productDecoders(): FuzzTarget[] {
  return [
    fuzzTarget(bytesDecoder("challenge (decodeChallenge)", decodeChallenge, validChallenge)),
    fuzzTarget(bytesDecoder("tap response (decodeTapResponse)", decodeTapResponse, validTapResponse)),
    fuzzTarget(bytesDecoder("stamp reply (decodeStampReply)", decodeStampReply, validStampReply)),
    fuzzTarget(bytesDecoder("phone token bytes (decodePhoneToken)", decodePhoneToken, validPhoneToken)),
    fuzzTarget(textDecoder("phone URL token (decodePhoneTokenText)", decodePhoneTokenText, validPhoneToken.map(toBase64Url))),
    fuzzTarget(textDecoder("hex text (fromHex)", fromHex, validHex)),
    fuzzTarget(textDecoder("base64url text (fromBase64Url)", fromBase64Url, validPhoneToken.map(toBase64Url))),
    fuzzTarget(bytesDecoder("tag NDEF area (findNdefMessage)", findNdefMessage, validNdefArea)),
    fuzzTarget(bytesDecoder("NDEF URI record (decodeNdefUriRecord)", decodeNdefUriRecord, validNdefArea.map((area) => area.subarray(2, 2 + area[1])))),
    fuzzTarget(attWrites),
    fuzzTarget(textDecoder("checkpoint file (parseCheckpointLines)", parseCheckpointLines, validCheckpointLine)),
    fuzzTarget(nfcFrameDecoder()),
    fuzzTarget(readerApduDecoder()),
  ];
}
