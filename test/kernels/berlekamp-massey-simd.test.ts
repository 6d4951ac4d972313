import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockComplexitiesSimd } from '../../src/kernels/berlekamp-massey-simd.ts';
import { blockComplexities } from '../../src/sts/linear-complexity.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { loadReference } from '../sts/helpers.ts';

function padded(bits: BitSequence): Uint32Array {
  const w = new Uint32Array(bits.words.length + 2);
  w.set(bits.words);
  return w;
}

test('WebAssembly SIMD is available on Node 20 (the fast path is used)', () => {
  assert.ok(blockComplexitiesSimd(new Uint32Array(4), 1, 13) !== undefined);
});

test('128-lane WASM Berlekamp–Massey equals the 32-lane TypeScript one (every block of data.e and data.sha1, several M)', () => {
  for (const name of ['data.e', 'data.sha1'] as const) {
    const words = padded(loadReference(name).bits);
    for (const M of [500, 37, 64, 129, 1000, 5000]) {
      const nBlocks = Math.floor(1_000_000 / M);
      assert.deepEqual(Array.from(blockComplexitiesSimd(words, nBlocks, M)!), Array.from(blockComplexities(words, nBlocks, M)), `${name}, M = ${M}`);
    }
  }
});

test('structured blocks and a partial group: zeros → 0, lone final one → M, 1101011110001 → 4 (§2.10.4)', () => {
  const M = 13;
  const rows = [new Array<number>(M).fill(0), [...new Array<number>(M - 1).fill(0), 1], [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1]];
  const seq = BitSequence.fromBitArray(rows.flat());
  assert.deepEqual(Array.from(blockComplexitiesSimd(padded(seq), 3, M)!), [0, M, 4]);
});
