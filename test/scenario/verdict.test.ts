import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellVerdict } from '../../src/scenario/verdict.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';
import type { QualityResult } from '../../src/scenario/result.ts';

function metrics(over: Partial<CellMetrics> = {}): CellMetrics {
  return {
    virtualDurationNs: 1e9,
    setVariable: { completed: 100, failed: 0, perVirtualSecond: 100, latency: { count: 100, meanNs: 1e6, p50Ns: 1e6, p99Ns: 2e6, maxNs: 3e6 } },
    starvation: { totalNs: 0, longestNs: 0 },
    quotaExhaustionEvents: 0,
    bytesByConsumer: {},
    isolation: { violations: 0, blockedAttempts: 0 },
    udFaults: { nonSmm: 0, smm: 0 },
    tls: { done: 1, denied: 0, degraded: 0 },
    variables: { checked: 100, ok: 100, lost: 0 },
    healthAlarms: { rct: 0, apt: 0 },
    events: 1,
    ...over,
  };
}

test('verdict classes, worst first, with every reason listed', () => {
  assert.deepEqual(cellVerdict(metrics(), 1, []), { verdict: 'ok', reasons: [] });
  assert.equal(cellVerdict(metrics(), 0.995, []).verdict, 'ok');
  assert.equal(cellVerdict(metrics(), 0.98, []).verdict, 'degraded');
  assert.equal(cellVerdict(metrics(), 0.3, []).verdict, 'starved');
  assert.equal(cellVerdict(metrics({ starvation: { totalNs: 2e8, longestNs: 2e8 } }), 1, []).verdict, 'starved');
  assert.equal(cellVerdict(metrics({ udFaults: { nonSmm: 3, smm: 0 } }), 1, []).verdict, 'broken');
  const v = cellVerdict(metrics({ isolation: { violations: 1, blockedAttempts: 0 }, variables: { checked: 2, ok: 1, lost: 1 } }), 0.3, []);
  assert.equal(v.verdict, 'insecure');
  assert.equal(v.reasons.length, 3);
  assert.match(v.reasons[0]!, /^insecure: 1 isolation violation/);
});

test('a failing conditioned stream is insecure unless the SMM driver failed closed; TLS degrade is only a note', () => {
  const sts: QualityResult = {
    tap: 'smm-variable/smm-device', kind: 'conditioned', consumer: 'smm-variable', bytes: 10000, verdict: 'fail', reasons: [],
    sts: { n: 80000, alpha: 0.01, tests: [], applicable: 11, passed: 0, verdict: 'fail' },
  };
  assert.equal(cellVerdict(metrics(), 1, [sts]).verdict, 'insecure');
  const closed = metrics({ setVariable: { ...metrics().setVariable, failed: 5 }, smm: { smis: 1, timeNs: 1, degradedSetVariables: 0, failClosed: 5 } });
  assert.equal(cellVerdict(closed, 1, [sts]).verdict, 'broken');
  const tls = cellVerdict(metrics({ tls: { done: 1, denied: 0, degraded: 1 } }), 1, []);
  assert.equal(tls.verdict, 'ok');
  assert.match(tls.reasons[0]!, /^note: /);
  assert.equal(cellVerdict(metrics({ smm: { smis: 1, timeNs: 1, degradedSetVariables: 4, failClosed: 0 } }), 1, []).verdict, 'degraded');
});
