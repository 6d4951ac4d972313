import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../../src/bits/stream-source.ts';
import { runBatteryDocument, type BatteryRun } from '../../src/sts/battery-document.ts';
import { uniformityValidity } from '../../src/sts/uniformity-validity.ts';
import type { StsTestName } from '../../src/sts/types.ts';
import { loadReference } from './helpers.ts';

const pi = loadReference('data.pi').bits;

function run(tests: StsTestName[], params: BatteryRun['params'], streams: number, n: number): ReturnType<typeof runBatteryDocument> {
  return runBatteryDocument({
    bits: memorySource(pi),
    source: 'data.pi',
    format: 'ascii',
    n,
    streams,
    tests,
    params,
    jobs: 1,
    alpha: 0.01,
    familyAlpha: 0.01,
    minBits: 0,
    secondLevel: 'sp800-22',
  });
}

test("the second level's uniformity check sees the parameters the tests ran with", async () => {
  // Serial on 60 streams of 2000 bits: with the default m = 16 its P-values are too discrete for
  // the check (largest atom ≈ 2^(m/2)/(n√(2π)) = 0.051, λ ≈ 2.6 > 1); with m = 4 they are not
  // (atom 8·10^-4). The kept per-stream results used to drop params, so m = 4 was judged as 16.
  assert.equal(uniformityValidity('Serial', 2000, 60, { m: 16 }).applicable, false);
  assert.equal(uniformityValidity('Serial', 2000, 60, { m: 4 }).applicable, true);
  const byDefault = await run(['Serial'], {}, 60, 2000);
  assert.deepEqual(byDefault.secondLevel!.map((e) => e.uniformityStatus), ['not-applicable', 'not-applicable']);
  const m4 = await run(['Serial'], { Serial: { m: 4 } }, 60, 2000);
  assert.deepEqual(m4.secondLevel!.map((e) => e.uniformityStatus), ['ok', 'ok']);
  assert.equal(m4.perStream[59]![0]!.params.m, 4);
});

test('kept results: P-values and labels as computed, statistics dropped, params and labels shared with the first stream', async () => {
  const out = await run(['Frequency', 'NonOverlappingTemplate', 'CumulativeSums'], {}, 3, 100_000);
  assert.equal(out.perStream.length, 3);
  for (const [s, rs] of out.perStream.entries()) {
    assert.deepEqual(rs.map((r) => r.test), ['Frequency', 'NonOverlappingTemplate', 'CumulativeSums']);
    for (const [t, r] of rs.entries()) {
      assert.deepEqual(r.statistics, {});
      assert.equal(r.status, 'ok');
      assert.equal(r.params, out.perStream[0]![t]!.params, `stream ${s} ${r.test}: params shared`);
      if (r.labels !== undefined) assert.equal(r.labels, out.perStream[0]![t]!.labels, `stream ${s} ${r.test}: labels shared`);
    }
    assert.equal(rs[1]!.pValues.length, 148);
    assert.equal(rs[2]!.pValues.length, 2);
  }
  // The streams are consecutive slices: stream 1's Frequency P-value is that of bits 100000..199999.
  const direct = await run(['Frequency'], {}, 1, 100_000);
  assert.equal(out.perStream[0]![0]!.pValues[0], direct.perStream[0]![0]!.pValues[0]);
  assert.notEqual(out.perStream[1]![0]!.pValues[0], out.perStream[0]![0]!.pValues[0]);
});
