/**
 * Open-addressing hash map from non-negative int32 keys to int32 values in one
 * typed array of (key + 1, value) pairs, so a look-up touches one cache line
 * (linear probing, Fibonacci hashing, doubling at half load; a zeroed array is
 * an empty table). The MultiMMC and LZ78Y predictors use it instead of Map so
 * that 10^6 samples over 256 symbols stay fast and compact.
 */
export class IntMap {
  /** table[2s] = key + 1 (0 = empty slot), table[2s + 1] = value. */
  table: Int32Array;
  size = 0;
  private shift: number;
  private mask: number;

  constructor(log2Capacity = 16) {
    this.table = new Int32Array(2 << log2Capacity);
    this.shift = 32 - log2Capacity;
    this.mask = (1 << log2Capacity) - 1;
  }

  /** Slot holding `key`, or -1; its value is table[2 * slot + 1]. */
  find(key: number): number {
    const t = this.table;
    const stored = key + 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = t[2 * h]!;
      if (k === stored) return h;
      if (k === 0) return -1;
      h = (h + 1) & this.mask;
    }
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    const slot = this.find(key);
    return slot < 0 ? -1 : this.table[2 * slot + 1]!;
  }

  /** Inserts a key known to be absent. */
  insert(key: number, val: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const t = this.table;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (t[2 * h] !== 0) h = (h + 1) & this.mask;
    t[2 * h] = key + 1;
    t[2 * h + 1] = val;
    this.size++;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.shift--;
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insert(old[i]! - 1, old[i + 1]!);
  }
}
