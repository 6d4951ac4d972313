import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nonOverlappingTemplate } from '../../src/sts/non-overlapping-template.ts';
import { referenceTemplates } from '../../src/sts/templates.ts';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { InputError } from '../../src/errors.ts';
import { assertPValues, bitsOf, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('§2.7.4 worked example: B = 001, N = 2, M = 10 → W = (2, 1), χ² = 2.133333, P = 0.344154', () => {
  const r = nonOverlappingTemplate(bitsOf('10100100101110010110'), { m: 3, blocks: 2, templates: [0b001] });
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.statistics.W, [2, 1]);
  assert.ok(Math.abs((r.statistics.chiSquared as number[])[0]! - 2.133333) < 5e-7);
  assert.ok(Math.abs(r.pValues[0]! - 0.344154) < 5e-7);
  assert.deepEqual(r.labels, ['001']);
});

for (const name of REFERENCE_NAMES) {
  test(`${name}: all 148 P-values and labels equal sts-2.1.2`, () => {
    const ref = loadReference(name);
    const r = nonOverlappingTemplate(ref.bits);
    assert.deepEqual(r.labels, ref.labels.NonOverlappingTemplate!.map(String));
    assertPValues(r.pValues, ref.expected.NonOverlappingTemplate!, `${name} NonOverlappingTemplate`);
  });
}

/** The reference's scan, template by template: jump m − 1 past a match. */
function naiveW(bits: BitSequence, m: number, N: number, template: number): number[] {
  const M = Math.floor(bits.length / N);
  const W: number[] = [];
  for (let i = 0; i < N; i++) {
    let w = 0;
    for (let j = 0; j < M - m + 1; j++) {
      let match = true;
      for (let k = 0; k < m; k++) if (bits.bit(i * M + j + k) !== ((template >>> (m - 1 - k)) & 1)) match = false;
      if (match) {
        w++;
        j += m - 1;
      }
    }
    W.push(w);
  }
  return W;
}

test('one-pass table scan counts what the per-template reference scan counts (m = 4, 9, 10; structured input)', () => {
  const e = loadReference('data.e').bits.slice(0, 40_003);
  // A sequence with long runs and repeats, where skips after matches matter.
  const pattern = Array.from({ length: 30_011 }, (_, i) => ((i * i) >> 7) & 1 || (i % 97 < 20 ? 1 : 0));
  const structured = BitSequence.fromBitArray(pattern);
  for (const bits of [e, structured]) {
    for (const m of [4, 9, 10]) {
      const r = nonOverlappingTemplate(bits, { m });
      const W = r.statistics.W as number[];
      const tpl = referenceTemplates(m);
      for (const t of [0, 1, 5, tpl.length - 1]) {
        assert.deepEqual(W.slice(t * 8, t * 8 + 8), naiveW(bits, m, 8, tpl[t]!), `m = ${m}, template ${t}`);
      }
    }
  }
});

test('blocks shorter than the template are not applicable (no P-values)', () => {
  const r = nonOverlappingTemplate(bitsOf('1010101010101010'), { m: 9 });
  assert.equal(r.status, 'not-applicable');
  assert.deepEqual(r.pValues, []);
  assert.match(r.reason!, /= 2 is shorter than the template/);
});

test('bad parameters are InputErrors naming the field', () => {
  const bits = loadReference('data.e').bits.slice(0, 10_000);
  assert.throws(() => nonOverlappingTemplate(bits, { m: 3, templates: [1, 1] }), (e) => e instanceof InputError && /appears twice/.test(e.message));
  assert.throws(() => nonOverlappingTemplate(bits, { m: 3, templates: [8] }), (e) => e instanceof InputError && /templates\[0\]/.test(e.message));
  assert.throws(() => nonOverlappingTemplate(bits, { m: 22 }), InputError);
  assert.throws(() => nonOverlappingTemplate(bits, { blocks: 0 }), InputError);
});

test('the block window counts give the scan\'s W (m = 2..17, blocks 1..100, lengths off the word size, custom templates)', () => {
  const e = loadReference('data.e').bits;
  const pattern = Array.from({ length: 50_021 }, (_, i) => ((i * i) >> 7) & 1 || (i % 97 < 20 ? 1 : 0));
  for (const bits of [e.slice(0, 100_003), BitSequence.fromBitArray(pattern), e.slice(17, 1000)]) {
    for (const m of [2, 3, 5, 8, 9, 12, 16, 17]) {
      for (const blocks of [1, 8, 100]) {
        if (Math.floor(bits.length / blocks) < m) continue;
        const counted = nonOverlappingTemplate(bits, { m, blocks });
        const ts = nonOverlappingTemplate(bits, { m, blocks }, true);
        assert.deepEqual(counted.statistics.W, ts.statistics.W, `n = ${bits.length}, m = ${m}, blocks = ${blocks}`);
        assert.deepEqual(counted.pValues, ts.pValues);
      }
    }
    const custom = nonOverlappingTemplate(bits, { m: 6, templates: [0b000001, 0b111110, 0b010011] });
    assert.deepEqual(custom.statistics.W, nonOverlappingTemplate(bits, { m: 6, templates: [0b000001, 0b111110, 0b010011] }, true).statistics.W);
  }
});

test('periodic custom templates are scanned with the skip (their W is below the window count), aperiodic ones counted', () => {
  // 0b101 and 0b111 overlap themselves: in 11111 the skip finds 111 once, the windows three times.
  const pattern = Array.from({ length: 4099 }, (_, i) => (i % 13 < 7 ? 1 : (i * 7) % 5 < 2 ? 1 : 0));
  const bits = BitSequence.fromBitArray(pattern);
  const templates = [0b101, 0b111, 0b001];
  const r = nonOverlappingTemplate(bits, { m: 3, blocks: 4, templates });
  for (let t = 0; t < templates.length; t++) {
    assert.deepEqual((r.statistics.W as number[]).slice(t * 4, t * 4 + 4), naiveW(bits, 3, 4, templates[t]!), `template ${templates[t]!.toString(2)}`);
  }
  let windows111 = 0;
  for (let j = 0; j + 2 < 1024; j++) if (pattern[j] && pattern[j + 1] && pattern[j + 2]) windows111++;
  assert.ok((r.statistics.W as number[])[4]! < windows111);
});
