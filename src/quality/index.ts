/**
 * The quality layer over a cell's taps (ARCHITECTURE.md "Why statistics alone
 * is not enough"): SP 800-22 on conditioned taps, SP 800-90B estimates and
 * health tests on raw taps, each compared with what the design claims.
 *
 * Which checks a tap gets: the first scenario rule whose glob matches the tap
 * name (an empty list skips the tap), else the default; either way sts runs only
 * on conditioned taps and entropy + health only on raw taps.
 */
import type { TapData } from '../taps/tap.ts';
import { globMatch } from '../glob.ts';
import type { QualityResult } from './result.ts';
import { tapHealth } from './health.ts';
import { DEFAULT_MAX_SAMPLES, MIN_ENTROPY_SAMPLES, SHORTFALL_RATIO, tapEntropy } from './entropy.ts';
import { DEFAULT_MAX_BITS, MIN_STS_BITS, tapSts } from './sts.ts';

export type QualityCheck = 'sts' | 'entropy' | 'health';
export interface QualityRuleLike {
  tap: string;
  checks: QualityCheck[];
  maxSamples?: number;
  maxBits?: number;
}

export function defaultChecks(kind: TapData['kind']): QualityCheck[] {
  return kind === 'conditioned' ? ['sts'] : ['entropy', 'health'];
}

/** Quality of one tap under the given checks. */
export function assessTap(tap: TapData, checks: QualityCheck[], opts: { maxSamples?: number; maxBits?: number } = {}): QualityResult {
  const reasons: string[] = [];
  let fail = false;
  let insufficient = false;
  let ran = false;
  const q: QualityResult = {
    tap: tap.name,
    kind: tap.kind,
    consumer: tap.consumer,
    source: tap.source,
    bytes: tap.bytes.length,
    totalBytes: tap.totalBytes,
    verdict: 'pass',
    reasons,
  };
  const claim = tap.claimedEntropyPerSample;
  if (claim !== undefined) q.claimedEntropyPerSample = claim;
  if (checks.includes('sts')) {
    if (tap.bytes.length * 8 < MIN_STS_BITS) {
      insufficient = true;
      reasons.push(`SP 800-22: ${tap.bytes.length * 8} bits, need ≥ ${MIN_STS_BITS}`);
    } else {
      q.sts = tapSts(tap.bytes, opts.maxBits ?? DEFAULT_MAX_BITS);
      ran = true;
      if (q.sts.verdict === 'fail') {
        fail = true;
        reasons.push(`SP 800-22: ${q.sts.applicable - q.sts.passed} of ${q.sts.applicable} applicable tests have P-values below α = ${q.sts.alpha}; the battery verdict (multiple testing accounted for) is fail`);
      } else if (q.sts.verdict === 'insufficient-data') insufficient = true;
    }
  }
  if (checks.includes('entropy')) {
    if (tap.bytes.length < MIN_ENTROPY_SAMPLES) {
      insufficient = true;
      reasons.push(`SP 800-90B: ${tap.bytes.length} samples, need ≥ ${MIN_ENTROPY_SAMPLES}`);
    } else {
      q.entropy = tapEntropy(tap.bytes, tap.bitsPerSample, opts.maxSamples ?? DEFAULT_MAX_SAMPLES);
      ran = true;
      const h = q.entropy.minEntropyPerSample;
      if (claim !== undefined && h < SHORTFALL_RATIO * claim) {
        fail = true;
        reasons.push(`SP 800-90B: estimate ${h.toFixed(3)} bits/sample is below ${SHORTFALL_RATIO} × the claimed ${claim}`);
      }
    }
  }
  if (checks.includes('health') && tap.bytes.length > 0) {
    // Cutoffs from the claim (what the design relies on), else the estimate, else full width.
    const h = claim ?? q.entropy?.minEntropyPerSample ?? tap.bitsPerSample;
    if (h > 0) {
      q.health = tapHealth(tap.bytes, tap.bitsPerSample, h);
      ran = true;
      const { rct, apt } = q.health;
      if (rct.alarms + apt.alarms > 0) {
        fail = true;
        const first = Math.min(rct.firstAlarmAtSample ?? Infinity, apt.firstAlarmAtSample ?? Infinity);
        reasons.push(`SP 800-90B §4.4: ${rct.alarms} RCT (C = ${rct.cutoff}) and ${apt.alarms} APT (C = ${apt.cutoff}) alarm(s), first at sample ${first}`);
      }
    }
  }
  // A failure anywhere fails the tap; otherwise a requested check that could not run leaves it undecided.
  q.verdict = fail ? 'fail' : insufficient || !ran ? 'insufficient-data' : 'pass';
  return q;
}

/** Applies the quality layer to every tap, in tap order. */
export function assessTaps(taps: TapData[], rules: QualityRuleLike[]): QualityResult[] {
  const out: QualityResult[] = [];
  for (const tap of taps) {
    const rule = rules.find((r) => globMatch(r.tap, tap.name));
    // SP 800-22 judges conditioned output; SP 800-90B estimates and health tests judge raw noise.
    const allowed = defaultChecks(tap.kind);
    const checks = (rule ? rule.checks : allowed).filter((c) => allowed.includes(c));
    if (checks.length === 0) continue;
    out.push(assessTap(tap, checks, { ...(rule?.maxSamples !== undefined ? { maxSamples: rule.maxSamples } : {}), ...(rule?.maxBits !== undefined ? { maxBits: rule.maxBits } : {}) }));
  }
  return out;
}
