/**
 * bench/sts-versus-c.ts: without the references it says how to enable them and
 * still measures ours; with a reference it drives `assess` through sts-2.1.2's
 * prompts (here a stand-in script that records what it was asked, since the
 * real programs are the user's own builds) and prints ours/theirs ratios.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir.ts';
import { runBenchScript } from '../helpers/bench-script.ts';
import { cheaper } from '../../bench/child-cost.ts';

function bench(args: string[], env: Record<string, string>): { code: number | null; out: string; err: string } {
  return runBenchScript('sts-versus-c.ts', args, { STS_212_DIR: '', STS_V5_DIR: '', ...env });
}

/** A stand-in `assess` in `dir`: `body` (shell), then the final report and exit 1, as a real sts-2.1.2 run ends (its main returns 1). */
function fakeAssess(dir: string, body: string): void {
  writeFileSync(
    join(dir, 'assess'),
    `#!/bin/sh\n${body}\nmkdir -p experiments/AlgorithmTesting && echo done > experiments/AlgorithmTesting/finalAnalysisReport.txt\nexit 1\n`,
  );
  chmodSync(join(dir, 'assess'), 0o755);
}

test('no reference built: each is skipped with the variable to set, ours is still measured', () => {
  const r = bench(['--streams', '1', '--tests', 'frequency'], {});
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sts-2\.1\.2: skipped \(set STS_212_DIR/);
  assert.match(r.out, /v5: skipped \(set STS_V5_DIR/);
  assert.match(r.out, /^Frequency\s+\d+\.\d{3}$/m);
});

test('a reference directory: assess gets the prompts\' answers and the row has a ratio', () => {
  const dir = tempDir('fake-sts-');
  try {
    // Records its arguments and standard input and spends a little CPU.
    fakeAssess(dir, 'echo "$@" >> args.txt\ncat >> answers.txt\ni=0; while [ $i -lt 20000 ]; do i=$((i+1)); done');
    const r = bench(['--streams', '2', '--tests', 'runs,serial'], { STS_V5_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Runs\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d{2}×$/m);
    assert.match(r.out, /^battery \(2 tests\)\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d{2}×$/m);
    assert.deepEqual(readFileSync(join(dir, 'args.txt'), 'utf8').trim().split('\n'), ['1000000 -fast', '1000000 -fast', '1000000 -fast']);
    const asked = readFileSync(join(dir, 'answers.txt'), 'utf8').split('\n');
    // Runs alone: input file, its path, not all tests, mask with test 4, no parameter prompt, 2 streams, binary.
    assert.deepEqual([asked[0], asked[2], asked[3], asked[4], asked[5]], ['0', '0', '000100000000000', '2', '1']);
    // Serial has parameters: one '0' to leave them as they are.
    assert.deepEqual([asked[6], ...asked.slice(8, 13)], ['0', '0', '000000000000010', '0', '2', '1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reference run that writes no final report is a failure in its cell, not a ratio', () => {
  const dir = tempDir('fake-sts-');
  try {
    writeFileSync(join(dir, 'assess'), '#!/bin/sh\ncat > /dev/null\nexit 1\n');
    chmodSync(join(dir, 'assess'), 0o755);
    const r = bench(['--streams', '1', '--tests', 'frequency'], { STS_V5_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Frequency\s+\d+\.\d{3}\s+no finalAnalysisReport\.txt\s+—$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--repeat R runs each side R times in turn and reports the cheapest; a bad R is refused', () => {
  const dir = tempDir('fake-sts-');
  try {
    fakeAssess(dir, 'echo run >> runs.txt\ncat > /dev/null');
    const r = bench(['--streams', '1', '--tests', 'frequency', '--repeat', '3'], { STS_V5_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /best of 3/);
    // (the stand-in spends next to no CPU, so its ratio may be a dash)
    assert.match(r.out, /^Frequency\s+\d+\.\d{3}\s+\d+\.\d{3}\s+(\d+\.\d{2}×|—)$/m);
    assert.equal(readFileSync(join(dir, 'runs.txt'), 'utf8').trim().split('\n').length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = bench(['--repeat', '0'], {});
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--repeat 0: expected a whole number ≥ 1/);
});

test('cheaper keeps the cheaper run, and a failure once seen', () => {
  const a = { cpu: 2 };
  const b = { cpu: 1 };
  const f = { error: 'exit 3' };
  assert.equal(cheaper(undefined, a), a);
  assert.equal(cheaper(a, b), b);
  assert.equal(cheaper(b, a), b);
  assert.equal(cheaper(a, f), f);
  assert.equal(cheaper(f, b), f);
});
