/**
 * Taps: every byte a consumer obtains from an entropy source is recorded here (who, from
 * which source, when), so that the quality layer can run SP 800-90B on the raw side and
 * SP 800-22 on the conditioned side of the very same run (ARCHITECTURE.md "Why statistics
 * alone is not enough"). A tap keeps the first `max-bytes` bytes and counts the rest.
 */
import type { ParamTable } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

export const TAP_PARAMS: ParamTable = [
  {
    name: 'max-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 1 << 20,
    min: 0,
    max: 1 << 28,
    description: 'Bytes each tap keeps (the total is always counted).',
    source: 'our choice: 1 MiB holds 8 SP 800-22 sequences of n = 10^6 bits (docs/model.md §7.4)',
  },
];

export interface TapData {
  /** e.g. 'smm-variable/key-material', 'counter-rnglib/raw', 'counter-rnglib/output' */
  name: string;
  consumer: string;
  source: string;
  /** raw noise (SP 800-90B side) vs conditioned output (SP 800-22 side) */
  kind: 'raw' | 'conditioned';
  /** every byte, in order, up to the cap */
  bytes: Uint8Array;
  totalBytes: number;
  /** 8 for bytes; e.g. 8 for PM-timer low bytes */
  bitsPerSample: number;
  /** what the design credits (e.g. 8 bits/byte for the timer RngLib) */
  claimedEntropyPerSample?: number;
  /** Virtual time of the first and last recorded delivery, and how many deliveries. */
  firstAtNs: number;
  lastAtNs: number;
  deliveries: number;
}

export interface TapMeta {
  consumer: string;
  source: string;
  kind: 'raw' | 'conditioned';
  bitsPerSample?: number;
  claimedEntropyPerSample?: number;
}

class Tap {
  private buf: Uint8Array;
  private len = 0;
  totalBytes = 0;
  firstAtNs = -1;
  lastAtNs = -1;
  deliveries = 0;
  constructor(
    readonly name: string,
    readonly meta: TapMeta,
    private readonly cap: number,
  ) {
    this.buf = new Uint8Array(Math.min(cap, 4096));
  }

  add(bytes: Uint8Array, atNs: number): void {
    if (this.firstAtNs < 0) this.firstAtNs = atNs;
    this.lastAtNs = atNs;
    this.deliveries++;
    this.totalBytes += bytes.length;
    const room = this.cap - this.len;
    if (room <= 0) return;
    const take = Math.min(room, bytes.length);
    if (this.len + take > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + take) size *= 2;
      const next = new Uint8Array(Math.min(size, this.cap));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(take === bytes.length ? bytes : bytes.subarray(0, take), this.len);
    this.len += take;
  }

  data(): TapData {
    const d: TapData = {
      name: this.name,
      consumer: this.meta.consumer,
      source: this.meta.source,
      kind: this.meta.kind,
      bytes: this.buf.slice(0, this.len),
      totalBytes: this.totalBytes,
      bitsPerSample: this.meta.bitsPerSample ?? 8,
      firstAtNs: Math.max(0, this.firstAtNs),
      lastAtNs: Math.max(0, this.lastAtNs),
      deliveries: this.deliveries,
    };
    if (this.meta.claimedEntropyPerSample !== undefined) d.claimedEntropyPerSample = this.meta.claimedEntropyPerSample;
    return d;
  }
}

export class TapRegistry {
  private taps = new Map<string, Tap>();
  constructor(
    /** Bytes each tap keeps. */
    readonly maxBytes: number = 1 << 20,
  ) {}

  /** Records bytes a consumer obtained; the tap is created on first use with `meta`. */
  record(name: string, meta: TapMeta, bytes: Uint8Array, atNs: number): void {
    let t = this.taps.get(name);
    if (t === undefined) {
      t = new Tap(name, meta, this.maxBytes);
      this.taps.set(name, t);
    }
    t.add(bytes, atNs);
  }

  /** True if a tap of this name would still keep bytes (absent, or below its cap). */
  wants(name: string): boolean {
    const t = this.taps.get(name);
    return t === undefined || t.totalBytes < this.maxBytes;
  }

  /** Counts bytes a full tap would only have counted (no copy). */
  count(name: string, meta: TapMeta, n: number, atNs: number): void {
    let t = this.taps.get(name);
    if (t === undefined) {
      t = new Tap(name, meta, this.maxBytes);
      this.taps.set(name, t);
    }
    t.add(new Uint8Array(0), atNs);
    t.totalBytes += n;
  }

  has(name: string): boolean {
    return this.taps.has(name);
  }

  /** Total bytes seen by a tap (0 if it never fired). */
  total(name: string): number {
    return this.taps.get(name)?.totalBytes ?? 0;
  }

  /** All taps in the order they first fired (deterministic for a given run). */
  data(): TapData[] {
    return [...this.taps.values()].map((t) => t.data());
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const TAP_COMPONENT: ComponentDef = {
  name: 'taps',
  description: 'the taps that keep every byte a consumer obtains',
  params: TAP_PARAMS,
  metrics: [],
  produces: [],
  consumes: [],
};
