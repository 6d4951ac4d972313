import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xoshiro128 } from '../../src/entropy/iid/shuffle.ts';
import { runCli } from './cli.test.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const dir = tempDir('eb-restart-');

function uniform(bits: number, seed: number): Uint8Array {
  const g = new Xoshiro128(seed);
  return new Uint8Array(1_000_000).map(() => g.nextU32() >>> (32 - bits));
}

test('restart --iid: a uniform 4-bit source validates H_I = 3.5 (exit 0)', async () => {
  const p = join(dir, 'good.bin');
  writeFileSync(p, uniform(4, 5));
  const r = await runCli(['restart', p, '4', '3.5', '--iid']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Sanity check/);
  assert.match(r.out, /validated min-entropy min\(H_r, H_c, H_I\) = 3\.500000/);
});

test('restart: identical restarts fail the sanity check (exit 1), JSON says why', async () => {
  const row = uniform(8, 6).subarray(0, 1000);
  const data = new Uint8Array(1_000_000);
  for (let i = 0; i < 1000; i++) data.set(row, i * 1000);
  const p = join(dir, 'same.bin');
  writeFileSync(p, data);
  const r = await runCli(['restart', p, '8', '6', '--iid', '--json']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out) as { sanityPass: boolean; colMax: { count: number }; pass: boolean };
  assert.equal(j.sanityPass, false);
  assert.equal(j.colMax.count, 1000);
  assert.equal(j.pass, false);
});

test('restart: not exactly 10^6 samples, bad bits or H_I are exit 2', async () => {
  const p = join(dir, 'short.bin');
  writeFileSync(p, new Uint8Array(12345));
  const r = await runCli(['restart', p, '8', '4']);
  assert.equal(r.code, 2);
  assert.match(r.err, /12345 samples, expected exactly 1000000/);
  assert.equal((await runCli(['restart', p, '9', '4'])).code, 2);
  const q = join(dir, 'full.bin');
  writeFileSync(q, uniform(2, 7));
  assert.equal((await runCli(['restart', q, '2', '3'])).code, 2); // H_I > bits
  assert.equal((await runCli(['restart', q, '2', 'x'])).code, 2);
});

test('restart --help explains the data layout and both checks', async () => {
  const r = await runCli(['restart', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /row-major/);
  assert.match(r.out, /Sanity check/);
  assert.match(r.out, /H_I\/2/);
  assert.match(r.out, /Examples:/);
});
