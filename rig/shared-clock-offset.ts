/**
 * A host clock's offset in memory shared between threads: the rig moves it (advanceClock) in its
 * own thread, and the host running in another thread reads it on every request. Atomics make a
 * move seen by the next request, with no message to wait for.
 */
export function sharedClockOffset(buffer: SharedArrayBuffer): { ms: number } {
  const cell = new BigInt64Array(buffer, 0, 1);
  return {
    get ms() {
      return Number(Atomics.load(cell, 0));
    },
    set ms(value: number) {
      Atomics.store(cell, 0, BigInt(Math.round(value)));
    },
  };
}

export const CLOCK_OFFSET_BYTES = BigInt64Array.BYTES_PER_ELEMENT;
