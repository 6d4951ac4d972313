import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateExpectation, parseExpectation } from '../../src/scenario/expectation.ts';
import { formatDuration, parseDuration, parseQuantity } from '../../src/scenario/units.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';

test('durations convert to virtual nanoseconds', () => {
  assert.equal(parseDuration('2s'), 2_000_000_000);
  assert.equal(parseDuration('1.5ms'), 1_500_000);
  assert.equal(parseDuration('250us'), 250_000);
  assert.equal(parseDuration('250µs'), 250_000);
  assert.equal(parseDuration('7ns'), 7);
  assert.equal(parseDuration('fast'), undefined);
  assert.equal(parseDuration('5'), undefined);
  assert.deepEqual(parseQuantity('99%'), { value: 0.99, kind: 'ratio' });
  assert.equal(formatDuration(1_500_000), '1.5ms');
});

test('the brief’s example expectations parse into metric + op + base-unit limit', () => {
  assert.deepEqual(parseExpectation('smm.setvariable.p99 < 5ms'), {
    expression: 'smm.setvariable.p99 < 5ms', metric: 'setvariable.p99', op: '<', limit: 5_000_000,
  });
  assert.deepEqual(parseExpectation('isolation.violations == 0'), {
    expression: 'isolation.violations == 0', metric: 'isolation.violations', op: '==', limit: 0,
  });
  assert.equal(parseExpectation('setvariable.ratio >= 0.99').limit, 0.99);
  assert.equal(parseExpectation('setvariable.ratio >= 99%').limit, 0.99);
  assert.equal(parseExpectation('bytes.drainer > 0').metric, 'bytes.drainer');
});

test('an unknown metric names itself and lists the valid ones', () => {
  assert.throws(() => parseExpectation('smm.setvar.p99 < 5ms'), (e: Error) => {
    assert.match(e.message, /unknown metric "smm\.setvar\.p99"/);
    assert.match(e.message, /valid metrics: .*setvariable\.p99.*isolation\.violations/);
    return true;
  });
});

test('units must fit the metric', () => {
  assert.throws(() => parseExpectation('isolation.violations == 0ms'), /not a time/);
  assert.throws(() => parseExpectation('setvariable.p99 < 5'), /give a unit/);
  assert.throws(() => parseExpectation('setvariable.p99 ~ 5ms'), /expected "<metric> <op> <value>"/);
  assert.throws(() => parseExpectation('setvariable.p99 < fast'), /found "fast"/);
});

function metrics(): CellMetrics {
  return {
    virtualDurationNs: 1e9,
    setVariable: { completed: 10, failed: 0, perVirtualSecond: 10, latency: { count: 10, meanNs: 1e6, p50Ns: 1e6, p99Ns: 4e6, maxNs: 6e6 } },
    starvation: { totalNs: 0, longestNs: 0 },
    quotaExhaustionEvents: 0,
    bytesByConsumer: { drainer: 5 },
    isolation: { violations: 0, blockedAttempts: 3 },
    udFaults: { nonSmm: 0, smm: 0 },
    tls: { done: 0, denied: 0, degraded: 0 },
    variables: { checked: 10, ok: 10, lost: 0 },
    healthAlarms: { rct: 0, apt: 0 },
    events: 100,
  };
}

test('expectations evaluate against a cell; a missing baseline ratio fails', () => {
  const src = { metrics: metrics(), quality: [] };
  assert.equal(evaluateExpectation(parseExpectation('smm.setvariable.p99 < 5ms'), 'c', src).passed, true);
  assert.equal(evaluateExpectation(parseExpectation('setvariable.max < 5ms'), 'c', src).passed, false);
  assert.equal(evaluateExpectation(parseExpectation('bytes.drainer == 5'), 'c', src).passed, true);
  const r = evaluateExpectation(parseExpectation('setvariable.ratio >= 0.99'), 'c', src);
  assert.equal(r.passed, false);
  assert.equal(r.actual, 0);
  assert.equal(evaluateExpectation(parseExpectation('setvariable.ratio >= 0.99'), 'c', { ...src, baselineRatio: 1 }).passed, true);
});

test("'verdict' compares verdict names by rank (ok < degraded < starved < broken < insecure); anything else is refused", () => {
  const e = parseExpectation('verdict == insecure');
  assert.deepEqual(e, { expression: 'verdict == insecure', metric: 'verdict', op: '==', limit: 4 });
  const src = { metrics: metrics(), quality: [] };
  assert.equal(evaluateExpectation(e, 'c', { ...src, verdict: 'insecure' }).passed, true);
  assert.equal(evaluateExpectation(e, 'c', { ...src, verdict: 'broken' }).passed, false);
  assert.equal(evaluateExpectation(parseExpectation('verdict <= degraded'), 'c', { ...src, verdict: 'ok' }).passed, true);
  assert.equal(evaluateExpectation(parseExpectation('verdict <= degraded'), 'c', { ...src, verdict: 'starved' }).passed, false);
  assert.equal(evaluateExpectation(e, 'c', src).passed, false, 'no verdict: fails');
  assert.throws(() => parseExpectation('verdict == bad'), /expected a verdict \(ok, degraded, starved, broken, insecure\) after "==", found "bad"/);
  assert.throws(() => parseExpectation('variables.lost == insecure'), /expected a number/);
});

test('key provenance metrics read the cell\'s keys summary (0 when absent)', () => {
  const m = metrics();
  const src = { metrics: m, quality: [] };
  assert.equal(evaluateExpectation(parseExpectation('keys.bad-writes == 0'), 'c', src).passed, true);
  m.keys = {
    epochs: 10, badEpochs: 2, writes: 10, badWrites: 4, badWriteShare: 0.4, badWritesByFlaw: { 'unsafe-source': 0, 'repeats-earlier-output': 4 },
    sourceFailures: 1, startupTests: 3, startupPasses: 0, failClosed: 3, fallbackSeeds: 0,
  };
  const v = (x: string): number => evaluateExpectation(parseExpectation(x), 'c', src).actual;
  assert.deepEqual(
    ['keys.epochs > 0', 'keys.bad-epochs > 0', 'keys.bad-writes > 0', 'keys.bad-share > 0', 'keys.source-failures > 0', 'keys.startup-tests > 0', 'keys.fallback-seeds == 0'].map(v),
    [10, 2, 4, 0.4, 1, 3, 0],
  );
  assert.equal(evaluateExpectation(parseExpectation('keys.bad-share >= 40%'), 'c', src).passed, true);
});
