/**
 * EFI_RNG_PROTOCOL producers (VirtioRngDxe, RngDxe), the timer RngLib and the TLS client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { RdrandUnit } from '../../src/devices/rdrand.ts';
import { BootPhases, PHASES, type PhaseName } from '../../src/firmware/boot.ts';
import { CounterRngLib } from '../../src/firmware/counter-rnglib.ts';
import { RngDxe } from '../../src/firmware/rng-dxe.ts';
import type { EfiRngProtocol } from '../../src/firmware/rng-protocol.ts';
import { TlsClient } from '../../src/firmware/tls-client.ts';
import { VirtioRngClient, VirtioRngDxe, noticeTime, pollPoint } from '../../src/firmware/virtio-rng-dxe.ts';
import { FW, SMM, bench, runProc, virtio } from '../devices/fixture.ts';

test('VirtioFlush back-off: stalls 1, 2, 4 … 1024 µs then 1024 µs steps (docs/model.md §0 row 11)', () => {
  const us = 1000;
  assert.equal(pollPoint(1, us, 1024 * us, 0), 1 * us);
  assert.equal(pollPoint(3, us, 1024 * us, 0), 7 * us);
  assert.equal(pollPoint(11, us, 1024 * us, 0), 2047 * us);
  assert.equal(pollPoint(12, us, 1024 * us, 0), 3071 * us);
  assert.equal(noticeTime(5 * us, us, 1024 * us, 0), 7 * us);
  assert.equal(noticeTime(2047 * us, us, 1024 * us, 0), 2047 * us);
  assert.equal(noticeTime(2047 * us + 1, us, 1024 * us, 0), 3071 * us);
  // with overhead per stall
  // poll points 11, 23, 37 µs: a completion at 25 µs is noticed at the third
  assert.equal(pollPoint(3, us, 1024 * us, 10 * us), 37 * us);
  assert.equal(noticeTime(25 * us, us, 1024 * us, 10 * us), 37 * us);
  // noticing is always at a poll point ≥ the completion
  for (const t of [1, 999, 1000, 123456, 5e6, 7.77e8]) {
    const n = noticeTime(t, us, 1024 * us, 3 * us);
    assert.ok(n >= t);
    assert.ok(n - t < 1024 * us + 3 * us);
  }
});

test('VirtioRngDxe: RAW only, not connected before BDS, gone after ExitBootServices', () => {
  const b = bench();
  const d = virtio(b);
  const dxe = new VirtioRngDxe(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  assert.equal(dxe.available(), false);
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32)).status, 'device-error');
  dxe.connect();
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32, 'SP800-90-CTR-256')).status, 'unsupported');
  const r = runProc(b.sim, dxe.getRng(FW, 32));
  assert.equal(r.status, 'success');
  assert.equal(r.bytes.length, 32);
  dxe.exitBootServices();
  assert.equal(d.ready, false);
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32)).status, 'device-error');
});

const MS = 1_000_000;

function rngDxe(over: ParamValues = {}, dxeOver: ParamValues = {}) {
  const b = bench();
  const u = new RdrandUnit(b.sim, resolveParams('rdrand', over), b.rng.fork('r'), b.vcpus, b.metrics, b.taps);
  return { b, u, dxe: new RngDxe(resolveParams('rng-dxe', dxeOver), u, b.vcpus) };
}

test('RngDxe installs only if a 64-bit RngLib read works; smm-only RDRAND makes DXE take a #UD', () => {
  const ok = rngDxe();
  assert.equal(runProc(ok.b.sim, ok.dxe.entry(FW)), true);
  const bad = rngDxe({ policy: 'smm-only' });
  assert.equal(runProc(bad.b.sim, bad.dxe.entry(FW)), false);
  assert.equal(bad.b.metrics.value('ud.nonsmm'), 1);
  assert.equal(bad.dxe.available(), false);
});

test('RngDxe RAW costs ≥ 320 µs per 16 bytes (32 × 10 µs delays, docs/model.md §0 row 14)', () => {
  const { b, dxe } = rngDxe({}, { 'pm-read-ns': 0 });
  runProc(b.sim, dxe.entry(FW));
  const t0 = b.sim.now;
  const r = runProc(b.sim, dxe.getRng(FW, 32, 'RAW'));
  assert.equal(r.status, 'success');
  assert.equal(r.bytes.length, 32);
  const per16 = (b.sim.now - t0) / 2;
  assert.ok(per16 >= 320_000, `${per16} ns per 16 B`);
  const ctr = runProc(b.sim, dxe.getRng(FW, 32, 'SP800-90-CTR-256'));
  assert.equal(ctr.bytes.length, 32);
});

test('timer RngLib: PM timer at 3.579545 MHz; its raw bytes hold little entropy, the SHA-256 output hides it', () => {
  const b = bench();
  const c = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  assert.equal(c.pmTimerAt(1e9), 3579545);
  assert.equal(c.pmTimerAt(0), 0);
  const raw = runProc(b.sim, c.rawBytes(FW, 4000));
  // successive differences cluster around (exit + delay) × 3.58 ticks/µs: few distinct values
  const diffs = new Set<number>();
  for (let i = 1; i < raw.length; i++) diffs.add((raw[i]! - raw[i - 1]! + 256) & 0xff);
  assert.ok(diffs.size < 40, `${diffs.size} distinct differences`);
  const out = runProc(b.sim, c.mixedBytes(FW, 4000));
  const od = new Set<number>();
  for (let i = 1; i < out.length; i++) od.add((out[i]! - out[i - 1]! + 256) & 0xff);
  assert.ok(od.size > 200, `${od.size} distinct differences in the hashed output`);
  assert.ok(b.taps.total('counter-rnglib/raw') >= 4000 + 4000);
  assert.equal(b.taps.total('counter-rnglib/output'), 4000);
});

function tls(over: ParamValues, proto: () => EfiRngProtocol | undefined, b = bench()) {
  const c = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  const t = new TlsClient(b.sim, resolveParams('tls', over), proto, c, b.vcpus, b.metrics, b.taps);
  return { b, t };
}

test('TLS: no EFI_RNG_PROTOCOL → deny (default) or degrade with the timer bytes', () => {
  const d = tls({ handshakes: 3 }, () => undefined);
  runProc(d.b.sim, d.t.httpsBoot(FW));
  assert.deepEqual([d.b.metrics.value('tls.done'), d.b.metrics.value('tls.denied'), d.b.metrics.value('tls.degraded')], [0, 3, 0]);
  const g = tls({ policy: 'degrade', handshakes: 2 }, () => undefined);
  runProc(g.b.sim, g.t.httpsBoot(FW));
  assert.deepEqual([g.b.metrics.value('tls.done'), g.b.metrics.value('tls.denied'), g.b.metrics.value('tls.degraded')], [2, 0, 2]);
  assert.equal(g.b.taps.total('tls/openssl-seed'), 64); // seeded once (§3.5: 32 + 16 + 16)
});

test('TLS with a protocol: OVMF X64 timer RngLib still degrades; DxeRngLib does not', () => {
  for (const [rnglib, degraded, fromDevice] of [['timer', 1, 16], ['protocol', 0, 16 + 64]] as const) {
    const b = bench();
    const dxe = new VirtioRngDxe(b.sim, virtio(b), b.vcpus, resolveParams('virtio-rng-dxe', undefined));
    dxe.connect();
    const { t } = tls({ rnglib }, () => dxe, b);
    runProc(b.sim, t.httpsBoot(FW));
    assert.deepEqual([b.metrics.value('tls.done'), b.metrics.value('tls.denied'), b.metrics.value('tls.degraded')], [1, 0, degraded]);
    assert.equal(b.taps.total('fw/virtio-rng'), fromDevice); // DxeNetLib 16 B (+ the OpenSSL seed)
  }
});

test('boot timeline: phases start in order at their virtual time; waitFor resumes at the start (at once if started); unknown or repeated phases are refused', () => {
  const b = bench();
  const phases = new BootPhases(b.sim);
  assert.deepEqual(PHASES, ['sec-pei', 'dxe', 'end-of-dxe', 'bds', 'https-boot', 'exit-boot-services', 'runtime']);
  assert.equal(phases.current(), 'reset');
  assert.deepEqual([phases.started('sec-pei'), phases.startedAt('sec-pei')], [false, undefined]);
  const seen: Array<[string, number]> = [];
  for (const p of ['bds', 'dxe'] as const) {
    b.sim.spawn(`wait-${p}`, (function* () {
      yield* phases.waitFor(p);
      seen.push([p, b.sim.now]);
    })());
  }
  b.sim.spawn('boot', (function* () {
    phases.enter('sec-pei');
    yield 300;
    phases.enter('dxe');
    yield 700;
    phases.enter('end-of-dxe');
    phases.enter('bds');
  })());
  b.sim.run();
  assert.deepEqual(seen, [['dxe', 300], ['bds', 1000]]);
  assert.equal(phases.current(), 'bds');
  assert.deepEqual(phases.timeline, [
    { phase: 'sec-pei', atNs: 0 },
    { phase: 'dxe', atNs: 300 },
    { phase: 'end-of-dxe', atNs: 1000 },
    { phase: 'bds', atNs: 1000 },
  ]);
  assert.deepEqual([phases.started('dxe'), phases.started('runtime'), phases.startedAt('dxe'), phases.startedAt('runtime')], [true, false, 300, undefined]);
  // A phase that has started: waitFor returns without waiting.
  const late = runProc(b.sim, (function* () {
    yield 50;
    yield* phases.waitFor('dxe');
    return b.sim.now;
  })());
  assert.equal(late, 1050);
  assert.throws(() => runProc(b.sim, phases.waitFor('post' as PhaseName)), { message: "unknown boot phase 'post'" });
  assert.throws(() => phases.enter('dxe'), { message: 'SimEvent phase:dxe: already triggered' });
});

/** An EFI_RNG_PROTOCOL whose GetRNG answers are scripted (each call: the next status, or success). */
function fakeProtocol(statuses: Array<'success' | 'device-error'> = [], available = true) {
  const calls: Array<{ n: number; algorithm: string | undefined }> = [];
  const proto: EfiRngProtocol = {
    name: 'FakeRng',
    algorithms: ['SP800-90-CTR-256', 'RAW'],
    available: () => available,
    *getRng(_ctx, n, algorithm) {
      calls.push({ n, algorithm });
      yield 1000;
      const status = statuses.shift() ?? 'success';
      return { status, bytes: status === 'success' ? new Uint8Array(n).fill(0x5a) : new Uint8Array(0) };
    },
  };
  return { proto, calls };
}
const tlsCounts = (b: ReturnType<typeof bench>) => [b.metrics.value('tls.done'), b.metrics.value('tls.denied'), b.metrics.value('tls.degraded')];

test('TLS DRBG reseeds when the next handshake would pass reseed-requests generate calls (not at it)', () => {
  const g = tls({ policy: 'degrade', handshakes: 5, 'requests-per-handshake': 4, 'reseed-requests': 8 }, () => undefined);
  runProc(g.b.sim, g.t.httpsBoot(FW));
  assert.deepEqual(tlsCounts(g.b), [5, 0, 5]);
  // seeded at handshakes 1, 3 and 5 (4 + 4 = 8 calls fit, a third handshake's 4 do not)
  assert.equal(g.b.taps.total('tls/openssl-seed'), 3 * 64);
});

test('TLS with a protocol: DxeNetLib asks the preferred algorithm for netlib-bytes; a refusal denies the handshake and the rest of the boot', () => {
  const ok = fakeProtocol();
  const a = tls({ rnglib: 'protocol', 'netlib-bytes': 16, 'seed-bytes': 48 }, () => ok.proto);
  assert.equal(runProc(a.b.sim, a.t.handshake(FW)), 'done');
  assert.deepEqual(ok.calls, [{ n: 16, algorithm: 'SP800-90-CTR-256' }, { n: 48, algorithm: 'SP800-90-CTR-256' }]);
  assert.equal(a.t.seeded, 'protocol');
  const seed = a.b.taps.data().find((d) => d.name === 'tls/openssl-seed')!;
  assert.deepEqual([seed.source, seed.kind, seed.claimedEntropyPerSample, seed.consumer, seed.totalBytes], ['FakeRng', 'conditioned', 8, 'fw', 48]);
  // netlib-bytes 0: no DxeNetLib call, only the seed
  const zero = fakeProtocol();
  const z = tls({ rnglib: 'protocol', 'netlib-bytes': 0 }, () => zero.proto);
  assert.equal(runProc(z.b.sim, z.t.handshake(FW)), 'done');
  assert.deepEqual(zero.calls.map((c) => c.n), [64]);
  // DxeNetLib's GetRNG fails: denied, and so is every remaining handshake of the boot
  const net = fakeProtocol(['device-error']);
  const d = tls({ handshakes: 3 }, () => net.proto);
  runProc(d.b.sim, d.t.httpsBoot(FW));
  assert.deepEqual(tlsCounts(d.b), [0, 3, 0]);
  assert.equal(net.calls.length, 1);
  // the OpenSSL seed from the protocol fails: denied, the DRBG stays unseeded
  const s = fakeProtocol(['success', 'device-error']);
  const e = tls({ rnglib: 'protocol', handshakes: 2 }, () => s.proto);
  runProc(e.b.sim, e.t.httpsBoot(FW));
  assert.deepEqual(tlsCounts(e.b), [0, 2, 0]);
  assert.equal(e.t.seeded, 'none');
  assert.equal(e.b.taps.total('tls/openssl-seed'), 0);
});

test('TLS: a protocol that is installed but not available counts as none (deny, or degrade on the timer)', () => {
  const off = fakeProtocol([], false);
  const d = tls({}, () => off.proto);
  assert.equal(runProc(d.b.sim, d.t.handshake(FW)), 'denied');
  const g = tls({ policy: 'degrade', rnglib: 'protocol' }, () => off.proto);
  assert.equal(runProc(g.b.sim, g.t.handshake(FW)), 'degraded');
  assert.deepEqual(off.calls, []);
  assert.equal(g.t.seeded, 'timer');
  const seed = g.b.taps.data().find((x) => x.name === 'tls/openssl-seed')!;
  assert.deepEqual([seed.source, seed.kind, seed.claimedEntropyPerSample], ['pm-timer', 'raw', 8]);
});

test('TLS handshake time: the seed, then handshake-ns', () => {
  const p = fakeProtocol();
  const a = tls({ rnglib: 'protocol', 'netlib-bytes': 16, 'handshake-ns': 5e6 }, () => p.proto);
  runProc(a.b.sim, a.t.handshake(FW));
  assert.equal(a.b.sim.now, 1000 + 1000 + 5e6);
});

test('RngDxe RAW: per 16 bytes, raw-iterations × (delay of max(raw-delay-us, pm-read-ns), GetRandomNumber128, one AES block); the output is the AES-128 CBC-MAC (key 00…0f) of the reads', () => {
  const { b, dxe } = rngDxe({}, { 'raw-iterations': 3, 'raw-delay-us': 10, 'pm-read-ns': 25_000, 'aes-block-ns': 100 });
  dxe.installed = true;
  const r = runProc(b.sim, dxe.getRng(FW, 20, 'RAW'));
  assert.equal(r.status, 'success');
  // GetRandomNumber128 = 3 CPUID exits (1500 ns) + 26 RDRANDs (110 ns)
  assert.equal(b.sim.now, 2 * 3 * (25_000 + 3 * 1500 + 26 * 110 + 100));
  // the same reads from a twin RDRAND unit, MACed here
  const twin = rngDxe();
  const key = Buffer.from([...Array(16).keys()]);
  const expected = Buffer.alloc(32);
  for (let block = 0; block < 2; block++) {
    let mac = Buffer.alloc(16);
    for (let i = 0; i < 3; i++) {
      const v = runProc(twin.b.sim, twin.dxe.rngLib.getRandomNumber128(FW))!;
      const c = createCipheriv('aes-128-ecb', key, null);
      c.setAutoPadding(false);
      mac = c.update(Buffer.from(mac.map((x, k) => x ^ v[k]!)));
    }
    mac.copy(expected, block * 16);
  }
  assert.deepEqual(r.bytes, new Uint8Array(expected.subarray(0, 20)));
  // the delay is at least raw-delay-us
  const slow = rngDxe({}, { 'raw-iterations': 1, 'raw-delay-us': 40, 'pm-read-ns': 0, 'aes-block-ns': 0 });
  slow.dxe.installed = true;
  runProc(slow.b.sim, slow.dxe.getRng(FW, 16, 'RAW'));
  assert.equal(slow.b.sim.now, 40_000 + 3 * 1500 + 26 * 110);
});

test('RngDxe: not ready until installed and after ExitBootServices; a failing RDRAND gives EFI_DEVICE_ERROR on both algorithms', () => {
  const { b, dxe } = rngDxe();
  assert.deepEqual([dxe.name, dxe.algorithms], ['RngDxe', ['SP800-90-CTR-256', 'RAW']]);
  assert.deepEqual(runProc(b.sim, dxe.getRng(FW, 16)), { status: 'not-ready', bytes: new Uint8Array(0) });
  assert.equal(runProc(b.sim, dxe.entry(FW)), true);
  assert.equal(dxe.available(), true);
  const ctr = runProc(b.sim, dxe.getRng(FW, 16));
  assert.deepEqual([ctr.status, ctr.bytes.length], ['success', 16]);
  dxe.exitBootServices();
  assert.equal(dxe.available(), false);
  assert.equal(runProc(b.sim, dxe.getRng(FW, 16)).status, 'not-ready');
  // installed while RDRAND worked, failing now (all-ones: the self-test rejects it)
  const bad = rngDxe({ fault: 'all-ones' });
  bad.dxe.installed = true;
  for (const alg of ['SP800-90-CTR-256', 'RAW'] as const) {
    assert.deepEqual(runProc(bad.b.sim, bad.dxe.getRng(FW, 32, alg)), { status: 'device-error', bytes: new Uint8Array(0) }, alg);
  }
  assert.equal(bad.dxe.rngLib.lastFailure, 'self-test');
});

test('baseRngLibOf: the rng-dxe table sets BaseRngLib\'s CPUID cost and TestRdRand constants', () => {
  const { dxe } = rngDxe({}, { 'cpuid-exit-ns': 1234, 'self-test-samples': 6, 'self-test-changes': 3 });
  assert.deepEqual(dxe.rngLib.opts, { cpuidExitNs: 1234, selfTestSamples: 6, selfTestChanges: 3 });
});

/** A timer RngLib on a 1 GHz "PM timer" (a reading's low byte is its virtual time's), no jitter unless asked. */
function timerLib(over: ParamValues = {}) {
  const b = bench();
  const c = new CounterRngLib(b.sim, resolveParams('counter-rnglib', { 'pm-timer-hz': 1e9, 'read-jitter-ns': 0, ...over }), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  return { b, c };
}
const sha = (raw: number[], ctr: number) => {
  const n = Buffer.alloc(8);
  n.writeUInt32LE(ctr, 0);
  return createHash('sha256').update(Uint8Array.from(raw)).update(n).digest();
};

test('timer RngLib: each byte is the 24-bit PM timer\'s low byte read midway through its exit, then max(delay, one more read); counted and tapped per consumer', () => {
  const w = timerLib();
  assert.equal(w.c.pmTimerAt(2 ** 24 + 5), 5); // 24-bit counter wraps
  // exit 10 µs, delay 1 µs < one read: 20 µs per byte
  const raw = runProc(w.b.sim, w.c.rawBytes(FW, 3));
  assert.deepEqual(raw, Uint8Array.from([5000, 25000, 45000].map((t) => t & 0xff)));
  assert.equal(w.b.sim.now, 60_000);
  assert.equal(w.b.metrics.valueFor('bytes', 'fw'), 3);
  for (const name of ['counter-rnglib/raw', 'fw/counter-rnglib-raw']) {
    const d = w.b.taps.data().find((x) => x.name === name)!;
    assert.deepEqual([d.consumer, d.source, d.kind, d.claimedEntropyPerSample, d.totalBytes], ['fw', 'pm-timer', 'raw', 8, 3], name);
  }
  // a delay longer than a read: exit + delay per byte
  const slow = timerLib({ 'delay-us': 30 });
  runProc(slow.b.sim, slow.c.rawBytes(FW, 2));
  assert.equal(slow.b.sim.now, 2 * 40_000);
});

test('timer RngLib jitter: each read costs exit ± jitter (uniform, never below 0)', () => {
  const j = timerLib({ 'read-exit-ns': 10_000, 'read-jitter-ns': 2000, 'delay-us': 0 });
  runProc(j.b.sim, j.c.rawBytes(FW, 1000));
  // 2000 reads (the byte's and the delay's): mean 10 µs
  assert.ok(Math.abs(j.b.sim.now / 2000 - 10_000) < 200, `${j.b.sim.now / 2000} ns per read`);
  const z = timerLib({ 'read-exit-ns': 0, 'read-jitter-ns': 1000, 'delay-us': 0 });
  runProc(z.b.sim, z.c.rawBytes(FW, 1000));
  // max(0, U(−1000, 1000)) has mean 250 ns
  assert.ok(Math.abs(z.b.sim.now / 2000 - 250) < 50, `${z.b.sim.now / 2000} ns per read`);
});

test('timer RngLib mixed output: SHA-256(raw-per-output readings ‖ 64-bit LE block counter) per 32 bytes; the after-run draws continue the readings and the counter', () => {
  const m = timerLib({ 'raw-per-output': 2 });
  const out = runProc(m.b.sim, m.c.mixedBytes(FW, 40));
  const expected = Buffer.concat([sha([5000 & 0xff, 25000 & 0xff], 0), sha([45000 & 0xff, 65000 & 0xff], 1).subarray(0, 8)]);
  assert.deepEqual(out, new Uint8Array(expected));
  const d = m.b.taps.data().find((x) => x.name === 'counter-rnglib/output')!;
  assert.deepEqual([d.consumer, d.source, d.kind, d.totalBytes], ['fw', 'counter-rnglib', 'conditioned', 40]);
  // after the run: readings from startNs on, the block counter goes on (2), then the raw draw continues the readings
  const after = m.c.drawMixedAfterRun(32, 1_000_000);
  assert.deepEqual(after, new Uint8Array(sha([1_005_000 & 0xff, 1_025_000 & 0xff], 2)));
  assert.deepEqual(m.c.drawRawAfterRun(2, 0), Uint8Array.from([1_045_000 & 0xff, 1_065_000 & 0xff]));
  assert.deepEqual(m.c.drawMixedAfterRun(32, 0), new Uint8Array(sha([1_085_000 & 0xff, 1_105_000 & 0xff], 3)));
  // a fresh library: the raw draw starts at its startNs
  const f = timerLib();
  assert.deepEqual(f.c.drawRawAfterRun(2, 300), Uint8Array.from([5300 & 0xff, 25300 & 0xff]));
});

test('BaseRngLib with a narrower RDRAND operand: a 64-bit number takes ⌈8 / word-bytes⌉ RDRANDs (IA32: two 32-bit reads), never zero padding', () => {
  for (const wordBytes of [8, 4, 3, 2]) {
    const { b, u, dxe } = rngDxe({ 'word-bytes': wordBytes });
    const before = u.instructions;
    const v = runProc(b.sim, dxe.rngLib.getRandomNumber64(FW))!;
    // 8 self-test samples, then the payload words
    const payloadWords = Math.ceil(8 / wordBytes);
    assert.equal(u.instructions - before, 8 + payloadWords, `word-bytes ${wordBytes}`);
    // the payload is the unit's next words after the samples (a twin unit reads the same stream)
    const twin = rngDxe({ 'word-bytes': wordBytes });
    const words = runProc(twin.b.sim, twin.u.rdrandWords(FW, 8 + payloadWords)).bytes;
    assert.deepEqual(v, words.subarray(8 * wordBytes, 8 * wordBytes + 8), `word-bytes ${wordBytes}`);
    // counted for the consumer: the 8 payload bytes only
    assert.equal(b.metrics.valueFor('bytes', 'fw'), 8, `word-bytes ${wordBytes}`);
    // GetRandomNumber128 and the CTR-256 protocol path: all bytes from RDRAND; 64 bytes are 4 calls
    // of 3 checks (8 samples each) and 2 payloads
    const n0 = u.instructions;
    const r = runProc(b.sim, dxe.rngLib.getBytes(FW, 64))!;
    assert.equal(r.length, 64);
    assert.equal(u.instructions - n0, 4 * (3 * 8 + 2 * payloadWords), `word-bytes ${wordBytes}`);
    // a partial last call (not batched unless word-bytes is 8): 20 bytes
    assert.equal(runProc(b.sim, dxe.rngLib.getBytes(FW, 20))!.length, 20);
    let zeros = 0;
    for (let i = 0; i + 4 <= 64; i += 4) if (r[i] === 0 && r[i + 1] === 0 && r[i + 2] === 0 && r[i + 3] === 0) zeros++;
    assert.equal(zeros, 0, `word-bytes ${wordBytes}: ${Buffer.from(r).toString('hex')}`);
  }
});

test('BaseRngLib support check: no RDRAND in CPUID (one exit, no self-test failure), #UD, and TestRdRand needs at least self-test-changes changes among its samples', () => {
  const hidden = rngDxe({ policy: 'hidden' });
  assert.equal(runProc(hidden.b.sim, hidden.dxe.rngLib.getRandomNumber64(FW)), null);
  assert.deepEqual([hidden.dxe.rngLib.lastFailure, hidden.dxe.rngLib.selfTestFailures, hidden.u.instructions, hidden.b.sim.now], ['no-rdrand', 0, 0, 1500]);
  // smm-only: #UD outside SMM (a failed check), fine in SMM — and the next call starts with no failure
  const smm = rngDxe({ policy: 'smm-only' });
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getRandomNumber64(FW)), null);
  assert.deepEqual([smm.dxe.rngLib.lastFailure, smm.dxe.rngLib.selfTestFailures], ['ud', 1]);
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getRandomNumber64(SMM))!.length, 8);
  assert.equal(smm.dxe.rngLib.lastFailure, null);
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getRandomNumber128(FW)), null);
  assert.deepEqual([smm.dxe.rngLib.lastFailure, smm.dxe.rngLib.selfTestFailures], ['ud', 2]);
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getRandomNumber128(SMM))!.length, 16);
  assert.equal(smm.dxe.rngLib.lastFailure, null);
  // cf0: the missing samples are retried, then the check fails
  const cf0 = rngDxe({ fault: 'cf0' });
  assert.equal(runProc(cf0.b.sim, cf0.dxe.rngLib.getRandomNumber128(FW)), null);
  assert.deepEqual([cf0.dxe.rngLib.lastFailure, cf0.dxe.rngLib.selfTestFailures], ['retries-exhausted', 1]);
  // 8 distinct samples change 7 times: 7 required passes, 8 fails
  const seven = rngDxe({}, { 'self-test-changes': 7 });
  assert.notEqual(runProc(seven.b.sim, seven.dxe.rngLib.getRandomNumber64(FW)), null);
  const eight = rngDxe({}, { 'self-test-changes': 8 });
  assert.equal(runProc(eight.b.sim, eight.dxe.rngLib.getRandomNumber64(FW)), null);
  assert.deepEqual([eight.dxe.rngLib.lastFailure, eight.dxe.rngLib.selfTestFailures], ['self-test', 1]);
});

test('BaseRngLib GetRandomNumber128: two checked 64-bit numbers, in order; getBytes batches healthy multi-call drains at the same cost with each call\'s last two words as payload', () => {
  const { b, u, dxe } = rngDxe();
  const v = runProc(b.sim, dxe.rngLib.getRandomNumber128(FW))!;
  const twin = rngDxe();
  const words = runProc(twin.b.sim, twin.u.rdrandWords(FW, 26)).bytes;
  // check (8 samples), check (8) + payload, check (8) + payload
  assert.deepEqual(v, Uint8Array.from([...words.subarray(16 * 8, 17 * 8), ...words.subarray(25 * 8, 26 * 8)]));
  // one call's worth (≤ 16 bytes) is a plain GetRandomNumber128
  const one = rngDxe();
  assert.deepEqual(runProc(one.b.sim, one.dxe.rngLib.getBytes(FW, 10)), v.subarray(0, 10));
  assert.equal(one.b.sim.now, 3 * 1500 + 26 * 110);
  // 40 bytes = 3 calls in one batch: 9 CPUID exits, 78 RDRANDs, payload words 24–25 of each call
  const t0 = b.sim.now;
  const n0 = u.instructions;
  const drained = runProc(b.sim, dxe.rngLib.getBytes(FW, 40))!;
  assert.deepEqual([u.instructions - n0, b.sim.now - t0], [78, 9 * 1500 + 78 * 110]);
  const all = runProc(twin.b.sim, twin.u.rdrandWords(FW, 78)).bytes;
  const expected = [0, 1, 2].flatMap((c) => [...all.subarray((c * 26 + 24) * 8, (c * 26 + 26) * 8)]).slice(0, 40);
  assert.deepEqual(drained, Uint8Array.from(expected));
  assert.equal(dxe.rngLib.lastFailure, null);
  // payload bytes are counted and tapped for their consumer: GetRandomNumber128's 16, the batch's 40
  assert.equal(b.metrics.valueFor('bytes', 'fw'), 56);
  assert.equal(b.taps.total('fw/rdrand'), 56);
  // the batch executes RDRAND (VMX exit reason 57 when trapped), not RDSEED
  const trapped = rngDxe({ policy: 'trap' });
  runProc(trapped.b.sim, trapped.dxe.rngLib.getBytes(FW, 40));
  assert.deepEqual(trapped.u.exitsByReason, { 57: 78, 61: 0 });
  // a batch after a failed call reports no failure
  const smm = rngDxe({ policy: 'smm-only' });
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getRandomNumber64(FW)), null);
  assert.equal(smm.dxe.rngLib.lastFailure, 'ud');
  assert.equal(runProc(smm.b.sim, smm.dxe.rngLib.getBytes(SMM, 40))!.length, 40);
  assert.equal(smm.dxe.rngLib.lastFailure, null);
  // an unhealthy unit is read call by call, and fails
  const bad = rngDxe({ fault: 'all-ones' });
  assert.equal(runProc(bad.b.sim, bad.dxe.rngLib.getBytes(FW, 40)), null);
  assert.equal(bad.dxe.rngLib.selfTestFailures, 1);
});

test('VirtioRngDxe: without the device it never binds; ExitBootServices resets only a device it connected', () => {
  const b = bench();
  const absent = virtio(b, { present: false });
  const none = new VirtioRngDxe(b.sim, absent, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  none.connect();
  assert.deepEqual([none.connected, none.available(), absent.ready], [false, false, false]);
  assert.equal(runProc(b.sim, none.getRng(FW, 16)).status, 'device-error');
  // someone else (the SMM side of a shared device) set DRIVER_OK; this driver never connected
  const d = virtio(b);
  const dxe = new VirtioRngDxe(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  d.setDriverOk(true);
  dxe.exitBootServices();
  assert.equal(d.ready, true);
  assert.deepEqual([dxe.name, dxe.algorithms], ['VirtioRngDxe', ['RAW']]);
});

test('VirtioRngClient: a deadline that passes returns timeout with what was read; an absent device is a device error', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  const client = new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  // 64 bytes this window; the rest waits for the refill 1 s later, past the 100 ms deadline
  const [r, at] = runProc(b.sim, (function* () {
    const res = yield* client.read(SMM, 100, 100 * MS);
    return [res, b.sim.now] as const;
  })());
  assert.deepEqual([r.status, r.bytes.length, at], ['timeout', 64, 100 * MS]);
  const gone = new VirtioRngClient(b.sim, virtio(b, { present: false }), b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  assert.deepEqual(runProc(b.sim, gone.read(SMM, 8)), { status: 'device-error', bytes: new Uint8Array(0) });
});

test('VirtioFlush poll points: none before the first stall; a completion at or before 0 is seen at once; a first stall above the cap is capped', () => {
  const us = 1000;
  assert.equal(pollPoint(0, us, 1024 * us, 5 * us), 0);
  assert.equal(noticeTime(0, us, 1024 * us, 5 * us), 0);
  assert.equal(noticeTime(-1, us, 1024 * us, 5 * us), 0);
  assert.equal(noticeTime(1, us, 1024 * us, 5 * us), 6 * us);
  assert.equal(noticeTime(6 * us + 1, us, 1024 * us, 5 * us), 6 * us + 7 * us);
  // start ≥ cap: every stall is the cap
  assert.equal(pollPoint(2, 2048 * us, 1024 * us, 0), 2048 * us);
  assert.equal(noticeTime(1, 2048 * us, 1024 * us, 0), 1024 * us);
  // doubling stops at the cap: 512 → 1000 (not 1024)
  assert.equal(pollPoint(3, 500 * us, 1000 * us, 0), 2500 * us);
  assert.equal(noticeTime(2400 * us, 500 * us, 1000 * us, 0), 2500 * us);
  // a completion exactly on a poll point is noticed at that poll
  assert.equal(noticeTime(6 * us, us, 1024 * us, 5 * us), 6 * us);
  // past the cap every poll costs cap + overhead: 1+5, then 2+5, 2+5
  assert.equal(pollPoint(3, us, 2 * us, 5 * us), 20 * us);
  assert.equal(noticeTime(20 * us, us, 2 * us, 5 * us), 20 * us);
  assert.equal(noticeTime(14 * us, us, 2 * us, 5 * us), 20 * us);
});

test('timer RngLib called later in the run: the readings start at the call, the caller waits exactly their time; the raw side notes them, the after-run raw draw does not', () => {
  const w = timerLib();
  const raw = runProc(w.b.sim, (function* () {
    yield 1000;
    return yield* w.c.rawBytes(FW, 3);
  })());
  // exit 10 µs, delay 1 µs < one read: 20 µs per byte from t = 1 µs
  assert.deepEqual(raw, Uint8Array.from([6000, 26000, 46000].map((t) => t & 0xff)));
  assert.equal(w.b.sim.now, 1000 + 60_000);
  assert.equal(w.c.rawOutput.produced, 3);
  w.c.drawRawAfterRun(2, w.b.sim.now);
  assert.equal(w.c.rawOutput.produced, 3, 'the after-run draw is noted by rawOutput.extend, not here');
});

test('timer RngLib mixed output in whole blocks: 32 bytes take one block of raw-per-output readings; an after-run draw of 40 bytes ends with a partial block', () => {
  const m = timerLib({ 'raw-per-output': 2 });
  const out = runProc(m.b.sim, m.c.mixedBytes(FW, 32));
  assert.deepEqual(out, new Uint8Array(sha([5000 & 0xff, 25000 & 0xff], 0)));
  assert.equal(m.b.taps.total('counter-rnglib/raw'), 2);
  assert.equal(m.b.sim.now, 40_000);
  const after = m.c.drawMixedAfterRun(40, 1_000_000);
  assert.deepEqual(after, new Uint8Array(Buffer.concat([sha([1_005_000 & 0xff, 1_025_000 & 0xff], 1), sha([1_045_000 & 0xff, 1_065_000 & 0xff], 2).subarray(0, 8)])));
});

test('timer RngLib jitter, read by read: each read costs max(0, exit + round((2u − 1) · jitter)) for the library\'s own uniform draws u', () => {
  const j = timerLib({ 'read-exit-ns': 10_000, 'read-jitter-ns': 4000, 'delay-us': 0 });
  // The library draws from b.rng.fork('pm') (bench seed 1): the same fork gives the same u.
  const u = bench().rng.fork('pm');
  let expected = 0;
  for (let i = 0; i < 2 * 5; i++) expected += Math.max(0, 10_000 + Math.round((u.next() * 2 - 1) * 4000));
  runProc(j.b.sim, j.c.rawBytes(FW, 5));
  assert.equal(j.b.sim.now, expected);
});

test('VirtioRngClient notices a completion on VirtioFlush poll points (poll-start-us/poll-cap-us in µs), measured from its own kick', () => {
  // max-bytes 64 per 1000 ms, the window open from DRIVER_OK at 0: a first read takes its 64 bytes,
  // a second one kicked at 550 ms completes at the refill at 1000 ms (450 ms after its kick).
  const MS = 1e6;
  const finish = (poll: ParamValues) => {
    const b = bench();
    const d = virtio(b, { 'max-bytes': 64, period: 1000 });
    d.setDriverOk(true);
    const client = new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', { 'stall-overhead-ns': 0, ...poll }));
    const r = runProc(b.sim, (function* () {
      assert.equal((yield* client.read(FW, 64)).status, 'success');
      yield 550 * MS - b.sim.now;
      return yield* client.read(FW, 36);
    })());
    assert.deepEqual([r.status, r.bytes.length], ['success', 36]);
    return { at: b.sim.now, client };
  };
  // Stalls of 400 ms from the start (start = cap): the refill is seen at the second poll, 800 ms after the kick.
  const slow = finish({ 'poll-start-us': 400_000, 'poll-cap-us': 400_000 });
  assert.deepEqual([slow.client.startNs, slow.client.capNs, slow.client.overheadNs], [400 * MS, 400 * MS, 0]);
  assert.ok(slow.at >= 1350 * MS && slow.at < 1351 * MS, `finished at ${slow.at} ns`);
  // 1 µs stalls: seen within a microsecond of the refill.
  const fast = finish({ 'poll-start-us': 1, 'poll-cap-us': 1 });
  assert.ok(fast.at >= 1000 * MS && fast.at < 1001 * MS, `finished at ${fast.at} ns`);
  // One read across the refill: 64 bytes, then a request for the 36 still missing (not more).
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  const r = runProc(b.sim, new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined)).read(FW, 100));
  assert.deepEqual([r.status, r.bytes.length, d.bytesCharged], ['success', 100, 100]);
});

test('BaseRngLib GetRandomNumber64 trapped: the 8 self-test samples and the payload are all RDRAND (VMX exit reason 57), none RDSEED', () => {
  const trapped = rngDxe({ policy: 'trap' });
  assert.notEqual(runProc(trapped.b.sim, trapped.dxe.rngLib.getRandomNumber64(FW)), null);
  assert.deepEqual(trapped.u.exitsByReason, { 57: 9, 61: 0 });
});

test("timer RngLib quality streams are labelled: raw PM-timer bytes, conditioned counter-rnglib output; the timeline's stall budget is its own parameter", () => {
  const { c } = timerLib();
  assert.deepEqual(c.rawOutput.meta, { source: 'pm-timer', kind: 'raw' });
  assert.deepEqual(c.mixedOutput.meta, { source: 'counter-rnglib', kind: 'conditioned' });
  assert.equal(resolveParams('timeline', { 'boot-stall-budget-ns': 5 })['boot-stall-budget-ns'], 5);
});

test('VirtioRngClient: guest code sees a completion only after the SMM episode in progress ends (all vCPUs are in SMM); the SMM caller does not wait', () => {
  const MS = 1e6;
  const done = (ctx: typeof FW) => {
    const b = bench();
    const d = virtio(b);
    d.setDriverOk(true);
    const client = new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
    // An SMI holds every vCPU in SMM from 0 to 5 ms (the caller's code runs on, as SMM code or not).
    b.vcpus.enterSmm();
    b.sim.spawn('rsm', (function* () {
      yield 5 * MS;
      b.vcpus.exitSmm();
    })());
    let at = -1;
    b.sim.spawn('reader', (function* () {
      const r = yield* client.read(ctx, 8);
      assert.equal(r.status, 'success');
      at = b.sim.now;
    })());
    b.sim.run();
    return at;
  };
  const smm = done(SMM);
  assert.ok(smm > 0 && smm < 5 * MS, `SMM read done at ${smm} ns`);
  assert.ok(done(FW) >= 5 * MS, 'the guest read waits for RSM');
});
