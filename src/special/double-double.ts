/**
 * Double-double arithmetic (a value = head + tail, |tail| ≤ ulp(head)/2, ~32
 * significant digits): the minimum needed to carry ln-prefixes of the incomplete
 * gamma function (src/special/igamc.ts) without losing the last digits of a
 * 17-digit double. Dekker/Knuth error-free transformations; no FMA in JS, so the
 * product splits operands into 26-bit halves.
 */

/** a + b = s + e exactly (Knuth's TwoSum). */
export function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  return [s, e];
}

const SPLITTER = 134217729; // 2^27 + 1

/** a·b = p + e exactly (Dekker's TwoProduct), for |a|,|b| < 2^996. */
export function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, e];
}

/** (ah + al)·(bh + bl) as a normalized double-double. */
export function ddMul(ah: number, al: number, bh: number, bl: number): [number, number] {
  const [p, e] = twoProd(ah, bh);
  const t = e + (ah * bl + al * bh);
  const s = p + t;
  return [s, t - (s - p)];
}

/** (ah + al)/(bh + bl) as a normalized double-double (two correction steps). */
export function ddDiv(ah: number, al: number, bh: number, bl: number): [number, number] {
  const q1 = ah / bh;
  // r = a − q1·b
  let [ph, pl] = ddMul(q1, 0, bh, bl);
  let [rh, rl] = twoSum(ah, -ph);
  rl += al - pl;
  const q2 = (rh + rl) / bh;
  [ph, pl] = ddMul(q2, 0, bh, bl);
  const [r2h, r2l] = twoSum(rh, -ph);
  const q3 = (r2h + (r2l + rl - pl)) / bh;
  const [s, e] = twoSum(q1, q2);
  const tail = e + q3;
  const head = s + tail;
  return [head, tail - (head - s)];
}
