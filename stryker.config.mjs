// StrykerJS mutation testing (`npm run mutate`, driven by scripts/mutate.mjs; not part of `npm test`).
// The command runner runs node:test through tsx: no Stryker plugin for node:test exists, so there is
// no per-test coverage (coverageAnalysis 'off') and every mutant reruns the whole command. To keep a
// mutant cheap, each scope of the security policy is split into units, one Stryker run per unit,
// whose command runs only the test files that exercise that unit's sources (MUTATE_SCOPE, MUTATE_UNIT).
import { SCOPES } from './scripts/mutate-scopes.mjs';

const scope = process.env.MUTATE_SCOPE ?? '';
const unitName = process.env.MUTATE_UNIT ?? '';
const unit = SCOPES[scope]?.[unitName];
if (unit === undefined) {
  process.stderr.write(`MUTATE_SCOPE/MUTATE_UNIT: no unit '${scope}/${unitName}'; run npm run mutate -- SCOPE [UNIT]\n`);
  process.exit(2);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  // scripts/mutate-tests.mjs runs the unit's test files in one process (no process per file).
  commandRunner: { command: `node --import tsx scripts/mutate-tests.mjs ${unit.tests.join(' ')}` },
  mutate: process.env.MUTATE_RANGE ? process.env.MUTATE_RANGE.split(',') : unit.mutate,
  coverageAnalysis: 'off',
  // The repo's TypeScript 7 has no JS compiler API for Stryker's tsconfig rewriting; tsx strips
  // types without a tsconfig, so point Stryker at none (type checks stay `npm test`'s job).
  tsconfigFile: 'stryker-no-tsconfig.json',
  // The machine is shared (2 cores): one mutant at a time.
  concurrency: 1,
  // A mutant's time limit is the dry run's time × 1.5 + this; an endless loop costs at most that.
  // MUTATE_TIMEOUT_MS lowers it for units whose mutants often loop (virtio-rng: ~1 in 8 does).
  timeoutMS: Number(process.env.MUTATE_TIMEOUT_MS ?? 20000),
  // Reuse results of unchanged code between runs (scripts/mutate.mjs passes --force when the
  // unit's tests changed: without per-test coverage Stryker cannot see that on its own).
  incremental: true,
  incrementalFile: `reports/mutation/${scope}/${unitName}.incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scope}/${unitName}.html` },
  jsonReporter: { fileName: `reports/mutation/${scope}/${unitName}.json` },
  ignorePatterns: ['reports', 'out', 'bench/out', '.bench-baseline', 'dist'],
  thresholds: { high: 90, low: 85, break: null },
};
