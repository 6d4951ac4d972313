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
