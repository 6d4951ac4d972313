/**
 * Repetition Count Test, SP 800-90B §4.4.1, as a streaming object a device model can embed.
 *
 * The test keeps the last sample A and how many times in a row it has been seen (B). A
 * sample equal to A increments B; when B reaches the cutoff C = 1 + ⌈20/H⌉ (α = 2^−20)
 * the test raises an alarm. Any other sample becomes the new A with B = 1.
 *
 * After an alarm the run counter starts again from zero, so a source stuck for longer
 * raises one alarm per further C identical samples (a stuck source of n samples raises
 * ⌊n / C⌋ alarms, the first at sample index C − 1). The standard only says that an
 * alarm is a failure; restarting the count keeps `alarms` meaningful as a count of
 * distinct events rather than one per sample.
 *
 * @example
 * const rct = new RepetitionCountTest({ entropyPerSample: 1 });   // cutoff 21
 * rct.feedAll(new Uint8Array(100));   // 20: the 21st identical sample alarms
 * rct.alarms                          // 4 (indices 20, 41, 62, 83)
 */
import { HealthAlarmLog, type HealthTestOptions } from './alarm-log.ts';
import { rctCutoff } from './cutoffs.ts';

export type RepetitionCountOptions = HealthTestOptions;

export class RepetitionCountTest extends HealthAlarmLog {
  /** C: the number of identical consecutive samples that raises an alarm. */
  readonly cutoff: number;
  /** @internal A: the value of the current run (−1 before the first sample); HealthMonitor's fused loop reads it. */
  _last = -1;
  /** @internal B: the length of the current run. */
  _run = 0;

  constructor(opts: RepetitionCountOptions) {
    super(opts);
    this.cutoff = rctCutoff(this.entropyPerSample, this.alphaExponent);
  }

  /** Feeds one sample; true when this sample raises an alarm. */
  feed(sample: number): boolean {
    const index = this.samplesSeen++;
    if (sample === this._last) {
      if (++this._run >= this.cutoff) {
        this._run = 0;
        this._recordAlarm(index);
        return true;
      }
      return false;
    }
    this._last = sample;
    this._run = 1;
    return false;
  }

  /**
   * Feeds a buffer of samples (one per byte) and returns the index in `samples` of the
   * first alarm raised during this call, or −1. State carries over between calls.
   */
  feedAll(samples: Uint8Array): number {
    // Locals instead of fields inside the loop: this is the hot path (≥ 100 M samples/s).
    const cutoff = this.cutoff;
    let last = this._last;
    let run = this._run;
    let alarms = 0;
    let first = -1;
    const n = samples.length;
    for (let i = 0; i < n; i++) {
      const s = samples[i]!;
      // Branch-free run update: run + 1 when s repeats A, else 1. Random binary data makes
      // an `if` here mispredict half the time (≈ 4× slower).
      run = run * +(s === last) + 1;
      last = s;
      if (run >= cutoff) {
        run = 0;
        if (alarms++ === 0) first = i;
        if (this.alarmIndices.length < this.maxRecorded) this.alarmIndices.push(this.samplesSeen + i);
      }
    }
    if (first >= 0 && this.firstAlarmIndex < 0) this.firstAlarmIndex = this.samplesSeen + first;
    this._last = last;
    this._run = run;
    this.alarms += alarms;
    this.samplesSeen += n;
    return first;
  }

  /** Forgets all state (as after a power-on restart); cutoff and options stay. */
  override reset(): void {
    super.reset();
    this._last = -1;
    this._run = 0;
  }
}
