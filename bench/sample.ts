/**
 * One measuring process: `node --import tsx bench/sample.ts [--quick] [--suites a,b]`
 * runs the calibration tasks and the chosen suites once, in this fresh process, with
 * the runner's settings (bench/suite.ts runnerSettings), and prints one JSON object
 * `{ settings, calibration, suites }` on stdout. bench/main.ts starts several of these
 * in turn (bench/rounds.ts) — and, for the side-by-side gate, the same file of the
 * baseline commit's checkout, alternating with ours — because a task's speed varies
 * more between processes than within one.
 */
import { parseArgs } from 'node:util';
import type { SuiteResult } from '../src/report/benchmark-result.ts';
import { runnerSettings, runSuite, type BenchSuite } from './suite.ts';
import { suite as calibration } from './calibration.ts';
import { suite as sts } from './sts.ts';
import { suite as entropy } from './entropy.ts';
import { suite as health } from './health.ts';
import { suite as drbg } from './drbg.ts';
import { suite as smm } from './smm.ts';
import { suite as sim } from './sim.ts';
import { suite as matrix } from './matrix.ts';

/** Every suite bench/main.ts knows, in run order (calibration is always run first). */
export const SUITES: BenchSuite[] = [sts, entropy, health, drbg, smm, sim, matrix];

export interface SampleOutput {
  settings: ReturnType<typeof runnerSettings>;
  calibration: SuiteResult;
  suites: SuiteResult[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, suites: { type: 'string' } } });
  const quick = values.quick!;
  const want = values.suites?.split(',').map((s) => s.trim());
  const chosen = want ? SUITES.filter((s) => want.includes(s.name)) : SUITES;
  const settings = runnerSettings(quick);
  const out: SampleOutput = { settings, calibration: await runSuite(calibration, { quick, settings }), suites: [] };
  for (const s of chosen) {
    process.stderr.write(`.`);
    out.suites.push(await runSuite(s, { quick, settings }));
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench sample: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
