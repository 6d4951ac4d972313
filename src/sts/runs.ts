/**
 * Runs test, SP 800-22 Rev 1a §2.3.
 *
 * π = ones/n; pre-test (§2.3.4 step 2): if |π − ½| > 2/√n the frequency test is
 * failed and the runs test is not applicable (sts-2.1.2 writes P = 0 there;
 * README behaviour 5; we report not-applicable with the reason instead).
 * V_obs = 1 + #{k : ε_k ≠ ε_{k+1}}, counted 32 pairs at a time as
 * popcount(w ⊕ (w shifted left by one bit, next word's top bit shifted in)).
 * P = erfc(|V_obs − 2nπ(1−π)| / (2√(2n)·π(1−π))). Minimum n: 100 (§2.3.7).
 *
 * @example runs(bitsOf('1001101011'), { strict: false }) → V = 7, P = 0.147232 (§2.3.4)
 * @example the 100-bit ε of §2.3.8 → P = 0.500798
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { popcount32 } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { notApplicable, type TestResult } from './types.ts';

export const RUNS_SECTION = 'SP 800-22 Rev 1a §2.3';
export const RUNS_MIN_N = 100;

export interface RunsParams {
  strict?: boolean;
}

/** Number of k in [0, n−1) with bit k ≠ bit k+1. */
export function countTransitions(bits: BitSequence): number {
  const n = bits.length;
  if (n < 2) return 0;
  const w = bits.words;
  const lastPairWord = (n - 2) >>> 5; // word holding the last pair's first bit
  let t = 0;
  for (let i = 0; i < lastPairWord; i++) {
    const x = w[i]!;
    t += popcount32(x ^ (((x << 1) | (w[i + 1]! >>> 31)) >>> 0));
  }
  // Last word: only pairs whose first bit k ≤ n − 2.
  const x = w[lastPairWord]!;
  const next = lastPairWord + 1 < w.length ? w[lastPairWord + 1]! >>> 31 : 0;
  const diff = (x ^ (((x << 1) | next) >>> 0)) >>> 0;
  const pairs = n - 1 - lastPairWord * 32; // 1..32
  const mask = pairs >= 32 ? 0xffffffff : ~(0xffffffff >>> pairs) >>> 0;
  t += popcount32(diff & mask);
  return t;
}

export function runs(bits: BitSequence, params: RunsParams = {}): TestResult {
  const n = bits.length;
  const strict = params.strict ?? true;
  const used = { strict };
  if (n < (strict ? RUNS_MIN_N : 2)) {
    return notApplicable('Runs', RUNS_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${RUNS_MIN_N} (§2.3.7)`);
  }
  const pi = bits.popcount() / n;
  if (Math.abs(pi - 0.5) > 2 / Math.sqrt(n)) {
    return {
      ...notApplicable(
        'Runs',
        RUNS_SECTION,
        n,
        used,
        `frequency pre-test failed: π = ${pi.toFixed(6)}, |π − ½| > 2/√n = ${(2 / Math.sqrt(n)).toFixed(6)} (§2.3.4 step 2)`,
      ),
      statistics: { pi },
    };
  }
  const V = 1 + countTransitions(bits);
  const q = pi * (1 - pi);
  const arg = Math.abs(V - 2 * n * q) / (2 * q * Math.sqrt(2 * n));
  return {
    test: 'Runs',
    section: RUNS_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [erfc(arg)],
    statistics: { pi, V_obs: V, erfc_arg: arg },
  };
}
