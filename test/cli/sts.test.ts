import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { frequency } from '../../src/sts/frequency.ts';
import { STS_TEST_NAMES } from '../../src/sts/types.ts';
import { assertPValues, loadReference, STS_DATA_DIR } from '../sts/helpers.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function sts(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'entropy-bench', 'sts', ...args], { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

const dir = tempDir('sts-cli-');
const E = `${STS_DATA_DIR}data.e`;

interface JsonOut {
  n: number;
  streams: number;
  results: { stream: number; offset: number; tests: Record<string, { status: string; pValues: number[]; reason?: string }> }[];
  secondLevel?: { test: string; sampleSize: number; passed: number }[];
  verdict: { verdict: string; method: string };
}

test('data.e, full battery, --json: every P-value equals sts-2.1.2; verdict pass, exit 0', async () => {
  const r = await sts([E, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as JsonOut;
  assert.equal(j.n, 1_000_000);
  const ref = loadReference('data.e');
  const got = j.results[0]!.tests;
  assert.deepEqual(Object.keys(got), [...STS_TEST_NAMES]);
  for (const name of STS_TEST_NAMES) assertPValues(got[name]!.pValues, ref.expected[name]!, `data.e ${name}`);
  assert.equal(j.verdict.verdict, 'pass');
  assert.doesNotMatch(r.out, /NaN|Infinity/);
});

test('readable table for chosen tests (case-insensitive names), no progress line without a TTY', async () => {
  const r = await sts([`${STS_DATA_DIR}data.pi`, '--tests', 'frequency,RUNS,fft', '--bits', '100000']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Frequency\s+0\.\d{6}\s+pass/m);
  assert.match(r.out, /^Runs\s+/m);
  assert.match(r.out, /^FFT\s+/m);
  assert.doesNotMatch(r.out, /BlockFrequency/);
  assert.match(r.out, /Verdict: PASS/);
  assert.equal(r.err, '');
});

test('--streams splits the input into consecutive sequences; second level in JSON', async () => {
  const r = await sts([E, '--bits', '100000', '--streams', '10', '--tests', 'frequency,cumulativesums', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as JsonOut;
  assert.equal(j.results.length, 10);
  const bits = loadReference('data.e').bits;
  for (const s of [0, 3, 9]) {
    assert.equal(j.results[s]!.offset, s * 100000);
    assert.deepEqual(j.results[s]!.tests.Frequency!.pValues, frequency(bits.slice(s * 100000, 100000)).pValues);
  }
  assert.equal(j.secondLevel!.length, 3); // Frequency + Cusum forward/reverse
  assert.equal(j.secondLevel![0]!.sampleSize, 10);
  assert.equal(j.verdict.method, 'pooled-binomial');
});

test('--jobs 2 gives the same results as one thread', async () => {
  const args = [E, '--bits', '250000', '--streams', '4', '--tests', 'frequency,rank,fft,longestrun', '--json'];
  const one = JSON.parse((await sts(args)).out) as JsonOut;
  const two = await sts([...args, '--jobs', '2']);
  assert.equal(two.code, 0, two.err);
  assert.deepEqual((JSON.parse(two.out) as JsonOut).results, one.results);
});

test('a biased generator fails: exit 1', async () => {
  // 70 % ones: Frequency P ≈ 0, far below the Bonferroni bar.
  const bytes = new Uint8Array(20000);
  let x = 1;
  for (let i = 0; i < bytes.length; i++) {
    let b = 0;
    for (let k = 0; k < 8; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      b = (b << 1) | ((x >>> 16) % 10 < 7 ? 1 : 0);
    }
    bytes[i] = b;
  }
  const f = join(dir, 'biased.bin');
  writeFileSync(f, bytes);
  const r = await sts([f, '--format', 'binary', '--tests', 'frequency,runs,cumulativesums']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /Verdict: FAIL/);
  assert.match(r.out, /^Runs\s+—\s+n\/a\s+frequency pre-test failed/m);
});

test('missing file → exit 2 naming it', async () => {
  const r = await sts([join(dir, 'nope.bin')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /nope\.bin: no such file/);
});

test('empty file → exit 2', async () => {
  const f = join(dir, 'empty.txt');
  writeFileSync(f, '');
  const r = await sts([f]);
  assert.equal(r.code, 2);
  assert.match(r.err, /empty input/);
});

test('bad character in ASCII mode → exit 2 with its byte offset', async () => {
  const f = join(dir, 'bad.txt');
  writeFileSync(f, '0101 1101\n01x1');
  const r = await sts([f, '--format', 'ascii', '--tests', 'frequency']);
  assert.equal(r.code, 2);
  assert.match(r.err, /byte offset 12 is 'x'/);
});

test('fewer bits than --bits × --streams → exit 2 saying how many there are', async () => {
  const f = join(dir, 'short.txt');
  writeFileSync(f, '01'.repeat(1000));
  const r = await sts([f, '--bits', '1000', '--streams', '3', '--tests', 'frequency']);
  assert.equal(r.code, 2);
  assert.match(r.err, /has 2000 bits, but 3 stream\(s\) of 1000 bits need 3000/);
});

test('too few bits for the chosen tests → exit 2 naming them', async () => {
  const r = await sts([E, '--bits', '100000']);
  assert.equal(r.code, 2);
  assert.match(r.err, /100000 bits per stream is too few for .*OverlappingTemplate \(needs 1000000\)/);
});

test('unknown test → exit 2 listing the valid names', async () => {
  const r = await sts([E, '--tests', 'frequency,monobit']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown test 'monobit', expected some of: Frequency, BlockFrequency, CumulativeSums/);
});

test('parameter out of range → exit 2 naming the parameter and its range', async () => {
  let r = await sts([E, '--serial-m', '40', '--tests', 'serial']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--serial-m 40: expected an integer in 2\.\.24/);
  r = await sts([E, '--linear-complexity-m', '100']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--linear-complexity-m 100: expected an integer in 500\.\.5000/);
  r = await sts([E, '--alpha', '1.5']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--alpha 1\.5: expected a number in \(0, 1\)/);
  r = await sts([E, '--format', 'base64']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--format base64/);
});

test('per-test parameters reach the test (--block-frequency-m, --serial-m)', async () => {
  const r = await sts([E, '--tests', 'blockfrequency,serial', '--block-frequency-m', '10000', '--serial-m', '5', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { params: Record<string, Record<string, unknown>> };
  assert.equal(j.params.BlockFrequency!.M, 10000);
  assert.equal(j.params.Serial!.m, 5);
});

test('--help teaches: examples and exit status', async () => {
  const r = await sts(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Examples:/);
  assert.match(r.out, /--block-frequency-m/);
  assert.match(r.out, /Exit status: 0 = the verdict passes/);
});

test('progress goes to stderr only on a terminal', async () => {
  let err = '';
  let out = '';
  const args = ['node', 'entropy-bench', 'sts', E, '--bits', '100000', '--streams', '3', '--tests', 'frequency'];
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), isTTY: true });
  assert.equal(code, 0, err);
  assert.match(err, /\rsts: stream 3\/3\n$/);
  assert.doesNotMatch(out, /stream 3\/3/);
});

test('insufficient data is not a FAIL: data.sha1 has J = 412 < 500 cycles, so RandomExcursions alone gives no P-value → exit 0, verdict insufficient-data', async () => {
  const sha1 = `${STS_DATA_DIR}data.sha1`;
  const r = await sts([sha1, '--tests', 'randomexcursions']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /Verdict: INSUFFICIENT DATA/);
  assert.match(r.out, /J = 412 cycles < 500/);
  assert.match(r.out, /not a pass and not a FAIL/);
  assert.doesNotMatch(r.out, /Verdict: FAIL/);
  const j = await sts([sha1, '--tests', 'randomexcursions', '--json']);
  assert.equal(j.code, 0, j.err);
  const out = JSON.parse(j.out) as JsonOut;
  assert.equal(out.verdict.verdict, 'insufficient-data');
  assert.equal(out.results[0]!.tests.RandomExcursions!.status, 'not-applicable');
});

test('a binary file is read stream by stream: data.sha1 (auto-detected binary) gives sts-2.1.2 P-values, --jobs 2 the same', async () => {
  const sha1 = `${STS_DATA_DIR}data.sha1`;
  const ref = loadReference('data.sha1');
  const r = await sts([sha1, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as JsonOut & { input: { format: string; bitsRead: number } };
  assert.equal(j.input.bitsRead, 1_000_000);
  const got = j.results[0]!.tests;
  for (const name of STS_TEST_NAMES) {
    if (ref.status[name]?.startsWith('not_applicable')) assert.equal(got[name]!.status, 'not-applicable', name);
    else assertPValues(got[name]!.pValues, ref.expected[name]!, `data.sha1 ${name}`);
  }
  const args = [sha1, '--format', 'binary', '--bits', '99999', '--streams', '10', '--tests', 'frequency,blockfrequency,fft', '--json'];
  const one = JSON.parse((await sts(args)).out) as JsonOut;
  const two = await sts([...args, '--jobs', '2']);
  assert.equal(two.code, 0, two.err);
  assert.deepEqual((JSON.parse(two.out) as JsonOut).results, one.results);
  assert.equal(one.results[7]!.offset, 7 * 99999);
});
