import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transpose32 } from '../../src/kernels/bit-transpose.ts';

test('transpose32: bit (r, c) moves to (c, r), and twice is the identity', () => {
  // Row r, column c = bit 31 − c of A[r].
  const A = new Uint32Array(32);
  let x = 0x9e3779b9;
  for (let r = 0; r < 32; r++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    A[r] = x;
  }
  const T = A.slice();
  transpose32(T);
  for (let r = 0; r < 32; r++) {
    for (let c = 0; c < 32; c++) assert.equal((T[c]! >>> (31 - r)) & 1, (A[r]! >>> (31 - c)) & 1, `(${r}, ${c})`);
  }
  transpose32(T);
  assert.deepEqual(T, A);
});
