import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareSamples } from '../../../src/entropy/samples.ts';
import { longestRepeatedSubstring, lrsTest } from '../../../src/entropy/iid/lrs-test.ts';
import { IID_SAMPLES, IID_SAMPLE_NAMES, close, loadSamples, printed, transcript, verdict } from './reference.ts';

for (const name of IID_SAMPLE_NAMES) {
  test(`LRS test on ${name} matches ea_iid 1.1.7`, () => {
    const s = prepareSamples(loadSamples(name), IID_SAMPLES[name]);
    const r = lrsTest(s.symbols, s.k);
    const vv = transcript(name);
    const label = 'Literal Longest Repeated Substring results';
    assert.equal(r.W, printed(vv, `${label}: W`));
    // The reference works in 80-bit long double; 1e-12 relative covers the difference.
    assert.ok(close(r.pCol, printed(vv, `${label}: P_col`), 1e-12), `P_col ${r.pCol}`);
    assert.ok(close(r.prAtLeastOne, printed(vv, `${label}: Pr(X >= 1)`), 1e-9), `Pr ${r.prAtLeastOne}`);
    assert.equal(r.pass, verdict(vv, 'Length of longest repeated substring test'));
  });
}

test('a long repeat fails: Pr(X ≥ 1) below 0.001', () => {
  // 2,000 fair-looking bytes, then the first 500 again: W ≥ 500 is absurd for IID bytes.
  const a = new Uint8Array(2500);
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    a[i] = x >>> 24;
  }
  a.copyWithin(2000, 0, 500);
  const s = prepareSamples(a, 8);
  const r = lrsTest(s.symbols, s.k);
  assert.ok(r.W >= 500);
  assert.ok(r.prAtLeastOne < 0.001);
  assert.equal(r.pass, false);
});

test('longestRepeatedSubstring on a small worked example', () => {
  // "banana" → "ana" occurs twice (overlapping): W = 3.
  assert.equal(longestRepeatedSubstring(Uint8Array.from([1, 0, 2, 0, 2, 0]), 3), 3);
  assert.equal(longestRepeatedSubstring(Uint8Array.from([0, 1, 2, 3]), 4), 0);
});
