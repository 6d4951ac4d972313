import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareSamples } from '../../../src/entropy/samples.ts';
import {
  MIN_SETTLE_ROUNDS,
  NUM_STATISTICS,
  PERMUTATION_STATISTICS,
  PermutationRanking,
  baselineStatistics,
  createStatisticsComputer,
} from '../../../src/entropy/iid/permutation.ts';
import { runPermutationTests } from '../../../src/entropy/iid/permutation-runner.ts';
import { iidSideTests } from '../../../src/entropy/iid/side-tests.ts';
import { IID_SAMPLES, IID_SAMPLE_NAMES, close, loadSamples, printed, transcript } from './reference.ts';
import { xorshift32 } from '../../helpers/xorshift.ts';

/** The 19 statistics of the unshuffled data. */
async function originalStatistics(name: keyof typeof IID_SAMPLES): Promise<Float64Array> {
  const s = prepareSamples(loadSamples(name), IID_SAMPLES[name]);
  const base = baselineStatistics(s.symbols, s.symbolValue, s.k);
  const c = await createStatisticsComputer({ symbols: s.symbols, values: s.symbolValue, k: s.k, ...base });
  const out = new Float64Array(NUM_STATISTICS);
  c.compute(s.symbols, new Uint8Array(NUM_STATISTICS).fill(1), out);
  return out;
}

for (const name of IID_SAMPLE_NAMES) {
  test(`the 19 unpermuted statistics of ${name} equal ea_iid 1.1.7's`, async () => {
    const out = await originalStatistics(name);
    const vv = transcript(name);
    PERMUTATION_STATISTICS.forEach((stat, j) => {
      const ref = printed(vv, `Permutation testing: Unpermuted result ${stat}`);
      // Counts are integers; excursion and avgCollision are the same double operations.
      assert.ok(close(out[j]!, ref, 1e-12), `${stat}: ${out[j]} vs ${ref}`);
    });
  });
}

test('baseline mean and median as ea_iid prints them', () => {
  for (const name of IID_SAMPLE_NAMES) {
    const s = prepareSamples(loadSamples(name), IID_SAMPLES[name]);
    const b = baselineStatistics(s.symbols, s.symbolValue, s.k);
    const vv = transcript(name);
    assert.ok(close(b.rawMean, printed(vv, 'Raw Mean'), 1e-15), name);
    assert.equal(b.median, printed(vv, 'Median'), name);
  }
});

test('ranking rule: larger/equal/smaller counters and the settle rule (C0+C1 > 5 and C1+C2 > 5)', () => {
  const original = new Float64Array(NUM_STATISTICS).fill(10);
  const r = new PermutationRanking(original);
  const row = (v: number) => new Float64Array(NUM_STATISTICS).fill(v);
  for (let i = 0; i < 5; i++) r.add(row(11));
  for (let i = 0; i < 5; i++) r.add(row(9));
  assert.equal(r.settled, false); // C0 = 5, C2 = 5: neither sum exceeds 5 yet
  r.add(row(10)); // C1 = 1 → C0+C1 = 6, C1+C2 = 6
  assert.equal(r.settled, true);
  const res = r.results();
  assert.deepEqual([res[0]!.C0, res[0]!.C1, res[0]!.C2], [5, 1, 5]);
  assert.ok(res.every((s) => s.pass));
  // Once settled a statistic is no longer counted.
  r.add(row(100));
  assert.equal(r.results()[0]!.C0, 5);
});

test('a statistic always above its shuffles fails (C1 + C2 ≤ 5)', () => {
  const r = new PermutationRanking(new Float64Array(NUM_STATISTICS).fill(10));
  for (let i = 0; i < 100; i++) r.add(new Float64Array(NUM_STATISTICS).fill(i % 2 === 0 ? 9 : 10.5));
  // statistic still open after 100 rounds? C0 = 50 (10.5 > 10), C2 = 50 → settled early, passes.
  assert.ok(r.results().every((s) => s.pass));
  const r2 = new PermutationRanking(new Float64Array(NUM_STATISTICS).fill(10));
  for (let i = 0; i < 100; i++) r2.add(new Float64Array(NUM_STATISTICS).fill(3));
  assert.ok(r2.results().every((s) => !s.pass && s.C2 === 100));
});

test('strongly non-IID data (a repeating ramp) fails the permutation tests far in the tail', async () => {
  // 0,1,…,15 repeated: every shuffle has more directional runs, more collisions-free stretches
  // etc.; the verdict cannot depend on the seed.
  const n = 4096;
  const symbols = Uint8Array.from({ length: n }, (_, i) => i % 16);
  const values = Array.from({ length: 16 }, (_, v) => v);
  const base = baselineStatistics(symbols, values, 16);
  for (const seed of [1, 2]) {
    const r = await runPermutationTests({ symbols, values, k: 16, ...base }, { seed, shuffles: 100 });
    assert.equal(r.pass, false);
    const byName = new Map(r.statistics.map((s) => [s.name, s]));
    // Each step goes up except the wrap-around: 1 + 2·255 = 511 directional runs in the data,
    // far fewer than in any shuffle (about 2n/3).
    assert.equal(byName.get('numDirectionalRuns')!.original, 511);
    assert.equal(byName.get('numDirectionalRuns')!.C0, 100);
    assert.equal(byName.get('numDirectionalRuns')!.pass, false);
    // Text of a ramp compresses far better than any shuffle of it.
    assert.equal(byName.get('compression')!.C0, 100);
  }
});

test('the result does not depend on jobs (worker threads) for a seed; the side tests run once, in a worker with jobs > 1', async () => {
  const s = prepareSamples(loadSamples('rand1_short'), 1);
  const base = baselineStatistics(s.symbols, s.symbolValue, s.k);
  const input = { symbols: s.symbols, values: s.symbolValue, k: s.k, ...base };
  const one = await runPermutationTests(input, { seed: 99, shuffles: 40, jobs: 1, sideTests: true });
  const two = await runPermutationTests(input, { seed: 99, shuffles: 40, jobs: 2, sideTests: true });
  assert.deepEqual(two, one);
  assert.ok(one.rounds > 6 && one.rounds <= 40);
  assert.deepEqual(one.sideTests, iidSideTests(s.symbols, s.k));
  assert.equal((await runPermutationTests(input, { seed: 99, shuffles: 40, jobs: 2 })).sideTests, undefined);
});

test('MIN_SETTLE_ROUNDS: no statistic settles in fewer rounds (all ties is the fastest way)', () => {
  const original = new Float64Array(NUM_STATISTICS).fill(1);
  const ranking = new PermutationRanking(original);
  for (let r = 1; r < MIN_SETTLE_ROUNDS; r++) {
    ranking.add(new Float64Array(NUM_STATISTICS).fill(1));
    assert.ok(ranking.open.every((o) => o === 1), `settled after ${r} rounds`);
  }
  ranking.add(new Float64Array(NUM_STATISTICS).fill(1));
  assert.ok(ranking.settled);
});

test('statistics 8–17: the one-pass sums (three or more open) equal the per-lag loops (one or two open), in TypeScript and in WebAssembly SIMD, on bits and bytes, at any length', async () => {
  const next = xorshift32(2463534242);
  for (const [n, bits] of [[20, 8], [33, 8], [5000, 8], [5000, 1], [4099, 4]] as const) {
    const raw = Uint8Array.from({ length: n }, () => next() & ((1 << bits) - 1));
    const s = prepareSamples(raw, bits);
    const base = baselineStatistics(s.symbols, s.symbolValue, s.k);
    const input = { symbols: s.symbols, values: s.symbolValue, k: s.k, ...base };
    let reference: Float64Array | undefined;
    for (const portable of [true, false]) {
      const c = await createStatisticsComputer(input, portable);
      const all = new Float64Array(NUM_STATISTICS);
      c.compute(s.symbols, new Uint8Array(NUM_STATISTICS).fill(1), all);
      for (let j = 8; j <= 17; j++) {
        const need = new Uint8Array(NUM_STATISTICS);
        need[j] = 1;
        const one = new Float64Array(NUM_STATISTICS).fill(Number.NaN);
        c.compute(s.symbols, need, one);
        assert.equal(one[j], all[j], `${PERMUTATION_STATISTICS[j]}, n = ${n}, ${bits}-bit, portable ${portable}`);
      }
      // The TypeScript sums are the reference for the SIMD ones.
      if (reference === undefined) reference = all;
      else assert.deepEqual([...all.subarray(8, 18)], [...reference.subarray(8, 18)], `n = ${n}, ${bits}-bit: SIMD against TypeScript`);
    }
  }
});
