/**
 * Chi-square tests of SP 800-90B §5.2.1 (independence) and §5.2.2 (goodness of fit), exactly
 * as NIST's ea_iid 1.1.7 computes them (cpp/iid/chi_square_tests.h), binary and non-binary.
 *
 * - Non-binary independence (§5.2.1.1): p_i = proportion of symbol i; the expected count of
 *   the pair (i, j) among the ⌊L/2⌋ non-overlapping pairs is p_i·p_j·⌊L/2⌋. Pairs are sorted
 *   by expectation (ties by pair value), merged greedily into bins of expectation ≥ 5 (a short
 *   last bin joins the one before), T = Σ (o − e)²/e over bins, df = bins − k.
 * - Binary independence (§5.2.1.2): m = the largest m ≤ 11 with min(p0,p1)^m·⌊L/m⌋ ≥ 5;
 *   non-overlapping m-bit tuples against p1^w·p0^(m−w)·⌊L/m⌋; df = 2^m − 2 (no test if m < 2).
 * - Non-binary goodness of fit (§5.2.2.1): the data cut into 10 blocks of ⌊L/10⌋; symbols
 *   binned by expectation p_i·⌊L/10⌋ as above; T summed over the blocks; df = 9·(bins − 1).
 * - Binary goodness of fit (§5.2.2.2): zeros and ones in each of the 10 blocks; df = 9.
 *
 * P-value = Q(df/2, T/2) (regularized upper incomplete gamma). A test fails when P < 0.001.
 *
 * Worked example (ea_iid 1.1.7 -vv on rand8_short.bin, 10,000 8-bit samples): independence
 * T = 1013.1649026243466, df = 735, P = 3.5768668933905668e-11 (fails); goodness of fit
 * T = 1288.236790739754, df = 1206, P = 0.04933304971347665.
 */
import { igamc } from '../../special/igamc.ts';

export interface ChiSquareResult {
  T: number;
  df: number;
  pValue: number;
  pass: boolean;
}

export interface ChiSquareTests {
  independence: ChiSquareResult;
  goodnessOfFit: ChiSquareResult;
  pass: boolean;
}

/** ea_iid's failure threshold for both tests. */
export const CHI_SQUARE_ALPHA = 0.001;

/** Q(df/2, T/2); df = 0 (no test possible) gives 1, as Cephes' igamc does for a ≤ 0. */
export function chiSquarePValue(T: number, df: number): number {
  if (!(df > 0) || !(T > 0)) return 1;
  const p = igamc(df / 2, T / 2);
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
}

function result(T: number, df: number): ChiSquareResult {
  const pValue = chiSquarePValue(T, df);
  return { T, df, pValue, pass: !(pValue < CHI_SQUARE_ALPHA) };
}

/**
 * Symbol proportions as the reference forms them: 1/L added once per occurrence. The
 * floating-point sum depends only on the count, so equal counts give equal proportions, and
 * the expectation ties (which decide the binning order) fall exactly where the reference's do.
 */
export function referenceProportions(symbols: Uint8Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < symbols.length; i++) counts[symbols[i]!]!++;
  const inc = 1 / symbols.length;
  const memo = new Map<number, number>();
  const p = new Float64Array(k);
  for (let s = 0; s < k; s++) {
    const c = counts[s]!;
    let v = memo.get(c);
    if (v === undefined) {
      v = 0;
      for (let j = 0; j < c; j++) v += inc;
      memo.set(c, v);
    }
    p[s] = v;
  }
  return p;
}

/**
 * Greedy binning of §5.2.1.1: entries in increasing expectation (ties by index); a bin is
 * closed when its expectation reaches 5; a last bin below 5 is merged into the previous one.
 * Returns each entry's bin and the bins' expectations.
 */
function allocateBins(expectation: Float64Array): { binOf: Int32Array; binExp: number[] } {
  const n = expectation.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => expectation[a]! - expectation[b]! || a - b,
  );
  const binOf = new Int32Array(n);
  const binExp: number[] = [];
  let current = 0;
  let acc = 0;
  for (const idx of order) {
    if (acc >= 5) {
      binExp.push(acc);
      current++;
      acc = 0;
    }
    binOf[idx] = current;
    acc += expectation[idx]!;
  }
  if (current !== 0 && acc < 5) {
    for (const idx of order) if (binOf[idx] === current) binOf[idx] = current - 1;
    binExp[current - 1]! += acc;
  } else {
    binExp.push(acc);
  }
  return { binOf, binExp };
}

function pearsonT(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let T = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = observed[i]! - expected[i]!;
    T += (d * d) / expected[i]!;
  }
  return T;
}

/** §5.2.1.1, k > 2: independence of consecutive non-overlapping pairs. */
export function chiSquareIndependence(symbols: Uint8Array, k: number): ChiSquareResult {
  const L = symbols.length;
  const p = referenceProportions(symbols, k);
  const half = Math.floor(L * 0.5);
  const e = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) e[i * k + j] = p[i]! * p[j]! * half;
  const { binOf, binExp } = allocateBins(e);
  const o = new Float64Array(binExp.length);
  for (let j = 0; j + 1 < L; j += 2) o[binOf[symbols[j]! * k + symbols[j + 1]!]!]!++;
  return result(pearsonT(o, binExp), binExp.length - k);
}

/** §5.2.1.2, binary data: independence of non-overlapping m-bit tuples. */
export function binaryChiSquareIndependence(bits: Uint8Array): ChiSquareResult {
  const L = bits.length;
  let ones = 0;
  for (let i = 0; i < L; i++) ones += bits[i]!;
  const p1 = ones / L;
  const p0 = 1 - p1;
  const minP = Math.min(p0, p1);
  let m = 11;
  // ⌊L/m⌋: the reference divides two ints here.
  while (m > 1 && !(Math.pow(minP, m) * Math.floor(L / m) >= 5)) m--;
  if (m < 2) return result(0, 0);
  const blocks = Math.floor(L / m);
  const occ = new Float64Array(1 << m);
  for (let b = 0; b < blocks; b++) {
    let v = 0;
    for (let j = 0; j < m; j++) v = (v << 1) | bits[b * m + j]!;
    occ[v]!++;
  }
  let T = 0;
  for (let v = 0; v < occ.length; v++) {
    let w = 0;
    for (let x = v; x; x &= x - 1) w++;
    const e = Math.pow(p1, w) * Math.pow(p0, m - w) * blocks;
    const d = occ[v]! - e;
    T += (d * d) / e;
  }
  return result(T, Math.pow(2, m) - 2);
}

/** §5.2.2.1, k > 2: the same distribution in each tenth of the data. */
export function chiSquareGoodnessOfFit(symbols: Uint8Array, k: number): ChiSquareResult {
  const L = symbols.length;
  const p = referenceProportions(symbols, k);
  const tenth = Math.floor(L / 10);
  const e = new Float64Array(k);
  for (let j = 0; j < k; j++) e[j] = p[j]! * tenth;
  const { binOf, binExp } = allocateBins(e);
  let T = 0;
  const o = new Float64Array(binExp.length);
  for (let b = 0; b < 10; b++) {
    o.fill(0);
    for (let i = b * tenth; i < (b + 1) * tenth; i++) o[binOf[symbols[i]!]!]!++;
    T += pearsonT(o, binExp);
  }
  return result(T, 9 * (binExp.length - 1));
}

/** §5.2.2.2, binary data: the proportion of ones in each tenth of the data. */
export function binaryGoodnessOfFit(bits: Uint8Array): ChiSquareResult {
  const L = bits.length;
  const sub = Math.floor(L / 10);
  let ones = 0;
  for (let i = 0; i < L; i++) ones += bits[i]!;
  const p = ones / L;
  const e0 = (1 - p) * sub;
  const e1 = p * sub;
  let T = 0;
  for (let b = 0; b < 10; b++) {
    let o1 = 0;
    for (let j = 0; j < sub; j++) o1 += bits[b * sub + j]!;
    const o0 = sub - o1;
    T += ((o0 - e0) * (o0 - e0)) / e0 + ((o1 - e1) * (o1 - e1)) / e1;
  }
  return result(T, 9);
}

/** Both tests, binary variants when k = 2 (symbols renumbered 0..k−1). */
export function chiSquareTests(symbols: Uint8Array, k: number): ChiSquareTests {
  const independence = k === 2 ? binaryChiSquareIndependence(symbols) : chiSquareIndependence(symbols, k);
  const goodnessOfFit = k === 2 ? binaryGoodnessOfFit(symbols) : chiSquareGoodnessOfFit(symbols, k);
  return { independence, goodnessOfFit, pass: independence.pass && goodnessOfFit.pass };
}
