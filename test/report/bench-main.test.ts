/**
 * bench/main.ts as a subprocess on a small slice (one suite, no scenario) so
 * the test stays short: it must write the five report files, the document must
 * validate, carry the calibration section and the CPU clock, and the benchmark
 * export must be customBiggerIsBetter entries. (The full job is what
 * `npm run bench` and .ci/run do; its wall time is not asserted here.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReportDocument } from '../../src/report/document.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('bench/main.ts --quick --skip-matrix --suites health --rounds 2 writes every report file, per-process samples and provenance', () => {
  const out = tempDir('bench-main-');
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--quick', '--skip-matrix', '--suites', 'health', '--rounds', '2', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });
  assert.deepEqual(readdirSync(out).sort(), ['benchmark.json', 'junit.xml', 'report.html', 'report.json', 'report.md']);
  assert.match(stdout, /quick bench finished in \d+ s/);
  assert.match(stdout, /reports: .*report\.json/);
  const doc = readReportDocument(join(out, 'report.json'));
  assert.equal(doc.run, undefined);
  assert.equal(doc.benchmarks?.clock, 'cpu');
  assert.equal(doc.benchmarks?.quick, true);
  assert.deepEqual(doc.benchmarks?.calibration?.tasks.map((t) => t.name), ['js-scan', 'aes-256-ctr', 'aes-256-gcm', 'sha-256']);
  assert.deepEqual(doc.benchmarks?.suites.map((s) => s.name), ['health']);
  assert.equal(doc.benchmarks?.rounds, 2);
  // The instruction counts span every suite: a --suites run says why it has none.
  assert.deepEqual(doc.benchmarks?.icount, { skipped: 'not measured (--suites selects a subset of the suites)' });
  assert.match(stdout, /^icount: skipped: not measured \(--suites/m);
  assert.deepEqual(doc.benchmarks?.runner, { time: 40, iterations: 2, warmupTime: 10, warmupIterations: 1, clock: 'cpu' });
  for (const t of [...doc.benchmarks!.calibration!.tasks, ...doc.benchmarks!.suites[0]!.tasks]) {
    assert.equal(t.processMs?.length, 2, `${t.name}: one median per process`);
    assert.ok(t.throughput > 0 && t.samples >= 4, `${t.name}: ≥ 2 calls in each of 2 processes`);
  }
  assert.match(doc.source?.commit ?? '', /^[0-9a-f]{40}$/);
  assert.equal(typeof doc.source?.dirty, 'boolean');
  const entries = JSON.parse(readFileSync(join(out, 'benchmark.json'), 'utf8')) as Array<{ name: string; unit: string; value: number }>;
  assert.ok(entries.some((e) => e.name === 'health/rct+apt 8-bit vs calibration/js-scan' && e.unit === 'ratio' && e.value > 0));
});

test('bench/main.ts: bad flags exit 2 with one line (unknown suite names the suites it has)', () => {
  for (const [args, re] of [
    [['--suites', 'nope'], /^bench: --suites: unknown suite\(s\) nope; have sts, entropy, health, drbg, smm, sim, matrix\n$/],
    [['--frobnicate'], /^bench: Unknown option '--frobnicate'.*\(run with --help for usage\)\n$/],
  ] as const) {
    assert.throws(
      () => execFileSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--quick', '--skip-matrix', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      (e: unknown) => {
        const err = e as { status?: number; stderr?: string };
        assert.equal(err.status, 2);
        assert.match(String(err.stderr), re);
        return true;
      },
    );
  }
});
