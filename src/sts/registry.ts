/**
 * The SP 800-22 battery as a table: every test under its reference name
 * (sts-2.1.2, `expected/*.json`), its section, its function and the parameters
 * a user may set, each with the reference's default and the valid range. The
 * CLI derives `--tests`, the per-test flags and their validation from it, so a
 * default or a range is written once.
 */
import type { BitSequence } from '../bits/bit-sequence.ts';
import { InputError } from '../errors.ts';
import { APEN_DEFAULT_M, approximateEntropy } from './approximate-entropy.ts';
import { blockFrequency } from './block-frequency.ts';
import { cumulativeSums } from './cumulative-sums.ts';
import { dft } from './dft.ts';
import { frequency } from './frequency.ts';
import { linearComplexity } from './linear-complexity.ts';
import { longestRun } from './longest-run.ts';
import { nonOverlappingTemplate } from './non-overlapping-template.ts';
import { overlappingTemplate } from './overlapping-template.ts';
import { randomExcursionsVariant } from './random-excursions-variant.ts';
import { randomExcursions } from './random-excursions.ts';
import { rank } from './rank.ts';
import { runs } from './runs.ts';
import { serial, SERIAL_DEFAULT_M } from './serial.ts';
import { STS_TEST_NAMES, type StsTestName, type TestResult } from './types.ts';
import { universal } from './universal.ts';

export type TestOptionValue = number | boolean;
export type TestParams = Record<string, TestOptionValue>;

/**
 * One option of an SP 800-22 test (a block length, a template length, …): the CLI flag that
 * sets it and its range. Not a model parameter (src/params/spec.ts ParamSpec): these are the
 * reference tool's per-test inputs, named and checked on their own.
 */
export interface TestOptionSpec {
  /** Key in the test function's params object. */
  key: string;
  /** CLI flag without the dashes, e.g. 'block-frequency-m'. */
  flag: string;
  kind: 'integer' | 'boolean';
  /** The reference's default; undefined when it is derived from n (described in `description`). */
  default?: TestOptionValue;
  /** Inclusive range for integers. */
  min?: number;
  max?: number;
  description: string;
}

export interface StsTestSpec {
  name: StsTestName;
  section: string;
  /** Smallest n the test accepts (SP 800-22 §2.x.7 / docs/model.md §7.4), as text for help. */
  minN: string;
  /**
   * Bits per stream the standard recommends for the test (the number behind
   * `minN`; 100 where it only constrains a parameter). The CLI refuses shorter
   * streams and the battery verdict uses the largest over the chosen tests.
   */
  minBits: number;
  run: (bits: BitSequence, params?: TestParams) => TestResult;
  params: readonly TestOptionSpec[];
}

type AnyTest = (bits: BitSequence, params?: never) => TestResult;
const fn = (f: AnyTest): StsTestSpec['run'] => f as unknown as StsTestSpec['run'];

/** All 15 tests in the reference's order. */
export const STS_REGISTRY: readonly StsTestSpec[] = [
  { name: 'Frequency', section: '§2.1', minN: '100', minBits: 100, run: fn(frequency), params: [] },
  {
    name: 'BlockFrequency',
    section: '§2.2',
    minN: '100',
    minBits: 100,
    run: fn(blockFrequency),
    params: [
      {
        key: 'M',
        flag: 'block-frequency-m',
        kind: 'integer',
        default: 128,
        min: 2,
        max: 1_000_000_000,
        description: 'block length M (the standard recommends M ≥ 20, M > 0.01·n, n/M < 100)',
      },
    ],
  },
  { name: 'CumulativeSums', section: '§2.13', minN: '100', minBits: 100, run: fn(cumulativeSums), params: [] },
  { name: 'Runs', section: '§2.3', minN: '100', minBits: 100, run: fn(runs), params: [] },
  { name: 'LongestRun', section: '§2.4', minN: '128', minBits: 128, run: fn(longestRun), params: [] },
  { name: 'Rank', section: '§2.5', minN: '38,912', minBits: 38912, run: fn(rank), params: [] },
  { name: 'FFT', section: '§2.6', minN: '1,000', minBits: 1000, run: fn(dft), params: [] },
  {
    name: 'NonOverlappingTemplate',
    section: '§2.7',
    minN: 'none (10^6 typical; 8 blocks longer than m)',
    minBits: 100,
    run: fn(nonOverlappingTemplate),
    params: [
      { key: 'm', flag: 'template-m', kind: 'integer', default: 9, min: 2, max: 21, description: 'template length m (aperiodic templates of m bits)' },
      { key: 'blocks', flag: 'template-blocks', kind: 'integer', default: 8, min: 1, max: 100, description: 'number of blocks N' },
    ],
  },
  {
    name: 'OverlappingTemplate',
    section: '§2.8',
    minN: '10^6',
    minBits: 1000000,
    run: fn(overlappingTemplate),
    params: [
      { key: 'm', flag: 'overlapping-template-m', kind: 'integer', default: 9, min: 1, max: 31, description: 'length m of the all-ones template' },
      {
        key: 'corrected',
        flag: 'overlapping-template-corrected',
        kind: 'boolean',
        default: false,
        description: 'use exact class probabilities instead of the reference’s approximation',
      },
    ],
  },
  {
    name: 'Universal',
    section: '§2.9',
    minN: '387,840',
    minBits: 387840,
    run: fn(universal),
    params: [{ key: 'L', flag: 'universal-l', kind: 'integer', min: 6, max: 16, description: 'block length L (default: from n, as sts-2.1.2 chooses it)' }],
  },
  {
    name: 'ApproximateEntropy',
    section: '§2.12',
    minN: 'm < ⌊log2 n⌋ − 5',
    minBits: 100,
    run: fn(approximateEntropy),
    params: [{ key: 'm', flag: 'apen-m', kind: 'integer', default: APEN_DEFAULT_M, min: 1, max: 23, description: 'block length m' }],
  },
  { name: 'RandomExcursions', section: '§2.14', minN: '10^6 (J ≥ 500 cycles)', minBits: 1000000, run: fn(randomExcursions), params: [] },
  { name: 'RandomExcursionsVariant', section: '§2.15', minN: '10^6 (J ≥ 500 cycles)', minBits: 1000000, run: fn(randomExcursionsVariant), params: [] },
  {
    name: 'Serial',
    section: '§2.11',
    minN: 'm < ⌊log2 n⌋ − 2',
    minBits: 100,
    run: fn(serial),
    params: [{ key: 'm', flag: 'serial-m', kind: 'integer', default: SERIAL_DEFAULT_M, min: 2, max: 24, description: 'block length m' }],
  },
  {
    name: 'LinearComplexity',
    section: '§2.10',
    minN: '10^6',
    minBits: 1000000,
    run: fn(linearComplexity),
    params: [
      { key: 'M', flag: 'linear-complexity-m', kind: 'integer', default: 500, min: 500, max: 5000, description: 'block length M' },
      {
        key: 'corrected',
        flag: 'linear-complexity-corrected',
        kind: 'boolean',
        default: false,
        description: 'use π0 = 1/96 and the document’s μ instead of the reference’s constants',
      },
    ],
  },
];

const BY_LOWER = new Map(STS_REGISTRY.map((t) => [t.name.toLowerCase(), t]));

export function testSpec(name: StsTestName): StsTestSpec {
  return BY_LOWER.get(name.toLowerCase())!;
}

/**
 * Parses a comma-separated list of reference test names (case-insensitive) into
 * names in the reference's order; an unknown name is an InputError listing the valid ones.
 */
export function parseTestList(list: string, source = '--tests'): StsTestName[] {
  const wanted = new Set<StsTestName>();
  for (const raw of list.split(',')) {
    const s = raw.trim();
    if (s === '') continue;
    const spec = BY_LOWER.get(s.toLowerCase());
    if (!spec) throw new InputError(`${source}: unknown test '${s}', expected some of: ${STS_TEST_NAMES.join(', ')}`);
    wanted.add(spec.name);
  }
  if (wanted.size === 0) throw new InputError(`${source}: no test named, expected some of: ${STS_TEST_NAMES.join(', ')}`);
  return STS_TEST_NAMES.filter((n) => wanted.has(n));
}

/** Checks one parameter value against its spec; errors name the flag and the range. */
export function checkTestOption(spec: TestOptionSpec, value: TestOptionValue): TestOptionValue {
  if (spec.kind === 'boolean') {
    if (typeof value !== 'boolean') throw new InputError(`--${spec.flag}: expected true or false, got ${String(value)}`);
    return value;
  }
  const v = typeof value === 'number' ? value : Number.NaN;
  if (!Number.isInteger(v) || v < spec.min! || v > spec.max!) {
    throw new InputError(`--${spec.flag} ${String(value)}: expected an integer in ${spec.min}..${spec.max} (${spec.description})`);
  }
  return v;
}

/** Every parameter spec with the test it belongs to (for building CLI flags). */
export function allTestOptionSpecs(): { test: StsTestName; spec: TestOptionSpec }[] {
  return STS_REGISTRY.flatMap((t) => t.params.map((spec) => ({ test: t.name, spec })));
}
