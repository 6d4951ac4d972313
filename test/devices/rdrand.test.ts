/**
 * RDRAND/RDSEED unit: trap policies (docs/model.md §4.1–4.3, §0 rows 21–24), shared DRNG
 * bandwidth (§5.1), RDSEED CF=0 under contention and fault modes (§5.2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RdrandUnit } from '../../src/devices/rdrand.ts';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { BaseRngLib } from '../../src/firmware/base-rnglib.ts';
import { OS, SMM, bench, runProc } from './fixture.ts';

function unit(over: ParamValues = {}, vcpus = 4) {
  const b = bench(vcpus);
  return { b, u: new RdrandUnit(b.sim, resolveParams('rdrand', over), b.rng.fork('rdrand'), b.vcpus, b.metrics, b.taps) };
}

test('passthrough: native latency, no exit, CF=1, real bytes', () => {
  const { b, u } = unit();
  const r = runProc(b.sim, u.rdrand(OS));
  assert.equal(r.ud, false);
  assert.equal(r.cf, true);
  assert.equal(r.value.length, 8);
  assert.equal(b.sim.now, 110); // docs/model.md §5.1 ≈110 ns
  assert.equal(u.exits, 0);
});

test('smm-only: #UD outside SMM (counted), host randomness in SMM with the in-kernel exit cost', () => {
  const { b, u } = unit({ policy: 'smm-only' });
  assert.equal(u.cpuid(OS).rdrand, true); // CPUID still advertises it (the SDM-breaking part)
  const bad = runProc(b.sim, u.rdrand(OS));
  assert.equal(bad.ud, true);
  assert.equal(b.metrics.value('ud.nonsmm'), 1);
  const t0 = b.sim.now;
  const good = runProc(b.sim, u.rdrand(SMM));
  assert.equal(good.ud, false);
  assert.equal(good.cf, true);
  assert.equal(b.sim.now - t0, 110 + 1500);
  assert.equal(b.metrics.value('ud.smm'), 0);
});

test('trap: every execution pays the exit, kernel vs QEMU handler', () => {
  const k = unit({ policy: 'trap', 'trap-handler': 'kernel' });
  runProc(k.b.sim, k.u.rdrandWords(OS, 10));
  assert.equal(k.b.sim.now, 10 * (110 + 1500));
  const q = unit({ policy: 'trap', 'trap-handler': 'qemu' });
  runProc(q.b.sim, q.u.rdrandWords(OS, 10));
  assert.equal(q.b.sim.now, 10 * (110 + 10000));
  assert.equal(q.u.exits, 10);
});

test('hidden: CPUID says absent, executing anyway raises #UD', () => {
  const { b, u } = unit({ policy: 'hidden' });
  assert.deepEqual(u.cpuid(OS), { rdrand: false, rdseed: false });
  assert.equal(runProc(b.sim, u.rdrand(SMM)).ud, true);
  assert.equal(b.metrics.value('ud.smm'), 1);
});

test('DRNG bandwidth is shared: 32 threads cannot exceed the aggregate rate', () => {
  const { b, u } = unit({}, 32);
  const words = 10000;
  for (let c = 0; c < 32; c++) b.sim.spawn(`t${c}`, u.rdrandWords({ ...OS, cpu: c }, words));
  b.sim.run();
  const bytes = 32 * words * 8;
  const rate = bytes / (b.sim.now / 1e9);
  assert.ok(rate <= 800e6 * 1.0001, `rate ${rate}`);
  assert.ok(rate > 700e6, `rate ${rate}`);
  // one thread alone is latency-bound: 8 B / 110 ns ≈ 72.7 MB/s
  const one = unit();
  runProc(one.b.sim, one.u.rdrandWords(OS, words));
  assert.equal(one.b.sim.now, words * 110);
});

test('RDSEED returns CF=0 when many threads drain the ENRNG; RDRAND does not', () => {
  const { b, u } = unit({}, 8);
  let failures = 0;
  for (let c = 0; c < 8; c++) {
    b.sim.spawn(`s${c}`, (function* () {
      for (let i = 0; i < 200; i++) failures += (yield* u.rdrandWords({ ...OS, cpu: c }, 1, true)).failures;
    })());
  }
  b.sim.run();
  assert.ok(failures > 0);
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 100)).failures, 0);
});

test('SRBDS serialises across vCPUs and slows each instruction', () => {
  const { b, u } = unit({ srbds: true, 'srbds-latency-factor': 10 }, 4);
  for (let c = 0; c < 4; c++) b.sim.spawn(`t${c}`, u.rdrandWords({ ...OS, cpu: c }, 100));
  b.sim.run();
  assert.equal(b.sim.now, 4 * 100 * 1100);
});

test('fault all-ones (CF=1): BaseRngLib self-test (8 samples, ≥5 changes) rejects it', () => {
  const { b, u } = unit({ fault: 'all-ones' });
  const r = runProc(b.sim, u.rdrand(OS));
  assert.equal(r.cf, true);
  assert.ok(r.value.every((x) => x === 0xff));
  const lib = new BaseRngLib(u, b.vcpus, { cpuidExitNs: 1500, selfTestSamples: 8, selfTestChanges: 5 });
  assert.equal(runProc(b.sim, lib.getRandomNumber64(OS)), null);
  assert.equal(lib.lastFailure, 'self-test');
});

test('fault cf0: BaseRngLib gives up after 10 tries per word', () => {
  const { b, u } = unit({ fault: 'cf0' });
  const lib = new BaseRngLib(u, b.vcpus, { cpuidExitNs: 1500, selfTestSamples: 8, selfTestChanges: 5 });
  const before = u.instructions;
  assert.equal(runProc(b.sim, lib.getRandomNumber64(OS)), null);
  // 8 test samples in one batch, then the first missing sample retried 10 times
  assert.equal(u.instructions - before, 8 + 10);
  assert.equal(lib.lastFailure, 'retries-exhausted');
});

test('BaseRngLib GetRandomNumber128 = 3 CPUID + 24 test + 2 payload RDRANDs (docs/model.md §3.2)', () => {
  const { b, u } = unit();
  const lib = new BaseRngLib(u, b.vcpus, { cpuidExitNs: 1500, selfTestSamples: 8, selfTestChanges: 5 });
  const v = runProc(b.sim, lib.getRandomNumber128(OS));
  assert.equal(v!.length, 16);
  assert.equal(u.instructions, 26);
  assert.equal(b.sim.now, 3 * 1500 + 26 * 110);
});

test('trapped executions are counted by VMX exit reason (57 RDRAND, 61 RDSEED)', () => {
  const { b, u } = unit({ policy: 'trap' });
  runProc(b.sim, u.rdrandWords(OS, 3));
  runProc(b.sim, u.rdrandWords(OS, 2, true));
  assert.deepEqual(u.exitsByReason, { 57: 3, 61: 2 });
});

test('smm-exclusive: a design that relies on trapping counts every value non-SMM code gets under passthrough as a violation', () => {
  const { b, u } = unit({ policy: 'passthrough', 'smm-exclusive': true });
  runProc(b.sim, u.rdrandWords(OS, 5));
  assert.equal(b.metrics.value('isolation.violations'), 5);
  runProc(b.sim, u.rdrandWords(SMM, 3));
  assert.equal(b.metrics.value('isolation.violations'), 5, 'SMM is the intended user');
  // CF=0 gives no value away: nothing to count.
  const cf0 = unit({ policy: 'passthrough', 'smm-exclusive': true, fault: 'cf0' });
  runProc(cf0.b.sim, cf0.u.rdrandWords(OS, 4));
  assert.equal(cf0.b.metrics.value('isolation.violations'), 0);
  // Trapped as designed: #UD, no violation.
  const trapped = unit({ policy: 'smm-only', 'smm-exclusive': true });
  runProc(trapped.b.sim, trapped.u.rdrandWords(OS, 5));
  assert.deepEqual({ violations: trapped.b.metrics.value('isolation.violations'), ud: trapped.b.metrics.value('ud.nonsmm') }, { violations: 0, ud: 1 });
  // Without the design claim, passthrough RDRAND by the OS is just RDRAND.
  const plain = unit({ policy: 'passthrough' });
  runProc(plain.b.sim, plain.u.rdrandWords(OS, 5));
  assert.equal(plain.b.metrics.value('isolation.violations'), 0);
});

test('healthyFor: only a fault-free DRNG the caller can execute (no #UD) may be batched', () => {
  assert.equal(unit().u.healthyFor(OS), true);
  assert.equal(unit({ fault: 'zero' }).u.healthyFor(OS), false);
  assert.equal(unit({ policy: 'smm-only' }).u.healthyFor(OS), false);
  assert.equal(unit({ policy: 'smm-only' }).u.healthyFor(SMM), true);
  assert.equal(unit({ policy: 'hidden' }).u.healthyFor(SMM), false);
  assert.equal(unit({ policy: 'trap' }).u.healthyFor(OS), true);
});

test('#UD: one exit by its reason, always the in-kernel cost (KVM injects it), the batch stops at the first instruction', () => {
  const { b, u } = unit({ policy: 'hidden', 'trap-handler': 'qemu' });
  const r = runProc(b.sim, u.rdrandWords(OS, 5, true));
  assert.deepEqual(r, { ud: true, bytes: new Uint8Array(0), failures: 0 });
  assert.deepEqual({ exits: u.exits, reasons: u.exitsByReason, insns: u.instructions, ud: u.udCount, t: b.sim.now }, { exits: 1, reasons: { 57: 0, 61: 1 }, insns: 1, ud: 1, t: 1500 });
  assert.equal(b.metrics.value('ud.nonsmm'), 1);
  const z = unit();
  assert.deepEqual(runProc(z.b.sim, z.u.rdrandWords(OS, 0)), { ud: false, bytes: new Uint8Array(0), failures: 0 });
  assert.deepEqual([z.u.instructions, z.b.sim.now], [0, 0]);
});

test('RDSEED: the ENRNG pool holds rdseed-pool-bytes, refills at rdseed-bytes-per-s up to that cap, CF=0 on a short pool', () => {
  const { b, u } = unit({ 'rdseed-bytes-per-s': 1e6, 'rdseed-pool-bytes': 64 }); // 1 byte per µs
  // 10 back to back at t = 0: 64 bytes in the pool + 1.1 refilled while they run → 8 words
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 10, true)).failures, 2);
  assert.equal(b.sim.now, 1100);
  b.sim.run(1100 + 6000); // 6 µs after the batch (whose own refill was credited): 7.1 bytes, not a word
  assert.equal(runProc(b.sim, u.rdseed(OS)).cf, false);
  b.sim.run(b.sim.now + 1000); // 1 µs more: 8.2 bytes
  const one = runProc(b.sim, u.rdseed(OS));
  assert.equal(one.cf, true);
  const none = runProc(b.sim, u.rdseed(OS)); // 0.2 + 0.11 bytes: not a word
  assert.deepEqual({ cf: none.cf, value: none.value }, { cf: false, value: new Uint8Array(8) });
  b.sim.run(b.sim.now + 1e9); // a second: capped at 64 bytes, not 1000
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 10, true)).failures, 2);
  // RDRAND does not touch the pool
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 10)).failures, 0);
});

test('CF=0 gives a zero value of the operand size; word-bytes sets the operand', () => {
  const { b, u } = unit({ fault: 'cf0', 'word-bytes': 4 });
  const r = runProc(b.sim, u.rdrand(OS));
  assert.deepEqual({ cf: r.cf, ud: r.ud, value: r.value }, { cf: false, ud: false, value: new Uint8Array(4) });
  assert.deepEqual(u.drawAfterRun(16), new Uint8Array(0), 'a cf0 DRNG has nothing after the run either');
  const w = unit({ 'word-bytes': 4 });
  assert.equal(runProc(w.b.sim, w.u.rdrandWords(OS, 3)).bytes.length, 12);
  assert.equal(runProc(w.b.sim, w.u.rdseed(OS)).value.length, 4);
});

test('the DRNG stream: one keystream for RDRAND and RDSEED, continued after the run; faults replace it', async () => {
  const { Keystream } = await import('../../src/devices/keystream.ts');
  const { b, u } = unit();
  const a = runProc(b.sim, u.rdrandWords(OS, 2)).bytes;
  const s = runProc(b.sim, u.rdrandWords(OS, 1, true)).bytes;
  const after = u.drawAfterRun(8);
  const ref = new Keystream(bench(4).rng.fork('rdrand')).take(32);
  assert.deepEqual(new Uint8Array([...a, ...s, ...after]), ref);
  assert.equal(u.output.produced, 24, 'the quality tap notes what executions produced');
  assert.deepEqual(unit({ fault: 'all-ones' }).u.drawAfterRun(3), new Uint8Array([0xff, 0xff, 0xff]));
  assert.deepEqual(unit({ fault: 'zero' }).u.drawAfterRun(3), new Uint8Array(3));
});

test('bytes are counted and tapped per consumer, RDRAND and RDSEED apart; record=false leaves that to the caller', () => {
  const { b, u } = unit();
  runProc(b.sim, u.rdrandWords({ ...OS, actor: 'x' }, 2));
  runProc(b.sim, u.rdrandWords({ ...OS, actor: 'x' }, 1, true));
  runProc(b.sim, u.rdrand({ ...OS, actor: 'x' }, false));
  assert.equal(b.metrics.valueFor('bytes', 'x'), 24);
  assert.deepEqual([b.taps.total('x/rdrand'), b.taps.total('x/rdseed')], [16, 8]);
  const meta = b.taps.data().map((t) => [t.name, t.consumer, t.source, t.kind]);
  assert.deepEqual(meta, [['x/rdrand', 'x', 'rdrand', 'conditioned'], ['x/rdseed', 'x', 'rdseed', 'conditioned']]);
  u.recordBytes({ ...OS, actor: 'x' }, new Uint8Array(4), true);
  assert.deepEqual([b.metrics.valueFor('bytes', 'x'), b.taps.total('x/rdseed')], [28, 12]);
});

test('a hammer whose tap is full: bytes counted, produced only when read, the same stream as a full run', async () => {
  const { Keystream } = await import('../../src/devices/keystream.ts');
  const { b, u } = unit(); // the bench's taps keep 64 KiB
  runProc(b.sim, u.rdrandWords(OS, 10_000)); // 80 000 bytes: the os/rdrand tap is now full
  const lazy = runProc(b.sim, u.rdrandWords(OS, 1_000));
  assert.equal(b.metrics.valueFor('bytes', 'os'), 88_000);
  assert.equal(b.taps.total('os/rdrand'), 88_000);
  assert.equal(u.output.produced, 80_000, 'not produced yet');
  const ref = new Keystream(bench(4).rng.fork('rdrand')).take(88_000);
  assert.deepEqual(lazy.bytes, ref.subarray(80_000));
  assert.deepEqual(lazy.bytes, ref.subarray(80_000), 'read twice: the same bytes');
  assert.equal(u.output.produced, 88_000);
  assert.equal(lazy.failures, 0);
  assert.equal(lazy.ud, false);
  // record=false (BaseRngLib's discarded self-test samples): neither counted nor tapped, full tap or not
  runProc(b.sim, u.rdrandWords(OS, 1_000, false, false));
  assert.equal(b.metrics.valueFor('bytes', 'os'), 88_000);
  assert.equal(b.taps.total('os/rdrand'), 88_000);
});

test('an RDSEED hammer whose tap is full is produced lazily too', () => {
  const { b, u } = unit({ 'rdseed-bytes-per-s': 1e10 }); // refills faster than it drains: every word CF=1
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 9_000, true)).failures, 0); // 72 000 bytes: os/rdseed is full
  const lazy = runProc(b.sim, u.rdrandWords(OS, 1_000, true));
  assert.equal(u.output.produced, 72_000);
  assert.equal(lazy.bytes.length, 8_000);
  assert.equal(b.taps.total('os/rdseed'), 80_000);
});

test('single RDSEEDs: the pool refills between instructions from the end of the previous one', () => {
  const { b, u } = unit({ 'rdseed-bytes-per-s': 5e7, 'rdseed-pool-bytes': 8 }); // 0.05 B/ns, room for one word
  const cf: boolean[] = [];
  for (let i = 0; i < 3; i++) cf.push(runProc(b.sim, u.rdseed(OS)).cf); // at 0, 110, 220 ns: 8, 5.5, 8 (capped) bytes
  assert.deepEqual(cf, [true, false, true]);
});

test('a batch may use what refills while it runs (ENRNG at 0.1 B/ns: 10 RDSEEDs over 1.1 µs get 110 bytes more)', () => {
  const { b, u } = unit({ 'rdseed-bytes-per-s': 1e8, 'rdseed-pool-bytes': 64 });
  assert.equal(runProc(b.sim, u.rdrandWords(OS, 10, true)).failures, 0);
});

test('RDRAND is RDRAND (exit reason 57), recorded by default; RDSEED returns its word; recordBytes defaults to RDRAND', async () => {
  const { Keystream } = await import('../../src/devices/keystream.ts');
  const { b, u } = unit({ policy: 'trap' });
  const r = runProc(b.sim, u.rdrand(OS));
  assert.deepEqual(u.exitsByReason, { 57: 1, 61: 0 });
  assert.equal(b.metrics.valueFor('bytes', 'os'), 8);
  const s = runProc(b.sim, u.rdseed(OS));
  const ref = new Keystream(bench(4).rng.fork('rdrand')).take(16);
  assert.deepEqual([r.value, s.value], [ref.subarray(0, 8), ref.subarray(8)]);
  u.recordBytes(OS, new Uint8Array(2));
  assert.deepEqual([b.taps.total('os/rdrand'), b.taps.total('os/rdseed')], [10, 8]);
  assert.deepEqual(u.output.meta, { source: 'rdrand', kind: 'conditioned' });
});

test('CF=0 words give a consumer nothing: no bytes counted, no tap', () => {
  const { b, u } = unit({ fault: 'cf0' });
  runProc(b.sim, u.rdrandWords(OS, 4));
  assert.equal(b.taps.has('os/rdrand'), false);
  assert.equal(b.metrics.valueFor('bytes', 'os'), undefined);
  // zero instructions execute nothing, not even a #UD
  const h = unit({ policy: 'hidden' });
  assert.deepEqual(runProc(h.b.sim, h.u.rdrandWords(OS, 0)), { ud: false, bytes: new Uint8Array(0), failures: 0 });
  assert.equal(h.u.udCount, 0);
});

test('RDRAND parameter units (shown in a refusal)', () => {
  const units: Record<string, string> = {
    'trap-kernel-ns': 'ns', 'trap-qemu-ns': 'ns', 'latency-ns': 'ns', 'aggregate-bytes-per-s': 'B/s', 'word-bytes': 'bytes', 'rdseed-bytes-per-s': 'B/s', 'rdseed-pool-bytes': 'bytes',
  };
  for (const [name, unit] of Object.entries(units)) {
    assert.throws(() => resolveParams('rdrand', { [name]: -1 }), (e: Error) => e.message.endsWith(`(${unit})`), name);
  }
});
