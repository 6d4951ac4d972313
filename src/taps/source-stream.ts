/**
 * The quality tap of a source SMM consumes (docs/model.md §7.5): the source's own output, in
 * the order the source produced it, from its first byte — whoever it went to during the run —
 * extended after the run by drawing more from the *same* source object (same seed-derived
 * state, same injected fault, same position) until it is long enough for the whole SP 800-22
 * battery on 10^6 bits and the SP 800-90B assessment on 10^5 samples.
 *
 * Why the source's output and not only SMM's share of it: the bytes SMM got during a run are
 * a subsequence of this stream (positions decided by who else read the source), a few KiB at
 * most, far too short for the statistics. The content of every position is fixed by the
 * source's configuration and the seed, not by the scheduling, so cells that differ only in
 * the adversary's timing get the byte-identical stream and can share one assessment. What an
 * adversary changes in the content (a stuck, biased or repeating host) is in the stream.
 *
 * The continuation bypasses the timing model (rate limits, FIFO waits): those decide *when*
 * bytes arrive, not *which*; it is drawn only after the timed run ended and verified, so the
 * run's metrics and taps are untouched.
 */

/** 2^17 bytes = 1 048 576 bits ≥ 10^6 bits (SP 800-22) and ≥ 10^5 8-bit samples (SP 800-90B). */
export const QUALITY_STREAM_BYTES = 1 << 17;

export interface SourceStreamMeta {
  /** The source whose output this is, e.g. 'host-source', 'smm-device-host', 'rdrand', 'pm-timer'. */
  source: string;
  /** raw noise (e.g. PM-timer bytes) or conditioned output (a DRBG, a hash, getrandom). */
  kind: 'raw' | 'conditioned';
  /** Bits of each sample (8 for bytes). */
  bitsPerSample?: number;
}

/** A consumed source's quality stream, ready for assessment. */
export interface ConsumedStream {
  /** Quality tap name, e.g. 'smm-variable/stream:host-source'. */
  name: string;
  consumer: string;
  source: string;
  kind: 'raw' | 'conditioned';
  bitsPerSample: number;
  /** What the consumer credits per sample. */
  claimedEntropyPerSample?: number;
  /** The stream: output bytes 0 … bytes.length − 1 of the source. */
  bytes: Uint8Array;
  /** Bytes the source produced during the timed run (the first min(this, bytes.length) of `bytes`). */
  producedInRun: number;
  /** Bytes the consumer itself obtained from the source during the run (a subsequence of the stream). */
  consumedInRun: number;
  /** Bytes of `bytes` the source produced after the run (the rest came from the run). */
  drawnAfterRun: number;
  /** The consumer's successful writes keyed from epochs this source seeded. */
  keyedWrites: number;
}

/** Keeps the first `cap` bytes a source produces and counts the rest. */
export class SourceStream {
  private buf = new Uint8Array(0);
  private len = 0;
  /** Bytes the source produced in total (kept or not). */
  produced = 0;
  /** `produced` when the timed run ended (set by `endRun`). */
  private producedInRun = -1;

  constructor(
    readonly meta: SourceStreamMeta,
    private readonly cap: number = QUALITY_STREAM_BYTES,
  ) {}

  /** The source produced `bytes` (call in production order, before anyone sees them). */
  note(bytes: Uint8Array): void {
    this.produced += bytes.length;
    const take = Math.min(bytes.length, this.cap - this.len);
    if (take <= 0) return;
    if (this.len + take > this.buf.length) {
      const next = new Uint8Array(Math.min(this.cap, Math.max(this.len + take, this.buf.length * 2, 4096)));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes.subarray(0, take), this.len);
    this.len += take;
  }

  /**
   * The timed run is over: what the source produces from now on is drawn after the run. Call
   * on every stream before extending any (extending one source may draw from another: the
   * counter RngLib's mixed output reads the PM timer).
   */
  endRun(): void {
    if (this.producedInRun < 0) this.producedInRun = this.produced;
  }

  /**
   * The first `target` bytes of the source's output: what it produced so far, then what
   * `draw(n)` (the source producing its next n bytes) returns, noted like any output. Stops
   * early when the source has nothing more (a file's end, a fault that stops it).
   */
  extend(target: number, draw: (n: number) => Uint8Array): { bytes: Uint8Array; producedInRun: number; drawnAfterRun: number } {
    this.endRun();
    const producedInRun = this.producedInRun;
    while (this.len < Math.min(target, this.cap)) {
      const more = draw(Math.min(target, this.cap) - this.len);
      if (more.length === 0) break;
      this.note(more);
    }
    const length = Math.min(this.len, target);
    // The part of the returned stream the source produced after the run.
    return { bytes: this.buf.slice(0, length), producedInRun, drawnAfterRun: Math.max(0, length - producedInRun) };
  }
}
