/**
 * bench/estimate-versus-c.ts: without EA_DIR it says how to enable the reference and still
 * measures ours; with one it runs ea_non_iid / ea_iid on the same files (here stand-in
 * scripts that record their arguments and thread count) and prints ours/theirs ratios.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir.ts';
import { runBenchScript } from '../helpers/bench-script.ts';

function bench(args: string[], env: Record<string, string>): { code: number | null; out: string; err: string } {
  return runBenchScript('estimate-versus-c.ts', args, { EA_DIR: '', ...env });
}

test('no EA_DIR: the reference is skipped with the variable to set, ours is still measured on every case', () => {
  const r = bench(['--samples', '20000'], {});
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /ea: skipped \(set EA_DIR/);
  for (const label of ['non-IID 1-bit', 'non-IID 8-bit', 'IID 8-bit, 1 thread', 'IID 8-bit, 2 threads']) {
    assert.match(r.out, new RegExp(`^${label}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{2}\\s+\\d+$`, 'm'), label);
  }
});

test('an EA_DIR: each program gets the file, its bit width and its thread count; every row has ratios; costs of several files add up', () => {
  const dir = tempDir('fake-ea-');
  try {
    for (const name of ['ea_non_iid', 'ea_iid']) {
      writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $# $2 $OMP_NUM_THREADS" >> ${join(dir, 'calls.txt')}\ni=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\n`);
      chmodSync(join(dir, name), 0o755);
    }
    const r = bench(['--samples', '20000', '--files', '2'], { EA_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 fresh random files \(costs summed\)/);
    assert.match(r.out, /^IID 8-bit, 2 threads(\s+\d+\.\d+){2}\s+\d+(\s+\d+\.\d+){2}\s+\d+\s+\d+\.\d{2}×\s+\d+\.\d{2}×$/m);
    const calls = readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n');
    // Two files per case: non-IID 1-bit, non-IID 8-bit, IID one thread, IID two threads.
    assert.deepEqual(calls, ['ea_non_iid 2 1 1', 'ea_non_iid 2 1 1', 'ea_non_iid 2 8 1', 'ea_non_iid 2 8 1', 'ea_iid 2 8 1', 'ea_iid 2 8 1', 'ea_iid 2 8 2', 'ea_iid 2 8 2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing reference run is a failure in its cell, not a ratio', () => {
  const dir = tempDir('fake-ea-');
  try {
    for (const name of ['ea_non_iid', 'ea_iid']) {
      writeFileSync(join(dir, name), '#!/bin/sh\necho "cannot open file" >&2\nexit 255\n');
      chmodSync(join(dir, name), 0o755);
    }
    const r = bench(['--samples', '20000'], { EA_DIR: dir });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^non-IID 1-bit.*exit 255: cannot open file.*—\s+—$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
