/**
 * Compression estimate (Maurer universal statistic), SP 800-90B §6.3.4, for
 * binary data only.
 *
 * The bits are cut into 6-bit blocks; the first d = 1000 blocks fill a
 * dictionary of last positions, and each of the remaining v blocks adds
 * log2(distance to its previous occurrence) to X. X-bar' = X-bar -
 * 2.576 sigma-hat/sqrt(v) with sigma-hat = 0.5907 sqrt(var). The p solving
 * X-bar' = G(p) + 63 G((1-p)/63) (§6.3.4 step 7) is found by binary search as
 * ea_non_iid 1.1.7 does (cpp/non_iid/compression_test.h, including UL's
 * recurrence for G); H = -log2(p)/6, or 1 when no solution exists.
 * Needs more than 1000 blocks (at least 6006 bits).
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): X-bar = 5.1280437523324389,
 * sigma-hat = 1.0483049347003059, p = 0.081936203422937059,
 * H = 0.60155919063219654.
 */
import { ZALPHA, searchDecreasing } from './common.ts';
import type { EntropyEstimate } from '../types.ts';

export interface CompressionEstimate extends EntropyEstimate {
  xBar: number;
  sigmaHat: number;
  xBarPrime: number;
  p: number;
  foundP: boolean;
}

const B = 6;
const D = 1000;
const ALPH = 1 << B;

/** Kahan-compensated accumulator, as the reference sums. */
class KahanSum {
  sum = 0;
  private comp = 0;
  add(x: number): void {
    const y = x - this.comp;
    const t = this.sum + y;
    this.comp = t - this.sum - y;
    this.sum = t;
  }
}

/**
 * G(z) of §6.3.4 step 7, by the reference's recurrence (A_i, B_i terms) with
 * Kahan-compensated sums (written out inline: this loop is the estimator's
 * hot spot). The reference stops when a term underflows to 0; this stops once
 * B_i = (1-z)^i < 2^-120: the rest of the series is below 2^-120 · L · log2(L) / z,
 * far under 10^-20 of the sums (which are at least of order 1), and the tail
 * can run to hundreds of thousands of terms when z is small.
 */
function G(z: number, numBlocks: number, log2Table: Float64Array): number {
  const v = numBlocks - D;
  let ai = 0;
  let aiC = 0;
  let fs = 0;
  let fsC = 0;
  const bTerm = 1 - z;
  let Bi = bTerm;
  for (let i = 2; i <= D; i++) {
    const y = log2Table[i]! * Bi - aiC;
    const t = ai + y;
    aiC = t - ai - y;
    ai = t;
    Bi *= bTerm;
  }
  const Ad1 = ai;
  let truncated = false;
  for (let i = D + 1; i <= numBlocks - 1; i++) {
    const a = log2Table[i]! * Bi;
    let y = a - aiC;
    let t = ai + y;
    aiC = t - ai - y;
    ai = t;
    const scaled = (numBlocks - i) * a;
    if (!(scaled > 0) || Bi < TINY) {
      truncated = true;
      break;
    }
    y = scaled - fsC;
    t = fs + y;
    fsC = t - fs - y;
    fs = t;
    Bi *= bTerm;
  }
  {
    const y = (numBlocks - D) * Ad1 - fsC;
    const t = fs + y;
    fsC = t - fs - y;
    fs = t;
  }
  if (!truncated) {
    const y = log2Table[numBlocks]! * Bi - aiC;
    ai += y;
  }
  return (1 / v) * z * (z * fs + (ai - Ad1));
}

const TINY = 2 ** -120;

function expected(p: number, numBlocks: number, log2Table: Float64Array): number {
  const q = (1 - p) / (ALPH - 1);
  return G(p, numBlocks, log2Table) + (ALPH - 1) * G(q, numBlocks, log2Table);
}

/** `bits` holds one bit (0 or 1) per byte. */
export function compressionEstimate(bits: Uint8Array): CompressionEstimate {
  const numBlocks = Math.floor(bits.length / B);
  if (numBlocks <= D) {
    return {
      name: 'Compression', section: '6.3.4', hMin: null,
      note: `needs more than ${D} blocks of ${B} bits (at least ${(D + 1) * B} bits)`,
      xBar: 0, sigmaHat: 0, xBarPrime: 0, p: 0, foundP: false,
    };
  }
  const log2Table = new Float64Array(numBlocks + 1);
  for (let i = 1; i <= numBlocks; i++) log2Table[i] = Math.log2(i);
  const block = (i: number): number => {
    let b = 0;
    const o = i * B;
    for (let j = 0; j < B; j++) b = (b << 1) | (bits[o + j]! & 1);
    return b;
  };
  const dict = new Int32Array(ALPH);
  for (let i = 0; i < D; i++) dict[block(i)] = i + 1;
  const v = numBlocks - D;
  const X = new KahanSum();
  const sigma = new KahanSum();
  for (let i = D; i < numBlocks; i++) {
    const b = block(i);
    const l = log2Table[i + 1 - dict[b]!]!;
    X.add(l);
    sigma.add(l * l);
    dict[b] = i + 1;
  }
  const xBar = X.sum / v;
  const sigmaHat = 0.5907 * Math.sqrt(Math.max(0, sigma.sum / (v - 1) - xBar * xBar));
  const target = xBar - (ZALPHA * sigmaHat) / Math.sqrt(v);

  let p: number;
  if (expected(1 / ALPH, numBlocks, log2Table) > target) {
    const lDomain = 1 / ALPH;
    p = searchDecreasing((q) => expected(q, numBlocks, log2Table), target, lDomain, 1, lDomain);
  } else {
    p = -1;
  }
  let hMin: number;
  const foundP = p > 1 / ALPH;
  if (foundP) hMin = -Math.log2(p) / B;
  else {
    p = 1 / ALPH;
    hMin = 1;
  }
  return { name: 'Compression', section: '6.3.4', hMin: hMin === 0 ? 0 : hMin, xBar, sigmaHat, xBarPrime: target, p, foundP };
}
