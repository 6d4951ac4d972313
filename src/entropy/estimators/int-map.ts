/**
 * Open-addressing hash map from non-negative int32 keys to int32 values, in
 * two typed arrays (linear probing, Fibonacci hashing, doubling at half load).
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
    this.keys = new Int32Array(1 << log2Capacity).fill(-1);
    this.vals = new Int32Array(1 << log2Capacity);
    this.shift = 32 - log2Capacity;
    this.mask = (1 << log2Capacity) - 1;
  }

  /** Slot holding `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = keys[h]!;
      if (k === key) return h;
      if (k === -1) return -1;
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
    while (keys[h] !== -1) h = (h + 1) & this.mask;
    keys[h] = key;
    this.vals[h] = val;
    this.size++;
    return h;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.shift--;
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) this.insert(oldKeys[i]!, oldVals[i]!);
  }
}

/** A growable Int32Array. */
export class IntVec {
  data: Int32Array;
  constructor(capacity = 1024, fill = 0) {
    this.data = new Int32Array(capacity).fill(fill);
    this.fillValue = fill;
  }
  private fillValue: number;
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length;
    while (cap < n) cap *= 2;
    const next = new Int32Array(cap).fill(this.fillValue);
    next.set(this.data);
    this.data = next;
  }
}
