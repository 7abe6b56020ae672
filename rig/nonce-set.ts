/**
 * The set of nonces seen so far, kept flat in typed arrays (open addressing, linear probing):
 * a million 16-byte nonces are 32 MB of table and no JavaScript objects at all. A Set of a
 * million strings made every major garbage collection of the rig walk a million objects, which
 * slowed the nonce-quality campaign more the further it got.
 */
const INITIAL_SLOTS = 1 << 16;

/** FNV-1a over the bytes: nonces from a broken generator (a counter) still spread over the table. */
function hashOf(bytes: Uint8Array, from: number, width: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < width; i++) hash = Math.imul(hash ^ bytes[from + i], 0x01000193);
  return hash >>> 0;
}

export class NonceSet {
  private slots = INITIAL_SLOTS;
  private keys: Uint8Array;
  private used = new Uint8Array(INITIAL_SLOTS);
  size = 0;

  /** Every nonce added must have this many bytes. */
  constructor(private readonly width: number) {
    this.keys = new Uint8Array(INITIAL_SLOTS * width);
  }

  /** Adds the nonce; false when it was already there. */
  add(nonce: Uint8Array): boolean {
    if (nonce.length !== this.width) throw new Error(`a nonce of ${nonce.length} bytes in a set of ${this.width}-byte nonces`);
    if ((this.size + 1) * 2 > this.slots) this.grow();
    return this.insert(nonce, 0, this.keys, this.used, this.slots);
  }

  private insert(bytes: Uint8Array, from: number, keys: Uint8Array, used: Uint8Array, slots: number): boolean {
    const w = this.width;
    for (let slot = hashOf(bytes, from, w) & (slots - 1); ; slot = (slot + 1) & (slots - 1)) {
      if (used[slot] === 0) {
        keys.set(bytes.subarray(from, from + w), slot * w);
        used[slot] = 1;
        if (keys === this.keys) this.size += 1;
        return true;
      }
      let same = true;
      for (let i = 0; i < w && same; i++) same = keys[slot * w + i] === bytes[from + i];
      if (same) return false;
    }
  }

  private grow(): void {
    const slots = this.slots * 2;
    const keys = new Uint8Array(slots * this.width);
    const used = new Uint8Array(slots);
    for (let slot = 0; slot < this.slots; slot++) if (this.used[slot] === 1) this.insert(this.keys, slot * this.width, keys, used, slots);
    this.slots = slots;
    this.keys = keys;
    this.used = used;
  }
}
