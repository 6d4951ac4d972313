import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerlekampMassey, blockComplexities, EXACT_PI, linearComplexity } from '../../src/sts/linear-complexity.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

/** Textbook Berlekamp–Massey over GF(2), one bit at a time (as in sts-2.1.2). */
function naiveComplexity(s: number[]): number {
  const M = s.length;
  let C = new Array<number>(M + 1).fill(0);
  let B = new Array<number>(M + 1).fill(0);
  C[0] = 1;
  B[0] = 1;
  let L = 0;
  let m = -1;
  for (let N = 0; N < M; N++) {
    let d = s[N]!;
    for (let i = 1; i <= L; i++) d ^= C[i]! & s[N - i]!;
    if (d === 1) {
      const T = C.slice();
      for (let j = 0; j + N - m <= M; j++) if (B[j]) C[j + N - m] ^= 1;
      if (L <= N / 2) {
        L = N + 1 - L;
        m = N;
        B = T;
      }
    }
  }
  return L;
}

function complexityOf(bits: BitSequence, start: number, M: number): number {
  const words = new Uint32Array(bits.words.length + 2);
  words.set(bits.words);
  return new BerlekampMassey(M).complexity(words, start);
}

test('§2.10.4 worked example: 1101011110001 has linear complexity 4', () => {
  assert.equal(complexityOf(bitsOf('1101011110001'), 0, 13), 4);
});

test('bit-parallel Berlekamp–Massey equals the per-bit algorithm (many M, offsets, edge blocks)', () => {
  const src = loadReference('data.sqrt3').bits;
  for (const M of [1, 2, 31, 32, 33, 63, 64, 65, 100, 500, 777, 1024]) {
    const bm = new BerlekampMassey(M);
    const words = new Uint32Array(src.words.length + 2);
    words.set(src.words);
    for (const start of [0, 1, 17, 31, 32, 1000, 123_457]) {
      const s = Array.from({ length: M }, (_, i) => src.bit(start + i));
      assert.equal(bm.complexity(words, start), naiveComplexity(s), `M = ${M}, start = ${start}`);
    }
    // Zero block → 0; a single one at the end → M; a single one first → 1.
    const zero = new Array<number>(M).fill(0);
    const lastOne = zero.slice();
    lastOne[M - 1] = 1;
    const firstOne = zero.slice();
    firstOne[0] = 1;
    for (const [s, L] of [[zero, 0], [lastOne, M], [firstOne, 1]] as const) {
      assert.equal(complexityOf(BitSequence.fromBitArray(s), 0, M), L, `M = ${M}`);
    }
  }
  // One instance reused across blocks: results must not leak from block to block.
  const bm = new BerlekampMassey(500);
  const words = new Uint32Array(src.words.length + 2);
  words.set(src.words);
  for (let b = 0; b < 40; b++) {
    const s = Array.from({ length: 500 }, (_, i) => src.bit(b * 500 + i));
    assert.equal(bm.complexity(words, b * 500), naiveComplexity(s), `block ${b}`);
  }
});

test('bit-sliced 32-block Berlekamp–Massey equals the per-bit algorithm (partial groups, odd M)', () => {
  const src = loadReference('data.pi').bits;
  const words = new Uint32Array(src.words.length + 2);
  words.set(src.words);
  for (const [M, nBlocks] of [[500, 70], [37, 33], [64, 1], [1000, 40], [5, 100]] as const) {
    const got = blockComplexities(words, nBlocks, M);
    for (let b = 0; b < nBlocks; b++) {
      const s = Array.from({ length: M }, (_, i) => src.bit(b * M + i));
      assert.equal(got[b], naiveComplexity(s), `M = ${M}, block ${b}`);
    }
  }
  // Structured blocks: all zeros (L = 0), a lone final one (L = M), alternating (L = 2).
  const M = 96;
  const rows = [new Array<number>(M).fill(0), [...new Array<number>(M - 1).fill(0), 1], Array.from({ length: M }, (_, i) => i & 1)];
  const seq = BitSequence.fromBitArray(rows.flat());
  const w2 = new Uint32Array(seq.words.length + 2);
  w2.set(seq.words);
  assert.deepEqual(Array.from(blockComplexities(w2, 3, M)), [0, M, 2]);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: P-value (M = 500) equals sts-2.1.2`, () => {
    const ref = loadReference(name);
    assertPValues(linearComplexity(ref.bits).pValues, ref.expected.LinearComplexity!, `${name} LinearComplexity`);
  });
}

test('§2.10.8: 10^6 bits of e, M = 1000 → ν = (11, 31, 116, 501, 258, 57, 26)', () => {
  const nu = [11, 31, 116, 501, 258, 57, 26];
  const r = linearComplexity(loadReference('data.e').bits, { M: 1000, corrected: true });
  assert.deepEqual(r.statistics.nu, nu);
  // The document's χ² (2.700348) uses the reference's π0 = 0.01047; its erratum (2.706147)
  // uses 1/96 but π6 = 0.020833. With the exact π the statistic is 2.706.
  const exact = nu.reduce((s, v, i) => s + (v - 1000 * EXACT_PI[i]!) ** 2 / (1000 * EXACT_PI[i]!), 0);
  assert.ok(Math.abs(exact - 2.706) < 1e-9);
  assert.ok(Math.abs((r.statistics.chiSquared as number) - exact) < 1e-12);
});

test('corrected (π0 = 1/96, document μ): data.e 0.826335 → 0.826202 (README)', () => {
  const r = linearComplexity(loadReference('data.e').bits, { corrected: true });
  assert.ok(Math.abs(r.pValues[0]! - 0.826202) < 6e-7, String(r.pValues[0]));
  assert.ok(Math.abs(EXACT_PI.reduce((a, b) => a + b, 0) - 1) < 1e-15);
});

test('shorter than one block: not applicable', () => {
  const r = linearComplexity(bitsOf('0110'));
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
});
