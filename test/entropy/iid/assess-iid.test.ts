import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prepareSamples } from '../../../src/entropy/samples.ts';
import { assessIid, iidEstimate } from '../../../src/entropy/iid/assess-iid.ts';
import { InputError } from '../../../src/errors.ts';
import { DATA_DIR, IID_SAMPLES, IID_SAMPLE_NAMES, close, loadSamples, printed, transcript, verdict } from './reference.ts';

for (const name of IID_SAMPLE_NAMES) {
  test(`IID MCV estimate of ${name} equals ea_iid 1.1.7's`, () => {
    const bits = IID_SAMPLES[name];
    const e = iidEstimate(prepareSamples(loadSamples(name), bits));
    const vv = transcript(name);
    assert.ok(close(e.mcv.pU, printed(vv, 'Literal Most Common Value Estimate: p_u'), 1e-12));
    assert.ok(close(e.H_original, printed(vv, 'H_original'), 1e-12));
    assert.ok(close(e.minEntropy, printed(vv, 'Assessed min entropy'), 1e-12));
    if (bits > 1) assert.ok(close(e.H_bitstring!, printed(vv, 'H_bitstring'), 1e-12));
    else assert.equal(e.H_bitstring, null);
    // The expected JSON's iid section, where the reference run recorded one.
    const json = JSON.parse(readFileSync(`${DATA_DIR}expected/${name}.json`, 'utf8')) as {
      iid: { H_original: number; H_bitstring: number | null; min_entropy: number } | null;
    };
    if (json.iid) {
      assert.ok(close(e.H_original, json.iid.H_original, 1e-12));
      assert.ok(close(e.minEntropy, json.iid.min_entropy, 1e-12));
      if (json.iid.H_bitstring !== null) assert.ok(close(e.H_bitstring!, json.iid.H_bitstring, 1e-12));
    }
  });
}

test('assessIid on rand8_short: chi-square fails as in the reference, so the data is not IID', async () => {
  const r = await assessIid(loadSamples('rand8_short'), { bitsPerSymbol: 8, seed: 1 });
  const vv = transcript('rand8_short');
  assert.equal(r.chiSquare.pass, verdict(vv, 'Chi square tests'));
  assert.equal(r.chiSquare.pass, false);
  assert.equal(r.lrs.pass, true);
  assert.equal(r.iid, false);
  assert.ok(close(r.minEntropy, 7.0104540377360411, 1e-12));
  assert.equal(r.distinctSymbols, 256);
  assert.match(r.warnings[0]!, /1,000,000/);
  // Every permutation statistic either settled or ran all rounds; the counters add up.
  for (const s of r.permutation.statistics) assert.ok(s.C0 + s.C1 + s.C2 <= r.permutation.rounds);
});

test('assessIid on rand1_short passes all three groups of tests, as the reference', async () => {
  const r = await assessIid(loadSamples('rand1_short'), { bitsPerSymbol: 1, seed: 1 });
  const vv = transcript('rand1_short');
  assert.equal(r.chiSquare.pass, true);
  assert.equal(r.lrs.pass, true);
  assert.equal(r.permutation.pass, verdict(vv, 'IID permutation tests'));
  assert.equal(r.iid, true);
  assert.ok(r.permutation.rounds < 10_000, 'early stop');
  assert.equal(JSON.stringify(r).includes('NaN'), false);
});

test('bad input is an InputError naming the offset and the expectation', async () => {
  await assert.rejects(assessIid(Uint8Array.from({ length: 200 }, (_, i) => (i === 57 ? 2 : i & 1)), { bitsPerSymbol: 1 }), (e: unknown) => e instanceof InputError && /byte 57 is 2/.test(e.message));
  await assert.rejects(assessIid(new Uint8Array(50), { bitsPerSymbol: 1 }), /at least 100/);
  await assert.rejects(assessIid(new Uint8Array(500).fill(3), { bitsPerSymbol: 2 }), /single-symbol/);
  await assert.rejects(assessIid(new Uint8Array(500).map((_, i) => i & 1), { bitsPerSymbol: 1, shuffles: 0 }), /shuffles/);
});

// ea_iid printed nothing but "igamc: UNDERFLOW" for these two; its MCV step is the same
// code ea_non_iid runs, whose transcript has the value.
for (const name of ['data.pi', 'ringOsc-nist']) {
  test(`IID MCV estimate of ${name} equals the reference's MCV (ea_non_iid transcript)`, () => {
    const e = iidEstimate(prepareSamples(loadSamples(name), 1));
    const vv = readFileSync(`${DATA_DIR}expected/${name}.non_iid.vv.txt`, 'utf8');
    assert.ok(close(e.mcv.pU, printed(vv, 'Literal Most Common Value Estimate: p_u'), 1e-12));
    assert.ok(close(e.H_original, printed(vv, 'Literal Most Common Value Estimate: min entropy'), 1e-12));
  });
}
