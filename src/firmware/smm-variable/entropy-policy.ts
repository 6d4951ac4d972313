/**
 * Where the driver's DRBG seed comes from and what it does when the source cannot deliver
 * (docs/model.md §3.7; `policy`, ./params.ts):
 *  - `wait`: wait as long as it takes (what OVMF's VirtioFlush does, §0 row 11);
 *  - `fail`: give up after `fail-timeout-ns` → EFI_NOT_READY;
 *  - `degrade`: after the timeout use the counter fallback (PM timer + SHA-256) and count it.
 * Source health (SP 800-90B §4.3/§4.4): bytes on which the source's or the driver's own health
 * tests (RCT + APT) alarmed are never used, and the alarm marks the source *failed*: every later
 * request first runs a start-up test (`startup-samples` fresh samples through fresh RCT + APT,
 * discarded) and draws key material only once one passes. While the source is failed the driver
 * fails closed (EFI_DEVICE_ERROR) or, with `on-health-failure: fallback`, seeds from the
 * declared fallback (the counter RngLib) instead — those seeds are flagged for key provenance
 * (../key-provenance.ts). Entropy waits longer than `starvation-threshold-ns` count as starvation.
 */
import type { AdaptiveProportionTest } from '../../entropy/health/adaptive-proportion.ts';
import type { RepetitionCountTest } from '../../entropy/health/repetition-count.ts';
import type { AccessContext } from '../../devices/access.ts';
import { byteHealthTests, feedHealthTests } from '../../devices/health-gate.ts';
import { num, str } from '../../params/get.ts';
import type { ParamValues } from '../../params/spec.ts';
import type { MetricsCollector } from '../../metrics/collector.ts';
import type { Proc, Sim } from '../../sim/sim.ts';
import type { TapRegistry } from '../../taps/tap.ts';
import type { EpochFlaw, KeyProvenance } from '../key-provenance.ts';
import type { PrivilegedSource, SourceResult } from '../privileged-source.ts';
import type { VariableStatus } from './status.ts';

/** Entropy the driver got, with where it came from (for key provenance). */
export interface Acquired {
  bytes: Uint8Array;
  source: string;
  /** Offset in the primary source's stream (−1 for the fallback). */
  offset: number;
  flaws: EpochFlaw[];
}

export class EntropyPolicy {
  readonly policy: string;
  readonly onHealthFailure: string;
  /** SP 800-90B §4.3: an alarm fails the source until a start-up test passes. */
  sourceFailed = false;
  /** Entropy waits in progress (start times), so a run that ends mid-wait still counts it. */
  private waitingSince: number | null = null;
  private rct: RepetitionCountTest | null;
  private apt: AdaptiveProportionTest | null;

  constructor(
    private readonly sim: Sim,
    private readonly p: ParamValues,
    readonly source: PrivilegedSource,
    private readonly fallback: PrivilegedSource | null,
    private readonly provenance: KeyProvenance,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
  ) {
    this.policy = str(p, 'policy');
    this.onHealthFailure = str(p, 'on-health-failure');
    const health = byteHealthTests(p);
    this.rct = health?.rct ?? null;
    this.apt = health?.apt ?? null;
  }

  /**
   * n bytes from the privileged source under the policy, or the failure status. Runs in SMM:
   * every vCPU waits with it.
   */
  *acquire(smm: AccessContext, n: number): Proc<Acquired | { fail: VariableStatus }> {
    const deadline = this.policy === 'wait' ? Infinity : this.sim.now + num(this.p, 'fail-timeout-ns');
    const t0 = this.sim.now;
    this.waitingSince = t0;
    let r: SourceResult | 'failed';
    try {
      r = this.sourceFailed && !(yield* this.startupTest(smm, deadline)) ? 'failed' : yield* this.source.getEntropy(smm, n, deadline);
    } finally {
      this.waitingSince = null;
    }
    const wait = this.sim.now - t0;
    this.noteWait(wait, t0);
    if (r === 'failed') return yield* this.failClosedOrFallback(smm, n);
    if (r.status === 'ok') {
      let alarm = r.alarm;
      if (this.rct !== null && this.apt !== null) {
        if (feedHealthTests(this.rct, this.apt, r.bytes, this.metrics)) alarm = true;
      }
      this.taps.record(
        'smm-variable/key-material',
        { consumer: 'smm-variable', source: this.source.name, kind: 'raw', claimedEntropyPerSample: num(this.p, 'claimed-entropy') },
        r.bytes,
        this.sim.now,
      );
      const seen = this.provenance.observeSource(r.bytes);
      if (alarm) {
        // SP 800-90B §4.4: output of a source in alarm must not be used, and the source stays
        // failed until it passes a start-up test again (§4.3).
        this.failSource();
        return yield* this.failClosedOrFallback(smm, n);
      }
      const flaws: EpochFlaw[] = [];
      if (this.source.unsafe) flaws.push('unsafe-source');
      if (seen.repeats) flaws.push('repeats-earlier-output');
      return { bytes: r.bytes, source: this.source.name, offset: seen.offset, flaws };
    }
    if (r.alarm) {
      this.failSource();
      return yield* this.failClosedOrFallback(smm, n);
    }
    if (this.policy === 'degrade' && this.fallback !== null) {
      const f = yield* this.fromFallback(smm, n);
      if (f !== null) return f;
    }
    return { fail: r.status === 'error' ? 'device-error' : 'not-ready' };
  }

  /** A health alarm while the source was healthy: it is failed from now on (§4.3/§4.4). */
  private failSource(): void {
    if (!this.sourceFailed) this.provenance.sourceFailures++;
    this.sourceFailed = true;
  }

  /** The source is failed: `on-health-failure` fallback seeds from the declared fallback, else fail closed. */
  private *failClosedOrFallback(smm: AccessContext, n: number): Proc<Acquired | { fail: VariableStatus }> {
    if (this.onHealthFailure === 'fallback' && this.fallback !== null) {
      const f = yield* this.fromFallback(smm, n);
      if (f !== null) return f;
    }
    this.metrics.count('fail-closed');
    this.provenance.failClosed++;
    return { fail: 'device-error' };
  }

  private *fromFallback(smm: AccessContext, n: number): Proc<Acquired | null> {
    const f = yield* this.fallback!.getEntropy(smm, n, Infinity);
    if (f.status !== 'ok') return null;
    this.provenance.fallbackSeeds++;
    return { bytes: f.bytes, source: this.fallback!.name, offset: -1, flaws: ['unsafe-source'] };
  }

  /**
   * SP 800-90B §4.3 start-up test of a failed source: `startup-samples` fresh samples through
   * fresh RCT + APT (the source's own alarm flag counts too); the samples are discarded. On a
   * pass the source is healthy again and the fresh tests carry on as the continuous ones.
   */
  private *startupTest(smm: AccessContext, deadline: number): Proc<boolean> {
    this.provenance.startupTests++;
    const r = yield* this.source.getEntropy(smm, num(this.p, 'startup-samples'), deadline);
    if (r.status !== 'ok') return false;
    this.provenance.observeSource(r.bytes);
    const fresh = byteHealthTests(this.p);
    const alarm = (fresh !== null && feedHealthTests(fresh.rct, fresh.apt, r.bytes, this.metrics)) || r.alarm;
    if (alarm) return false;
    if (fresh !== null) {
      this.rct = fresh.rct;
      this.apt = fresh.apt;
    }
    this.sourceFailed = false;
    this.provenance.startupPasses++;
    return true;
  }

  private noteWait(wait: number, t0: number): void {
    this.metrics.point('smm-variable/entropy-wait-ns', t0, wait);
    if (wait > num(this.p, 'starvation-threshold-ns')) {
      this.metrics.count('starvation.total', wait);
      this.metrics.max('starvation.longest', wait);
      this.metrics.count('starvation.waits');
    }
  }

  /** Counts a wait still in progress at the end of the run as starvation. */
  finalize(): void {
    if (this.waitingSince !== null) {
      const wait = this.sim.now - this.waitingSince;
      this.noteWait(wait, this.waitingSince);
      this.waitingSince = null;
    }
  }
}
