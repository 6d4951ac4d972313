/**
 * Quality of a stream SMM consumed (its quality tap, src/taps/source-stream.ts, docs/model.md
 * §7.5), at the lengths the standards are written for:
 *
 * - conditioned output (host getrandom, the DRNG, SHA-256 of PM-timer readings): the whole
 *   SP 800-22 battery on one sequence of n = 10^6 bits (§2 of SP 800-22 Rev 1a; the tests that
 *   need 10^6 bits, §7.4 of the model doc, all run), and SP 800-90B as a conditioned sequential
 *   dataset (§3.1.5.2, ea_non_iid -c: the ten estimators on the bits of 10^5 samples);
 * - raw noise (PM-timer bytes): the SP 800-90B non-IID assessment (§3.1.3, both tracks) on
 *   10^5 samples;
 * - both: the §4.4 health tests (RCT + APT at the claimed entropy) over the whole stream.
 *
 * An estimate below SHORTFALL_RATIO × the claim fails, as for short taps. Health alarms fail
 * the stream only when an honest source would almost never raise that many: the cutoffs give
 * each test a false-alarm rate of at most α = 2^−20 per sample (§4.4), so over the 2^17 samples
 * of a stream an honest source may raise up to 0.25 alarms on average; we fail when
 * P(Poisson(2·α·samples) ≥ alarms) < 0.001. A stuck or repeating source alarms thousands of times.
 *
 * The result depends only on the bytes and the claim: the runner assesses each distinct stream
 * once per run (src/scenario/run.ts) and the same stream gives the same result in any thread.
 */
import { createHash } from 'node:crypto';
import { SHORTFALL_RATIO, tapEntropy } from './entropy.ts';
import { tapHealth } from './health.ts';
import { tapSts } from './sts.ts';

/** SP 800-22 sequence length for a consumed stream (the NIST STS default n, SP 800-22 §7.4 table). */
export const STREAM_STS_BITS = 1_000_000;
/** SP 800-90B samples assessed on a consumed stream. */
export const STREAM_ENTROPY_SAMPLES = 100_000;
/** SP 800-90B §4.4 false-alarm bound per sample and test. */
const HEALTH_ALPHA = 2 ** -20;
/** Family level below which a count of health alarms is too improbable for an honest source. */
const HEALTH_FAMILY_LEVEL = 0.001;

/** What the assessment of a stream depends on. */
export interface StreamToAssess {
  bytes: Uint8Array;
  kind: 'raw' | 'conditioned';
  bitsPerSample: number;
  claimedEntropyPerSample?: number;
}

/** Assessment identity: equal keys give equal results (SHA-256 of the bytes, kind, width and claim). */
export function streamKey(s: StreamToAssess): string {
  const h = createHash('sha256').update(s.bytes).digest('hex');
  return `${h}:${s.kind}:${s.bitsPerSample}:${s.claimedEntropyPerSample ?? '-'}`;
}

/** SHA-256 of the stream bytes (hex), reported so readers can see which cells shared a stream. */
export function streamSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** P(X ≥ k) for X ~ Poisson(λ). */
function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}

/** The fields of a quality result that depend on the stream alone (tap, consumer, source are the caller's). */
export interface StreamAssessment {
  kind: 'raw' | 'conditioned';
  bytes: number;
  totalBytes: number;
  sts?: ReturnType<typeof tapSts>;
  entropy?: ReturnType<typeof tapEntropy>;
  health?: ReturnType<typeof tapHealth>;
  claimedEntropyPerSample?: number;
  verdict: 'pass' | 'fail' | 'insufficient-data';
  reasons: string[];
}

export function assessConsumedStream(s: StreamToAssess): StreamAssessment {
  const reasons: string[] = [];
  let fail = false;
  let insufficient = false;
  const q: StreamAssessment = { kind: s.kind, bytes: s.bytes.length, totalBytes: s.bytes.length, verdict: 'pass', reasons };
  const claim = s.claimedEntropyPerSample;
  if (claim !== undefined) q.claimedEntropyPerSample = claim;
  if (s.kind === 'conditioned') {
    if (s.bytes.length * 8 < STREAM_STS_BITS) {
      insufficient = true;
      reasons.push(`SP 800-22: ${s.bytes.length * 8} bits, need ${STREAM_STS_BITS}`);
    } else {
      q.sts = tapSts(s.bytes, STREAM_STS_BITS);
      if (q.sts.verdict === 'fail') {
        fail = true;
        reasons.push(`SP 800-22: ${q.sts.applicable - q.sts.passed} of ${q.sts.applicable} tests have P-values below α = ${q.sts.alpha} on n = ${q.sts.n} bits; the battery verdict (multiple testing accounted for) is fail`);
      } else if (q.sts.verdict === 'insufficient-data') insufficient = true;
    }
  }
  const samples = s.bytes.length; // one sample per byte
  if (samples < STREAM_ENTROPY_SAMPLES) {
    insufficient = true;
    reasons.push(`SP 800-90B: ${samples} samples, need ${STREAM_ENTROPY_SAMPLES}`);
  } else {
    q.entropy = tapEntropy(s.bytes, s.bitsPerSample, STREAM_ENTROPY_SAMPLES, s.kind === 'conditioned');
    const h = q.entropy.minEntropyPerSample;
    if (claim !== undefined && h < SHORTFALL_RATIO * claim) {
      fail = true;
      reasons.push(`SP 800-90B: estimate ${h.toFixed(3)} bits/sample on ${q.entropy.samples} samples is below ${SHORTFALL_RATIO} × the claimed ${claim}`);
    }
  }
  if (s.bytes.length > 0) {
    q.health = tapHealth(s.bytes, s.bitsPerSample, claim ?? s.bitsPerSample);
    const { rct, apt } = q.health;
    const alarms = rct.alarms + apt.alarms;
    const p = poissonTail(alarms, 2 * HEALTH_ALPHA * s.bytes.length);
    if (p < HEALTH_FAMILY_LEVEL) {
      fail = true;
      const first = Math.min(rct.firstAlarmAtSample ?? Infinity, apt.firstAlarmAtSample ?? Infinity);
      reasons.push(`SP 800-90B §4.4: ${rct.alarms} RCT (C = ${rct.cutoff}) and ${apt.alarms} APT (C = ${apt.cutoff}) alarm(s) in ${s.bytes.length} samples, first at sample ${first} (an honest source: P = ${p.toExponential(1)})`);
    }
  }
  q.verdict = fail ? 'fail' : insufficient ? 'insufficient-data' : 'pass';
  return q;
}
