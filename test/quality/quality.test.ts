import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tapHealth } from '../../src/quality/health.ts';
import { tapSts, MIN_STS_BITS } from '../../src/quality/sts.ts';
import { MIN_ENTROPY_SAMPLES, SHORTFALL_RATIO } from '../../src/quality/entropy.ts';
import { assessTap, assessTaps } from '../../src/quality/index.ts';
import type { TapData } from '../../src/taps/tap.ts';

/** Full-entropy stand-in: SHA-256 in counter mode. */
function sha256Stream(n: number, label = 'q'): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 32) b.set(createHash('sha256').update(`${label}:${i}`).digest().subarray(0, Math.min(32, n - i)), i);
  return b;
}

function tap(name: string, kind: TapData['kind'], bytes: Uint8Array, claimed?: number): TapData {
  return { name, consumer: 'test', source: 'test', kind, bytes, totalBytes: bytes.length, bitsPerSample: 8, firstAtNs: 0, lastAtNs: 0, deliveries: 1, ...(claimed !== undefined ? { claimedEntropyPerSample: claimed } : {}) };
}

test('health: cutoffs for H = 8 are the SP 800-90B values (RCT C = 4, APT C = 13 over W = 512), a stuck source alarms at its 4th byte', () => {
  const h = tapHealth(new Uint8Array(1000), 8, 8);
  assert.equal(h.rct.cutoff, 4);
  assert.equal(h.apt.cutoff, 13);
  assert.equal(h.apt.window, 512);
  assert.equal(h.rct.firstAlarmAtSample, 3);
  assert.ok(h.apt.alarms > 0);
  const ok = tapHealth(sha256Stream(20000), 8, 8);
  assert.equal(ok.rct.alarms + ok.apt.alarms, 0);
});

test('health: a binary tap uses W = 1024 and H = 1 gives RCT C = 21, APT C = 589 (SP 800-90B §4.4)', () => {
  const h = tapHealth(new Uint8Array(2048), 1, 1);
  assert.equal(h.rct.cutoff, 21);
  assert.equal(h.apt.window, 1024);
  assert.equal(h.apt.cutoff, 589);
  assert.equal(h.rct.firstAlarmAtSample, 20);
});

test('SP 800-22: SHA-256 output passes, a byte counter fails, a short stream is insufficient', () => {
  assert.equal(tapSts(sha256Stream(25000)).verdict, 'pass');
  assert.equal(tapSts(new Uint8Array(25000).map((_, i) => i & 0xff)).verdict, 'fail');
  const short = assessTap(tap('short', 'conditioned', sha256Stream(MIN_STS_BITS / 8 - 1)), ['sts']);
  assert.equal(short.verdict, 'insufficient-data');
  assert.equal(short.sts, undefined);
});

test('SP 800-90B: full-entropy bytes clear the shortfall bar; PM-timer readings credited 8 bits/byte do not', () => {
  const honest = assessTap(tap('honest', 'raw', sha256Stream(MIN_ENTROPY_SAMPLES), 8), ['entropy']);
  assert.equal(honest.verdict, 'pass');
  assert.ok(honest.entropy!.minEntropyPerSample >= SHORTFALL_RATIO * 8);
  // Low byte of a 3.579545 MHz counter read every ~22 µs with ±2 µs jitter per read:
  // the spread of consecutive readings is tens of ticks, so a few bits, not 8.
  let t = 1e9;
  let x = 12345;
  const rand = (): number => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const counter = new Uint8Array(MIN_ENTROPY_SAMPLES).map(() => {
    t += 22_000 + (rand() * 2 - 1) * 2000;
    return Math.floor((t * 3579545) / 1e9) & 0xff;
  });
  const q = assessTap(tap('counter', 'raw', counter, 8), ['entropy', 'health']);
  assert.equal(q.verdict, 'fail');
  assert.ok(q.entropy!.minEntropyPerSample < SHORTFALL_RATIO * 8);
  assert.match(q.reasons.join('\n'), /SP 800-90B: estimate .* below 0\.65 × the claimed 8/);
});

test('tap routing: sts only on conditioned taps, entropy + health only on raw taps, empty rule skips', () => {
  const taps = [tap('a/raw', 'raw', new Uint8Array(10), 8), tap('a/out', 'conditioned', new Uint8Array(10)), tap('skip/me', 'raw', new Uint8Array(10), 8)];
  const r = assessTaps(taps, [{ tap: 'skip/*', checks: [] }, { tap: '*', checks: ['sts', 'entropy', 'health'] }]);
  assert.deepEqual(r.map((q) => q.tap), ['a/raw', 'a/out']);
  assert.equal(r[0]!.sts, undefined);
  assert.ok(r[0]!.health);
  assert.equal(r[1]!.health, undefined);
  assert.equal(r[1]!.verdict, 'insufficient-data');
});

test('SP 800-22 summary keeps every P-value in the ten §4.2.2 bins: counts add up, the smallest P-value is in its bin, uniform for SHA-256', () => {
  const s = tapSts(sha256Stream(25000));
  const nonOverlapping = s.tests.find((t) => t.test === 'NonOverlappingTemplate')!;
  for (const t of s.tests.filter((x) => x.status === 'ok')) {
    assert.equal(t.histogram!.length, 10);
    assert.equal(t.histogram!.reduce((a, b) => a + b, 0), t.pValues, t.test);
    assert.ok(t.histogram![Math.min(9, Math.floor(t.minPValue! * 10))]! > 0, t.test);
    // The passing count is the P-values ≥ α = 0.01, so at most the first bin's count below it.
    assert.ok(t.pValues - t.passed <= t.histogram![0]!, t.test);
  }
  // 148 templates: the smallest P-value is always near 0, the histogram is not (≈ 14.8 per bin).
  assert.equal(nonOverlapping.pValues, 148);
  assert.ok(nonOverlapping.minPValue! < 0.1);
  assert.ok(nonOverlapping.histogram!.every((n) => n >= 3 && n <= 35), String(nonOverlapping.histogram));
  // A byte counter: its failing tests put their P-values in the first bin.
  const bad = tapSts(new Uint8Array(25000).map((_, i) => i & 0xff));
  const failing = bad.tests.filter((t) => t.status === 'ok' && t.passed < t.pValues);
  assert.ok(failing.length > 0);
  for (const t of failing) assert.ok(t.histogram![0]! >= t.pValues - t.passed, t.test);
});
