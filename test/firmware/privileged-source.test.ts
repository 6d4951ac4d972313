/**
 * The privileged sources (src/firmware/privileged-source.ts): what each hands the SMM variable
 * driver (status, bytes, the alarm flag) when its device delivers, runs dry, misses the deadline
 * or fails, and what each component builds and names as its origin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { RdrandUnit } from '../../src/devices/rdrand.ts';
import { SmmEntropyDevice, type SmmDeviceBackend } from '../../src/devices/smm-entropy-device.ts';
import { CounterRngLib } from '../../src/firmware/counter-rnglib.ts';
import { baseRngLibOf } from '../../src/firmware/rng-dxe.ts';
import { VirtioRngClient } from '../../src/firmware/virtio-rng-dxe.ts';
import {
  COUNTER_SOURCE_COMPONENT,
  CounterSource,
  RDRAND_SOURCE_COMPONENT,
  RdrandSource,
  SMM_DEVICE_SOURCE_COMPONENT,
  SmmDeviceSource,
  VIRTIO_SMM_SOURCE_COMPONENT,
  VirtioSmmSource,
  type PrivilegedSourceDeps,
} from '../../src/firmware/privileged-source.ts';
import type { Proc } from '../../src/sim/sim.ts';
import { SMM, bench, hostSource, runProc, virtio } from '../devices/fixture.ts';

const MS = 1_000_000;

/**
 * Runs a source's getEntropy to completion: the result and the virtual time it returned at. The
 * simulation stops at 10 ms (a failing backend's device retries for ever).
 */
function timed<T>(b: ReturnType<typeof bench>, gen: Proc<T>): [T, number] {
  return runProc(b.sim, (function* (): Proc<[T, number]> {
    const r = yield* gen;
    return [r, b.sim.now];
  })(), 10 * MS);
}

/**
 * An SMM-only device (8-byte FIFO, 5 µs per IN exit, retry after 50 µs) over a backend whose
 * answers the test scripts: each fill takes 1 µs and returns `n` bytes 0x10·k + i (k: the fill's
 * number, from 1), alarmed or not; once the script is used up, nothing.
 */
function scriptedDevice(answers: Array<{ n: number; alarm?: boolean }>, over: ParamValues = {}) {
  const b = bench();
  let k = 0;
  const backend: SmmDeviceBackend = {
    name: 'scripted',
    *fill() {
      yield 1000;
      k++;
      const a = answers.shift() ?? { n: 0 };
      return { bytes: new Uint8Array(a.n).map((_, i) => 0x10 * k + i), alarm: a.alarm ?? false };
    },
  };
  const dev = new SmmEntropyDevice(b.sim, resolveParams('smm-device', { 'fifo-bytes': 8, 'retry-ns': 50_000, 'pio-exit-ns': 5000, ...over }), backend, b.vcpus, b.metrics, b.taps);
  return { b, dev, source: new SmmDeviceSource(b.sim, dev) };
}

test('SmmDeviceSource: reads on while the FIFO refilled during the IN exits, waits on dataEvent when it is dry, ORs the alarms of every read', () => {
  // 0: a read of nothing starts the refill (8 bytes, alarmed, in at 1 µs), 5 µs of exits; the
  // FIFO holds 8 by then (no wait): 8 bytes, 5 → 10 µs; at 5 µs the refill asks again (nothing
  // at 6 µs: the backend failed, retry at 56 µs: 8 clean bytes at 57 µs). The source waits for
  // them, then one read of the 4 it still needs (57 → 62 µs), leaving 4 in the FIFO.
  const { b, dev, source } = scriptedDevice([{ n: 8, alarm: true }, { n: 0 }, { n: 8 }]);
  assert.deepEqual([source.name, source.unsafe], [dev.name, false]);
  const [r, at] = timed(b, source.getEntropy(SMM, 12, Infinity));
  assert.equal(r.status, 'ok');
  assert.deepEqual([...r.bytes], [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x30, 0x31, 0x32, 0x33]);
  assert.equal(r.alarm, true, 'the first read was alarmed, the last was not: the answer is alarmed');
  assert.equal(at, 62_000);
  assert.equal(dev.buffered, 4);
});

test('SmmDeviceSource: a FIFO still dry at the deadline answers not-ready with what it read, at the deadline (absolute time)', () => {
  // 8 bytes, then the backend never delivers again: the source waits from 10 µs to the deadline.
  const { b, source } = scriptedDevice([{ n: 8 }]);
  const [r, at] = timed(b, source.getEntropy(SMM, 12, 30_000));
  assert.deepEqual([r.status, [...r.bytes], r.alarm, at], ['not-ready', [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17], false, 30_000]);
  // Nothing at all: an empty answer.
  const dry = scriptedDevice([]);
  const [r0, at0] = timed(dry.b, dry.source.getEntropy(SMM, 4, 20_000));
  assert.deepEqual([r0.status, r0.bytes.length, at0], ['not-ready', 0, 20_000]);
});

test('VirtioSmmSource: success is ok; a missed deadline is not-ready with the bytes read; an absent device is an error; no alarm of its own', () => {
  const b = bench();
  const client = (over: ParamValues) => {
    const d = virtio(b, over);
    d.setDriverOk(true);
    return new VirtioSmmSource(new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined)));
  };
  const source = client({});
  assert.deepEqual([source.name, source.unsafe], ['virtio-rng', false]);
  const ok = runProc(b.sim, source.getEntropy(SMM, 32, Infinity));
  assert.deepEqual([ok.status, ok.bytes.length, ok.alarm], ['ok', 32, false]);
  assert.ok(ok.bytes.some((x) => x !== 0));
  // 64 bytes this window; the rest waits for the refill 1 s later, past the 100 ms deadline.
  const late = runProc(b.sim, client({ 'max-bytes': 64, period: 1000 }).getEntropy(SMM, 100, b.sim.now + 100 * MS));
  assert.deepEqual([late.status, late.bytes.length, late.alarm], ['not-ready', 64, false]);
  const gone = new VirtioSmmSource(new VirtioRngClient(b.sim, virtio(b, { present: false }), b.vcpus, resolveParams('virtio-rng-dxe', undefined)));
  assert.deepEqual(runProc(b.sim, gone.getEntropy(SMM, 8, Infinity)), { status: 'error', bytes: new Uint8Array(0), alarm: false });
});

function rdrandSource(over: ParamValues) {
  const b = bench();
  const unit = new RdrandUnit(b.sim, resolveParams('rdrand', over), b.rng.fork('r'), b.vcpus, b.metrics, b.taps);
  return { b, source: new RdrandSource(baseRngLibOf(resolveParams('rng-dxe', undefined), unit, b.vcpus)) };
}

test('RdrandSource: BaseRngLib bytes are ok; a failed TestRdRand is an alarmed error, exhausted retries or no RDRAND an error without alarm', () => {
  const good = rdrandSource({});
  assert.deepEqual([good.source.name, good.source.unsafe], ['rdrand', false]);
  const r = runProc(good.b.sim, good.source.getEntropy(SMM, 40, 0));
  assert.deepEqual([r.status, r.bytes.length, r.alarm], ['ok', 40, false]);
  assert.ok(r.bytes.some((x) => x !== 0 && x !== 0xff));
  // all-ones with CF=1: the 8 TestRdRand samples never change, the self-test fails.
  for (const [over, alarm] of [[{ fault: 'all-ones' }, true], [{ fault: 'zero' }, true], [{ fault: 'cf0' }, false], [{ policy: 'hidden' }, false]] as const) {
    const bad = rdrandSource(over);
    assert.deepEqual(runProc(bad.b.sim, bad.source.getEntropy(SMM, 16, 0)), { status: 'error', bytes: new Uint8Array(0), alarm }, JSON.stringify(over));
  }
});

test('CounterSource: n mixed bytes, always ok, flagged unsafe', () => {
  const b = bench();
  const lib = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  const source = new CounterSource(lib);
  assert.deepEqual([source.name, source.unsafe], ['counter-rnglib', true]);
  const r = runProc(b.sim, source.getEntropy(SMM, 48, 0));
  assert.deepEqual([r.status, r.bytes.length, r.alarm], ['ok', 48, false]);
  assert.ok(r.bytes.some((x) => x !== 0));
});

function deps(smmDevice?: SmmEntropyDevice): { b: ReturnType<typeof bench>; d: PrivilegedSourceDeps } {
  const b = bench();
  const virtioRng = virtio(b);
  const rdrand = new RdrandUnit(b.sim, resolveParams('rdrand', undefined), b.rng.fork('r'), b.vcpus, b.metrics, b.taps);
  const counterRngLib = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  const params = { 'virtio-rng-dxe': resolveParams('virtio-rng-dxe', undefined), 'rng-dxe': resolveParams('rng-dxe', undefined) };
  return { b, d: { sim: b.sim, vcpus: b.vcpus, params, virtioRng, rdrand, counterRngLib, ...(smmDevice === undefined ? {} : { smmDevice }) } };
}

test('privileged-source components: each builds its source and names its origin (the host backend, the RDRAND unit, the counter RngLib)', () => {
  for (const c of [VIRTIO_SMM_SOURCE_COMPONENT, SMM_DEVICE_SOURCE_COMPONENT, RDRAND_SOURCE_COMPONENT, COUNTER_SOURCE_COMPONENT]) {
    assert.deepEqual([c.produces, c.params, c.metrics], [['privileged-source'], [], []], c.name);
  }
  assert.deepEqual(
    [VIRTIO_SMM_SOURCE_COMPONENT, SMM_DEVICE_SOURCE_COMPONENT, RDRAND_SOURCE_COMPONENT, COUNTER_SOURCE_COMPONENT].map((c) => c.consumes),
    [['virtio-rng'], ['smm-entropy-device'], ['rdrand'], ['counter-rnglib']],
  );
  const { b, d } = deps();
  const v = VIRTIO_SMM_SOURCE_COMPONENT.create!(d)['privileged-source'];
  assert.ok(v.source instanceof VirtioSmmSource);
  assert.deepEqual(v.origin, { kind: 'host', host: d.virtioRng.host });
  assert.ok(d.virtioRng.host !== null);
  d.virtioRng.setDriverOk(true);
  assert.equal(runProc(b.sim, v.source.getEntropy(SMM, 16, Infinity)).status, 'ok', 'built on the rng-dxe client parameters');
  const rd = RDRAND_SOURCE_COMPONENT.create!(d)['privileged-source'];
  assert.ok(rd.source instanceof RdrandSource);
  assert.deepEqual(rd.origin, { kind: 'rdrand', unit: d.rdrand });
  assert.equal(runProc(b.sim, rd.source.getEntropy(SMM, 16, 0)).status, 'ok');
  const co = COUNTER_SOURCE_COMPONENT.create!(d)['privileged-source'];
  assert.ok(co.source instanceof CounterSource);
  assert.deepEqual(co.origin, { kind: 'counter', lib: d.counterRngLib });
  assert.throws(() => SMM_DEVICE_SOURCE_COMPONENT.create!(d), /privileged source 'smm-device-source': the design has no SMM-only entropy device/);
  // The SMM-only device: its backend's host when it names one, else null (not undefined).
  const host = hostSource(b);
  const withHost = new SmmEntropyDevice(b.sim, resolveParams('smm-device', undefined), { name: 'host', host, fill: (n) => host.read(n) }, b.vcpus, b.metrics, b.taps, undefined, 'smm-device-x');
  const s = SMM_DEVICE_SOURCE_COMPONENT.create!({ ...d, smmDevice: withHost })['privileged-source'];
  assert.ok(s.source instanceof SmmDeviceSource);
  assert.equal(s.source.name, 'smm-device-x');
  assert.equal(s.origin.kind, 'host');
  assert.equal((s.origin as { host: unknown }).host, host);
  const anon = new SmmEntropyDevice(b.sim, resolveParams('smm-device', undefined), { name: 'anon', fill: (n) => host.read(n) }, b.vcpus, b.metrics, b.taps);
  assert.deepEqual(SMM_DEVICE_SOURCE_COMPONENT.create!({ ...d, smmDevice: anon })['privileged-source'].origin, { kind: 'host', host: null });
});
