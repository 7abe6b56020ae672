import { readUint32, writeUint32 } from "../shared/bytes";
import { MAX_COUNTER } from "../shared/protocol-constants";
import { Device } from "./device";
import { COUNTER_SLOT_FILES } from "./storage-files";

/**
 * How many counter values one flash write reserves. Values are handed out from RAM up to the
 * committed ceiling; a reboot continues above the ceiling, so values may be skipped but never
 * reused. 16 divides flash writes (and Storage compactions in the middle of a tap) by 16.
 */
export const COUNTER_LEASE = 16;

/** The counter's state in RAM: values up to `ceiling` are committed to flash, `next` is unused. */
export interface Counter {
  next: number;
  ceiling: number;
  /** The slot holding the older ceiling: the one the next commit overwrites. */
  olderSlot: number;
}

/** A slot is 8 bytes: the ceiling and its bitwise complement, so a torn or blank write is detected. */
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
 * Reads the committed ceiling. A stamp whose key already existed but whose counter slots are
 * both unreadable refuses to sign (fails closed): starting again from 0 would reuse values.
 */
export function loadCounter(device: Device, keyIsNew: boolean): CounterLoad {
  const slot0 = decodeSlot(device.readFile(COUNTER_SLOT_FILES[0]));
  const slot1 = decodeSlot(device.readFile(COUNTER_SLOT_FILES[1]));
  if (slot0 < 0 && slot1 < 0 && !keyIsNew) return { error: "counter storage is unreadable" };
  const ceiling = Math.max(slot0, slot1, 0);
  return { counter: { next: ceiling + 1, ceiling: ceiling, olderSlot: slot0 <= slot1 ? 0 : 1 } };
}

export type CounterTake = { value: number } | { error: "exhausted" | "storage" };

/**
 * Takes the next counter value. When RAM has no committed value left, a new ceiling is written
 * to flash and read back *before* the value is returned: the caller signs only after this
 * returns, so a power cut at any point leaves a ceiling at or above every value ever signed.
 */
export function takeCounterValue(device: Device, counter: Counter): CounterTake {
  if (counter.next > MAX_COUNTER) return { error: "exhausted" };
  if (counter.next > counter.ceiling) {
    const ceiling = Math.min(counter.next + COUNTER_LEASE - 1, MAX_COUNTER);
    const name = COUNTER_SLOT_FILES[counter.olderSlot];
    if (!device.writeFile(name, encodeSlot(ceiling)) || decodeSlot(device.readFile(name)) !== ceiling) {
      return { error: "storage" };
    }
    counter.ceiling = ceiling;
    counter.olderSlot = 1 - counter.olderSlot;
  }
  const value = counter.next;
  counter.next = value + 1;
  return { value: value };
}
