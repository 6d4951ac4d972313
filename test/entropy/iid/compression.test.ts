import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bzip2BlockEnds, bzip2Bytes, bzip2HeapBytes, bzip2Length, decimalText, loadBzip2, RankedBzip2Length } from '../../../src/entropy/iid/compression.ts';
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

/** Bit `pos` of a bzip2 stream (bytes are written most significant bit first). */
const bitAt = (b: Uint8Array, pos: number): number => (b[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
const bitsEqual = (b: Uint8Array, pos: number, magic: bigint): boolean => {
  for (let i = 0; i < 48; i++) if (bitAt(b, pos + i) !== Number((magic >> BigInt(47 - i)) & 1n)) return false;
  return true;
};
const BLOCK_MAGIC = 0x314159265359n;
const END_MAGIC = 0x177245385090n;

test('bzip2BlockEnds: a prefix ending at a computed block end compresses to exactly the first blocks of the whole text', async () => {
  const bz = await loadBzip2();
  const rng = xorshift32(0xb10c);
  const values = Array.from({ length: 256 }, (_, v) => v);
  // 8-bit and 1-bit decimal texts, and bytes with runs of 1..8 and a few of 250..549 (bzip2's run-length stage
  // turns runs of 4..255 into 5 bytes, which moves the block ends).
  const walk = new Uint8Array(400_000);
  for (let i = 1; i < walk.length; i++) walk[i] = (walk[i - 1]! + (rng() % 3) - 1) & 0xff;
  const bits = new Uint8Array(700_000).map(() => rng() & 1);
  const runs: number[] = [];
  for (let c = 97; runs.length < 1_600_000; c = c === 99 ? 97 : c + 1) {
    for (let r = rng() % 500 === 0 ? 250 + (rng() % 300) : 1 + (rng() % 8); r > 0; r--) runs.push(c);
  }
  for (const [name, text] of [
    ['random walk', decimalText(walk, values)],
    ['bits', decimalText(bits, values)],
    ['runs', Uint8Array.from(runs)],
  ] as const) {
    const ends = bzip2BlockEnds(text);
    assert.ok(ends.length >= 2, `${name}: ${ends.length + 1} blocks`);
    const whole = bzip2Bytes(bz, text);
    for (const [K, end] of ends.entries()) {
      const prefix = bzip2Bytes(bz, text.subarray(0, end));
      // The prefix stream ends with the 48-bit end magic, a 32-bit CRC and 0..7 padding bits.
      let eos = -1;
      for (let pad = 0; pad < 8; pad++) if (bitsEqual(prefix, 8 * prefix.length - 80 - pad, END_MAGIC)) eos = 8 * prefix.length - 80 - pad;
      assert.ok(eos > 0, `${name}, ${K + 1} blocks: end magic`);
      // The whole stream has the same bits up to there, and its next block starts there.
      for (let p = 0; p < eos; p++) if (bitAt(prefix, p) !== bitAt(whole, p)) assert.fail(`${name}, ${K + 1} blocks: bit ${p} differs`);
      assert.ok(bitsEqual(whole, eos, BLOCK_MAGIC), `${name}: block ${K + 2} starts where the ${K + 1}-block prefix ends`);
      assert.ok(prefix.length <= whole.length);
    }
    // One byte off the end of a block is not a block end: the prefix's last block differs.
    const off = bzip2Bytes(bz, text.subarray(0, ends[0]! - 1));
    let eos = -1;
    for (let pad = 0; pad < 8; pad++) if (bitsEqual(off, 8 * off.length - 80 - pad, END_MAGIC)) eos = 8 * off.length - 80 - pad;
    assert.ok(!bitsEqual(whole, eos, BLOCK_MAGIC), `${name}: the check can fail`);
  }
});

test('RankedBzip2Length ranks shuffles against the original exactly as their whole lengths do, deciding non-IID shuffles from a prefix', async () => {
  const bz = await loadBzip2();
  const rng = xorshift32(0x5a5a);
  const values = Array.from({ length: 256 }, (_, v) => v);
  const walk = new Uint8Array(300_000);
  for (let i = 1; i < walk.length; i++) walk[i] = (walk[i - 1]! + (rng() % 5) - 2) & 0xff;
  const original = bzip2Length(bz, decimalText(walk, values));
  const ranked = new RankedBzip2Length(bz, original);
  const shuffled = walk.slice();
  for (let round = 0; round < 6; round++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng() % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const text = decimalText(shuffled, values);
    const exact = bzip2Length(bz, text);
    const got = ranked.length(text);
    assert.equal(Math.sign(got - original), Math.sign(exact - original), `round ${round}`);
    assert.ok(got <= exact, `round ${round}: a lower bound`);
  }
  assert.ok(ranked.decidedByPrefix >= 4, `decided by a prefix: ${ranked.decidedByPrefix} of 6`);
  // Against a large `above` (a shuffle that compresses better), every length is the exact one.
  const high = new RankedBzip2Length(bz, 10 * original);
  const text = decimalText(shuffled, values);
  assert.equal(high.length(text), bzip2Length(bz, text));
  assert.equal(high.length(text), bzip2Length(bz, text));
});
