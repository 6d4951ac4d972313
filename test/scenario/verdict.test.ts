import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellVerdict, VERDICTS, verdictRank, worseVerdict } from '../../src/scenario/verdict.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';
import type { QualityResult } from '../../src/quality/result.ts';

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

test('a failing conditioned stream is insecure unless the SMM driver failed closed; timer-seeded TLS is degraded', () => {
  const sts: QualityResult = {
    tap: 'smm-variable/smm-device', kind: 'conditioned', consumer: 'smm-variable', bytes: 10000, verdict: 'fail', reasons: [],
    sts: { n: 80000, alpha: 0.01, tests: [], applicable: 11, passed: 0, verdict: 'fail' },
  };
  assert.equal(cellVerdict(metrics(), 1, [sts]).verdict, 'insecure');
  const closed = metrics({ setVariable: { ...metrics().setVariable, failed: 5 }, smm: { smis: 1, timeNs: 1, degradedSetVariables: 0, failClosed: 5 } });
  assert.equal(cellVerdict(closed, 1, [sts]).verdict, 'broken');
  const tls = cellVerdict(metrics({ tls: { done: 1, denied: 0, degraded: 1 } }), 1, []);
  assert.equal(tls.verdict, 'degraded');
  assert.deepEqual(tls.reasons, ['degraded: 1 TLS handshake(s) seeded from the timer RngLib (silent degrade)']);
});

const keys = (writes: number, badWrites: number, flaws: { 'unsafe-source'?: number; 'repeats-earlier-output'?: number } = {}): CellMetrics['keys'] => ({
  epochs: writes,
  badEpochs: badWrites,
  writes,
  badWrites,
  badWriteShare: writes > 0 ? badWrites / writes : 0,
  badWritesByFlaw: { 'unsafe-source': flaws['unsafe-source'] ?? 0, 'repeats-earlier-output': flaws['repeats-earlier-output'] ?? 0 },
  sourceFailures: 0,
  startupTests: 0,
  startupPasses: 0,
  failClosed: 0,
  fallbackSeeds: 0,
});

test('one SMM write keyed from a bad epoch makes the cell insecure, whatever else happened; none keeps it ok', () => {
  assert.deepEqual(cellVerdict(metrics({ keys: keys(100, 0) }), 1, []), { verdict: 'ok', reasons: [] });
  const one = cellVerdict(metrics({ keys: keys(100, 1, { 'repeats-earlier-output': 1 }) }), 1, []);
  assert.equal(one.verdict, 'insecure');
  assert.deepEqual(one.reasons, ['insecure: 1 of 100 SMM write(s) (1.0 %) keyed from a bad DRBG epoch (repeats-earlier-output 1)']);
  // Outranks a fail-closed driver (broken) and starvation.
  const mixed = metrics({ keys: keys(96, 96, { 'unsafe-source': 96 }), setVariable: { ...metrics().setVariable, failed: 7 } });
  assert.equal(cellVerdict(mixed, 0.2, []).verdict, 'insecure');
});

test("SMM key material measured far below its claim is insecure when keys were made from it; another raw source's shortfall is degraded", () => {
  const raw = (consumer: string): QualityResult => ({
    tap: `${consumer}/raw`, kind: 'raw', consumer, bytes: 20000, verdict: 'fail', reasons: [], claimedEntropyPerSample: 8,
    entropy: { samples: 20000, bitsPerSample: 8, minEntropyPerSample: 3.1, estimators: [] },
  });
  const smm = cellVerdict(metrics(), 1, [raw('smm-variable')]);
  assert.equal(smm.verdict, 'insecure');
  assert.match(smm.reasons[0]!, /^insecure: SMM keys seeded from smm-variable\/raw: SP 800-90B estimate 3\.100/);
  const none = metrics({ setVariable: { ...metrics().setVariable, completed: 0 } });
  assert.equal(cellVerdict(none, 1, [raw('smm-variable')]).verdict, 'degraded');
  assert.equal(cellVerdict(metrics(), 1, [raw('counter-rnglib')]).verdict, 'degraded');
});

test('the verdict levels come from one list, best first; insecure is the worst', () => {
  assert.deepEqual(VERDICTS, ['ok', 'degraded', 'starved', 'broken', 'insecure']);
  assert.deepEqual(VERDICTS.map(verdictRank), [0, 1, 2, 3, 4]);
  assert.equal(worseVerdict('broken', 'insecure'), 'insecure');
  assert.equal(worseVerdict('insecure', 'ok'), 'insecure');
  assert.equal(worseVerdict('degraded', 'starved'), 'starved');
});

test('each broken/starved/degraded reason: its class, its exact text, and the thresholds at their boundaries', () => {
  const only = (over: Partial<CellMetrics>, ratio: number | undefined = 1, q: QualityResult[] = []) => cellVerdict(metrics(over), ratio, q);
  assert.deepEqual(only({ variables: { checked: 4, ok: 3, lost: 1 } }), { verdict: 'broken', reasons: ['broken: 1 of 4 variable(s) did not read back'] });
  assert.deepEqual(only({ setVariable: { ...metrics().setVariable, failed: 2 } }), { verdict: 'broken', reasons: ['broken: 2 SetVariable call(s) failed'] });
  assert.deepEqual(only({ tls: { done: 0, denied: 3, degraded: 0 } }), { verdict: 'broken', reasons: ['broken: 3 TLS handshake(s) denied for lack of entropy'] });
  assert.deepEqual(only({ udFaults: { nonSmm: 2, smm: 5 } }), { verdict: 'broken', reasons: ['broken: 2 #UD fault(s) on RDRAND/RDSEED outside SMM'] });
  // Ratio bounds: < 0.5 starved, exactly 0.5 degraded; < 0.99 degraded, exactly 0.99 ok.
  assert.deepEqual(only({}, 0.4), { verdict: 'starved', reasons: ['starved: SetVariable throughput at 40.0 % of the no-adversary baseline'] });
  assert.equal(only({}, 0.5).verdict, 'degraded');
  assert.deepEqual(only({}, 0.9), { verdict: 'degraded', reasons: ['degraded: SetVariable throughput at 90.0 % of the no-adversary baseline'] });
  assert.equal(only({}, 0.99).verdict, 'ok');
  assert.equal(only({}, undefined).verdict, 'ok');
  // Starvation: a single wait of exactly 100 ms is starved, just below is not.
  assert.deepEqual(only({ starvation: { totalNs: 1e8, longestNs: 1e8 } }), { verdict: 'starved', reasons: ['starved: SMM waited 100ms at once for entropy'] });
  assert.equal(only({ starvation: { totalNs: 1e8, longestNs: 1e8 - 1 } }).verdict, 'ok');
  assert.deepEqual(only({ healthAlarms: { rct: 1, apt: 2 } }), { verdict: 'degraded', reasons: ['degraded: devices raised 3 health-test alarm(s) (RCT 1, APT 2)'] });
});

test('a failing conditioned stream: failed closed means any SMM refusal (fail-closed count or failed calls); a passing or raw stream flags nothing', () => {
  const sts = (verdict: 'pass' | 'fail', kind: 'raw' | 'conditioned' = 'conditioned'): QualityResult => ({
    tap: 't', kind, consumer: 'smm-variable', bytes: 10000, verdict, reasons: [],
    sts: { n: 80000, alpha: 0.01, tests: [], applicable: 11, passed: verdict === 'pass' ? 11 : 3, verdict },
  });
  const closedOnly = metrics({ smm: { smis: 1, timeNs: 1, degradedSetVariables: 0, failClosed: 2 } });
  assert.deepEqual(cellVerdict(closedOnly, 1, [sts('fail')]), {
    verdict: 'broken',
    reasons: ['broken: conditioned stream t fails SP 800-22 (3/11 tests pass); SMM failed closed'],
  });
  const failedOnly = metrics({ setVariable: { ...metrics().setVariable, failed: 1 } });
  assert.equal(cellVerdict(failedOnly, 1, [sts('fail')]).verdict, 'broken');
  assert.deepEqual(cellVerdict(metrics(), 1, [sts('fail')]).reasons, ['insecure: conditioned stream t fails SP 800-22 (3/11 tests pass)']);
  assert.deepEqual(cellVerdict(metrics(), 1, [sts('pass')]), { verdict: 'ok', reasons: [] });
  assert.deepEqual(cellVerdict(metrics(), 1, [sts('fail', 'raw')]), { verdict: 'ok', reasons: [] });
  // Another consumer's failing stream stays insecure even when SMM failed closed.
  assert.equal(cellVerdict(closedOnly, 1, [{ ...sts('fail'), consumer: 'tls' }]).verdict, 'insecure');
  // A raw source below its claim only counts with an estimate, a claim, a failed verdict and a real shortfall.
  const raw = (over: Partial<QualityResult>): QualityResult => ({
    tap: 'r', kind: 'raw', consumer: 'host', bytes: 20000, verdict: 'fail', reasons: [], claimedEntropyPerSample: 8,
    entropy: { samples: 20000, bitsPerSample: 8, minEntropyPerSample: 3, estimators: [] }, ...over,
  });
  assert.equal(cellVerdict(metrics(), 1, [raw({})]).verdict, 'degraded');
  assert.equal(cellVerdict(metrics(), 1, [raw({ verdict: 'pass' })]).verdict, 'ok');
  assert.equal(cellVerdict(metrics(), 1, [raw({ claimedEntropyPerSample: 2 })]).verdict, 'ok');
  const { claimedEntropyPerSample: _c, ...noClaim } = raw({});
  assert.equal(cellVerdict(metrics(), 1, [noClaim]).verdict, 'ok');
  const { entropy: _e, ...noEstimate } = raw({});
  assert.equal(cellVerdict(metrics(), 1, [noEstimate]).verdict, 'ok');
});

test('raw-source reasons: a shortfall at exactly the claim is none; health alarms on a raw tap degrade with their counts; conditioned taps skip both', () => {
  const raw = (over: Partial<QualityResult>): QualityResult => ({
    tap: 'host/raw', kind: 'raw', consumer: 'host', bytes: 20000, verdict: 'fail', reasons: [], claimedEntropyPerSample: 6,
    entropy: { samples: 20000, bitsPerSample: 8, minEntropyPerSample: 5.25, estimators: [] }, ...over,
  });
  assert.deepEqual(cellVerdict(metrics(), 1, [raw({})]), {
    verdict: 'degraded',
    reasons: ['degraded: raw source host/raw: SP 800-90B estimate 5.250 bits/sample, design credits 6'],
  });
  // An estimate equal to the claim is no shortfall (the claim holds).
  assert.deepEqual(cellVerdict(metrics(), 1, [raw({ entropy: { samples: 20000, bitsPerSample: 8, minEntropyPerSample: 6, estimators: [] } })]), { verdict: 'ok', reasons: [] });
  const health = (rct: number, apt: number) => ({ entropyPerSample: 7.5, rct: { cutoff: 5, alarms: rct }, apt: { window: 512, cutoff: 20, alarms: apt } });
  const alarmed = raw({ verdict: 'pass', health: health(0, 2) });
  assert.deepEqual(cellVerdict(metrics(), 1, [alarmed]), {
    verdict: 'degraded',
    reasons: ['degraded: raw source host/raw: 0 RCT and 2 APT alarm(s) at H = 7.5'],
  });
  assert.deepEqual(cellVerdict(metrics(), 1, [raw({ verdict: 'pass', health: health(3, 0) })]).reasons, ['degraded: raw source host/raw: 3 RCT and 0 APT alarm(s) at H = 7.5']);
  assert.deepEqual(cellVerdict(metrics(), 1, [raw({ verdict: 'pass', health: health(0, 0) })]), { verdict: 'ok', reasons: [] });
  // The same findings on a conditioned tap (the DRBG's output, not a source) flag nothing; one without
  // SP 800-22 results (too short to test) flags nothing either.
  const conditioned: QualityResult = { ...raw({ health: health(4, 4) }), kind: 'conditioned', consumer: 'smm-variable' };
  assert.deepEqual(cellVerdict(metrics(), 1, [conditioned]), { verdict: 'ok', reasons: [] });
});

test('a bad-epoch reason names every flaw with its count', () => {
  const both = cellVerdict(metrics({ keys: keys(10, 5, { 'unsafe-source': 2, 'repeats-earlier-output': 4 }) }), 1, []);
  assert.deepEqual(both.reasons, ['insecure: 5 of 10 SMM write(s) (50.0 %) keyed from a bad DRBG epoch (unsafe-source 2, repeats-earlier-output 4)']);
});

test('a consumed stream whose quality tap fails: insecure when writes were keyed from it, degraded when none were; a passing one adds nothing', () => {
  const stream = (verdict: QualityResult['verdict'], keyedWrites: number, kind: QualityResult['kind'] = 'conditioned'): QualityResult => ({
    tap: 'smm-variable/stream:host-source',
    kind,
    consumer: 'smm-variable',
    source: 'host-source',
    bytes: 131072,
    verdict,
    reasons: ['SP 800-22: battery fails'],
    // A failing battery and a health alarm that the short-tap rules would also flag: the stream rule alone decides.
    sts: { n: 1_000_000, alpha: 0.01, tests: [], applicable: 15, passed: 3, verdict: verdict === 'fail' ? 'fail' : 'pass' },
    health: { entropyPerSample: 8, rct: { cutoff: 4, alarms: 1 }, apt: { window: 512, cutoff: 13, alarms: 0 } },
    claimedEntropyPerSample: 8,
    stream: { sha256: 'b'.repeat(64), producedInRun: 3000, consumedInRun: 3000, drawnAfterRun: 128072, keyedWrites },
  });
  const keyed = cellVerdict(metrics(), 1, [stream('fail', 5)]);
  assert.equal(keyed.verdict, 'insecure');
  assert.deepEqual(keyed.reasons.length, 1);
  assert.match(keyed.reasons[0]!, /^insecure: 5 SMM write\(s\) keyed from host-source, whose output \(quality tap smm-variable\/stream:host-source, 131072 bytes\) fails: SP 800-22/);
  const unkeyed = cellVerdict(metrics(), 1, [stream('fail', 0)]);
  assert.equal(unkeyed.verdict, 'degraded');
  assert.match(unkeyed.reasons[0]!, /no write was keyed from it/);
  // One honest RCT alarm in 2^17 samples is not a failure of a passing stream, and is not re-judged as a raw tap.
  for (const kind of ['conditioned', 'raw'] as const) assert.deepEqual(cellVerdict(metrics(), 1, [stream('pass', 5, kind)]), { verdict: 'ok', reasons: [] });
});

test("a power-cut campaign breaks the cell when any of its three failure counts is non-zero; a clean campaign adds nothing", () => {
  const crash = (ackedLost: number, halfVisible: number, unreadable: number) => ({ cuts: 40, ackedLost, halfVisible, unreadable });
  assert.deepEqual(cellVerdict(metrics(), 1, [], undefined, crash(2, 3, 4)), {
    verdict: 'broken',
    reasons: ['broken: power cuts (40): 2 acknowledged value(s) lost, 3 half-visible record(s), 4 unrecoverable store(s)'],
  });
  // Each count alone suffices (a sum that could cancel or a missing term would let one through).
  for (const [a, h, u] of [[1, 0, 0], [0, 1, 0], [0, 0, 1]] as const) {
    assert.equal(cellVerdict(metrics(), 1, [], undefined, crash(a, h, u)).verdict, 'broken', `${a}/${h}/${u}`);
  }
  assert.deepEqual(cellVerdict(metrics(), 1, [], undefined, crash(0, 0, 0)), { verdict: 'ok', reasons: [] });
});

test("a failing consumed stream's reason lists all of the tap's reasons, '; '-separated, and names the tap when the source is unknown", () => {
  const q: QualityResult = {
    tap: 'smm-variable/stream:x', kind: 'conditioned', consumer: 'smm-variable', bytes: 4096, verdict: 'fail',
    reasons: ['SP 800-22: battery fails', 'SP 800-90B: estimate 2.000 below 8'],
    stream: { sha256: 'c'.repeat(64), producedInRun: 1, consumedInRun: 1, drawnAfterRun: 4095, keyedWrites: 2 },
  };
  assert.deepEqual(cellVerdict(metrics(), 1, [q]).reasons, [
    'insecure: 2 SMM write(s) keyed from smm-variable/stream:x, whose output (quality tap smm-variable/stream:x, 4096 bytes) fails: SP 800-22: battery fails; SP 800-90B: estimate 2.000 below 8',
  ]);
});
