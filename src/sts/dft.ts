/**
 * Discrete Fourier Transform (spectral) test, SP 800-22 Rev 1a §2.6; the
 * reference's name is 'FFT'.
 *
 * X = DFT of x_j = 2ε_j − 1; N1 = #{k < ⌊n/2⌋ : |X_k| < T} (k = 0, the DC term,
 * included and the Nyquist term excluded, as sts-2.1.2 does: README behaviour 10),
 * T = √(2.995732274·n) (ln 20 to the reference's 10 digits), N0 = 0.95·n/2,
 * d = (N1 − N0)/√(n·0.95·0.05/4), P = erfc(|d|/√2).
 *
 * The FFT (../kernels/fft.ts) is double precision and mixed radix, so any n works and the
 * count matches the reference's FFTPACK result. Minimum n: 1000 (§2.6.7).
 *
 * @example the 100-bit ε of §2.6.8 → N1 = 48, P = 0.646355. The document prints N1 = 46 and
 *   P = 0.168669, and for its n = 10 example (§2.6.4) N1 = 4, P = 0.029523; both are errata:
 *   an independent FFT (numpy) finds 48 and 5 moduli below T, as sts-2.1.2 does.
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { erfc } from '../special/erfc.ts';
import { realFFTPlan } from '../kernels/fft.ts';
import { notApplicable, type TestResult } from './types.ts';

export const DFT_SECTION = 'SP 800-22 Rev 1a §2.6';
export const DFT_MIN_N = 1000;

export interface DftParams {
  strict?: boolean;
}

export function dft(bits: BitSequence, params: DftParams = {}): TestResult {
  const n = bits.length;
  const strict = params.strict ?? true;
  const used = { strict };
  if (n < (strict ? DFT_MIN_N : 2)) {
    return notApplicable('FFT', DFT_SECTION, n, used, `n = ${n} bits, the test needs n ≥ ${DFT_MIN_N} (§2.6.7)`);
  }
  const plan = realFFTPlan(n);
  const T2 = 2.995732274 * n; // compare |X_k|² with T²
  let N1 = 0;
  if (n % 2 === 0) {
    // x_i = 2ε_i − 1 straight from the packed words; the bins below T counted as they are made.
    N1 = plan.halfSpectrumOfBits(bits.words, T2).below;
  } else {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = bits.bit(i) * 2 - 1;
    const re = new Float64Array(plan.bins);
    const im = new Float64Array(plan.bins);
    plan.transform(x, re, im);
    const half = Math.floor(n / 2);
    for (let k = 0; k < half; k++) if (re[k]! * re[k]! + im[k]! * im[k]! < T2) N1++;
  }
  const N0 = (0.95 * n) / 2;
  const d = (N1 - N0) / Math.sqrt((n / 4) * 0.95 * 0.05);
  return {
    test: 'FFT',
    section: DFT_SECTION,
    n,
    params: used,
    status: 'ok',
    pValues: [erfc(Math.abs(d) / Math.SQRT2)],
    statistics: { threshold: Math.sqrt(T2), N0, N1, d },
  };
}
