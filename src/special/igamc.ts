/**
 * Regularized incomplete gamma functions: igamc(a, x) = Q(a, x) = Γ(a, x)/Γ(a)
 * (the upper tail, the P-value kernel of the chi-square based SP 800-22 tests:
 * §2.2, §2.4, §2.5, §2.7, §2.8, §2.11, §2.12, §2.14, §2.15, and of the
 * uniformity test of §4.2.2) and igam(a, x) = P(a, x) = 1 − Q(a, x).
 *
 * Method. Both are prefix(a, x) × (a series for P when x ≤ a, Legendre's continued
 * fraction for Q when x > a), with prefix = x^a e^(−x) / Γ(a). The prefix is where
 * the accuracy is lost in Cephes (which sts-2.1.2 ships): `a·ln x − x − lgamma(a)`
 * cancels terms of size a·ln a down to a result of size |x − a|²/a, so its
 * error grows like a·ln a · ε (~3e-11 at a = 2^18). Here instead (Temme's form)
 *
 *   ln prefix = a·(ln(1+t) − t) + ½·ln(a/2π) − stirlerr(a),   t = (x − a)/a,
 *
 * where stirlerr(a) = ln Γ(a) − (a − ½)ln a + a − ½ln 2π is the small Stirling
 * remainder, and D = a·(ln(1+t) − t) is evaluated without cancellation through
 * ln(1+t) = 2·atanh(u), u = (x − a)/(x + a):  D = −(x − a)·u + 2a·u³·Σ u^(2k)/(2k+3).
 * D can reach −745 (Q ≈ 1e-300 at large a); a double holds it only to ±5.7e-14
 * absolute, i.e. 5.7e-14 relative in exp(D), so D is carried as a double-double
 * (head + tail) and the prefix is exp(head)·(1 + tail).
 *
 * Accuracy: ≤ 1e-13 relative against 20-digit mpmath values for a from 0.5 to
 * 262144 wherever Q is a normal double (test/special/igamc.test.ts). Results
 * below the double range are 0.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { ddDiv, ddMul, twoSum } from './double-double.ts';

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-17;

/** ln Γ(a) − ((a − ½)·ln a − a + ½·ln 2π): the Stirling-series remainder. */
export function stirlerr(a: number): number {
  if (a >= 10) {
    // Stirling series Σ B_2k / (2k(2k−1) a^(2k−1)); at a = 10 the first omitted term is 2e-18.
    const r = 1 / a;
    const r2 = r * r;
    return (
      r *
      (1 / 12 +
        r2 *
          (-1 / 360 +
            r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
    );
  }
  return gammaln(a) - ((a - 0.5) * Math.log(a) - a + HALF_LN_2PI);
}

/**
 * ln(x^a e^(−x) / Γ(a)) as a double-double [head, tail] (see module comment).
 */
export function logPrefix(a: number, x: number): [number, number] {
  // d = x − a and s = x + a exactly as double-doubles.
  const [dh, dl] = twoSum(x, -a);
  const [sh, sl] = twoSum(x, a);
  const [uh, ul] = ddDiv(dh, dl, sh, sl);
  let Dh: number;
  let Dl: number;
  if (Math.abs(uh) <= 0.9) {
    // D = −d·u + 2a·u³·S(u²), S(w) = Σ w^k/(2k+3). The second term is at most
    // ~10 % of D for x > a (where Q is small and accuracy matters), so a double suffices.
    const w = uh * uh;
    const K = Math.max(1, Math.ceil((-40 * Math.LN10) / Math.log(Math.max(w, 1e-300))));
    let S = 0;
    for (let k = Math.min(K, 400); k >= 0; k--) S = S * w + 1 / (2 * k + 3);
    const [pH, pL] = ddMul(dh, dl, uh, ul);
    const series = 2 * a * uh * w * S;
    const [h, l] = twoSum(-pH, series);
    Dh = h;
    Dl = l - pL;
  } else {
    // x > 19a or x < a/19: a·ln(x/a) is at most a small fraction of D, no cancellation.
    const [h, l] = twoSum(a * Math.log(x / a), -dh);
    Dh = h;
    Dl = l - dl;
  }
  const small = 0.5 * Math.log(a / (2 * Math.PI)) - stirlerr(a);
  const [h, l] = twoSum(Dh, small);
  const tail = l + Dl;
  const head = h + tail;
  return [head, tail - (head - h)];
}

function prefix(a: number, x: number): number {
  const [h, l] = logPrefix(a, x);
  if (h < -746) return 0;
  return Math.exp(h) * (1 + l);
}

/** Σ_{k≥0} x^k / ((a+1)…(a+k)), the series of P(a,x) = prefix/a · Σ. */
function pSeries(a: number, x: number): number {
  let sum = 1;
  let term = 1;
  let ap = a;
  for (let k = 0; k < 1_000_000; k++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (term <= sum * EPS) break;
  }
  return sum;
}

/** Legendre's continued fraction for Γ(a,x)/(x^a e^(−x)), modified Lentz. */
function qFraction(a: number, x: number): number {
  const TINY = 1e-300;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) break;
  }
  return h;
}

function check(a: number, x: number): void {
  if (!(a > 0) || !(x >= 0) || a === Infinity) {
    throw new RangeError(`incomplete gamma: need a > 0 (finite) and x ≥ 0, got a = ${a}, x = ${x}`);
  }
}

/** Q(a, x) = Γ(a, x)/Γ(a), the regularized upper incomplete gamma function. */
export function igamc(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x <= a || x < 1) return 1 - (prefix(a, x) / a) * pSeries(a, x);
  return prefix(a, x) * qFraction(a, x);
}

/** P(a, x) = γ(a, x)/Γ(a), the regularized lower incomplete gamma function. */
export function igam(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x <= a || x < 1) return (prefix(a, x) / a) * pSeries(a, x);
  return 1 - prefix(a, x) * qFraction(a, x);
}
