import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector, nearestRank, summarizeLatencies } from '../../src/metrics/collector.ts';

test('nearest-rank percentiles (the textbook example: 15, 20, 35, 40, 50)', () => {
  const v = [15, 20, 35, 40, 50];
  assert.equal(nearestRank(v, 5), 15);
  assert.equal(nearestRank(v, 30), 20);
  assert.equal(nearestRank(v, 40), 20);
  assert.equal(nearestRank(v, 50), 35);
  assert.equal(nearestRank(v, 100), 50);
  assert.equal(nearestRank([], 50), 0);
  assert.deepEqual(summarizeLatencies([40, 15, 50, 20, 35]), { count: 5, meanNs: 32, p50Ns: 35, p99Ns: 50, maxNs: 50 });
});

test('an empty run has finite metrics everywhere (no NaN)', () => {
  const m = new MetricsCollector().finish({ virtualDurationNs: 0, runtimeNs: 0, events: 0 });
  assert.equal(m.setVariable.perVirtualSecond, 0);
  assert.deepEqual(m.setVariable.latency, { count: 0, meanNs: 0, p50Ns: 0, p99Ns: 0, maxNs: 0 });
  assert.ok(!/NaN|Infinity|null/.test(JSON.stringify(m)));
});

test('rate counts runtime completions only; starvation keeps the total and the longest wait', () => {
  const c = new MetricsCollector();
  c.addSetVariable(true, 100, false); // boot-time write
  c.addSetVariable(true, 300, true);
  c.addSetVariable(true, 200, true);
  c.addSetVariable(false, 0, true);
  c.addStarvation(5);
  c.addStarvation(9);
  const m = c.finish({ virtualDurationNs: 3e9, runtimeNs: 2e9, events: 10 });
  assert.equal(m.setVariable.completed, 3);
  assert.equal(m.setVariable.failed, 1);
  assert.equal(m.setVariable.perVirtualSecond, 1);
  assert.equal(m.setVariable.latency.p50Ns, 200);
  assert.deepEqual(m.starvation, { totalNs: 14, longestNs: 9 });
});

test('series are thinned deterministically beyond the cap', () => {
  const c = new MetricsCollector();
  for (let i = 0; i < 10000; i++) c.point('s', i, i);
  const pts = c.seriesData()[0]!.points;
  assert.ok(pts.length < MetricsCollector.SERIES_MAX_POINTS);
  assert.ok(pts.length > MetricsCollector.SERIES_MAX_POINTS / 4);
  assert.deepEqual(pts[0], [0, 0]);
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i]![0] > pts[i - 1]![0]);
});

test('the mean is exact where naive left-to-right summation drifts (compensated sum)', () => {
  // 0.1 ten times sums to 0.9999999999999999 naively; the compensated sum gives 1.
  assert.equal(summarizeLatencies(Array(10).fill(0.1)).meanNs, 0.1);
  // Integer latencies (what the model records) sum exactly either way: the committed means do not move.
  assert.equal(summarizeLatencies([3309588, 4669658, 3002001]).meanNs, (3309588 + 4669658 + 3002001) / 3);
});
