/**
 * Stamp replies as they travel over BLE (docs/protocol.md §13): a status byte and the 94-byte tap
 * response, written to the response characteristic in chunks (header byte: index, bit 7 last).
 * Pure edits the ble-station campaign sends: a sniffed reply reassembled, re-chunked, grown past
 * its length, a bit flipped, the victim's id signed with another stamp's key.
 */
import { AttError } from "../../host/ble/att-errors";
import { splitIntoChunks } from "../../shared/ble-gatt";
import { concatBytes } from "../../shared/bytes";
import { decodeChallenge } from "../../shared/challenge";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { REASON_NAMES } from "../../shared/reason-codes";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { encodeTapResponse } from "../../shared/tap-response";
import { flipBit } from "../response-bytes";
import { nodeSigner } from "../world/node-signer";
import { RigStamp } from "../world/rig-stamp";

/** A chunk header's "last" bit. */
const LAST_CHUNK = 0x80;
/** The status byte before the tap response in a stamp reply: a response field at offset o is at o + 1. */
const STATUS_BYTES = 1;

/** A stamp's reply carrying its tap response (status OK). */
export function stampReply(response: Uint8Array): Uint8Array {
  return encodeStampReply({ status: StampStatus.OK, response: response });
}

/** The reply the chunks carry (their header bytes dropped). */
export function reassembled(chunks: readonly Uint8Array[]): Uint8Array {
  return concatBytes(chunks.map((chunk) => chunk.subarray(1)));
}

/** The chunks a central at this ATT MTU writes (MTU − 3 bytes each, as the firmware does). */
export function chunksFor(reply: Uint8Array, mtu: number): Uint8Array[] {
  return splitIntoChunks(reply, mtu - 3);
}

/** The whole reply as one chunk, flagged last: one ATT value longer than an MTU of 23 allows. */
export function oneChunk(reply: Uint8Array): Uint8Array {
  return new Uint8Array([LAST_CHUNK, ...reply]);
}

/** A reply with one bit of one tap-response byte flipped (`offset` counted in the tap response). */
export function flippedReply(reply: Uint8Array, responseOffset: number, bit: number): Uint8Array {
  return flipBit(reply, STATUS_BYTES + responseOffset, bit);
}

/**
 * A reply for `victim`'s stamp id and a counter far ahead, over the challenge the attacker read,
 * signed with `signer`'s key: what another stamp's holder can make. The host must find the
 * signature wrong for the victim's registered key.
 */
export function wrongKeyReply(victim: RigStamp, signer: RigStamp, challengeBytes: Uint8Array, counter: number): Uint8Array {
  const challenge = decodeChallenge(challengeBytes);
  if (!challenge.ok || victim.stamp.key === undefined || signer.stamp.key === undefined) throw new Error("cannot build the wrong-key reply");
  const stampId = victim.stamp.key.stampId;
  const signature = nodeSigner.sign(signer.stamp.key.seed, signer.stamp.key.publicKey, tapSignedMessage(challenge.value, stampId, counter, FLAG_USER_PRESENT));
  if (signature === undefined) throw new Error("the signer refused");
  return stampReply(encodeTapResponse({ stampId: stampId, nonce: challenge.value.nonce, counter: counter, flags: FLAG_USER_PRESENT, signature: signature }));
}

const ATT_ERROR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(AttError).map(([name, code]) => [code, name]));

/** An ATT answer for the report: "ok", or the error's name as docs/ble.md lists it. */
export function attAnswerName(code: number): string {
  if (code === 0) return "ok";
  return `ATT ${ATT_ERROR_NAMES.get(code) ?? `0x${code.toString(16).padStart(2, "0")}`}`;
}

/** A verdict byte for the report: the reason's name. */
export function verdictName(code: number): string {
  return code >= 0 && code < REASON_NAMES.length ? REASON_NAMES[code] : `no verdict (${code})`;
}
