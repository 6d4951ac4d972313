/**
 * Open-addressing hash map from non-negative int32 keys to int32 values, in
 * two typed arrays (linear probing, Fibonacci hashing, doubling at half load).
 * Slots store key + 1 so that a fresh (zeroed) array is an empty table.
 * The MultiMMC and LZ78Y predictors use it instead of Map so that 10^6
 * samples over 256 symbols stay fast and compact.
 */
export class IntMap {
  keys: Int32Array;
  vals: Int32Array;
  size = 0;
  private shift: number;
  private mask: number;

  constructor(log2Capacity = 16) {
    this.keys = new Int32Array(1 << log2Capacity);
    this.vals = new Int32Array(1 << log2Capacity);
    this.shift = 32 - log2Capacity;
    this.mask = (1 << log2Capacity) - 1;
  }

  /** Slot holding `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    const stored = key + 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = keys[h]!;
      if (k === stored) return h;
      if (k === 0) return -1;
      h = (h + 1) & this.mask;
    }
  }

  get(key: number): number {
    const slot = this.find(key);
    return slot < 0 ? -1 : this.vals[slot]!;
  }

  /** Inserts a key known to be absent; returns its slot. */
  insert(key: number, val: number): number {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (keys[h] !== 0) h = (h + 1) & this.mask;
    keys[h] = key + 1;
    this.vals[h] = val;
    this.size++;
    return h;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Int32Array(cap);
    this.vals = new Int32Array(cap);
    this.shift--;
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== 0) this.insert(oldKeys[i]! - 1, oldVals[i]!);
  }
}
