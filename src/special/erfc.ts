/**
 * Complementary error function erfc(x) = 1 − erf(x), computed directly (never
 * as 1 − erf, which is 0 for x ≥ 6): the P-value kernel of SP 800-22 §2.1, §2.3,
 * §2.6 and others.
 *
 * Wraps @stdlib/math-base-special-erfc (the FreeBSD msun algorithm, < 1 ulp);
 * test/special/erfc.test.ts checks it to 1e-13 relative against 20-digit mpmath
 * values in test/fixtures/special/reference-values.json down to erfc(26) ≈ 5.7e-296.
 * simple-statistics' erf is not usable here (1e-7 error).
 */
import stdlibErfc from '@stdlib/math-base-special-erfc';

export function erfc(x: number): number {
  return stdlibErfc(x);
}
