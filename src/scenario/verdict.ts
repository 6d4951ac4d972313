/**
 * A cell's verdict, from its metrics, its throughput ratio to the same design's
 * no-adversary cell and the quality of its tapped streams. Worst first:
 *
 * - insecure: a non-SMM actor got SMM-only data or wrote pflash
 *   (isolation violations), or a conditioned stream fails SP 800-22 while its
 *   consumer kept using it (an SMM driver that failed closed makes it 'broken');
 * - broken: something stopped working: variables lost, SetVariable failing,
 *   TLS denied, #UD faults outside SMM (e.g. RDRAND trapped for the OS);
 * - starved: SMM throughput collapsed (ratio below `starvedRatio`) or SMM
 *   waited at least `starvedWaitNs` at once for entropy;
 * - degraded: a smaller throughput loss (ratio below `okRatio`), a raw source whose
 *   SP 800-90B estimate is below what the design credits it with, SetVariable keyed
 *   from an unsafe fallback source, or a source in health alarm;
 * - ok otherwise.
 * Every reason found is listed, not only those of the worst class; TLS handshakes
 * seeded from the timer RngLib are listed as a 'note:' without changing the verdict.
 */
import type { CellMetrics } from '../metrics/types.ts';
import type { CellVerdict, QualityResult } from './result.ts';
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

const RANK: Record<CellVerdict, number> = { ok: 0, degraded: 1, starved: 2, broken: 3, insecure: 4 };

export function cellVerdict(
  m: CellMetrics,
  baselineRatio: number | undefined,
  quality: QualityResult[],
  t: VerdictThresholds = DEFAULT_THRESHOLDS,
): { verdict: CellVerdict; reasons: string[] } {
  let verdict: CellVerdict = 'ok';
  const reasons: string[] = [];
  const flag = (v: CellVerdict, reason: string): void => {
    if (RANK[v] > RANK[verdict]) verdict = v;
    reasons.push(`${v}: ${reason}`);
  };
  if (m.isolation.violations > 0) flag('insecure', `${m.isolation.violations} isolation violation(s) by non-SMM actors`);
  // A bad stream is only insecure if its consumer went on using it; an SMM driver that
  // failed closed (health alarm → refuse) turned it into an availability problem instead.
  const failedClosed = (m.smm?.failClosed ?? 0) > 0 || m.setVariable.failed > 0;
  for (const q of quality) {
    if (q.kind === 'conditioned' && q.sts?.verdict === 'fail') {
      if (failedClosed && q.consumer === 'smm-variable') {
        flag('broken', `conditioned stream ${q.tap} fails SP 800-22 (${q.sts.passed}/${q.sts.applicable} tests pass); SMM failed closed`);
      } else {
        flag('insecure', `conditioned stream ${q.tap} fails SP 800-22 (${q.sts.passed}/${q.sts.applicable} tests pass)`);
      }
    }
  }
  if (m.variables.lost > 0) flag('broken', `${m.variables.lost} of ${m.variables.checked} variable(s) did not read back`);
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
    if (q.kind !== 'raw') continue;
    const claim = q.claimedEntropyPerSample;
    if (q.entropy && claim !== undefined && q.verdict === 'fail' && q.entropy.minEntropyPerSample < claim) {
      flag('degraded', `raw source ${q.tap}: SP 800-90B estimate ${q.entropy.minEntropyPerSample.toFixed(3)} bits/sample, design credits ${claim}`);
    }
    if (q.health && q.health.rct.alarms + q.health.apt.alarms > 0) {
      flag('degraded', `raw source ${q.tap}: ${q.health.rct.alarms} RCT and ${q.health.apt.alarms} APT alarm(s) at H = ${q.health.entropyPerSample}`);
    }
  }
  const unsafe = m.smm?.degradedSetVariables ?? 0;
  if (unsafe > 0) flag('degraded', `${unsafe} SetVariable call(s) keyed from a low-entropy fallback source (the design marks it unsafe)`);
  const alarms = m.healthAlarms.rct + m.healthAlarms.apt;
  if (alarms > 0) flag('degraded', `devices raised ${alarms} health-test alarm(s) (RCT ${m.healthAlarms.rct}, APT ${m.healthAlarms.apt})`);
  // TLS seeded from the timer RngLib is OVMF X64's default (docs/model.md §3.6) and says nothing about SMM:
  // reported as a note, verdict unchanged (a denied handshake above is 'broken').
  if (m.tls.degraded > 0) reasons.push(`note: ${m.tls.degraded} TLS handshake(s) seeded from the timer RngLib (silent degrade)`);
  return { verdict, reasons };
}
