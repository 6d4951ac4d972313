import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWidth, inferBitsPerSymbol, prepareSamples, toBitstring, unpackBits } from '../../src/entropy/samples.ts';
import { InputError } from '../../src/errors.ts';
import { SAMPLE_NAMES, loadSample } from './estimators/reference.ts';

test('width is inferred from the highest bit set, as ea_non_iid does', () => {
  assert.equal(inferBitsPerSymbol(Uint8Array.of(0, 1, 1, 0)), 1);
  assert.equal(inferBitsPerSymbol(Uint8Array.of(3, 9, 2)), 4);
  assert.equal(inferBitsPerSymbol(Uint8Array.of(0x80)), 8);
  assert.equal(inferBitsPerSymbol(Uint8Array.of(0, 0)), 0);
});

test('inferred widths and distinct-symbol counts agree with the reference on every sample', () => {
  for (const name of SAMPLE_NAMES) {
    const s = loadSample(name);
    assert.ok(inferBitsPerSymbol(s.data) <= s.bits, name);
    assert.equal(prepareSamples(s.data, s.bits).k, s.json.distinct_symbols, name);
  }
});

test('a byte wider than the declared width is an InputError naming offset and value', () => {
  assert.throws(
    () => checkWidth(Uint8Array.of(1, 0, 5, 1), 2, 'x.bin'),
    (e: unknown) => e instanceof InputError && /x\.bin: byte 2 is 5 \(0x05\)/.test(e.message) && /below 4/.test(e.message),
  );
  assert.doesNotThrow(() => checkWidth(Uint8Array.of(3, 0, 1), 2));
  assert.throws(() => checkWidth(Uint8Array.of(0), 9), InputError);
});

test('masking and renumbering: distinct masked values become 0..k-1 in increasing order', () => {
  const p = prepareSamples(Uint8Array.of(7, 2, 7, 9, 2), 4);
  assert.deepEqual([...p.masked], [7, 2, 7, 9, 2]);
  assert.deepEqual([...p.symbols], [1, 0, 1, 2, 0]);
  assert.deepEqual(p.symbolValue, [2, 7, 9]);
  assert.equal(p.k, 3);
  const q = prepareSamples(Uint8Array.of(0x13, 0x05), 4);
  assert.deepEqual([...q.masked], [3, 5]);
  // 0..k−1 all present: the symbols are the masked values, in an array of their own.
  const r = prepareSamples(Uint8Array.of(0x12, 0, 1, 2, 1), 2);
  assert.deepEqual([...r.symbols], [2, 0, 1, 2, 1]);
  assert.equal(r.k, 3);
  r.symbols[0] = 0;
  assert.equal(r.masked[0], 2);
  // 0 missing, or a gap above it: renumbered.
  assert.deepEqual([...prepareSamples(Uint8Array.of(1, 2, 1), 2).symbols], [0, 1, 0]);
  assert.deepEqual([...prepareSamples(Uint8Array.of(0, 2, 0), 2).symbols], [0, 1, 0]);
});

test('bitstring: masked (not renumbered) values, MSB first, optionally truncated', () => {
  const p = prepareSamples(Uint8Array.of(2, 7, 9), 4);
  assert.deepEqual([...toBitstring(p.masked, 4)], [0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1]);
  assert.deepEqual([...toBitstring(p.masked, 4, 5)], [0, 0, 1, 0, 0]);
});

test('packed bits unpack MSB first', () => {
  assert.deepEqual([...unpackBits(Uint8Array.of(0xa1))], [1, 0, 1, 0, 0, 0, 0, 1]);
});

test('checkWidth finds a too-wide byte anywhere: unaligned views, the first bytes, the words, the last bytes', () => {
  const buf = new Uint8Array(64);
  for (let i = 0; i < buf.length; i++) buf[i] = i & 1;
  for (const start of [0, 1, 2, 3]) {
    for (const len of [1, 2, 5, 11, 40]) {
      const view = buf.subarray(start, start + len);
      assert.doesNotThrow(() => checkWidth(view, 1));
      for (let at = 0; at < len; at++) {
        const old = view[at]!;
        view[at] = 2;
        assert.throws(() => checkWidth(view, 1, 'v', 100), { message: `v: byte ${100 + at} is 2 (0x02), expected a value below 2 for 1-bit samples` });
        view[at] = 0x80;
        assert.throws(() => checkWidth(view, 7, 'v'), InputError);
        assert.doesNotThrow(() => checkWidth(view, 8));
        view[at] = old;
      }
    }
  }
});
