/**
 * Restart tests, SP 800-90B §3.1.4: does the noise source start up with the entropy it
 * claims, or does every power-on repeat (part of) the same sequence?
 *
 * Input: 1000 restarts × 1000 consecutive samples after each restart, row-major (row i =
 * restart i), one sample per byte: exactly 10^6 samples.
 *
 * 1. Sanity check (§3.1.4.3): X_max = the largest count of any one symbol in any row or
 *    column; the test fails when X_max > U. By default U is NIST ea_restart 1.1.7's cutoff
 *    (the distribution of the largest count when ⌊2^H_I⌋ symbols have probability 2^−H_I,
 *    α = 1 − 0.99^(1/2000)), computed exactly in ./restart-cutoff.ts, where its remaining
 *    difference from the reference's simulated value is stated. `cutoff: 'standard'` uses the
 *    standard's single-symbol U = CRITBINOM(1000, 2^−H_I, 1 − 0.01/2000) instead, which is
 *    3–5 counts lower at H_I ≥ 2 and so rejects sources that meet their claim far more often
 *    than 1 %.
 * 2. Validation (§3.1.4.2): the row dataset (the file as is) and the column dataset (its
 *    transpose) are assessed like the original data: with the non-IID estimators of §6.3
 *    on the symbols (H_original of ea_non_iid; ea_restart runs no bitstring track here), or
 *    with the MCV estimate for an IID claim. Both capped at bits per symbol. The test passes
 *    when min(H_r, H_c) ≥ H_I / 2.
 *
 * On success the validated entropy is min(H_r, H_c, H_I).
 */
import { InputError } from '../errors.ts';
import { assessNonIid } from './assess.ts';
import { REFERENCE_RESTART_ALPHA, STANDARD_RESTART_ALPHA, binomialRestartCutoff, restartCutoff } from './restart-cutoff.ts';
import { mostCommonValue } from './estimators/mcv.ts';
import { checkWidth, prepareSamples } from './samples.ts';

export const RESTARTS = 1000;
export const SAMPLES_PER_RESTART = 1000;

/** Which sanity-check cutoff: ea_restart's (default) or the standard text's binomial bound. */
export type RestartCutoffRule = 'reference' | 'standard';

export interface RestartOptions {
  bitsPerSymbol: number;
  /** H_I: the initial entropy estimate (bits per sample) being validated. */
  hI: number;
  /** Assess rows and columns with the IID MCV estimate instead of the non-IID estimators. */
  iid?: boolean;
  /** Sanity-check cutoff rule (default 'reference': ea_restart's). */
  cutoff?: RestartCutoffRule;
  /** Name of the input in error messages. */
  source?: string;
}

export interface RestartDatasetResult {
  /** Estimate per sample, capped at bits per symbol. */
  h: number;
  /** Each estimator's value on this dataset (null = not applicable), in the reference's order. */
  estimates: Array<{ name: string; hMin: number | null }>;
}

export interface RestartResult {
  bitsPerSymbol: number;
  hI: number;
  iid: boolean;
  distinctSymbols: number;
  cutoffRule: RestartCutoffRule;
  alpha: number;
  /** U: counts above it fail the sanity check. */
  cutoff: number;
  /** Largest single-symbol count in a row, the row, and the symbol (masked value). */
  rowMax: { count: number; row: number; value: number };
  colMax: { count: number; column: number; value: number };
  xMax: number;
  sanityPass: boolean;
  /** Null when the sanity check failed (the standard stops there). */
  rows: RestartDatasetResult | null;
  columns: RestartDatasetResult | null;
  hR: number | null;
  hC: number | null;
  validationPass: boolean;
  pass: boolean;
  /** min(H_r, H_c, H_I) when the test passes, else null. */
  validatedEntropy: number | null;
}

function assessDataset(data: Uint8Array, bits: number, iid: boolean): RestartDatasetResult {
  if (iid) {
    const s = prepareSamples(data, bits);
    const e = mostCommonValue(s.symbols, Math.max(2, s.k));
    return { h: Math.min(bits, e.hMin ?? bits), estimates: [{ name: e.name, hMin: e.hMin }] };
  }
  // ea_restart takes H_original only: the bitstring track would be wasted work.
  const r = assessNonIid(data, { bitsPerSymbol: bits, tracks: 'original' });
  const estimates = (r.original ?? []).map((e) => ({ name: e.name, hMin: e.hMin }));
  return { h: Math.min(bits, r.hOriginal ?? bits), estimates };
}

export function restartTest(data: Uint8Array, opts: RestartOptions): RestartResult {
  const source = opts.source ?? 'input';
  const bits = opts.bitsPerSymbol;
  const iid = opts.iid ?? false;
  checkWidth(data, bits, source);
  const total = RESTARTS * SAMPLES_PER_RESTART;
  if (data.length !== total) {
    throw new InputError(
      `${source}: ${data.length} samples, expected exactly ${total} (${RESTARTS} restarts × ${SAMPLES_PER_RESTART} samples, row-major)`,
    );
  }
  const hI = opts.hI;
  if (!Number.isFinite(hI) || hI <= 0 || hI > bits) {
    throw new InputError(`H_I: expected a min-entropy in (0, ${bits}] bits per sample, got ${String(hI)}`);
  }
  const k = prepareSamples(data, bits).k;

  // Most common value per row and per column (§3.1.4.3), on the masked values.
  const counts = new Int32Array(256);
  const rowMax = { count: 0, row: 0, value: 0 };
  for (let i = 0; i < RESTARTS; i++) {
    counts.fill(0);
    const base = i * SAMPLES_PER_RESTART;
    for (let j = 0; j < SAMPLES_PER_RESTART; j++) {
      const v = data[base + j]!;
      if (++counts[v]! > rowMax.count) Object.assign(rowMax, { count: counts[v]!, row: i, value: v });
    }
  }
  const colMax = { count: 0, column: 0, value: 0 };
  const columns = new Uint8Array(total);
  for (let j = 0; j < SAMPLES_PER_RESTART; j++) {
    counts.fill(0);
    for (let i = 0; i < RESTARTS; i++) {
      const v = data[i * SAMPLES_PER_RESTART + j]!;
      columns[j * RESTARTS + i] = v;
      if (++counts[v]! > colMax.count) Object.assign(colMax, { count: counts[v]!, column: j, value: v });
    }
  }
  const xMax = Math.max(rowMax.count, colMax.count);
  const cutoffRule = opts.cutoff ?? 'reference';
  const cutoff = cutoffRule === 'standard' ? binomialRestartCutoff(hI) : restartCutoff(hI, k);
  const alpha = cutoffRule === 'standard' ? STANDARD_RESTART_ALPHA : REFERENCE_RESTART_ALPHA;
  const sanityPass = xMax <= cutoff;
  const base = { bitsPerSymbol: bits, hI, iid, distinctSymbols: k, cutoffRule, alpha, cutoff, rowMax, colMax, xMax, sanityPass };
  if (!sanityPass) {
    return { ...base, rows: null, columns: null, hR: null, hC: null, validationPass: false, pass: false, validatedEntropy: null };
  }
  const rows = assessDataset(data, bits, iid);
  const cols = assessDataset(columns, bits, iid);
  const validationPass = Math.min(rows.h, cols.h) >= hI / 2;
  return {
    ...base,
    rows,
    columns: cols,
    hR: rows.h,
    hC: cols.h,
    validationPass,
    pass: validationPass,
    validatedEntropy: validationPass ? Math.min(rows.h, cols.h, hI) : null,
  };
}
