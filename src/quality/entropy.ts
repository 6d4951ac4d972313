/**
 * SP 800-90B side of a raw tap: the non-IID assessment (§6.3 estimators as
 * combined by ea_non_iid, src/entropy/assess.ts) on a bounded prefix of the tap,
 * compared with the entropy the design credits the source with.
 *
 * A shortfall counts as a failure only when the estimate is below
 * `SHORTFALL_RATIO` × the claim, and only from `MIN_ENTROPY_SAMPLES` samples on:
 * the estimators are conservative at the sample counts a run can afford. Measured
 * with assessNonIid on SHA-256 output (full entropy) over 5 streams: 8192 samples
 * → 5.54…6.01 bits/byte, 16384 → 5.89…6.48, 10^5 → 6.8 (the bitstring
 * Compression estimate is the minimum), all above 0.65 × 8 = 5.2; the
 * counter-fallback model's PM-timer bytes assess at ≈ 4.0 bits/byte at 4096…50000
 * samples, well below it.
 */
import { assessNonIid } from '../entropy/assess.ts';
import type { EntropySummary } from './result.ts';

export const DEFAULT_MAX_SAMPLES = 20_000;
export const SHORTFALL_RATIO = 0.65;
/** Fewer samples than this give no verdict (below it an honest source's estimate is too low to judge a claim). */
export const MIN_ENTROPY_SAMPLES = 8192;

/**
 * `conditioned`: assess a conditioned sequential dataset (SP 800-90B §3.1.5.2, ea_non_iid -c):
 * the bitstring track only, per-sample estimate = bits per sample × H_bitstring.
 */
export function tapEntropy(samples: Uint8Array, bitsPerSample: number, maxSamples = DEFAULT_MAX_SAMPLES, conditioned = false): EntropySummary {
  let data = samples.subarray(0, Math.min(samples.length, maxSamples));
  // The assessment refuses bytes wider than the declared width; a tap of narrower samples is masked first.
  if (bitsPerSample < 8) data = data.map((b) => b & ((1 << bitsPerSample) - 1));
  const a = assessNonIid(data, { bitsPerSymbol: bitsPerSample, conditioned });
  const estimators = [...(a.original ?? []).map((e) => ({ name: e.name, h: e.hMin })), ...(a.bitstring ?? []).map((e) => ({ name: `${e.name} (bitstring)`, h: e.hMin === null ? null : e.hMin * bitsPerSample }))]
    .filter((e): e is { name: string; h: number } => e.h !== null && Number.isFinite(e.h))
    .map((e) => ({ name: e.name, minEntropyPerSample: e.h }));
  return { samples: data.length, bitsPerSample, minEntropyPerSample: a.assessed, estimators, ...(conditioned ? { conditioned: true } : {}) };
}
