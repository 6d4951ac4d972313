/**
 * SP 800-90B side of a raw tap: the non-IID assessment (§6.3 estimators as
 * combined by ea_non_iid, src/entropy/assess.ts) on a bounded prefix of the tap,
 * compared with the entropy the design credits the source with.
 *
 * A shortfall counts as a failure only when the estimate is below
 * `SHORTFALL_RATIO` × the claim: the estimators are conservative at the sample
 * counts a matrix can afford (full-entropy bytes assess at ≈ 6.7 bits/byte with
 * 2·10^4 samples, ≈ 6.8 with 10^5; measured with assessNonIid), so a smaller gap
 * is expected of an honest source, while a counter credited 8 bits/byte falls far
 * below half of that.
 */
import { assessNonIid } from '../entropy/assess.ts';
import type { EntropySummary } from '../scenario/result.ts';

export const DEFAULT_MAX_SAMPLES = 20_000;
export const SHORTFALL_RATIO = 0.5;
/** Fewer samples than this give no estimate (the predictors need a few thousand to mean anything). */
export const MIN_ENTROPY_SAMPLES = 1000;

export function tapEntropy(samples: Uint8Array, bitsPerSample: number, maxSamples = DEFAULT_MAX_SAMPLES): EntropySummary {
  let data = samples.subarray(0, Math.min(samples.length, maxSamples));
  // The assessment refuses bytes wider than the declared width; a tap of narrower samples is masked first.
  if (bitsPerSample < 8) data = data.map((b) => b & ((1 << bitsPerSample) - 1));
  const a = assessNonIid(data, { bitsPerSymbol: bitsPerSample });
  const estimators = [...(a.original ?? []).map((e) => ({ name: e.name, h: e.hMin })), ...(a.bitstring ?? []).map((e) => ({ name: `${e.name} (bitstring)`, h: e.hMin === null ? null : e.hMin * bitsPerSample }))]
    .filter((e): e is { name: string; h: number } => e.h !== null && Number.isFinite(e.h))
    .map((e) => ({ name: e.name, minEntropyPerSample: e.h }));
  return { samples: data.length, bitsPerSample, minEntropyPerSample: a.assessed, estimators };
}
