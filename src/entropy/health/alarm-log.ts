/**
 * The bookkeeping the SP 800-90B §4.4 continuous health tests (Repetition Count §4.4.1,
 * Adaptive Proportion §4.4.2) share: the claimed H and α, how many samples went in, how
 * many alarms came out, the first alarm's index and the first `maxRecordedAlarms` alarm
 * indices. Each test keeps its own run/window state and hot loop; only this record is
 * common, so it lives here once.
 */
import { DEFAULT_ALPHA_EXPONENT } from './cutoffs.ts';

export interface HealthTestOptions {
  /** Claimed min-entropy per sample H in bits (0 < H ≤ 32). */
  entropyPerSample: number;
  /** α = 2^−alphaExponent (default 20, as in SP 800-90B §4.4). */
  alphaExponent?: number;
  /** How many alarm indices to keep in `alarmIndices` (default 1000; `alarms` counts all). */
  maxRecordedAlarms?: number;
}

export abstract class HealthAlarmLog {
  readonly entropyPerSample: number;
  readonly alphaExponent: number;
  /** Alarms raised so far. */
  alarms = 0;
  /** Samples fed so far (the global index of the next sample). */
  samplesSeen = 0;
  /** Global index of the first sample that raised an alarm, −1 if none. */
  firstAlarmIndex = -1;
  /** Global indices of the first `maxRecordedAlarms` alarms, in order. */
  readonly alarmIndices: number[] = [];
  protected readonly maxRecorded: number;

  constructor(opts: HealthTestOptions) {
    this.entropyPerSample = opts.entropyPerSample;
    this.alphaExponent = opts.alphaExponent ?? DEFAULT_ALPHA_EXPONENT;
    this.maxRecorded = opts.maxRecordedAlarms ?? 1000;
  }

  /** @internal Counts an alarm raised at global sample index `index` (also HealthMonitor's fused loop). */
  _recordAlarm(index: number): void {
    this.alarms++;
    if (this.firstAlarmIndex < 0) this.firstAlarmIndex = index;
    if (this.alarmIndices.length < this.maxRecorded) this.alarmIndices.push(index);
  }

  /** Forgets the record (as after a power-on restart); a test's reset() also clears its own state. */
  reset(): void {
    this.alarms = 0;
    this.samplesSeen = 0;
    this.firstAlarmIndex = -1;
    this.alarmIndices.length = 0;
  }
}
