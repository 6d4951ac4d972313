/**
 * Aperiodic templates for the Non-overlapping Template Matching test
 * (SP 800-22 Rev 1a §2.7.1, §2.7.4 and Appendix B of §2.7).
 *
 * A template B of m bits is aperiodic when no proper shift of B overlaps
 * itself: there is no k in 1..m-1 with B[0..m-k) = B[k..m) (no proper prefix
 * equal to a suffix). Then two occurrences of B can never overlap, which is
 * what the test's Poisson/normal model assumes.
 *
 * sts-2.1.2 reads the templates from `templates/template<m>`; its
 * `numOfTemplates` table covers m = 2..21 (2, 4, 6, 12, 20, 40, 74, 148, 284,
 * …, 562152), which our generated lists match in size. The m = 9 file
 * (`test/fixtures/nist-sts/template9`, 148 lines) lists them in increasing
 * numeric order, which we reproduce exactly; for other m we assume the same
 * order (no reference file or P-values to check it against).
 *
 * @example aperiodicTemplates(3) // → [0b001, 0b011, 0b100, 0b110]
 */
import { InputError } from '../errors.ts';

/** Smallest and largest m the reference ships template files for. */
export const MIN_TEMPLATE_M = 2;
export const MAX_TEMPLATE_M = 21;

/** sts-2.1.2 `MAXNUMOFTEMPLATES` (defs.h): at most this many templates are tested. */
export const MAX_NUM_OF_TEMPLATES = 148;

const cache = new Map<number, Uint32Array>();

/** True when the m-bit value v (MSB = first bit) has no proper border. */
export function isAperiodic(v: number, m: number): boolean {
  for (let k = 1; k < m; k++) {
    // First m-k bits (v >>> k) against the last m-k bits (low bits).
    const lowMask = (1 << (m - k)) - 1;
    if (v >>> k === (v & lowMask)) return false;
  }
  return true;
}

/** Every aperiodic template of m bits, in increasing numeric order (the reference's file order). */
export function aperiodicTemplates(m: number): Uint32Array {
  if (!Number.isInteger(m) || m < MIN_TEMPLATE_M || m > MAX_TEMPLATE_M) {
    throw new InputError(`template length m = ${m}: expected an integer in ${MIN_TEMPLATE_M}..${MAX_TEMPLATE_M}`);
  }
  const hit = cache.get(m);
  if (hit) return hit;
  const out: number[] = [];
  const size = 1 << m;
  for (let v = 0; v < size; v++) if (isAperiodic(v, m)) out.push(v);
  const arr = Uint32Array.from(out);
  cache.set(m, arr);
  return arr;
}

/**
 * The templates sts-2.1.2 actually tests for this m: when there are more than
 * 148 it keeps every SKIP-th one, SKIP = ⌊count/148⌋ (fseek over SKIP-1 lines),
 * and stops after 148 (so m = 10 tests the first 148 of 284).
 */
export function referenceTemplates(m: number): Uint32Array {
  const all = aperiodicTemplates(m);
  const skip = all.length < MAX_NUM_OF_TEMPLATES ? 1 : Math.floor(all.length / MAX_NUM_OF_TEMPLATES);
  const count = Math.min(MAX_NUM_OF_TEMPLATES, Math.floor(all.length / skip));
  const out = new Uint32Array(count);
  for (let j = 0; j < count; j++) out[j] = all[j * skip]!;
  return out;
}

/** A template as its bit string, e.g. templateLabel(1, 9) = '000000001'. */
export function templateLabel(v: number, m: number): string {
  return v.toString(2).padStart(m, '0');
}
