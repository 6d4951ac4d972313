import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInputError } from '../../src/errors.ts';
import { runBattery, runTests } from '../../src/sts/battery.ts';
import { frequency } from '../../src/sts/frequency.ts';
import { STS_TEST_NAMES } from '../../src/sts/types.ts';
import { assertPValues, loadReference, REFERENCE_NAMES } from './helpers.ts';

test('one stream of each reference input: all 15 tests equal sts-2.1.2 (placeholders → not applicable)', () => {
  for (const name of REFERENCE_NAMES) {
    const ref = loadReference(name);
    const results = runTests(ref.bits, STS_TEST_NAMES);
    assert.deepEqual(
      results.map((r) => r.test),
      [...STS_TEST_NAMES],
    );
    for (const r of results) {
      if (ref.status[r.test]?.startsWith('not_applicable')) {
        assert.equal(r.status, 'not-applicable', `${name} ${r.test}`);
        assert.deepEqual(r.pValues, []);
      } else {
        assertPValues(r.pValues, ref.expected[r.test]!, `${name} ${r.test}`);
      }
    }
  }
});

test('K streams are consecutive n-bit slices; parameters reach the tests; progress is reported', async () => {
  const bits = loadReference('data.pi').bits;
  const seen: number[] = [];
  const out = await runBattery(bits, {
    n: 100000,
    streams: 10,
    tests: ['Frequency', 'BlockFrequency'],
    params: { BlockFrequency: { M: 1000 } },
    onProgress: (done, total) => {
      assert.equal(total, 10);
      seen.push(done);
    },
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(out.length, 10);
  for (const s of out) {
    assert.equal(s.offset, s.stream * 100000);
    assert.deepEqual(s.results[0]!.pValues, frequency(bits.slice(s.offset, 100000)).pValues);
    assert.equal(s.results[1]!.params.M, 1000);
  }
});

test('jobs = 2 (worker threads) returns exactly the single-thread results', async () => {
  const bits = loadReference('data.sqrt2').bits;
  const opts = { n: 250000, streams: 4, tests: ['Frequency', 'Runs', 'Rank', 'FFT', 'CumulativeSums'] as const };
  const one = await runBattery(bits, { ...opts, tests: [...opts.tests] });
  const two = await runBattery(bits, { ...opts, tests: [...opts.tests], jobs: 2 });
  assert.deepEqual(two, one);
});

test('onResult receives every stream in order (jobs = 1 and 3), the same results as returned, and nothing is kept', async () => {
  const bits = loadReference('data.e').bits;
  const opts = { n: 20000, streams: 24, tests: ['Frequency', 'Runs', 'Serial'] as const };
  const all = await runBattery(bits, { ...opts, tests: [...opts.tests] });
  for (const jobs of [1, 3]) {
    const got: typeof all = [];
    const kept = await runBattery(bits, { ...opts, tests: [...opts.tests], jobs, onResult: (r) => got.push(r) });
    assert.deepEqual(kept, [], `jobs ${jobs}`);
    assert.deepEqual(got.map((r) => r.stream), all.map((r) => r.stream), `jobs ${jobs}: order`);
    assert.deepEqual(got, all, `jobs ${jobs}`);
  }
});

test('asking for more bits than the input has is a RangeError', async () => {
  const bits = loadReference('data.e').bits;
  await assert.rejects(runBattery(bits, { n: 600000, streams: 2 }), RangeError);
});

test('an InputError raised by a test inside a worker stays an InputError', async () => {
  const bits = loadReference('data.e').bits;
  await assert.rejects(
    runBattery(bits, { n: 200000, streams: 2, jobs: 2, tests: ['OverlappingTemplate'], params: { OverlappingTemplate: { m: 9, blockLength: 5 } } }),
    (e: unknown) => isInputError(e) && /blockLength/.test((e as Error).message),
  );
});
