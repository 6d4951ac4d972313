import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessNonIid } from '../../src/entropy/assess.ts';
import { ESTIMATOR_NAMES } from '../../src/entropy/types.ts';
import { SAMPLE_NAMES, close, loadSample } from './estimators/reference.ts';

// Every shipped sample, both tracks, against ea_non_iid 1.1.7 (expected/<name>.json).
for (const name of SAMPLE_NAMES) {
  test(`non-IID assessment of ${name} equals ea_non_iid 1.1.7 (every estimator, H_original, H_bitstring, min entropy)`, () => {
    const s = loadSample(name);
    const r = assessNonIid(s.data, { bitsPerSymbol: s.bits });
    const exp = s.json.non_iid;
    assert.equal(r.k, s.json.distinct_symbols);
    assert.equal(r.samples, s.json.samples);
    const bad: string[] = [];
    for (const track of ['original', 'bitstring'] as const) {
      const list = r[track];
      for (const est of ESTIMATOR_NAMES) {
        const want = exp.estimators[est]?.[track];
        const got = list?.find((e) => e.name === est);
        if (want === undefined || want === null) {
          if (got !== undefined && got.hMin !== null) bad.push(`${track} ${est}: reference has none, got ${got.hMin}`);
        } else if (!close(got?.hMin, want)) bad.push(`${track} ${est}: got ${got?.hMin}, want ${want}`);
      }
    }
    const check = (label: string, got: number | null, want: number | null): void => {
      if (want === null ? got !== null : !close(got, want)) bad.push(`${label}: got ${got}, want ${want}`);
    };
    check('H_original', r.hOriginal, exp.H_original);
    check('H_bitstring', r.hBitstring, exp.H_bitstring);
    check('min_entropy', r.assessed, exp.min_entropy);
    assert.deepEqual(bad, []);
    assert.equal(r.warnings.some((w) => /less than 1000000 samples/.test(w)), exp.warnings.length > 0);
  });
}

test('conditioned mode runs only the bitstring track, even for binary data', () => {
  const s = loadSample('rand1_short');
  const r = assessNonIid(s.data, { bitsPerSymbol: 1, conditioned: true });
  assert.equal(r.original, null);
  assert.equal(r.hOriginal, null);
  assert.ok(r.bitstring !== null && r.bitstring.length === 10);
  // On 1-bit data the bitstring is the data itself, so h' equals the literal H_original.
  assert.ok(close(r.hBitstring, s.json.non_iid.H_original!));
  assert.ok(close(r.assessed, r.hBitstring!));
});

test('truncate mode keeps only the first 10^6 bits of the bitstring', () => {
  const s = loadSample('rand8_short');
  // 10,000 8-bit samples = 80,000 bits: under the limit, so truncation changes nothing.
  const a = assessNonIid(s.data, { bitsPerSymbol: 8, truncate: true });
  assert.equal(a.bitstringLength, 80000);
  assert.equal(a.truncated, false);
  const big = new Uint8Array(200000);
  let x = 12345;
  for (let i = 0; i < big.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    big[i] = x >>> 24;
  }
  const t = assessNonIid(big, { bitsPerSymbol: 8, truncate: true });
  assert.equal(t.bitstringLength, 1_000_000);
  assert.equal(t.truncated, true);
});

test('k = 2 with an 8-bit width is treated as binary: no bitstring track, all ten estimators', () => {
  const s = loadSample('rand1_short');
  const wide = s.data.map((b) => (b ? 0xff : 0x00));
  const r = assessNonIid(wide, { bitsPerSymbol: 8 });
  assert.equal(r.bitstring, null);
  assert.equal(r.original!.length, 10);
  assert.ok(close(r.hOriginal, s.json.non_iid.H_original!));
  assert.ok(close(r.assessed, s.json.non_iid.min_entropy));
});

test('a single-symbol input awards no entropy (0, not NaN) with a warning', () => {
  const r = assessNonIid(new Uint8Array(5000).fill(3), { bitsPerSymbol: 2 });
  assert.equal(r.assessed, 0);
  assert.equal(r.k, 1);
  assert.match(r.warnings.join(' '), /1 symbol/);
  assertAllFinite(r);
});

/** Every number anywhere in `v` is finite (JSON.stringify would silently turn NaN into null). */
function assertAllFinite(v: unknown, path = 'result'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} is ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertAllFinite(x, `${path}[${i}]`));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertAllFinite(x, `${path}.${k}`);
}

test('short and degenerate inputs give finite numbers or null, never NaN/Infinity', () => {
  for (const data of [Uint8Array.of(0, 1), Uint8Array.of(0, 1, 2), Uint8Array.of(0, 1, 1, 0, 1), new Uint8Array(18).map((_, i) => i % 3), new Uint8Array(50).map((_, i) => i % 3)]) {
    for (const conditioned of [false, true]) assertAllFinite(assessNonIid(data, { bitsPerSymbol: 2, conditioned }));
  }
  const s = loadSample('rand8_short');
  assertAllFinite(assessNonIid(s.data, { bitsPerSymbol: 8 }));
});

test("tracks: 'original' skips the bitstring track (as ea_restart) and leaves the symbols' track as ea_non_iid's", () => {
  const s = loadSample('rand8_short');
  const r = assessNonIid(s.data, { bitsPerSymbol: 8, tracks: 'original' });
  assert.equal(r.bitstring, null);
  assert.equal(r.hBitstring, null);
  assert.ok(close(r.hOriginal, s.json.non_iid.H_original!));
  assert.ok(close(r.assessed, Math.min(8, s.json.non_iid.H_original!)));
  // Conditioned mode is the bitstring track only, whatever `tracks` says.
  const c = assessNonIid(s.data, { bitsPerSymbol: 8, conditioned: true, tracks: 'original' });
  assert.equal(c.original, null);
  assert.ok(close(c.hBitstring, s.json.non_iid.H_bitstring!));
});
