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
import { HEALTH_SCAN_CHUNK, HEALTH_SCAN_DATA, healthScanSimd, type HealthScan } from '../../kernels/health-scan-simd.ts';


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

/** The earlier of two alarm indices, −1 meaning none. */
function earliest(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
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
   * (../../kernels/health-scan-simd.ts), or where that is unavailable each test on its own
   * (`feedAllPortable`); the result is the same as feeding each test one sample at a time.
   */
  feedAll(samples: Uint8Array): number {
    const simd = this.rct.cutoff >= 2 && samples.length >= 64 ? healthScanSimd() : undefined;
    return simd ? this.feedAllSimd(samples, simd) : this.feedAllPortable(samples);
  }

  /**
   * `feedAll` through the SIMD kernel: chunk by chunk into its memory, each APT window's
   * segment there as whole 16-sample blocks (the kernel) and a tail of < 16 (here). The
   * tail and the alarms' bookkeeping stay in TypeScript.
   */
  private feedAllSimd(samples: Uint8Array, { bytes, results, scan }: HealthScan): number {
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
        // A window's first sample is its A; it counts itself (B = 1) like any sample equal to A.
        if (pos === 0) {
          ref = samples[i]!;
          count = 0;
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
    return earliest(firstR, firstA);
  }

  /**
   * `feedAll` without WebAssembly SIMD (or for a buffer too short to be worth copying into
   * the kernel's memory): each test's own one-sample-at-a-time loop, one after the other.
   */
  feedAllPortable(samples: Uint8Array): number {
    const r = this.rct.feedAll(samples);
    return earliest(r, this.apt.feedAll(samples));
  }

  get samplesSeen(): number {
    return this.rct.samplesSeen;
  }

  get alarms(): number {
    return this.rct.alarms + this.apt.alarms;
  }

  get firstAlarmIndex(): number {
    return earliest(this.rct.firstAlarmIndex, this.apt.firstAlarmIndex);
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
