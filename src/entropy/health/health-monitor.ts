/**
 * The SP 800-90B §4.4 continuous health tests run together over one sample stream: the
 * Repetition Count Test (§4.4.1) and the Adaptive Proportion Test (§4.4.2), both set up
 * from the same claimed min-entropy per sample H. Samples go in as bytes (one sample per
 * byte, as a device model or a sample file delivers them); alarms come out with the
 * global sample index at which they were raised and the test that raised them.
 *
 * @example
 * const m = new HealthMonitor({ entropyPerSample: 1, binary: true });
 * m.feedAll(new Uint8Array(100));   // 20: the RCT (cutoff 21) alarms at sample 20
 * m.report().alarms[0]              // { test: 'rct', index: 20 }
 */
import { AdaptiveProportionTest } from './adaptive-proportion.ts';
import { RepetitionCountTest } from './repetition-count.ts';
import { HEALTH_SCAN_CHUNK, HEALTH_SCAN_DATA, healthScanSimd } from '../../kernels/health-scan-simd.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Bit 7 of every byte of a 32-bit word, as a signed int (what `&` yields). */
const ALL_CHANGED = 0x80808080 | 0;

export interface HealthMonitorOptions {
  /** Claimed min-entropy per sample H in bits (0 < H ≤ 32). */
  entropyPerSample: number;
  /** α = 2^−alphaExponent for both tests (default 20). */
  alphaExponent?: number;
  /** Binary source: APT window 1024 instead of 512. */
  binary?: boolean;
  /** Alarm indices kept per test (default 1000); the counts are always complete. */
  maxRecordedAlarms?: number;
}

export type HealthTestName = 'rct' | 'apt';

export interface HealthAlarm {
  test: HealthTestName;
  /** Global index (0-based) of the sample that raised the alarm. */
  index: number;
}

export interface HealthTestSummary {
  cutoff: number;
  alarms: number;
  /** −1 when the test never alarmed. */
  firstAlarmIndex: number;
  /** The first `maxRecordedAlarms` alarm indices. */
  alarmIndices: number[];
}

export interface HealthReport {
  entropyPerSample: number;
  alphaExponent: number;
  samples: number;
  rct: HealthTestSummary;
  apt: HealthTestSummary & { window: number };
  /** Both tests' recorded alarms merged in sample order (RCT first on a tie). */
  alarms: HealthAlarm[];
  /** True when a test raised more alarms than it recorded. */
  truncated: boolean;
  /** Index of the first alarm of either test, −1 if none. */
  firstAlarmIndex: number;
  pass: boolean;
}

export class HealthMonitor {
  readonly rct: RepetitionCountTest;
  readonly apt: AdaptiveProportionTest;

  constructor(opts: HealthMonitorOptions) {
    const common = {
      entropyPerSample: opts.entropyPerSample,
      ...(opts.alphaExponent !== undefined ? { alphaExponent: opts.alphaExponent } : {}),
      ...(opts.maxRecordedAlarms !== undefined ? { maxRecordedAlarms: opts.maxRecordedAlarms } : {}),
    };
    this.rct = new RepetitionCountTest(common);
    this.apt = new AdaptiveProportionTest({ ...common, binary: opts.binary === true });
  }

  /** Feeds one sample; returns which test alarmed on it ('both' if both did), or null. */
  feed(sample: number): HealthTestName | 'both' | null {
    const r = this.rct.feed(sample);
    const a = this.apt.feed(sample);
    return r ? (a ? 'both' : 'rct') : a ? 'apt' : null;
  }

  /**
   * Feeds a buffer; returns the index in `samples` of the first alarm of either test, or −1.
   * Both tests run in one pass over the buffer, 16 samples at a time in WebAssembly SIMD
   * (../../kernels/health-scan-simd.ts), or where that is unavailable four at a time
   * (`feedAllPortable`); the result is the same as feeding each test on its own.
   */
  feedAll(samples: Uint8Array): number {
    const simd = this.rct.cutoff >= 2 && samples.length >= 64 ? healthScanSimd() : undefined;
    return simd ? this.feedAllSimd(samples, simd) : this.feedAllPortable(samples);
  }

  /**
   * `feedAll` through the SIMD kernel: chunk by chunk into its memory, each APT window's
   * segment there as whole 16-sample blocks (the kernel) and a tail of < 16 (here). The
   * window's first sample (A), the tail and the alarms' bookkeeping stay in TypeScript.
   */
  private feedAllSimd(samples: Uint8Array, { bytes, results, scan }: NonNullable<ReturnType<typeof healthScanSimd>>): number {
    const rct = this.rct;
    const apt = this.apt;
    const base = rct.samplesSeen;
    const n = samples.length;
    const rctCutoff = rct.cutoff;
    const trigger = apt._trigger;
    const window = apt.window;
    let last = rct._last;
    let run = rct._run;
    let ref = apt._ref;
    let count = apt._count;
    let pos = apt._pos;
    let firstR = -1;
    let firstA = -1;
    for (let c0 = 0; c0 < n; c0 += HEALTH_SCAN_CHUNK) {
      const c1 = Math.min(n, c0 + HEALTH_SCAN_CHUNK);
      bytes.set(samples.subarray(c0, c1), HEALTH_SCAN_DATA);
      // The kernel compares a block's first sample with the byte before it. Before any sample
      // `last` is −1 (stored as 255): the run is then 0, and 0 · (s = last) + 1 = 0 + 1 either way.
      bytes[HEALTH_SCAN_DATA - 1] = last & 0xff;
      let i = c0;
      while (i < c1) {
        if (pos === 0) {
          // A window's first sample: the RCT sees it as usual, the APT takes it as A (B = 1).
          const s = samples[i]!;
          run = run * +(s === last) + 1;
          last = s;
          if (run >= rctCutoff) {
            run = 0;
            rct._recordAlarm(base + i);
            if (firstR < 0) firstR = i;
          }
          ref = s;
          count = 1;
          pos = 1;
          i++;
          continue;
        }
        const start = i;
        const end = Math.min(c1, i + (window - pos));
        const before = count;
        while (end - i >= 16) {
          const took = scan(HEALTH_SCAN_DATA + (i - c0), (end - i) & ~15, ref, run, rctCutoff);
          count += results[0]!;
          run = results[1]!;
          i += took;
          if (results[2] !== 1) break;
          rct._recordAlarm(base + i - 1);
          if (firstR < 0) firstR = i - 1;
        }
        if (i > start) last = samples[i - 1]!;
        for (; i < end; i++) {
          const s = samples[i]!;
          run = run * +(s === last) + 1;
          last = s;
          if (run >= rctCutoff) {
            run = 0;
            rct._recordAlarm(base + i);
            if (firstR < 0) firstR = i;
          }
          count += +(s === ref);
        }
        if (before < trigger && count >= trigger) {
          let b = before;
          let j = start;
          for (; j < end; j++) if (samples[j] === ref && ++b === trigger) break;
          apt._recordAlarm(base + j);
          if (firstA < 0) firstA = j;
        }
        pos += end - start;
        if (pos === window) pos = 0;
      }
    }
    rct._last = last;
    rct._run = run;
    apt._ref = ref;
    apt._count = count;
    apt._pos = pos;
    rct.samplesSeen += n;
    apt.samplesSeen += n;
    return firstR < 0 ? firstA : firstA < 0 ? firstR : Math.min(firstR, firstA);
  }

  /**
   * `feedAll` in TypeScript alone (no WebAssembly SIMD): four samples at a time where no
   * sample repeats its predecessor (≈ 1.4× faster than two passes of the single tests).
   */
  feedAllPortable(samples: Uint8Array): number {
    const rct = this.rct;
    const apt = this.apt;
    const base = rct.samplesSeen;
    const n = samples.length;
    const rctCutoff = rct.cutoff;
    const trigger = apt._trigger;
    const window = apt.window;
    let last = rct._last;
    let run = rct._run;
    let ref = apt._ref;
    let count = apt._count;
    let pos = apt._pos;
    let firstR = -1;
    let firstA = -1;
    // The samples as 32-bit words from the first 4-byte-aligned one (`aligned`), for the
    // four-at-a-time path; none on a big-endian host or when the RCT cutoff is 1.
    const aligned = Math.min(n, (4 - (samples.byteOffset & 3)) & 3);
    const words =
      LITTLE_ENDIAN && rctCutoff >= 2 && n - aligned >= 4
        ? new Int32Array(samples.buffer, samples.byteOffset + aligned, (n - aligned) >> 2)
        : null;
    let i = 0;
    while (i < n) {
      if (pos === 0) {
        // A window's first sample: the RCT sees it as usual, the APT takes it as A (B = 1).
        const s = samples[i]!;
        run = run * +(s === last) + 1;
        last = s;
        if (run >= rctCutoff) {
          run = 0;
          rct._recordAlarm(base + i);
          if (firstR < 0) firstR = i;
        }
        ref = s;
        count = 1;
        pos = 1;
        i++;
        continue;
      }
      const start = i;
      const end = Math.min(n, i + (window - pos));
      const before = count;
      // Bytes up to a 4-byte boundary, one at a time.
      const wordStart = words ? Math.min(end, i + ((aligned - i) & 3)) : end;
      for (; i < wordStart; i++) {
        const s = samples[i]!;
        // Branch-free updates, as in the single tests (see repetition-count.ts).
        run = run * +(s === last) + 1;
        last = s;
        if (run >= rctCutoff) {
          run = 0;
          rct._recordAlarm(base + i);
          if (firstR < 0) firstR = i;
        }
        count += +(s === ref);
      }
      if (words) {
        // Four samples per step (SWAR on a little-endian word: byte k is sample i + k). The
        // APT adds the number of bytes equal to A. `changed` has bit 7 of byte k set when
        // sample k differs from its predecessor (the previous word's last sample for k = 0).
        // When every sample differs from its predecessor the RCT run is 1 after each (no
        // alarm: the cutoff is ≥ 2); when the run so far plus 4 stays below the cutoff no
        // alarm is possible either, and the run after the word is the samples since the last
        // change (or the run plus 4 without one: branch-free, since on random binary data
        // which applies is a coin toss). Otherwise the RCT takes the word sample by sample.
        const refWord = Math.imul(ref, 0x01010101);
        const wordEnd = (end - aligned) >> 2;
        let wi = (i - aligned) >> 2;
        for (; wi < wordEnd; wi++) {
          const w = words[wi]!;
          const y = w ^ refWord;
          const notRef = (((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y) & 0x80808080;
          count += 4 - (Math.imul(notRef >>> 7, 0x01010101) >>> 24);
          const x = w ^ ((w << 8) | last);
          const changed = (((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
          if ((+(changed === ALL_CHANGED) | +(run + 4 < rctCutoff)) !== 0) {
            // Byte index of the last change, −1 when none: the run is 4 − that index, or run + 4.
            const lastChange = (31 - Math.clz32(changed)) >> 3;
            const none = +(changed === 0);
            run = run * none + 4 - lastChange - none;
            last = w >>> 24;
            continue;
          }
          const at = aligned + 4 * wi;
          for (let k = at; k < at + 4; k++) {
            const s = samples[k]!;
            run = run * +(s === last) + 1;
            last = s;
            if (run >= rctCutoff) {
              run = 0;
              rct._recordAlarm(base + k);
              if (firstR < 0) firstR = k;
            }
          }
        }
        i = Math.max(i, aligned + 4 * wi);
      }
      for (; i < end; i++) {
        const s = samples[i]!;
        run = run * +(s === last) + 1;
        last = s;
        if (run >= rctCutoff) {
          run = 0;
          rct._recordAlarm(base + i);
          if (firstR < 0) firstR = i;
        }
        count += +(s === ref);
      }
      if (before < trigger && count >= trigger) {
        let b = before;
        let j = start;
        for (; j < end; j++) if (samples[j] === ref && ++b === trigger) break;
        apt._recordAlarm(base + j);
        if (firstA < 0) firstA = j;
      }
      pos += end - start;
      if (pos === window) pos = 0;
    }
    rct._last = last;
    rct._run = run;
    apt._ref = ref;
    apt._count = count;
    apt._pos = pos;
    rct.samplesSeen += n;
    apt.samplesSeen += n;
    return firstR < 0 ? firstA : firstA < 0 ? firstR : Math.min(firstR, firstA);
  }

  get samplesSeen(): number {
    return this.rct.samplesSeen;
  }

  get alarms(): number {
    return this.rct.alarms + this.apt.alarms;
  }

  get firstAlarmIndex(): number {
    const r = this.rct.firstAlarmIndex;
    const a = this.apt.firstAlarmIndex;
    return r < 0 ? a : a < 0 ? r : Math.min(r, a);
  }

  /** Everything the two tests found so far, as data. */
  report(): HealthReport {
    const alarms: HealthAlarm[] = [
      ...this.rct.alarmIndices.map((index) => ({ test: 'rct' as const, index })),
      ...this.apt.alarmIndices.map((index) => ({ test: 'apt' as const, index })),
    ].sort((x, y) => x.index - y.index || (x.test === y.test ? 0 : x.test === 'rct' ? -1 : 1));
    return {
      entropyPerSample: this.rct.entropyPerSample,
      alphaExponent: this.rct.alphaExponent,
      samples: this.samplesSeen,
      rct: {
        cutoff: this.rct.cutoff,
        alarms: this.rct.alarms,
        firstAlarmIndex: this.rct.firstAlarmIndex,
        alarmIndices: [...this.rct.alarmIndices],
      },
      apt: {
        cutoff: this.apt.cutoff,
        window: this.apt.window,
        alarms: this.apt.alarms,
        firstAlarmIndex: this.apt.firstAlarmIndex,
        alarmIndices: [...this.apt.alarmIndices],
      },
      alarms,
      truncated:
        this.rct.alarms > this.rct.alarmIndices.length || this.apt.alarms > this.apt.alarmIndices.length,
      firstAlarmIndex: this.firstAlarmIndex,
      pass: this.alarms === 0,
    };
  }

  reset(): void {
    this.rct.reset();
    this.apt.reset();
  }
}
