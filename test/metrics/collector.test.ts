import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector, nearestRank, summarizeLatencies } from '../../src/metrics/collector.ts';
import { cellMetricsSchema, METRIC_LEAVES, METRIC_TABLE, SCALAR_METRICS } from '../../src/metrics/table.ts';

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
  for (const [ok, latency, runtime] of [[true, 100, false], [true, 300, true], [true, 200, true], [false, 0, true]] as const) {
    // What the SMM variable driver records per SetVariable (src/firmware/smm-variable/driver.ts).
    if (!ok) {
      c.count('setvariable.failed');
      continue;
    }
    c.count('setvariable.completed');
    if (runtime) c.count('setvariable.rate');
    c.sample('setvariable.latency', latency);
  }
  for (const wait of [5, 9, 7]) {
    c.count('starvation.total', wait);
    c.max('starvation.longest', wait);
    c.count('starvation.waits');
  }
  const m = c.finish({ virtualDurationNs: 3e9, runtimeNs: 2e9, events: 10 });
  assert.equal(m.setVariable.completed, 3);
  assert.equal(m.setVariable.failed, 1);
  assert.equal(m.setVariable.perVirtualSecond, 1);
  assert.equal(m.setVariable.latency.p50Ns, 200);
  assert.deepEqual(m.starvation, { totalNs: 21, longestNs: 9, waits: 3 });
  assert.equal(m.virtualDurationNs, 3e9);
  assert.equal(m.events, 10);
});

test('finish() lays the metrics out in the table order; set keeps the last value, countFor sorts its keys', () => {
  const c = new MetricsCollector();
  c.countFor('bytes', 'zeta', 3);
  c.countFor('bytes', 'alpha', 1);
  c.countFor('bytes', 'zeta', 4);
  c.set('variables.checked', 5);
  c.set('variables.checked', 6);
  c.count('health.rct', 0);
  const m = c.finish({ virtualDurationNs: 1, runtimeNs: 0, events: 0 });
  assert.deepEqual(Object.keys(m), Object.keys(METRIC_TABLE.fields).filter((k) => k !== 'keys'), 'keys only when setGroup filled it');
  assert.deepEqual(m.bytesByConsumer, { alpha: 1, zeta: 7 });
  assert.deepEqual(Object.keys(m.bytesByConsumer), ['alpha', 'zeta']);
  assert.equal(m.variables.checked, 6);
  assert.deepEqual(m.smm, { smis: 0, timeNs: 0, degradedSetVariables: 0, failClosed: 0 });
  assert.equal(c.value('variables.checked'), 6);
  assert.equal(c.valueFor('bytes', 'zeta'), 7);
  assert.equal(c.valueFor('bytes', 'nobody'), undefined);
});

test('a group filled whole (key provenance) comes out in table order whatever order it was given in', () => {
  const c = new MetricsCollector();
  const keys = {
    fallbackSeeds: 11, failClosed: 10, startupPasses: 9, startupTests: 8, sourceFailures: 7,
    badWritesByFlaw: { 'unsafe-source': 5, 'repeats-earlier-output': 6 }, badWriteShare: 0.5, badWrites: 4, writes: 8, badEpochs: 2, epochs: 1,
  };
  c.setGroup('keys', keys);
  const m = c.finish({ virtualDurationNs: 1, runtimeNs: 0, events: 0 });
  assert.deepEqual(Object.keys(m.keys!), Object.keys(METRIC_TABLE.fields.keys.fields));
  assert.deepEqual(m.keys, keys);
  assert.equal(Object.keys(m).at(-1), 'keys');
});

test('the metric table: unique paths and descriptions, every leaf in the derived schema, each recorded path reads back its own field', () => {
  const paths = METRIC_LEAVES.map((l) => l.spec.path);
  assert.equal(new Set(paths).size, paths.length);
  const descriptions = SCALAR_METRICS.map((m) => m.description);
  assert.equal(new Set(descriptions).size, descriptions.length);
  const schema = JSON.parse(JSON.stringify(cellMetricsSchema())) as { properties: Record<string, { properties?: Record<string, unknown> }>; required: string[] };
  for (const l of METRIC_LEAVES) {
    const top = schema.properties[l.field[0]!];
    assert.ok(top !== undefined, l.spec.path);
    if (l.field.length === 2) assert.ok(top.properties?.[l.field[1]!] !== undefined, l.spec.path);
  }
  assert.ok(!schema.required.includes('keys') && !schema.required.includes('smm'), 'optional groups are optional in the schema');
  // Every 'sum' counter recorded with a distinct value lands in its own field and nowhere else.
  const c = new MetricsCollector();
  const sums = SCALAR_METRICS.filter((m) => m.aggregation === 'sum');
  sums.forEach((m, i) => c.count(m.path as Parameters<MetricsCollector['count']>[0], 1000 + i));
  const out = c.finish({ virtualDurationNs: 0, runtimeNs: 0, events: 0 });
  sums.forEach((m, i) => assert.equal(m.read(out), 1000 + i, m.path));
  assert.ok(sums.length >= 15, `${sums.length} counters`);
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
