/**
 * A cell's verdict, from its metrics, its throughput ratio to the same design's
 * no-adversary cell and the quality of its tapped streams. Worst first:
 *
 * - insecure: a non-SMM actor got SMM-only data or wrote pflash
 *   (isolation violations); an SMM write was keyed from a bad DRBG epoch (seeded
 *   from a declared low-entropy source, or from bytes repeating the source's earlier
 *   output: src/firmware/key-provenance.ts); SMM keyed writes from a raw stream whose
 *   SP 800-90B estimate is far below its claim, or from a source whose quality tap (its
 *   output at 10^6 bits / 10^5 samples, docs/model.md §7.5) fails; or a conditioned stream fails SP 800-22
 *   while its consumer kept using it (an SMM driver that failed closed makes it 'broken');
 * - broken: something stopped working: variables lost (also after a power cut: an
 *   acknowledged write lost, a half-visible record or an unrecoverable store in the cell's
 *   crash-consistency campaign, ./crash-consistency.ts), SetVariable failing,
 *   TLS denied, #UD faults outside SMM (e.g. RDRAND trapped for the OS);
 * - starved: SMM throughput collapsed (ratio below `starvedRatio`) or SMM
 *   waited at least `starvedWaitNs` at once for entropy;
 * - degraded: a smaller throughput loss (ratio below `okRatio`), a failing consumed source
 *   no write was keyed from, a raw source whose
 *   SP 800-90B estimate is below what the design credits it with, a source in health
 *   alarm, or HTTPS-boot TLS seeded from the PM-timer RngLib (OVMF X64's default,
 *   docs/model.md §3.6: the boot's TLS keys come from a low-entropy source, silently);
 * - ok otherwise.
 * Every reason found is listed, not only those of the worst class.
 */
import type { CellMetrics } from '../metrics/types.ts';
import type { QualityResult } from '../quality/result.ts';
import type { CellVerdict, CrashConsistencyResult } from './result.ts';
import { formatDuration } from './units.ts';

export interface VerdictThresholds {
  /** ratio ≥ okRatio counts as unaffected (the brief's 99 % bar). */
  okRatio: number;
  /** ratio < starvedRatio counts as starved. */
  starvedRatio: number;
  /** A single entropy wait at least this long counts as starved (ns). */
  starvedWaitNs: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = { okRatio: 0.99, starvedRatio: 0.5, starvedWaitNs: 100_000_000 };

/**
 * The verdict levels, best first: the one place that lists them (renderers and schemas
 * iterate this; `verdictRank` orders them, higher is worse).
 */
export const VERDICTS: readonly CellVerdict[] = ['ok', 'degraded', 'starved', 'broken', 'insecure'];

/** 0 for 'ok' … 4 for 'insecure' (worst). */
export function verdictRank(v: CellVerdict): number {
  return VERDICTS.indexOf(v);
}

/** The worse of two verdicts. */
export function worseVerdict(a: CellVerdict, b: CellVerdict): CellVerdict {
  return verdictRank(b) > verdictRank(a) ? b : a;
}

export function cellVerdict(
  m: CellMetrics,
  baselineRatio: number | undefined,
  quality: QualityResult[],
  t: VerdictThresholds = DEFAULT_THRESHOLDS,
  crash?: Pick<CrashConsistencyResult, 'cuts' | 'ackedLost' | 'halfVisible' | 'unreadable'>,
): { verdict: CellVerdict; reasons: string[] } {
  let verdict: CellVerdict = 'ok';
  const reasons: string[] = [];
  const flag = (v: CellVerdict, reason: string): void => {
    verdict = worseVerdict(verdict, v);
    reasons.push(`${v}: ${reason}`);
  };
  if (m.isolation.violations > 0) flag('insecure', `${m.isolation.violations} isolation violation(s) by non-SMM actors`);
  const k = m.keys;
  if (k !== undefined && k.badWrites > 0) {
    const why = Object.entries(k.badWritesByFlaw)
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
    flag('insecure', `${k.badWrites} of ${k.writes} SMM write(s) (${(k.badWriteShare * 100).toFixed(1)} %) keyed from a bad DRBG epoch (${why})`);
  }
  // A bad stream is only insecure if its consumer went on using it; an SMM driver that
  // failed closed (health alarm → refuse) turned it into an availability problem instead.
  const failedClosed = (m.smm?.failClosed ?? 0) > 0 || m.setVariable.failed > 0;
  for (const q of quality) {
    if (q.stream !== undefined) continue; // a consumed stream's quality tap: judged below
    if (q.kind === 'conditioned' && q.sts?.verdict === 'fail') {
      if (failedClosed && q.consumer === 'smm-variable') {
        flag('broken', `conditioned stream ${q.tap} fails SP 800-22 (${q.sts.passed}/${q.sts.applicable} tests pass); SMM failed closed`);
      } else {
        flag('insecure', `conditioned stream ${q.tap} fails SP 800-22 (${q.sts.passed}/${q.sts.applicable} tests pass)`);
      }
    }
  }
  if (m.variables.lost > 0) flag('broken', `${m.variables.lost} of ${m.variables.checked} variable(s) did not read back`);
  if (crash !== undefined && crash.ackedLost + crash.halfVisible + crash.unreadable > 0) {
    flag('broken', `power cuts (${crash.cuts}): ${crash.ackedLost} acknowledged value(s) lost, ${crash.halfVisible} half-visible record(s), ${crash.unreadable} unrecoverable store(s)`);
  }
  if (m.setVariable.failed > 0) flag('broken', `${m.setVariable.failed} SetVariable call(s) failed`);
  if (m.tls.denied > 0) flag('broken', `${m.tls.denied} TLS handshake(s) denied for lack of entropy`);
  if (m.udFaults.nonSmm > 0) flag('broken', `${m.udFaults.nonSmm} #UD fault(s) on RDRAND/RDSEED outside SMM`);
  if (baselineRatio !== undefined && baselineRatio < t.starvedRatio) {
    flag('starved', `SetVariable throughput at ${(baselineRatio * 100).toFixed(1)} % of the no-adversary baseline`);
  } else if (baselineRatio !== undefined && baselineRatio < t.okRatio) {
    flag('degraded', `SetVariable throughput at ${(baselineRatio * 100).toFixed(1)} % of the no-adversary baseline`);
  }
  if (m.starvation.longestNs >= t.starvedWaitNs) flag('starved', `SMM waited ${formatDuration(m.starvation.longestNs)} at once for entropy`);
  for (const q of quality) {
    if (q.kind !== 'raw' || q.stream !== undefined) continue;
    const claim = q.claimedEntropyPerSample;
    if (q.entropy && claim !== undefined && q.verdict === 'fail' && q.entropy.minEntropyPerSample < claim) {
      const est = `SP 800-90B estimate ${q.entropy.minEntropyPerSample.toFixed(3)} bits/sample, design credits ${claim}`;
      // The SMM driver's own key material measured far below its claim, and keys were made from it.
      if (q.consumer === 'smm-variable' && m.setVariable.completed > 0) flag('insecure', `SMM keys seeded from ${q.tap}: ${est}`);
      else flag('degraded', `raw source ${q.tap}: ${est}`);
    }
    if (q.health && q.health.rct.alarms + q.health.apt.alarms > 0) {
      flag('degraded', `raw source ${q.tap}: ${q.health.rct.alarms} RCT and ${q.health.apt.alarms} APT alarm(s) at H = ${q.health.entropyPerSample}`);
    }
  }
  // The long quality tap of a stream SMM consumed (docs/model.md §7.5): keys made from a source
  // whose output fails at the standards' lengths are insecure; a failing source SMM drew from
  // without keying any write from it is still a finding.
  for (const q of quality) {
    if (q.stream === undefined || q.verdict !== 'fail') continue;
    const what = `${q.source ?? q.tap}, whose output (quality tap ${q.tap}, ${q.bytes} bytes) fails: ${q.reasons.join('; ')}`;
    if (q.stream.keyedWrites > 0) flag('insecure', `${q.stream.keyedWrites} SMM write(s) keyed from ${what}`);
    else flag('degraded', `SMM drew from ${what}; no write was keyed from it`);
  }
  const alarms = m.healthAlarms.rct + m.healthAlarms.apt;
  if (alarms > 0) flag('degraded', `devices raised ${alarms} health-test alarm(s) (RCT ${m.healthAlarms.rct}, APT ${m.healthAlarms.apt})`);
  // TLS seeded from the timer RngLib is OVMF X64's default (docs/model.md §3.6): not about SMM, but the
  // platform handed out low-entropy keys without telling anyone (a denied handshake above is 'broken').
  if (m.tls.degraded > 0) flag('degraded', `${m.tls.degraded} TLS handshake(s) seeded from the timer RngLib (silent degrade)`);
  return { verdict, reasons };
}
