/**
 * Non-overlapping Template Matching test, SP 800-22 Rev 1a §2.7 (sts-2.1.2
 * `NonOverlappingTemplateMatchings`).
 *
 * The sequence is cut into N = 8 blocks of M = ⌊n/N⌋ bits. For each aperiodic
 * m-bit template B, W_j counts the occurrences of B in block j, scanning an
 * m-bit window and jumping past a match (so matches do not overlap). Under
 * randomness W_j has mean μ = (M−m+1)/2^m and variance
 * σ² = M(1/2^m − (2m−1)/2^{2m}); χ² = Σ_j (W_j − μ)²/σ² and
 * P = igamc(N/2, χ²/2). One P-value per template, in the reference's order
 * (labels are the template bit strings). For m = 9 that is all 148 aperiodic
 * templates; for m ≥ 10 the reference's selection (see `referenceTemplates`).
 *
 * Speed: an aperiodic template has no proper border (no shift of it overlaps itself), so two
 * of its occurrences are at least m bits apart and the skip past a match never skips one:
 * the non-overlapping count is the number of windows equal to the template. With every
 * template aperiodic (the reference's lists always are), each block's counts of all 2^m
 * window values serve every template, from the WebAssembly window counter for m ≤ 16
 * (../kernels/pattern-counts.ts, Serial's: 0.5 ms a 10^6-bit stream where the scan below
 * took 1.9 ms in WebAssembly and 3.6 in TypeScript). Otherwise (a periodic custom template,
 * m > 16, no WebAssembly) one scan per block serves all templates: the m-bit window value
 * indexes a table of template ids (the templates are distinct, so a window matches at most
 * one), and the non-overlapping skip is a per-template "next allowed position" instead of
 * a jump of the scan.
 *
 * Minimum n: SP 800-22 recommends N ≤ 100 and M > 0.01·n; the test is defined
 * when M ≥ m (μ > 0), as in the reference, which does no other check.
 *
 * Worked example (§2.7.4): ε = 10100100101110010110, m = 3, B = 001, N = 2,
 * M = 10: W = (2, 1), μ = 1, σ² = 0.46875, χ² = 2.133333, P = 0.344154.
 */
import { paddedWords } from './scratch.ts';
import { countWindowStarts, MAX_KERNEL_PATTERN_BITS, patternCounter } from '../kernels/pattern-counts.ts';
import { InputError } from '../errors.ts';
import type { BitSequence } from '../bits/bit-sequence.ts';
import { igamc } from '../special/igamc.ts';
import { notApplicable, type TestResult } from './types.ts';
import { isAperiodic, referenceTemplates, templateLabel } from './templates.ts';

const SECTION = 'SP 800-22 Rev 1a §2.7';

export interface NonOverlappingTemplateParams {
  /** Template length (default 9, the reference's default). */
  m?: number;
  /** Number of blocks N (default 8, fixed in the reference). */
  blocks?: number;
  /**
   * Templates to test as m-bit values (MSB = first bit); default: the
   * reference's list for m. They must be aperiodic for the statistic's model to hold.
   */
  templates?: ArrayLike<number>;
}

const tableCache = new Map<string, Int32Array>();

/** Window value → 1 + index into `templates`, or 0 when the window is no template. */
function templateSlots(templates: ArrayLike<number>, m: number): Int32Array {
  const table = new Int32Array(1 << m);
  for (let t = 0; t < templates.length; t++) {
    const v = templates[t]!;
    if (!Number.isInteger(v) || v < 0 || v >= 1 << m) {
      throw new InputError(`templates[${t}] = ${v}: expected an integer in 0..${(1 << m) - 1} (an m = ${m} bit template)`);
    }
    if (table[v] !== 0) throw new InputError(`templates[${t}] = ${templateLabel(v, m)} appears twice`);
    table[v] = t + 1;
  }
  return table;
}

/**
 * The test on `bits`; `portable` scans (TypeScript) even where the WebAssembly window counts
 * would serve, for the tests that compare the two.
 */
export function nonOverlappingTemplate(bits: BitSequence, params: NonOverlappingTemplateParams = {}, portable = false): TestResult {
  const m = params.m ?? 9;
  const N = params.blocks ?? 8;
  if (!Number.isInteger(N) || N < 1) throw new InputError(`NonOverlappingTemplate blocks = ${N}: expected a positive integer`);
  const templates = params.templates ?? referenceTemplates(m); // validates m
  if (params.templates !== undefined && (!Number.isInteger(m) || m < 2 || m > 21)) {
    throw new InputError(`NonOverlappingTemplate m = ${m}: expected an integer in 2..21`);
  }
  const n = bits.length;
  const M = Math.floor(n / N);
  const used = { m, N, M, templates: templates.length };
  if (M < m) {
    return notApplicable('NonOverlappingTemplate', SECTION, n, used, `block length M = ⌊${n}/${N}⌋ = ${M} is shorter than the template (m = ${m})`);
  }

  let slot: Int32Array;
  if (params.templates === undefined) {
    const key = `ref${m}`;
    slot = tableCache.get(key) ?? templateSlots(templates, m);
    tableCache.set(key, slot);
  } else {
    slot = templateSlots(templates, m);
  }

  const T = templates.length;
  // W[t * N + i]: non-overlapping occurrences of template t in block i.
  const W = new Int32Array(T * N);
  const aperiodic = params.templates === undefined || Array.prototype.every.call(templates, (v: number) => isAperiodic(v, m));
  if (portable || !aperiodic || !countBlockWindows(bits, templates, m, M, N, W)) scanBlocks(bits, slot, m, M, N, T, W);

  // Same expressions as the reference so the P-values agree to the last digits.
  const lambda = (M - m + 1) / Math.pow(2, m);
  const varW = M * (1.0 / Math.pow(2.0, m) - (2.0 * m - 1.0) / Math.pow(2.0, 2.0 * m));
  const sd = Math.sqrt(varW);
  const pValues: number[] = [];
  const chi2s: number[] = [];
  const labels: string[] = [];
  for (let t = 0; t < T; t++) {
    let chi2 = 0;
    for (let i = 0; i < N; i++) {
      const d = (W[t * N + i]! - lambda) / sd;
      chi2 += d * d;
    }
    chi2s.push(chi2);
    pValues.push(igamc(N / 2.0, chi2 / 2.0));
    labels.push(templateLabel(templates[t]!, m));
  }
  return {
    test: 'NonOverlappingTemplate',
    section: SECTION,
    n,
    params: used,
    status: 'ok',
    pValues,
    labels,
    statistics: { lambda, varW, chiSquared: chi2s, W: Array.from(W) },
  };
}

/**
 * W from each block's counts of every m-bit window (starts 0..M − m of the block): exact when
 * every template is aperiodic (see the head comment). Whole words of starts go to the
 * WebAssembly counter; the starts before the block's first whole word and after its last, in
 * TypeScript. False without WebAssembly or for m above the counter's widest pattern.
 */
function countBlockWindows(bits: BitSequence, templates: ArrayLike<number>, m: number, M: number, N: number, W: Int32Array): boolean {
  if (m > MAX_KERNEL_PATTERN_BITS) return false;
  const nWords = bits.words.length;
  const k = patternCounter(nWords + 1);
  if (!k) return false;
  const words = k.words;
  words.set(bits.words);
  words[nWords] = 0; // the window of the last start reads one word on
  const counts = k.counts.subarray(0, 1 << m);
  for (let i = 0; i < N; i++) {
    counts.fill(0);
    const first = i * M;
    const end = first + M - m + 1; // one past the block's last start
    const w0 = (first + 31) >>> 5; // first whole word of starts
    const w1 = end >>> 5; // one past the last
    if (w1 > w0) {
      countWindowStarts(words, first, 32 * w0, m, counts);
      k.count(w0, w1 - w0, m);
      countWindowStarts(words, 32 * w1, end, m, counts);
    } else {
      countWindowStarts(words, first, end, m, counts);
    }
    for (let t = 0; t < templates.length; t++) W[t * N + i] = counts[templates[t]!]!;
  }
  return true;
}

/** The scan of every block (W for any templates, periodic ones included). */
function scanBlocks(bits: BitSequence, slot: Int32Array, m: number, M: number, N: number, T: number, W: Int32Array): void {
  // Per block, slot t + 1 for template t; slot 0 collects windows that match no
  // template and can never count (its next allowed position is out of reach).
  const count = new Int32Array(T + 1);
  const next = new Int32Array(T + 1);
  // One spare word so the two-word window read never leaves the array.
  const words = paddedWords(bits.words, 1);
  const out = 32 - m;
  const last = M - m; // last window start in a block
  for (let i = 0; i < N; i++) {
    count.fill(0);
    next.fill(0);
    next[0] = 0x40000000;
    const base = i * M;
    // Window starts p = base + j, j = 0..last, walked word by word so each word pair
    // is loaded once per 32 starts.
    let j = 0;
    while (j <= last) {
      const p = base + j;
      const k = p >>> 5;
      const x = words[k]!;
      const y = words[k + 1]! >>> 1;
      const sh0 = p & 31;
      const stop = Math.min(32, sh0 + last - j + 1);
      for (let sh = sh0; sh < stop; sh++, j++) {
        // m bits from bit sh of x (y >>> (31 − sh) is the next word's lead, 0 for sh = 0).
        const v = ((x << sh) | (y >>> (31 - sh))) >>> out;
        const t = slot[v]!;
        // Branch-free (matches are data-dependent coin flips): ok = 1 when j ≥ next[t].
        const nx = next[t]!;
        const ok = ((j - nx) >>> 31) ^ 1;
        count[t]! += ok;
        next[t] = nx + ((j + m - nx) & -ok);
      }
    }
    for (let t = 0; t < T; t++) W[t * N + i] = count[t + 1]!;
  }
}
