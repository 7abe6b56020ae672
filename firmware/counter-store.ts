import { readUint32, writeUint32 } from "../shared/bytes";
import { MAX_COUNTER } from "../shared/protocol-constants";
import { Device } from "./device";
import { COUNTER_SLOT_FILES } from "./storage-files";

/** The counter in RAM: `last` is the highest value committed to flash (0: none yet). */
export interface Counter {
  last: number;
  /** The slot holding the older value: the one the next commit overwrites. */
  olderSlot: number;
}

/** A slot is 8 bytes: the value and its bitwise complement, so a torn or blank write is detected. */
function decodeSlot(bytes: Uint8Array | undefined): number {
  if (bytes === undefined || bytes.length !== 8) return -1;
  const value = readUint32(bytes, 0);
  return (value ^ readUint32(bytes, 4)) >>> 0 === 0xffffffff ? value : -1;
}

function encodeSlot(value: number): Uint8Array {
  const out = new Uint8Array(8);
  writeUint32(out, 0, value);
  writeUint32(out, 4, ~value >>> 0);
  return out;
}

export type CounterLoad = { counter: Counter } | { error: string };

/**
 * Reads the last committed value from two slots written alternately: a power cut while one is
 * being written leaves the other intact. Both slots unreadable is refused (fail closed):
 * starting again from 0 would reuse values. A new stamp never meets that case, because
 * initializeCounter runs before its key exists.
 */
export function loadCounter(device: Device): CounterLoad {
  const slot0 = decodeSlot(device.readFile(COUNTER_SLOT_FILES[0]));
  const slot1 = decodeSlot(device.readFile(COUNTER_SLOT_FILES[1]));
  if (slot0 < 0 && slot1 < 0) return { error: "counter storage is unreadable" };
  return { counter: { last: Math.max(slot0, slot1), olderSlot: slot0 <= slot1 ? 0 : 1 } };
}

/**
 * Before a key is made: commits counter value 0 unless a counter already exists (a stamp that
 * was reset keeps counting upward). Done first so that any stored key has a counter beside it.
 */
export function initializeCounter(device: Device): boolean {
  if ("counter" in loadCounter(device)) return true;
  return device.writeFile(COUNTER_SLOT_FILES[0], encodeSlot(0));
}

export type CounterTake = { value: number } | { error: "exhausted" | "storage" };

/**
 * Takes the next counter value by writing it to flash and reading it back *before* returning
 * it: the caller signs only afterwards, so a power cut at any point leaves flash at or above
 * every value ever signed, and the next boot continues above it. A cut between this commit and
 * the signature leaving the stamp only skips a value; it can never reuse one.
 */
export function takeCounterValue(device: Device, counter: Counter): CounterTake {
  if (counter.last >= MAX_COUNTER) return { error: "exhausted" };
  const value = counter.last + 1;
  const name = COUNTER_SLOT_FILES[counter.olderSlot];
  if (!device.writeFile(name, encodeSlot(value)) || decodeSlot(device.readFile(name)) !== value) return { error: "storage" };
  counter.last = value;
  counter.olderSlot = 1 - counter.olderSlot;
  return { value: value };
}
