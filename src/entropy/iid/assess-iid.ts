/**
 * The IID track of SP 800-90B (§5 tests, §6.1 estimate) as NIST's ea_iid 1.1.7 runs it:
 *
 * 1. symbols = the low `bitsPerSymbol` bits of each byte, renumbered 0..k−1;
 * 2. H_original = the Most Common Value estimate (§6.3.1) of the symbols; for k > 2 also
 *    H_bitstring = MCV of the bitstring (each masked value as `bitsPerSymbol` bits, MSB first);
 *    the assessed min-entropy is min(bitsPerSymbol, H_original, bitsPerSymbol·H_bitstring);
 * 3. the IID assumption is tested with the chi-square tests (§5.2.1, §5.2.2), the longest
 *    repeated substring test (§5.2.3) and the permutation tests (§5.1).
 *
 * The estimate is valid for an IID claim only if all three pass (`iid`). The permutation
 * verdicts use seeded shuffles: deterministic for a seed, independent of `jobs`.
 *
 * Known answer (ea_iid -vv on truerand_8bit.bin): H_original = 7.8651180028995897,
 * H_bitstring = 0.9981992801198275, assessed 7.8651180028995897; chi-square and LRS pass.
 */
import { InputError } from '../../errors.ts';
import { mostCommonValue, type McvEstimate } from '../estimators/mcv.ts';
import { checkWidth, prepareSamples, toBitstring, type PreparedSamples } from '../samples.ts';
import type { ChiSquareTests } from './chi-square.ts';
import type { LrsTestResult } from './lrs-test.ts';
import { baselineStatistics } from './permutation.ts';
import { runPermutationTests, type PermutationTestsResult } from './permutation-runner.ts';

export interface AssessIidOptions {
  bitsPerSymbol: number;
  /** Seed of the permutation shuffles (default DEFAULT_SEED). */
  seed?: number;
  /** Worker threads for the permutation rounds (default 1). */
  jobs?: number;
  /** Maximum permutation rounds (default 10,000). */
  shuffles?: number;
  /** Name of the input in error messages. */
  source?: string;
  /** Progress of the permutation rounds (done, maximum); results do not depend on it. */
  onProgress?: (done: number, shuffles: number) => void;
}

export interface IidAssessment {
  bitsPerSymbol: number;
  samples: number;
  /** Distinct symbols present (the alphabet size the tests use). */
  distinctSymbols: number;
  rawMean: number;
  median: number;
  mcv: McvEstimate;
  /** MCV of the bitstring; null for binary data (k = 2), as the reference. */
  bitstringMcv: McvEstimate | null;
  H_original: number;
  H_bitstring: number | null;
  /** min(bitsPerSymbol, H_original, bitsPerSymbol·H_bitstring). */
  minEntropy: number;
  chiSquare: ChiSquareTests;
  lrs: LrsTestResult;
  permutation: PermutationTestsResult;
  /** All three IID tests passed: the MCV estimate may be used as the IID min-entropy. */
  iid: boolean;
  warnings: string[];
}

export interface IidEstimate {
  mcv: McvEstimate;
  bitstringMcv: McvEstimate | null;
  H_original: number;
  H_bitstring: number | null;
  minEntropy: number;
}

/**
 * The IID-track estimate of ea_iid (§6.1 via the MCV estimate of §6.3.1): H_original from the
 * symbols; for k > 2 also H_bitstring from the bitstring of the masked values; assessed =
 * min(bitsPerSymbol, H_original, bitsPerSymbol·H_bitstring).
 */
export function iidEstimate(prepared: PreparedSamples): IidEstimate {
  const { symbols, k, masked, bitsPerSymbol: bits } = prepared;
  const mcv = mostCommonValue(symbols, k);
  const bitstringMcv = k > 2 ? mostCommonValue(toBitstring(masked, bits), 2) : null;
  const H_original = mcv.hMin ?? bits;
  const H_bitstring = bitstringMcv ? (bitstringMcv.hMin ?? 1) : null;
  let minEntropy = Math.min(bits, H_original);
  if (H_bitstring !== null) minEntropy = Math.min(minEntropy, bits * H_bitstring);
  return { mcv, bitstringMcv, H_original, H_bitstring, minEntropy };
}

/** Fewest samples we accept: the goodness-of-fit test needs ten non-trivial blocks. */
export const MIN_IID_SAMPLES = 100;

export async function assessIid(data: Uint8Array, opts: AssessIidOptions): Promise<IidAssessment> {
  const source = opts.source ?? 'input';
  const bits = opts.bitsPerSymbol;
  checkWidth(data, bits, source);
  if (data.length < MIN_IID_SAMPLES) {
    throw new InputError(`${source}: ${data.length} samples, expected at least ${MIN_IID_SAMPLES} for the IID tests`);
  }
  if (opts.shuffles !== undefined && (!Number.isInteger(opts.shuffles) || opts.shuffles < 1)) {
    throw new InputError(`shuffles: expected a positive integer, got ${String(opts.shuffles)}`);
  }
  const prepared = prepareSamples(data, bits);
  const { symbols, k, symbolValue } = prepared;
  if (k < 2) {
    throw new InputError(`${source}: every sample is ${symbolValue[0]}; a single-symbol source has no entropy to assess`);
  }
  const warnings: string[] = [];
  if (data.length < 1_000_000) warnings.push(`${data.length} samples: SP 800-90B asks for at least 1,000,000`);

  const { mcv, bitstringMcv, H_original, H_bitstring, minEntropy } = iidEstimate(prepared);

  const { rawMean, median } = baselineStatistics(symbols, symbolValue, k);
  const { sideTests, ...permutation } = await runPermutationTests(
    { symbols, values: symbolValue, k, rawMean, median },
    {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.shuffles !== undefined ? { shuffles: opts.shuffles } : {}),
      ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
      ...(opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {}),
      sideTests: true,
    },
  );
  if (sideTests === undefined) throw new Error('assessIid: the chi-square and LRS tests did not run');
  const { chiSquare, lrs } = sideTests;
  return {
    bitsPerSymbol: bits,
    samples: data.length,
    distinctSymbols: k,
    rawMean,
    median,
    mcv,
    bitstringMcv,
    H_original,
    H_bitstring,
    minEntropy,
    chiSquare,
    lrs,
    permutation,
    iid: chiSquare.pass && lrs.pass && permutation.pass,
    warnings,
  };
}
