/**
 * Collision estimate, SP 800-90B §6.3.2, for binary data only.
 *
 * Walks the bits in steps that end at the first repeated value (a step is 2
 * bits when the next bit equals the current one, else 3), records v steps of
 * mean X-bar and deviation sigma-hat, and lowers X-bar to X-bar' = X-bar -
 * 2.576 sigma-hat/sqrt(v) (at least 2). For a binary alphabet the standard's
 * equation for p reduces to X-bar' = -2p^2 + 2p + 2 (ea_non_iid's closed form,
 * credited there to Uyen Dinh), so p = 1/2 + sqrt(5/4 - X-bar'/2) when
 * X-bar' < 2.5; otherwise no p exists and H = 1. H = -log2 p.
 *
 * Worked example (ea_non_iid 1.1.7 on data.pi.bin): v = 477,455, sum of t_i =
 * 1,165,666, X-bar = 2.4414154213486086, sigma-hat = 0.49655650591492989,
 * p = 0.67383272785477799, H = 0.56953759345777899.
 */
import { ZALPHA, negLog2 } from './common.ts';
import type { EntropyEstimate } from '../types.ts';

export interface CollisionEstimate extends EntropyEstimate {
  v: number;
  sumT: number;
  xBar: number;
  sigmaHat: number;
  xBarPrime: number;
  p: number;
  foundP: boolean;
}

/** `bits` holds one bit (0 or 1) per byte. */
export function collisionEstimate(bits: Uint8Array): CollisionEstimate {
  const len = bits.length;
  let i = 0;
  let v = 0;
  let s = 0;
  while (i < len - 1) {
    let t: number;
    if (bits[i] === bits[i + 1]) t = 2;
    else if (i < len - 2) t = 3;
    else break;
    v++;
    s += t * t;
    i += t;
  }
  if (v < 2) {
    return {
      name: 'Collision', section: '6.3.2', hMin: null, note: 'fewer than 2 collisions',
      v, sumT: i, xBar: 0, sigmaHat: 0, xBarPrime: 0, p: 0, foundP: false,
    };
  }
  const xBar = i / v;
  const sigmaHat = Math.sqrt(Math.max(0, s - i * xBar) / (v - 1));
  let xBarPrime = xBar - (ZALPHA * sigmaHat) / Math.sqrt(v);
  if (xBarPrime < 2) xBarPrime = 2;
  let p: number;
  let hMin: number;
  const foundP = xBarPrime < 2.5;
  if (foundP) {
    p = 0.5 + Math.sqrt(1.25 - 0.5 * xBarPrime);
    hMin = negLog2(p);
  } else {
    p = 0.5;
    hMin = 1;
  }
  return { name: 'Collision', section: '6.3.2', hMin, v, sumT: i, xBar, sigmaHat, xBarPrime, p, foundP };
}
