import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.test.ts';
import { DATA_DIR } from '../entropy/estimators/reference.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const tmp = tempDir('estimate-test-');
const expected = (name: string) =>
  JSON.parse(readFileSync(`${DATA_DIR}expected/${name}.json`, 'utf8')) as {
    non_iid: { H_original: number; H_bitstring: number | null; min_entropy: number };
  };

test('estimate prints each estimator per track and the assessed entropy of rand4_short as ea_non_iid', async () => {
  const r = await runCli(['estimate', `${DATA_DIR}rand4_short.bin`, '4']);
  assert.equal(r.code, 0);
  assert.match(r.err, /warning: .*10000 samples, SP 800-90B asks for at least 1000000/);
  assert.match(r.out, /MultiMMC\s+6\.3\.9\s+\d\.\d{6}\s+\d\.\d{6}/);
  assert.match(r.out, /Collision\s+6\.3\.2\s+0\.898179/);
  const exp = expected('rand4_short').non_iid;
  assert.match(r.out, new RegExp(`Assessed min-entropy: ${exp.min_entropy.toFixed(6)} bits per 4-bit sample`));
});

test('estimate --json carries the full data and infers the width from the highest bit set', async () => {
  const r = await runCli(['estimate', `${DATA_DIR}rand8_short.bin`, '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  const exp = expected('rand8_short').non_iid;
  assert.equal(j.bitsPerSymbol, 8);
  assert.ok(Math.abs(j.assessed - exp.min_entropy) < 1e-6);
  assert.ok(Math.abs(j.hOriginal - exp.H_original) < 1e-6);
  assert.ok(Math.abs(j.hBitstring - exp.H_bitstring!) < 1e-6);
  assert.equal(j.original.length, 7);
  assert.equal(j.bitstring.length, 10);
  assert.ok(typeof j.original[0].pHat === 'number');
});

test('--claimed: exit 1 below the claim, 0 at or under the assessed value', async () => {
  const exp = expected('rand1_short').non_iid.min_entropy;
  const low = await runCli(['estimate', `${DATA_DIR}rand1_short.bin`, '1', '--claimed', String(exp - 0.01)]);
  assert.equal(low.code, 0);
  const high = await runCli(['estimate', `${DATA_DIR}rand1_short.bin`, '1', '--claimed', String(exp + 0.01)]);
  assert.equal(high.code, 1);
  assert.match(high.err, /below the claimed/);
});

test('a byte wider than the declared width is exit 2 naming the offset and value', async () => {
  const f = join(tmp, 'wide.bin');
  writeFileSync(f, Uint8Array.of(0, 1, 1, 0, 3, 1));
  const r = await runCli(['estimate', f, '1']);
  assert.equal(r.code, 2);
  assert.match(r.err, /wide\.bin: byte 4 is 3 \(0x03\)/);
  // with --offset the offset named is still the file's
  const o = await runCli(['estimate', f, '1', '--offset', '2']);
  assert.equal(o.code, 2);
  assert.match(o.err, /byte 4 is 3/);
});

test('--bits gives the width as health takes it: the same result as bits_per_symbol; both must agree', async () => {
  const f = `${DATA_DIR}rand4_short.bin`;
  // 6 bits, wider than the 4 the data would be inferred to have: the flag is what sets it.
  const positional = await runCli(['estimate', f, '6', '--json']);
  const flag = await runCli(['estimate', f, '--bits', '6', '--json']);
  assert.equal(flag.code, 0);
  assert.equal(JSON.parse(flag.out).bitsPerSymbol, 6);
  assert.deepEqual(JSON.parse(flag.out).assessed, JSON.parse(positional.out).assessed);
  assert.equal((await runCli(['estimate', f, '4', '--bits', '4'])).code, 0);
  const both = await runCli(['estimate', f, '4', '--bits', '5']);
  assert.equal(both.code, 2);
  assert.match(both.err, /bits_per_symbol 4 and --bits 5: give the width once/);
  const bad = await runCli(['estimate', f, '--bits', '9']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--bits: expected 1\.\.8, found 9/);
});

test('missing and empty files are exit 2', async () => {
  const missing = await runCli(['estimate', join(tmp, 'nope.bin')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.bin: no such file/);
  const f = join(tmp, 'empty.bin');
  writeFileSync(f, new Uint8Array(0));
  const empty = await runCli(['estimate', f]);
  assert.equal(empty.code, 2);
  assert.match(empty.err, /empty/);
});

test('--packed-bits unpacks MSB first and gives the same result as one bit per byte', async () => {
  const bits = new Uint8Array(readFileSync(`${DATA_DIR}rand1_short.bin`)).subarray(0, 8000);
  const packed = new Uint8Array(1000);
  for (let i = 0; i < 8000; i++) packed[i >> 3]! |= (bits[i]! & 1) << (7 - (i & 7));
  const fp = join(tmp, 'packed.bin');
  const fu = join(tmp, 'unpacked.bin');
  writeFileSync(fp, packed);
  writeFileSync(fu, bits);
  const a = JSON.parse((await runCli(['estimate', fp, '--packed-bits', '--json'])).out);
  const b = JSON.parse((await runCli(['estimate', fu, '1', '--json'])).out);
  assert.equal(a.samples, 8000);
  assert.equal(a.assessed, b.assessed);
});

test('--offset/--samples assess one block; --conditioned reports the bitstring track only', async () => {
  const r = await runCli(['estimate', `${DATA_DIR}rand8_short.bin`, '8', '--offset', '5000', '--samples', '5000', '--conditioned', '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  assert.equal(j.samples, 5000);
  assert.equal(j.original, null);
  assert.equal(j.bitstringLength, 40000);
  assert.ok(Math.abs(j.assessed - Math.min(8, 8 * j.hBitstring)) < 1e-12);
  const past = await runCli(['estimate', `${DATA_DIR}rand8_short.bin`, '--offset', '10000']);
  assert.equal(past.code, 2);
});

test('estimate --help teaches with examples and exit codes', async () => {
  const r = await runCli(['estimate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Examples:/);
  assert.match(r.out, /--claimed/);
  assert.match(r.out, /Exit status/);
});

test('estimate --iid runs the IID track: its MCV figures equal ea_non_iid\'s MCV on rand8_short', async () => {
  const r = await runCli(['estimate', `${DATA_DIR}rand8_short.bin`, '8', '--iid', '--seed', '1', '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  const mcv = (JSON.parse(readFileSync(`${DATA_DIR}expected/rand8_short.json`, 'utf8')) as {
    non_iid: { estimators: { MCV: { original: number; bitstring: number } } };
  }).non_iid.estimators.MCV;
  assert.equal(j.track, 'iid');
  assert.ok(Math.abs(j.H_original - mcv.original) < 1e-6);
  assert.ok(Math.abs(j.H_bitstring - mcv.bitstring) < 1e-6);
  assert.equal(typeof j.iid, 'boolean');
  const text = await runCli(['estimate', `${DATA_DIR}rand8_short.bin`, '8', '--iid', '--seed', '1']);
  assert.match(text.out, /permutation tests \(§5\.1\): +(pass|FAIL)/);
  assert.match(text.out, /Assessed min-entropy: \d\.\d{6} bits per 8-bit sample/);
});

test('estimate --iid passes --shuffles and --jobs through; the verdict does not depend on --jobs', async () => {
  const args = ['estimate', `${DATA_DIR}rand1_short.bin`, '1', '--iid', '--seed', '7', '--shuffles', '40', '--json'];
  const one = JSON.parse((await runCli(args)).out);
  const two = JSON.parse((await runCli([...args, '--jobs', '2'])).out);
  assert.equal(one.permutation.shuffles, 40);
  assert.ok(one.permutation.rounds <= 40);
  assert.deepEqual(two.permutation, one.permutation);
  assert.match((await runCli(args)).err, /deviates from the standard/);
  for (const bad of [['--shuffles', '0'], ['--jobs', 'two']]) {
    const r = await runCli(['estimate', `${DATA_DIR}rand1_short.bin`, '1', '--iid', ...bad]);
    assert.equal(r.code, 2, bad.join(' '));
  }
});
