/**
 * The quality tap of a stream SMM consumes (docs/model.md §7.5): it is the consumed source's
 * own output (SMM's key material is inside it, at the positions the source produced it), it
 * is 2^17 bytes long, it is assessed at SP 800-22 n = 10^6 bits and SP 800-90B 10^5 samples,
 * and its verdict separates broken sources from healthy ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesignName, Platform, Workload } from '../../src/designs/platform.ts';
import { runPlatform } from '../../src/designs/assemble.ts';
import type { AccessContext } from '../../src/devices/access.ts';
import { QUALITY_STREAM_BYTES, type ConsumedStream } from '../../src/taps/source-stream.ts';
import { assessConsumedStream, STREAM_ENTROPY_SAMPLES, STREAM_STS_BITS } from '../../src/quality/consumed.ts';
import { Keystream } from '../../src/devices/keystream.ts';
import { Prng } from '../../src/sim/prng.ts';
import { lookupMetric } from '../../src/scenario/metrics.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';
import type { QualityResult } from '../../src/quality/result.ts';

/** 20 SetVariable/s from the OS, and optionally a drainer that takes host bytes too. */
function churn(): Workload {
  return {
    name: 'test-churn',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 1, actor: 'test-churn' };
      const rng = p.rng.fork('test-churn');
      p.sim.spawn('test-churn', (function* () {
        yield* p.phases.waitFor('runtime');
        for (let i = 0; ; i++) {
          yield* p.firmware.smmVariable.setVariable(ctx, `Churn${i % 8}`, rng.bytes(64));
          yield 50e6;
        }
      })());
    },
  };
}

function run(design: DesignName, hostParams: Record<string, string | number> = {}): { streams: ConsumedStream[]; keyMaterial: Uint8Array; hostRaw?: Uint8Array } {
  const r = runPlatform({ design, seed: 7, vcpus: 2, params: { 'host-source': hostParams }, runtimeNs: 1e9 }, [churn()]);
  const tap = (name: string): Uint8Array | undefined => r.taps.find((t) => t.name === name)?.bytes;
  const hostRaw = tap(design === 'smm-device' ? 'smm-device-host/raw' : 'host-source/raw');
  return { streams: r.streams ?? [], keyMaterial: tap('smm-variable/key-material') ?? new Uint8Array(0), ...(hostRaw ? { hostRaw } : {}) };
}

test('the quality tap is the consumed source\'s output: 2^17 bytes, starting with what the source produced in the run, SMM\'s key material inside it', () => {
  const dev = run('smm-device');
  assert.equal(dev.streams.length, 1);
  const s = dev.streams[0]!;
  assert.equal(s.name, 'smm-variable/stream:smm-device-host');
  assert.equal(s.bytes.length, QUALITY_STREAM_BYTES);
  assert.ok(QUALITY_STREAM_BYTES * 8 >= STREAM_STS_BITS && QUALITY_STREAM_BYTES >= STREAM_ENTROPY_SAMPLES);
  assert.ok(s.producedInRun > 0 && s.drawnAfterRun === QUALITY_STREAM_BYTES - s.producedInRun && s.keyedWrites > 0, JSON.stringify({ ...s, bytes: s.bytes.length }));
  // The dedicated device's only reader is SMM: its key material is the stream's first bytes.
  assert.ok(dev.keyMaterial.length > 256, `${dev.keyMaterial.length} key-material bytes`);
  assert.deepEqual(s.bytes.subarray(0, dev.keyMaterial.length), dev.keyMaterial);
  assert.deepEqual(s.bytes.subarray(0, dev.hostRaw!.length), dev.hostRaw);

  // Shared virtio-rng: SMM's bytes are a subsequence of the host's output produced in the run
  // (seed requests are 48 then 32 bytes, so 8-byte windows at multiples of 8 lie inside one request).
  const shared = run('shared-virtio');
  const h = shared.streams[0]!;
  assert.equal(h.name, 'smm-variable/stream:host-source');
  assert.ok(shared.keyMaterial.length > 256);
  const hay = Buffer.from(h.bytes.subarray(0, h.producedInRun));
  for (let off = 0; off + 8 <= shared.keyMaterial.length; off += 8) {
    assert.ok(hay.indexOf(Buffer.from(shared.keyMaterial.subarray(off, off + 8))) >= 0, `seed bytes at ${off} are not in the host stream`);
  }
  // The position's content is the seeded keystream's: the same as a fresh host backend from the same seed would give,
  // and nothing like the dedicated device's backend (a different fork of the seed).
  assert.notDeepEqual(h.bytes.subarray(0, 64), s.bytes.subarray(0, 64));
  const again = run('smm-device-shared-backend').streams[0]!;
  assert.deepEqual(again.bytes, h.bytes);
});

test('RDRAND and counter designs tap the DRNG, and the counter RngLib\'s output together with the PM-timer bytes under it', () => {
  const rd = run('rdrand-passthrough').streams;
  assert.deepEqual(rd.map((s) => [s.name, s.kind, s.bytes.length]), [['smm-variable/stream:rdrand', 'conditioned', QUALITY_STREAM_BYTES]]);
  const ctr = run('counter-fallback').streams;
  assert.deepEqual(ctr.map((s) => [s.name, s.kind, s.bytes.length]), [
    ['smm-variable/stream:counter-rnglib', 'conditioned', QUALITY_STREAM_BYTES],
    ['smm-variable/stream:pm-timer', 'raw', QUALITY_STREAM_BYTES],
  ]);
  // What SMM got from the counter source during the run opens the output stream.
  const r = runPlatform({ design: 'counter-fallback', seed: 7, vcpus: 2, params: {}, runtimeNs: 1e9 }, [churn()]);
  const km = r.taps.find((t) => t.name === 'smm-variable/key-material')!.bytes;
  assert.deepEqual(r.streams![0]!.bytes.subarray(0, km.length), km);
  assert.ok(r.streams![1]!.producedInRun > 0 && r.streams![1]!.producedInRun < QUALITY_STREAM_BYTES);
});

test('assessed at SP 800-22 n = 10^6 bits and SP 800-90B 10^5 samples: a healthy DRBG passes; stuck, repeating and biased hosts fail', () => {
  const healthy = assessConsumedStream({ bytes: new Keystream(new Prng(11)).take(QUALITY_STREAM_BYTES), kind: 'conditioned', bitsPerSample: 8, claimedEntropyPerSample: 8 });
  assert.equal(healthy.verdict, 'pass', healthy.reasons.join('; '));
  assert.equal(healthy.sts!.n, 1_000_000);
  // Every test of the battery runs at this length, including those that need 10^6 bits.
  assert.equal(healthy.sts!.tests.filter((t) => t.status === 'ok').length, 15);
  assert.equal(healthy.entropy!.samples, 100_000);
  assert.equal(healthy.entropy!.conditioned, true);
  assert.ok(healthy.entropy!.minEntropyPerSample > 0.65 * 8);

  const streamOf = (hostParams: Record<string, string | number>): ConsumedStream => run('smm-device', hostParams).streams[0]!;
  for (const fault of [{ fault: 'stuck' }, { fault: 'repeating' }]) {
    const q = assessConsumedStream(streamOf(fault));
    assert.equal(q.verdict, 'fail', JSON.stringify(fault));
  }
  // A slight bias the health tests never see (p(1) = 0.52: the likeliest byte 2.7 times in a 512-sample window,
  // APT cutoff 13), yet SP 800-22 at 10^6 bits fails it.
  const biased = assessConsumedStream(streamOf({ fault: 'biased', 'p-one': 0.52 }));
  assert.equal(biased.health!.rct.alarms + biased.health!.apt.alarms, 0);
  assert.equal(biased.sts!.verdict, 'fail');
  assert.equal(biased.verdict, 'fail');
});

test('a shortened tap is insufficient, and quality.short-streams counts it', () => {
  const bytes = new Keystream(new Prng(3)).take(QUALITY_STREAM_BYTES / 2);
  const q = assessConsumedStream({ bytes, kind: 'conditioned', bitsPerSample: 8, claimedEntropyPerSample: 8 });
  assert.equal(q.verdict, 'insufficient-data');
  assert.equal(q.sts, undefined);
  const full: QualityResult = { tap: 't', ...assessConsumedStream({ bytes: new Uint8Array(0), kind: 'raw', bitsPerSample: 8 }) };
  const result = (r: QualityResult): QualityResult => ({ ...r, stream: { sha256: '0'.repeat(64), producedInRun: 0, consumedInRun: 0, drawnAfterRun: 0, keyedWrites: 0 } });
  const metric = lookupMetric('quality.short-streams')!.def;
  const metrics = {} as CellMetrics;
  assert.equal(metric.get({ metrics, quality: [result({ tap: 't', ...q }), result(full)] }), 2);
  assert.equal(metric.get({ metrics, quality: [{ tap: 't', ...q }] }), 0, 'an ordinary tap is not a consumed stream');
});
