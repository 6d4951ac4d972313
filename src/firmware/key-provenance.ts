/**
 * Key provenance of the SMM variable driver: for every write, which DRBG reseed epoch
 * produced its key and nonce, which source bytes seeded that epoch and what state those
 * bytes were in. An observer, not part of the driver's policy: the driver reports what it
 * did (./smm-variable/driver.ts), this records it and judges each epoch after the fact.
 *
 * An epoch (one SP 800-90A instantiate or reseed, docs/model.md §7.1) is *bad* when any of:
 *  - `unsafe-source`: it was seeded from a source the design declares low-entropy (the
 *    PM-timer counter RngLib, docs/model.md §3.6), as primary source or as fallback;
 *  - `repeats-earlier-output`: its seed bytes contain an 8-byte string that the same source
 *    already delivered to the driver (earlier, or earlier in the same seed). Such bytes add
 *    no entropy an observer of the earlier output lacks. A full-entropy source repeats some
 *    8-byte string within N bytes with probability ≈ N²/2⁶⁵ (2.7·10⁻⁸ at N = 10⁶), so a
 *    finding is evidence of a repeating, stuck or replayed source, not chance.
 * Bytes on which a health test alarmed, or drawn while the source was failed, never seed an
 * epoch: the driver fails closed or falls back (then the epoch is `unsafe-source`).
 * A write keyed from a bad epoch makes the cell insecure (src/scenario/verdict.ts).
 */
import type { EpochFlaw, KeyProvenanceSummary } from '../metrics/types.ts';

export type { EpochFlaw, KeyProvenanceSummary } from '../metrics/types.ts';

export const EPOCH_FLAWS: readonly EpochFlaw[] = ['unsafe-source', 'repeats-earlier-output'];

export interface KeyEpoch {
  index: number;
  kind: 'instantiate' | 'reseed';
  atNs: number;
  /** Name of the source whose bytes seeded it. */
  source: string;
  /** Offset of the seed bytes in the stream the source delivered to the driver (−1: fallback source, not in that stream). */
  streamOffset: number;
  bytes: number;
  flaws: EpochFlaw[];
  /** Writes (successful SetVariable calls) keyed from this epoch. */
  writes: number;
}

/** Window length of the repeat detector, bytes. */
export const REPEAT_WINDOW = 8;
/** Source bytes whose windows the detector remembers (later windows are still checked against them). */
const HISTORY_CAP = 1 << 20;

/**
 * Finds 8-byte strings a stream repeats. Keeps the stream (up to HISTORY_CAP bytes) and a
 * hash → first position map; a hash hit is confirmed by comparing the bytes, so a finding
 * is always a real repeat (a hash collision only forgets a window).
 */
export class RepeatDetector {
  private history = new Uint8Array(4096);
  private length = 0;
  private readonly seen = new Map<number, number>();
  private readonly scratch = new Uint8Array(REPEAT_WINDOW);

  /** Bytes observed so far. */
  get observed(): number {
    return this.length;
  }

  /** Appends bytes; true when a window ending inside them equals an earlier window. */
  observe(bytes: Uint8Array): boolean {
    let found = false;
    for (let i = 0; i < bytes.length; i++) {
      const pos = this.length;
      if (pos < HISTORY_CAP) {
        if (pos === this.history.length) {
          const grown = new Uint8Array(Math.min(HISTORY_CAP, this.history.length * 2));
          grown.set(this.history);
          this.history = grown;
        }
        this.history[pos] = bytes[i]!;
      }
      this.length++;
      // The current window: the last REPEAT_WINDOW bytes of the stream.
      this.scratch.copyWithin(0, 1);
      this.scratch[REPEAT_WINDOW - 1] = bytes[i]!;
      if (pos + 1 < REPEAT_WINDOW) continue;
      const start = pos + 1 - REPEAT_WINDOW;
      const win = this.scratch;
      let h = 0x811c9dc5;
      for (let k = 0; k < REPEAT_WINDOW; k++) h = Math.imul(h ^ win[k]!, 0x01000193) >>> 0;
      const earlier = this.seen.get(h);
      if (earlier !== undefined && this.sameAs(earlier, win)) found = true;
      else if (earlier === undefined && pos < HISTORY_CAP) this.seen.set(h, start);
    }
    return found;
  }

  private sameAs(at: number, win: Uint8Array): boolean {
    for (let k = 0; k < REPEAT_WINDOW; k++) if (this.history[at + k] !== win[k]) return false;
    return true;
  }
}

export class KeyProvenance {
  readonly epochs: KeyEpoch[] = [];
  sourceFailures = 0;
  startupTests = 0;
  startupPasses = 0;
  failClosed = 0;
  fallbackSeeds = 0;
  private readonly repeats = new RepeatDetector();

  /** Bytes of its primary source the driver received so far (seed material and start-up samples). */
  get sourceBytesObserved(): number {
    return this.repeats.observed;
  }

  /**
   * Source bytes the driver received (seed material and start-up test samples alike), in
   * order; returns whether they repeat earlier output (see RepeatDetector).
   */
  observeSource(bytes: Uint8Array): { offset: number; repeats: boolean } {
    const offset = this.repeats.observed;
    return { offset, repeats: this.repeats.observe(bytes) };
  }

  /** A new epoch (instantiate or reseed); returns its index. */
  newEpoch(e: Omit<KeyEpoch, 'index' | 'writes'>): number {
    const index = this.epochs.length;
    this.epochs.push({ ...e, flaws: [...e.flaws], index, writes: 0 });
    return index;
  }

  /** A write keyed from epoch `index` succeeded. */
  noteWrite(index: number): void {
    const e = this.epochs[index];
    if (e !== undefined) e.writes++;
  }

  isBad(index: number): boolean {
    return (this.epochs[index]?.flaws.length ?? 0) > 0;
  }

  summary(): KeyProvenanceSummary {
    const byFlaw = Object.fromEntries(EPOCH_FLAWS.map((f) => [f, 0])) as Record<EpochFlaw, number>;
    let writes = 0;
    let badWrites = 0;
    let badEpochs = 0;
    for (const e of this.epochs) {
      writes += e.writes;
      if (e.flaws.length === 0) continue;
      badEpochs++;
      badWrites += e.writes;
      for (const f of e.flaws) byFlaw[f] += e.writes;
    }
    return {
      epochs: this.epochs.length,
      badEpochs,
      writes,
      badWrites,
      badWriteShare: writes > 0 ? badWrites / writes : 0,
      badWritesByFlaw: byFlaw,
      sourceFailures: this.sourceFailures,
      startupTests: this.startupTests,
      startupPasses: this.startupPasses,
      failClosed: this.failClosed,
      fallbackSeeds: this.fallbackSeeds,
    };
  }
}
