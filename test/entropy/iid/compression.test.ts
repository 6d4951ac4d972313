import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bzip2HeapBytes, bzip2Length, decimalText, loadBzip2 } from '../../../src/entropy/iid/compression.ts';
import { xorshift32 } from '../../helpers/xorshift.ts';

test('bzip2Length: thousands of calls on a 10 kB text leave the wasm heap where the first call put it', async () => {
  const bz = await loadBzip2();
  const rng = xorshift32(0x5eed);
  const symbols = new Uint8Array(3_000);
  for (let i = 0; i < symbols.length; i++) symbols[i] = rng() & 0xff;
  const values = Array.from({ length: 256 }, (_, v) => v);
  const text = decimalText(symbols, values);
  assert.ok(text.length > 10_000);
  const first = bzip2Length(bz, text);
  const heapAfterFirst = bzip2HeapBytes(bz);
  const calls = 3000;
  for (let i = 0; i < calls; i++) {
    // Same input, same compressed length every time: the statistic does not drift either.
    assert.equal(bzip2Length(bz, text), first);
  }
  const grown = bzip2HeapBytes(bz) - heapAfterFirst;
  // With the leak each call kept ~1.01 × its input: 3000 calls would have grown the heap by
  // ~30 MB. Bounded means no growth at all after the first call.
  assert.equal(grown, 0, `wasm heap grew by ${grown} bytes over ${calls} calls`);
});
