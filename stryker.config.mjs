// StrykerJS mutation testing (`npm run mutate`; not part of `npm test`: it is slow).
// The command runner runs node:test through tsx: no Stryker plugin for node:test exists, and
// without per-test coverage every mutant reruns the scope's tests, so a run is scoped to one
// folder of the security policy: MUTATE_SCOPE=devices|firmware|verdicts|gate (default verdicts).
// HTML report: reports/mutation/<scope>.html (not committed).
const SCOPES = {
  devices: { mutate: ['src/devices/**/*.ts'], tests: ['test/devices/*.test.ts'] },
  firmware: { mutate: ['src/firmware/**/*.ts'], tests: ['test/firmware/*.test.ts'] },
  verdicts: {
    mutate: ['src/scenario/verdict.ts', 'src/scenario/expectation.ts', 'src/scenario/metrics.ts'],
    tests: ['test/scenario/verdict.test.ts', 'test/scenario/expectation.test.ts'],
  },
  gate: { mutate: ['src/report/gate.ts', 'src/report/gate-config.ts'], tests: ['test/report/gate.test.ts'] },
};
const scope = process.env.MUTATE_SCOPE ?? 'verdicts';
const chosen = SCOPES[scope];
if (chosen === undefined) {
  process.stderr.write(`MUTATE_SCOPE: expected one of ${Object.keys(SCOPES).join(', ')}, found '${scope}'\n`);
  process.exit(2);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: { command: `node --import tsx --test ${chosen.tests.join(' ')}` },
  mutate: chosen.mutate,
  coverageAnalysis: 'off',
  // The repo's TypeScript 7 has no JS compiler API for Stryker's tsconfig rewriting; tsx strips
  // types without a tsconfig, so point Stryker at none (type checks stay `npm test`'s job).
  tsconfigFile: 'stryker-no-tsconfig.json',
  concurrency: 2,
  timeoutMS: 120000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  ignorePatterns: ['reports', 'out', 'bench/out'],
  thresholds: { high: 90, low: 85, break: null },
};
