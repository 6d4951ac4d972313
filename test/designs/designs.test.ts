/**
 * Integration per design: each design is a wiring of the same devices and firmware; the
 * differences the model exists to show must appear (and could fail to).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESIGNS, type DesignName, type Platform, type PlatformConfig, type Workload } from '../../src/designs/platform.ts';
import { runPlatform } from '../../src/designs/assemble.ts';
import type { AccessContext } from '../../src/devices/access.ts';

const S = 1e9;

/** OS SetVariable load: one `size`-byte variable every `everyNs`, names cycling over `names`. */
function churn(everyNs = 100e6, size = 256, names = 8): Workload {
  return {
    name: 'test-churn',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 1, actor: 'test-churn' };
      const rng = p.rng.fork('test-churn');
      p.sim.spawn('test-churn', (function* () {
        yield* p.phases.waitFor('runtime');
        for (let i = 0; ; i++) {
          yield* p.firmware.smmVariable.setVariable(ctx, `Churn${i % names}`, rng.bytes(size));
          yield everyNs;
        }
      })());
    },
  };
}

/** A tiny OS drainer: a Linux process reading /dev/hwrng 64 bytes at a time, flat out. */
function drainer(): Workload {
  return {
    name: 'test-drainer',
    start(p: Platform) {
      const hwrng = p.os.hwrng;
      if (hwrng === undefined) return;
      p.sim.spawn('test-drainer', (function* () {
        yield* p.phases.waitFor('runtime');
        yield* hwrng.waitBound();
        for (;;) {
          const n = yield* hwrng.userRead('test-drainer', 64);
          if (n <= 0) return;
          p.metrics.countFor('bytes', 'test-drainer', n);
          yield 1000;
        }
      })());
    },
  };
}

/** OS code probing everything SMM owns, from outside SMM. */
function prober(): Workload {
  return {
    name: 'test-prober',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 3, actor: 'test-prober' };
      const { smmDevice, smram, pflash } = p.devices;
      p.sim.spawn('test-prober', (function* () {
        yield* p.phases.waitFor('runtime');
        for (;;) {
          if (smmDevice !== undefined) {
            const r = yield* smmDevice.readEntropy(ctx, 32);
            if (!r.bytes.every((x) => x === 0xff)) throw new Error('OS read real bytes from the SMM device');
          }
          if (!smram.read(ctx, 0, 64).every((x) => x === 0xff)) throw new Error('OS read SMRAM');
          yield* pflash.program(ctx, 0, new Uint8Array(64));
          yield 10e6;
        }
      })());
    },
  };
}

/** OS RDRAND user on one vCPU (Linux arch_get_random_longs style). */
function rdrandUser(): Workload {
  return {
    name: 'test-rdrand',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 1, actor: 'test-rdrand' };
      p.sim.spawn('test-rdrand', (function* () {
        yield* p.phases.waitFor('runtime');
        for (;;) {
          yield* p.devices.rdrand.rdrandWords(ctx, 8);
          yield 1e6;
        }
      })());
    },
  };
}

function cfg(design: DesignName, over: Partial<PlatformConfig> = {}): PlatformConfig {
  return { design, seed: 1, vcpus: 4, params: {}, runtimeNs: 5 * S, ...over };
}

// 6.1.176 reassembles short completions, so the drainer keeps draining (6.1.192 hangs, below).
const LIMITED = { 'virtio-rng': { 'max-bytes': 1024, period: 1000 }, 'linux-guest': { kernel: '6.1.176' } };

test('every design boots through all phases and writes its boot variables', () => {
  for (const d of DESIGNS) {
    const r = runPlatform(cfg(d.name, { runtimeNs: 1 * S }), []);
    assert.deepEqual(r.timeline.map((t) => t.phase), ['sec-pei', 'dxe', 'end-of-dxe', 'bds', 'https-boot', 'exit-boot-services', 'runtime'], d.name);
    assert.equal(r.metrics.variables.checked, 3, d.name);
    assert.equal(r.metrics.variables.lost, 0, d.name);
    assert.ok(r.parametersUsed.length > 50);
    assert.ok(JSON.stringify(r).indexOf('NaN') < 0);
  }
});

test('shared-virtio: SMM starves while an OS drainer holds the virtio-rng quota; smm-device does not', () => {
  const shared = runPlatform(cfg('shared-virtio', { params: LIMITED }), [churn(), drainer()]);
  const dedicated = runPlatform(cfg('smm-device', { params: LIMITED }), [churn(), drainer()]);
  assert.ok(shared.metrics.quotaExhaustionEvents >= 3, `${shared.metrics.quotaExhaustionEvents}`);
  assert.ok(shared.metrics.starvation.totalNs > 1 * S, `starved ${shared.metrics.starvation.totalNs} ns`);
  assert.ok(shared.metrics.starvation.longestNs > 100e6);
  assert.equal(dedicated.metrics.starvation.totalNs, 0);
  assert.ok(
    dedicated.metrics.setVariable.perVirtualSecond > 2 * shared.metrics.setVariable.perVirtualSecond,
    `${dedicated.metrics.setVariable.perVirtualSecond} vs ${shared.metrics.setVariable.perVirtualSecond}`,
  );
  // the drainer got bytes in both; SMM got entropy in both
  assert.ok((shared.metrics.bytesByConsumer['test-drainer'] ?? 0) > 0);
  assert.ok((dedicated.metrics.bytesByConsumer['smm-variable'] ?? 0) > 0);
  // without the drainer, the shared design is fine too (the starvation is the drainer's doing)
  const quiet = runPlatform(cfg('shared-virtio', { params: LIMITED }), [churn(1e9, 256)]);
  assert.ok(quiet.metrics.starvation.totalNs < shared.metrics.starvation.totalNs);
});

test('shared-virtio on Linux 6.1.192: SMM takes odd-sized bytes from the same quota, the guest driver gets a short completion of > 32 bytes and its reader hangs for good', () => {
  // 1000 = 15·64 + 40: with SMM's 32-byte draws the Linux buffer's short completions are 40 or
  // 8 bytes; 6.1.192's copy_data strands a reader after one of more than 32 (see linux-hwrng.ts).
  const r = runPlatform(cfg('shared-virtio', { params: { 'virtio-rng': { 'max-bytes': 1000, period: 1000 }, 'linux-guest': { kernel: '6.1.192' } } }), [churn(), drainer()]);
  const reader = r.virtioRng!.readers.find((x) => x.reader === 'test-drainer')!;
  assert.equal(reader.hung, true);
  assert.ok(reader.pendingSinceNs !== null);
  // nothing completes after the hang: the last completion is long before the end of the run
  const last = reader.completions[reader.completions.length - 1]![0];
  assert.ok(r.metrics.virtualDurationNs - last > 2 * S, `last read at ${last}`);
  // a short push of more than 32 bytes to the Linux driver's buffer is in the device log
  assert.ok(r.virtioRng!.events.some((e) => e.kind === 'push' && e.actor === 'linux-hwrng' && e.size > 32 && e.size < 64));
  // with max-bytes 1024 the short completions are 32 bytes: 6.1.192 drops the copied half and re-posts, no hang
  const half = runPlatform(cfg('shared-virtio', { params: { 'virtio-rng': { 'max-bytes': 1024, period: 1000 }, 'linux-guest': { kernel: '6.1.192' } } }), [churn(), drainer()]);
  assert.equal(half.virtioRng!.readers.find((x) => x.reader === 'test-drainer')!.hung, false);
  const fixed = runPlatform(cfg('shared-virtio', { params: LIMITED }), [churn(), drainer()]);
  assert.equal(fixed.virtioRng!.readers.find((x) => x.reader === 'test-drainer')!.hung, false);
});

test('smm-device-shared-backend: isolated access but shared availability — the drainer starves SMM again', () => {
  const r = runPlatform(cfg('smm-device-shared-backend', { params: LIMITED }), [churn(), drainer()]);
  assert.ok(r.metrics.starvation.totalNs > 0);
  assert.ok(r.metrics.quotaExhaustionEvents > 0);
});

test('smm-device: isolation holds under non-SMM probing (blocked, no violations, nothing lost)', () => {
  const r = runPlatform(cfg('smm-device'), [churn(), prober()]);
  assert.equal(r.metrics.isolation.violations, 0);
  assert.ok(r.metrics.isolation.blockedAttempts > 100);
  assert.equal(r.metrics.variables.lost, 0);
  assert.equal(r.metrics.bytesByConsumer['test-prober'], undefined);
  // the same probe against a broken device (smm-only=false) and pflash secure=off shows violations
  const broken = runPlatform(cfg('smm-device', { params: { 'smm-device': { 'smm-only': false }, pflash: { secure: false } } }), [churn(), {
    name: 'leak-prober',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 3, actor: 'leak-prober' };
      p.sim.spawn('leak', (function* () {
        yield* p.phases.waitFor('runtime');
        yield* p.devices.smmDevice!.readEntropy(ctx, 32);
        yield* p.devices.pflash.program(ctx, 0, new Uint8Array([0]));
      })());
    },
  }]);
  assert.ok(broken.metrics.isolation.violations >= 2);
});

test('rdrand-smm-only breaks non-SMM RDRAND users (#UD) while SMM keeps working; passthrough does not', () => {
  const only = runPlatform(cfg('rdrand-smm-only'), [churn(), rdrandUser()]);
  assert.ok(only.metrics.udFaults.nonSmm > 100, `${only.metrics.udFaults.nonSmm}`);
  assert.equal(only.metrics.udFaults.smm, 0);
  assert.ok(only.metrics.setVariable.completed > 40);
  const pass = runPlatform(cfg('rdrand-passthrough'), [churn(), rdrandUser()]);
  assert.equal(pass.metrics.udFaults.nonSmm, 0);
  assert.ok((pass.metrics.bytesByConsumer['test-rdrand'] ?? 0) > 0);
  // trapping costs SMM an exit per RDRAND: SetVariable is slower than with passthrough
  assert.ok(only.metrics.setVariable.latency.p50Ns > pass.metrics.setVariable.latency.p50Ns);
});

test('counter-fallback: every SetVariable is degraded; raw timer bytes and hashed output are both tapped', () => {
  const r = runPlatform(cfg('counter-fallback'), [churn()]);
  assert.ok(r.metrics.setVariable.completed > 40);
  assert.equal(r.metrics.smm!.degradedSetVariables, r.metrics.setVariable.completed);
  const raw = r.taps.find((t) => t.name === 'counter-rnglib/raw')!;
  const out = r.taps.find((t) => t.name === 'counter-rnglib/output')!;
  assert.equal(raw.kind, 'raw');
  assert.equal(raw.claimedEntropyPerSample, 8);
  assert.equal(out.kind, 'conditioned');
  assert.ok(raw.totalBytes > 0 && out.totalBytes > 0);
  assert.equal(r.metrics.tls.denied, 1); // no EFI_RNG_PROTOCOL at all → network stack denied
});

test("shared-virtio without an adversary: OVMF resets virtio-rng at ExitBootServices, so an SMM SetVariable before the Linux driver binds it (probe-ns later) fails with EFI_DEVICE_ERROR", () => {
  // churn() writes at the start of the runtime phase, then every 100 ms: only that first write
  // falls in the 30 ms gap before Linux sets DRIVER_OK again; the boot writes (BDS) all succeed.
  const gap = runPlatform(cfg('shared-virtio', { params: LIMITED, runtimeNs: 1 * S }), [churn()]);
  assert.equal(gap.metrics.setVariable.failed, 1);
  assert.ok(gap.metrics.setVariable.completed > 3 + 5, `${gap.metrics.setVariable.completed}`);
  assert.deepEqual([gap.metrics.starvation.waits, gap.metrics.smm!.failClosed, gap.metrics.variables.lost], [0, 0, 0]);
  // No gap when the OS driver binds at once; an OS without the driver leaves SMM no device at all.
  const bound = runPlatform(cfg('shared-virtio', { params: { ...LIMITED, 'linux-guest': { ...LIMITED['linux-guest'], 'probe-ns': 0 } }, runtimeNs: 1 * S }), [churn()]);
  assert.equal(bound.metrics.setVariable.failed, 0);
  assert.equal(bound.metrics.setVariable.completed, gap.metrics.setVariable.completed + 1);
  const unbound = runPlatform(cfg('shared-virtio', { params: { ...LIMITED, 'virtio-rng': { ...LIMITED['virtio-rng'], 'os-driver': false } }, runtimeNs: 1 * S }), [churn()]);
  assert.equal(unbound.metrics.setVariable.completed, 3, 'only the boot writes');
  assert.equal(unbound.metrics.setVariable.failed, bound.metrics.setVariable.completed - 3, 'every runtime write fails');
  // smm-device keeps writing through the same gap: its device is its own.
  const own = runPlatform(cfg('smm-device', { params: LIMITED, runtimeNs: 1 * S }), [churn()]);
  assert.equal(own.metrics.setVariable.failed, 0);
});

test('smm-device without virtio-rng: SMM is unaffected but no EFI_RNG_PROTOCOL exists, so OVMF X64 (tls.policy deny) denies HTTPS boot', () => {
  const absent = runPlatform(cfg('smm-device', { params: { 'virtio-rng': { present: false } }, runtimeNs: 1 * S }), [churn()]);
  assert.deepEqual([absent.metrics.tls.done, absent.metrics.tls.denied], [0, 1]);
  assert.deepEqual([absent.metrics.setVariable.failed, absent.metrics.variables.lost, absent.metrics.keys!.badWrites], [0, 0, 0]);
  assert.ok(absent.metrics.setVariable.completed > 3 + 5);
  // With the device the protocol exists (VirtioRngDxe): TLS runs, seeded from the timer RngLib (degraded).
  const present = runPlatform(cfg('smm-device', { runtimeNs: 1 * S }), [churn()]);
  assert.deepEqual([present.metrics.tls.done, present.metrics.tls.denied, present.metrics.tls.degraded], [1, 0, 1]);
  // 'degrade' (seed OpenSSL from the PM timer anyway) instead of deny: done, degraded.
  const degrade = runPlatform(cfg('smm-device', { params: { 'virtio-rng': { present: false }, tls: { policy: 'degrade' } }, runtimeNs: 1 * S }), [churn()]);
  assert.deepEqual([degrade.metrics.tls.done, degrade.metrics.tls.denied, degrade.metrics.tls.degraded], [1, 0, 1]);
});

test('a stuck host source makes smm-device fail closed; nothing lost', () => {
  const r = runPlatform(cfg('smm-device', { params: { 'host-source': { fault: 'stuck' } } }), [churn()]);
  assert.ok(r.metrics.healthAlarms.rct > 0);
  assert.ok(r.metrics.smm!.failClosed > 0);
  assert.equal(r.metrics.setVariable.completed, 0);
  assert.equal(r.metrics.variables.lost, 0);
});

test('nothing lost across designs under drain, probe and churn', () => {
  for (const d of DESIGNS) {
    const r = runPlatform(cfg(d.name, { params: LIMITED, runtimeNs: 3 * S }), [churn(50e6, 512, 5), drainer(), prober()]);
    assert.equal(r.metrics.variables.lost, 0, d.name);
    assert.equal(r.metrics.variables.ok, r.metrics.variables.checked, d.name);
    assert.ok(r.metrics.variables.checked > 0, d.name);
  }
});

test('determinism: same seed ⇒ identical metrics, taps and timeline; another seed differs', () => {
  const run = (seed: number) => runPlatform(cfg('shared-virtio', { seed, params: LIMITED, runtimeNs: 3 * S }), [churn(), drainer(), prober()]);
  const a = run(7);
  const b = run(7);
  const json = (r: ReturnType<typeof run>) =>
    JSON.stringify({ ...r, taps: r.taps.map((t) => ({ ...t, bytes: Buffer.from(t.bytes).toString('base64') })) });
  assert.equal(json(a), json(b));
  assert.ok(a.metrics.events > 200, `${a.metrics.events} events`);
  const c = run(8);
  assert.notEqual(json(a), json(c));
});

test('SMIs steal time from every vCPU: OS work overlapping SetVariable load takes longer', () => {
  let workDone = -1;
  const worker = (): Workload => ({
    name: 'worker',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 3, actor: 'worker' };
      p.sim.spawn('worker', (function* () {
        yield* p.phases.waitFor('runtime');
        const t0 = p.sim.now;
        yield* p.vcpus.execute(ctx, 2 * S);
        workDone = p.sim.now - t0;
      })());
    },
  });
  const r = runPlatform(cfg('smm-device', { runtimeNs: 4 * S }), [churn(20e6), worker()]);
  assert.ok(r.metrics.smm!.smis > 50);
  assert.ok(workDone > 2 * S, `${workDone}`);
  // delayed by (close to) the SMM time that overlapped it
  assert.ok(workDone < 2 * S + r.metrics.smm!.timeNs);
});

test('bad config → InputError naming the field', () => {
  assert.throws(() => runPlatform(cfg('nope' as DesignName), []), /design: unknown 'nope'/);
  assert.throws(() => runPlatform(cfg('smm-device', { vcpus: 0 }), []), /vcpus: expected an integer/);
  assert.throws(() => runPlatform(cfg('smm-device', { params: { 'virtio-rng': { period: -1 } } }), []), /virtio-rng\.period/);
  assert.throws(() => runPlatform(cfg('smm-device', { params: { bogus: {} } }), []), /unknown component 'bogus'/);
});

test("policy 'wait' with a dead SMM device backend: SMM hangs, starvation runs to the end of the run", () => {
  const r = runPlatform(cfg('smm-device', { runtimeNs: 2 * S, params: { 'host-source': { fault: 'fail-after', 'fail-after-bytes': 200 } } }), [churn()]);
  assert.ok(r.metrics.starvation.longestNs > 1 * S, `${r.metrics.starvation.longestNs}`);
  assert.equal(r.metrics.variables.lost, 0);
  const failing = runPlatform(
    cfg('smm-device', { runtimeNs: 2 * S, params: { 'host-source': { fault: 'fail-after', 'fail-after-bytes': 200 }, 'smm-variable': { policy: 'fail' } } }),
    [churn()],
  );
  assert.ok(failing.metrics.setVariable.failed > 5);
  assert.equal(failing.metrics.variables.lost, 0);
});
