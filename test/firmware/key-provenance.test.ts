/** Key provenance: the repeat detector finds exactly the repeats, and the summary counts writes per epoch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyProvenance, REPEAT_WINDOW, RepeatDetector } from '../../src/firmware/key-provenance.ts';
import { Prng } from '../../src/sim/prng.ts';

test('RepeatDetector: a 16-byte block repeated is found at the last byte of its first 8-byte repeat, fed at once or byte by byte', () => {
  const block = new Prng(5).bytes(16);
  const stream = new Uint8Array(40);
  for (let i = 0; i < stream.length; i++) stream[i] = block[i % 16]!;
  const one = new RepeatDetector();
  let first = -1;
  for (let i = 0; i < stream.length && first < 0; i++) if (one.observe(stream.subarray(i, i + 1))) first = i;
  // Window [16, 24) equals window [0, 8): its last byte is index 23.
  assert.equal(first, 16 + REPEAT_WINDOW - 1);
  const whole = new RepeatDetector();
  assert.equal(whole.observe(stream.subarray(0, 23)), false);
  assert.equal(whole.observe(stream.subarray(23, 24)), true);
  // A stuck stream repeats from its 9th byte (window [1, 9) = window [0, 8)).
  const stuck = new RepeatDetector();
  assert.equal(stuck.observe(new Uint8Array(8)), false);
  assert.equal(stuck.observe(new Uint8Array(1)), true);
});

test('RepeatDetector: 1 MiB of keystream has no repeated 8-byte string; a replayed earlier chunk is found across calls', () => {
  const d = new RepeatDetector();
  const rng = new Prng(11);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < 256; i++) {
    const c = rng.bytes(4096);
    chunks.push(c);
    assert.equal(d.observe(c), false, `chunk ${i}`);
  }
  assert.equal(d.observed, 1 << 20);
  assert.equal(d.observe(chunks[17]!.subarray(100, 108)), true);
});

test('KeyProvenance: writes per epoch, bad share and flaws; a write without a known epoch is ignored', () => {
  const p = new KeyProvenance();
  const good = p.newEpoch({ kind: 'instantiate', atNs: 0, source: 's', streamOffset: 0, bytes: 48, flaws: [] });
  const bad = p.newEpoch({ kind: 'reseed', atNs: 1, source: 's', streamOffset: 48, bytes: 32, flaws: ['unsafe-source', 'repeats-earlier-output'] });
  p.noteWrite(good);
  p.noteWrite(bad);
  p.noteWrite(bad);
  p.noteWrite(7);
  assert.equal(p.isBad(good), false);
  assert.equal(p.isBad(bad), true);
  const s = p.summary();
  assert.deepEqual(
    { epochs: s.epochs, badEpochs: s.badEpochs, writes: s.writes, badWrites: s.badWrites, share: s.badWriteShare, flaws: s.badWritesByFlaw },
    { epochs: 2, badEpochs: 1, writes: 3, badWrites: 2, share: 2 / 3, flaws: { 'unsafe-source': 2, 'repeats-earlier-output': 2 } },
  );
  assert.equal(new KeyProvenance().summary().badWriteShare, 0);
  // An index with no epoch is not bad (noteWrite ignores it too).
  assert.equal(p.isBad(7), false);
});

test('RepeatDetector: a hash collision is no repeat and does not displace the first window; the repeat of that first window is still found', () => {
  // Two different 8-byte strings with the same FNV-1a hash (0x6cc82d23).
  const a = new Uint8Array([251, 164, 110, 147, 27, 139, 124, 180]);
  const b = new Uint8Array([203, 211, 129, 127, 87, 196, 65, 250]);
  const d = new RepeatDetector();
  assert.equal(d.observe(a), false);
  assert.equal(d.observe(b), false, 'same hash, different bytes: not a repeat');
  assert.equal(d.observe(a), true, 'a again: found against its first occurrence');
});

test('KeyProvenance.observeSource: each call gets its offset in the source stream; sourceBytesObserved counts every byte', () => {
  const p = new KeyProvenance();
  assert.equal(p.sourceBytesObserved, 0);
  const rng = new Prng(9);
  assert.deepEqual(p.observeSource(rng.bytes(48)), { offset: 0, repeats: false });
  assert.deepEqual(p.observeSource(rng.bytes(1024)), { offset: 48, repeats: false });
  assert.deepEqual(p.observeSource(new Uint8Array(9)), { offset: 1072, repeats: true });
  assert.equal(p.sourceBytesObserved, 1081);
});
