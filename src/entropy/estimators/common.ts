/**
 * Constants and numeric helpers shared by the SP 800-90B §6.3 estimators,
 * matching NIST's ea_non_iid 1.1.7 (cpp/shared/utils.h).
 */

/** The 99.5 % upper-bound quantile SP 800-90B uses (z_{1-0.005}); the reference's ZALPHA. */
export const ZALPHA = 2.5758293035489008;

/** Binary searches give up after this many steps (the reference's ITERMAX). */
export const ITERMAX = 1076;

const DBL_MIN = 2.2250738585072014e-308;
const DBL_EPSILON = 2.220446049250313e-16;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function bitsOf(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}

/**
 * "Equal" for the reference's binary searches: relatively within DBL_EPSILON,
 * absolutely within DBL_MIN where relative closeness is meaningless, or at most
 * `maxUlp` units in the last place apart.
 */
export function relEpsilonEqual(a: number, b: number, maxUlp = 4): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  let absA = Math.abs(a);
  let absB = Math.abs(b);
  if (absA > absB) {
    [a, b] = [b, a];
    [absA, absB] = [absB, absA];
  }
  const diff = Math.abs(b - a);
  if (absA < DBL_MIN || diff < DBL_MIN || !Number.isFinite(diff) || absB * DBL_EPSILON < DBL_MIN) {
    return diff <= DBL_MIN;
  }
  if (diff <= absB * DBL_EPSILON) return true;
  if (Math.sign(a) !== Math.sign(b)) return false;
  return bitsOf(absB) - bitsOf(absA) <= BigInt(maxUlp);
}

export function inClosed(x: number, a: number, b: number): boolean {
  return a > b ? x >= b && x <= a : x >= a && x <= b;
}

export function inOpen(x: number, a: number, b: number): boolean {
  return a > b ? x > b && x < a : x > a && x < b;
}

/** Upper 99 % bound of a proportion: min(1, p + Z sqrt(p(1-p)/(n-1))). */
export function upperBound(p: number, n: number): number {
  return Math.min(1, p + ZALPHA * Math.sqrt((p * (1 - p)) / (n - 1)));
}

/** -log2(p), with -0 turned into 0 so that printed results never read "-0". */
export function negLog2(p: number): number {
  const h = -Math.log2(p);
  return h === 0 ? 0 : h;
}

/**
 * The reference's binary search for the p in [lDomain, hDomain] at which a
 * decreasing function `f` reaches `target` (ea_non_iid 1.1.7, the shared body
 * of calc_p_local and the compression estimator's solver). The two callers
 * differ only in what the search returns when the target leaves the bracket:
 * `outOfRange` (P_local: hDomain; compression: lDomain).
 */
export function searchDecreasing(
  f: (p: number) => number,
  target: number,
  lDomain: number,
  hDomain: number,
  outOfRange: number,
): number {
  let lBound = lDomain;
  let hBound = hDomain;
  let lValue = Infinity;
  let hValue = -Infinity;
  let p = (lBound + hBound) / 2;
  let pVal = f(p);
  for (let j = 0; j < ITERMAX; j++) {
    if (relEpsilonEqual(pVal, target)) break;
    if (target < pVal) {
      lBound = p;
      lValue = pVal;
    } else {
      hBound = p;
      hValue = pVal;
    }
    if (lBound >= hBound) {
      p = Math.min(Math.max(lBound, hBound), hDomain);
      break;
    }
    if (!(inClosed(lBound, lDomain, hDomain) && inClosed(hBound, lDomain, hDomain))) {
      p = outOfRange;
      break;
    }
    if (!inClosed(target, lValue, hValue)) {
      p = outOfRange;
      break;
    }
    const lastP = p;
    p = (lBound + hBound) / 2;
    if (!inOpen(p, lBound, hBound)) {
      p = hBound;
      break;
    }
    if (lastP === p) {
      p = hBound;
      break;
    }
    pVal = f(p);
    if (!inClosed(pVal, lValue, hValue)) {
      p = hBound;
      break;
    }
  }
  return p;
}
