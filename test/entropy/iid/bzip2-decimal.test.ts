import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bzip2CodeLengths, DecimalBzip2 } from '../../../src/entropy/iid/bzip2-decimal.ts';
import { bzip2Length, decimalText, loadBzip2 } from '../../../src/entropy/iid/compression.ts';
import { xorshift32 } from '../../helpers/xorshift.ts';

const VALUES = Array.from({ length: 256 }, (_, v) => v);

/** Samples from a seeded generator: `pick(rng)` gives each one. */
function samples(n: number, seed: number, pick: (next: () => number, i: number) => number): Uint8Array {
  const next = xorshift32(seed);
  return Uint8Array.from({ length: n }, (_, i) => pick(next, i));
}

function walk(n: number, seed: number): Uint8Array {
  let x = 128;
  return samples(n, seed, (next) => (x = (x + (next() & 1 ? 1 : 255)) & 255));
}

test("DecimalBzip2: libbzip2's compressed length, byte for byte, on the statistic's texts", async () => {
  const bz = await loadBzip2();
  const d = new DecimalBzip2();
  const cases: [string, Uint8Array, ArrayLike<number>][] = [];
  for (const n of [100, 101, 999, 5_000, 30_000]) {
    for (let seed = 1; seed <= 6; seed++) {
      cases.push([`bytes n=${n} seed ${seed}`, samples(n, seed, (next) => next() & 255), VALUES]);
      cases.push([`bits n=${n} seed ${seed}`, samples(n, 100 + seed, (next) => next() & 1), VALUES]);
      cases.push([`3 values n=${n} seed ${seed}`, samples(n, 200 + seed, (next) => (next() >>> 8) % 3), [7, 150, 42]]);
    }
  }
  // Long repeats and periods, where the rotations share long prefixes (prefix doubling), and
  // texts of two and more blocks (≥ 499,981 bytes each), whose ends fall in and after words.
  // The last word "222" joins the first "2 " where the block wraps: "2222 " holds no run of the text.
  cases.push(['wrap 222|2', samples(3_000, 8, (next, i) => (i === 0 ? 2 : i === 2_999 ? 222 : next() & 255)), VALUES]);
  cases.push(['constant', new Uint8Array(20_000).fill(42), VALUES]);
  cases.push(['period 2', samples(20_001, 1, (_, i) => (i % 2 ? 200 : 3)), VALUES]);
  cases.push(['period 7', samples(20_000, 1, (_, i) => [1, 22, 133, 4, 55, 6, 77][i % 7]!), VALUES]);
  cases.push(['random walk', walk(50_000, 9), VALUES]);
  cases.push(['repeated block', samples(40_000, 5, (next, i) => (i < 20_000 ? next() & 255 : 0)).map((v, i, a) => (i < 20_000 ? v : a[i - 20_000]!)), VALUES]);
  cases.push(['2 blocks, bytes', samples(200_000, 77, (next) => next() & 255), VALUES]);
  cases.push(['3 blocks, constant', new Uint8Array(1_000_000).fill(42), VALUES]);
  cases.push(['2 blocks, walk', walk(300_000, 3), VALUES]);
  cases.push(['2 blocks, bits', samples(600_000, 11, (next) => next() & 1), VALUES]);
  for (const [name, symbols, values] of cases) {
    const text = decimalText(symbols, values);
    assert.equal(d.length(text), bzip2Length(bz, text), `${name} (${text.length} bytes)`);
  }
});

test('DecimalBzip2: −1 (libbzip2 must say) for bytes other than digits and spaces, runs of 4, double spaces', () => {
  const d = new DecimalBzip2();
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s.repeat(50));
  assert.equal(d.length(enc('12 34 x ')), -1);
  assert.equal(d.length(enc('12 1111 3 ')), -1); // bzip2's first stage would shorten the run
  assert.equal(d.length(enc('12  3 ')), -1);
  assert.equal(d.length(enc('12 123456789 ')), -1); // too long a word
  assert.notEqual(d.length(enc('12 111 3 ')), -1);
  assert.equal(d.length(new Uint8Array(0)), 14); // header and trailer: what libbzip2 writes for no input
});

test('DecimalBzip2: with `above`, a length over it may stop early, and then exceeds it without exceeding the whole', async () => {
  const bz = await loadBzip2();
  const d = new DecimalBzip2();
  const text = decimalText(samples(400_000, 21, (next) => next() & 255), VALUES);
  const whole = bzip2Length(bz, text);
  assert.equal(d.length(text, 5, whole), whole); // not over: exact
  const early = d.length(text, 5, 1000);
  assert.ok(early > 1000 && early < whole, `${early} of ${whole}`);
});

test('bzip2CodeLengths: a complete prefix code, at most 17 bits, even where frequencies call for longer codes', () => {
  // Fibonacci frequencies make a Huffman code as deep as the alphabet: bzip2 halves them until
  // every length is ≤ 17.
  const fib = [1, 1];
  while (fib.length < 30) fib.push(fib[fib.length - 1]! + fib[fib.length - 2]!);
  const len = new Uint8Array(fib.length);
  bzip2CodeLengths(fib, fib.length, 17, len);
  assert.ok(Math.max(...len) <= 17 && Math.min(...len) >= 1);
  const kraft = len.reduce((s, l) => s + 2 ** -l, 0);
  assert.equal(kraft, 1, `Kraft sum ${kraft}`);
  // Without the limit the deepest codes are 29 bits.
  bzip2CodeLengths(fib, fib.length, 40, len);
  assert.equal(Math.max(...len), 29);
  // Frequencies 0 count as 1; two symbols get one bit each.
  bzip2CodeLengths([0, 5], 2, 17, len);
  assert.deepEqual([...len.subarray(0, 2)], [1, 1]);
});
