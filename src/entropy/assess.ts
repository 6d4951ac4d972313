/**
 * The SP 800-90B non-IID assessment (§3.1.3 initial entropy estimate and
 * §3.1.5.2 conditioned sequential dataset), combining the ten estimators of
 * §6.3 exactly as NIST's ea_non_iid 1.1.7 does:
 *
 * - symbols are masked to `bitsPerSymbol` bits and the k distinct values
 *   renumbered 0..k-1 (./samples.ts);
 * - original track: MCV, t-Tuple, LRS, MultiMCW, Lag, MultiMMC, LZ78Y, plus
 *   Collision, Markov and Compression when k = 2; H_original = the minimum,
 *   capped at bitsPerSymbol;
 * - bitstring track (only when k > 2, or always in conditioned mode): all ten
 *   on the bits of the masked values, MSB first (the first 10^6 bits with
 *   `truncate`); H_bitstring = the minimum, capped at 1;
 * - assessed = min(bitsPerSymbol, H_original, bitsPerSymbol × H_bitstring);
 *   in conditioned mode only the bitstring track runs (h' = H_bitstring).
 *
 * Estimators that cannot run on the input (hMin null) are left out of the
 * minimum, as the reference does.
 */
import { prepareSamples, toBitstring } from './samples.ts';
import { tupleStats } from './suffix-array.ts';
import { mostCommonValue } from './estimators/mcv.ts';
import { collisionEstimate } from './estimators/collision.ts';
import { markovEstimate } from './estimators/markov.ts';
import { compressionEstimate } from './estimators/compression.ts';
import { tTupleFromStats } from './estimators/t-tuple.ts';
import { lrsFromStats } from './estimators/lrs.ts';
import { multiMcwEstimate } from './estimators/multi-mcw.ts';
import { lagEstimate } from './estimators/lag.ts';
import { multiMmcEstimate } from './estimators/multi-mmc.ts';
import { lz78yEstimate } from './estimators/lz78y.ts';
import type { EntropyEstimate, EstimatorName } from './types.ts';

/** The standard's minimum sample count; fewer is a warning (as in the reference). */
export const MIN_SAMPLES = 1_000_000;
/** Bits kept for the bitstring track in truncate mode. */
export const TRUNCATED_BITS = 1_000_000;

export interface NonIidOptions {
  bitsPerSymbol: number;
  /** Conditioned sequential dataset (§3.1.5.2): bitstring track only. */
  conditioned?: boolean;
  /** Use only the first 10^6 bits for the bitstring track. */
  truncate?: boolean;
  /**
   * Which tracks to run: 'both' (default, as ea_non_iid) or 'original' only (the
   * symbols' track: what ea_restart's sanity check uses, §3.1.4.3; the bitstring
   * track of 8-bit data costs most of the time). Ignored in conditioned mode.
   */
  tracks?: 'both' | 'original';
  /** Reserved for callers that want progress; results are the same. */
  verbose?: boolean;
  /** Called after each estimator with its track, its result and the wall-clock milliseconds it took. */
  onEstimate?: (track: 'original' | 'bitstring', e: EntropyEstimate, ms: number) => void;
}

export interface NonIidAssessment {
  bitsPerSymbol: number;
  samples: number;
  /** Distinct symbols (the alphabet size the estimators use). */
  k: number;
  conditioned: boolean;
  truncated: boolean;
  /** Estimates on the renumbered symbols; null when that track does not run (conditioned mode). */
  original: EntropyEstimate[] | null;
  /** Estimates on the bitstring; null when that track does not run (k <= 2 or tracks 'original', not conditioned). */
  bitstring: EntropyEstimate[] | null;
  bitstringLength: number;
  hOriginal: number | null;
  /** Per bit. */
  hBitstring: number | null;
  /** min(bitsPerSymbol, H_original, bitsPerSymbol × H_bitstring), per sample. */
  assessed: number;
  warnings: string[];
}

type Runner = (symbols: Uint8Array, k: number) => EntropyEstimate | EntropyEstimate[];

/** Runs the estimators of one track in the reference's order and returns them with their minimum. */
function runTrack(
  symbols: Uint8Array,
  k: number,
  track: 'original' | 'bitstring',
  onEstimate: NonIidOptions['onEstimate'],
): EntropyEstimate[] {
  const binary = k <= 2;
  const out: EntropyEstimate[] = [];
  const timed = (fn: () => EntropyEstimate | EntropyEstimate[]): void => {
    const t0 = performance.now();
    const r = fn();
    const ms = performance.now() - t0;
    for (const e of Array.isArray(r) ? r : [r]) {
      out.push(e);
      onEstimate?.(track, e, Array.isArray(r) ? ms / r.length : ms);
    }
  };
  const K = Math.max(k, 2);
  timed(() => mostCommonValue(symbols, K));
  if (binary) {
    timed(() => collisionEstimate(symbols));
    timed(() => markovEstimate(symbols));
    timed(() => compressionEstimate(symbols));
  }
  // t-Tuple and LRS share one pass over the LCP array.
  timed(() => {
    const stats = tupleStats(symbols, K - 1);
    return [tTupleFromStats(stats), lrsFromStats(stats)];
  });
  const predictors: Runner[] = [multiMcwEstimate, lagEstimate, multiMmcEstimate, lz78yEstimate];
  for (const p of predictors) timed(() => p(symbols, K));
  return out;
}

function trackMin(estimates: EntropyEstimate[], cap: number): number {
  let h = cap;
  for (const e of estimates) if (e.hMin !== null && e.hMin < h) h = e.hMin;
  return h;
}

/** The non-IID assessment of `data` (one sample per byte). */
export function assessNonIid(data: Uint8Array, opts: NonIidOptions): NonIidAssessment {
  const bits = opts.bitsPerSymbol;
  const conditioned = opts.conditioned ?? false;
  const truncate = opts.truncate ?? false;
  const prepared = prepareSamples(data, bits);
  const { k, symbols, masked } = prepared;
  const warnings: string[] = [];
  const base = {
    bitsPerSymbol: bits,
    samples: data.length,
    k,
    conditioned,
    truncated: false,
  };
  if (k <= 1) {
    warnings.push(
      data.length === 0
        ? 'no samples: no entropy awarded'
        : 'symbol alphabet consists of 1 symbol: no entropy awarded',
    );
    return {
      ...base,
      original: null,
      bitstring: null,
      bitstringLength: 0,
      hOriginal: conditioned ? null : 0,
      hBitstring: conditioned ? 0 : null,
      assessed: 0,
      warnings,
    };
  }
  if (data.length < MIN_SAMPLES) warnings.push(`data contains less than ${MIN_SAMPLES} samples`);

  let bitstring: EntropyEstimate[] | null = null;
  let hBitstring: number | null = null;
  let bitstringLength = 0;
  let truncated = false;
  const wantBitstring = conditioned || (opts.tracks ?? 'both') === 'both';
  if ((k > 2 && wantBitstring) || conditioned) {
    const full = data.length * bits;
    const maxBits = truncate ? TRUNCATED_BITS : Infinity;
    truncated = full > maxBits;
    const b = bits === 1 ? symbols.slice(0, Math.min(full, maxBits)) : toBitstring(masked, bits, maxBits);
    bitstringLength = b.length;
    bitstring = runTrack(b, 2, 'bitstring', opts.onEstimate);
    hBitstring = trackMin(bitstring, 1);
  }
  let original: EntropyEstimate[] | null = null;
  let hOriginal: number | null = null;
  if (!conditioned) {
    original = runTrack(symbols, k, 'original', opts.onEstimate);
    hOriginal = trackMin(original, bits);
  }
  let assessed = bits;
  if (hBitstring !== null) assessed = Math.min(assessed, hBitstring * bits);
  if (hOriginal !== null) assessed = Math.min(assessed, hOriginal);
  return { ...base, truncated, original, bitstring, bitstringLength, hOriginal, hBitstring, assessed, warnings };
}
