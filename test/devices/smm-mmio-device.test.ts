/**
 * The SMM-only entropy device on an MMIO address (src/devices/smm-mmio-entropy-device/,
 * docs/model.md §1.7): the register block and gate of the I/O-port device behind an MMIO
 * window, assembled by design `smm-mmio-device` from its component descriptor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../src/designs/components.ts';
import { DESIGNS, type Platform, type Workload } from '../../src/designs/platform.ts';
import { runPlatform } from '../../src/designs/assemble.ts';
import type { AccessContext } from '../../src/devices/access.ts';
import { SMM_MMIO_DEVICE_COMPONENT } from '../../src/devices/smm-mmio-entropy-device/index.ts';
import { REG_DATA, REG_SIGNATURE, REG_STATUS, SMM_DEVICE_COMPONENT, SMM_DEVICE_SIGNATURE, type SmmEntropyDevice } from '../../src/devices/smm-entropy-device.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { expandCells } from '../../src/scenario/matrix.ts';
import { parseScenarioText } from '../../src/scenario/load.ts';
import { runLoadedScenario } from '../../src/scenario/run.ts';
import { OS, SMM, bench, runProc, virtio } from './fixture.ts';

/** A device built through its component's create(deps), as the platform assembler does. */
function build(component: typeof SMM_DEVICE_COMPONENT, over: ParamValues = {}) {
  const b = bench();
  const params = { [component.name]: resolveParams(component.name, over), 'host-source': resolveParams('host-source', {}) };
  const dev = component.create!({ ...b, params, virtioRng: virtio(b) })['smm-entropy-device'];
  return { b, dev };
}

/** Virtual ns one readEntropy(SMM, n) takes on a device whose FIFO is full. */
function readCost(dev: SmmEntropyDevice, b: ReturnType<typeof bench>, n: number): number {
  runProc(b.sim, dev.read32(SMM, REG_STATUS)); // starts the FIFO fill
  b.sim.run();
  const t0 = b.sim.now;
  const r = runProc(b.sim, dev.readEntropy(SMM, n));
  assert.equal(r.status, 'ok');
  return b.sim.now - t0;
}

test('MMIO device: decodes at its MMIO base, fw_cfg holds the address as a u64, SMM reads the signature and bytes', () => {
  const { b, dev } = build(SMM_MMIO_DEVICE_COMPONENT);
  assert.deepEqual([dev.name, dev.window.space, dev.window.base], ['smm-mmio-device', 'mmio', 0xfeb00000]);
  assert.deepEqual([...dev.fwCfgBlob()], [0x00, 0x00, 0xb0, 0xfe, 0, 0, 0, 0]);
  assert.equal(runProc(b.sim, dev.read32(SMM, REG_SIGNATURE)), SMM_DEVICE_SIGNATURE);
  runProc(b.sim, dev.read32(SMM, REG_STATUS));
  b.sim.run();
  const r = runProc(b.sim, dev.readEntropy(SMM, 32));
  assert.equal(r.bytes.length, 32);
  assert.ok(!r.bytes.every((x) => x === 0xff));
  assert.equal(b.metrics.valueFor('bytes', 'smm'), 32);
  // Its own host backend, named after the component (a stream separate from smm-device-host's).
  assert.equal(dev.backend.name, 'smm-mmio-device-host');
});

test('MMIO device: 8-byte DATA loads halve the exits of a read against the I/O-port device (IN is at most 4 bytes)', () => {
  const mmio = build(SMM_MMIO_DEVICE_COMPONENT);
  const port = build(SMM_DEVICE_COMPONENT);
  const exit = resolveParams('smm-mmio-device', {})['mmio-exit-ns'] as number;
  assert.equal(readCost(mmio.dev, mmio.b, 32), 4 * exit);
  assert.equal(readCost(port.dev, port.b, 32), 8 * exit);
});

test('MMIO device: outside SMM reads are all-ones and blocked; with smm-only=false they leak and are violations', () => {
  const { b, dev } = build(SMM_MMIO_DEVICE_COMPONENT);
  assert.equal(runProc(b.sim, dev.read32(OS, REG_DATA)), 0xffffffff);
  assert.ok(runProc(b.sim, dev.readEntropy(OS, 16)).bytes.every((x) => x === 0xff));
  assert.deepEqual([dev.blockedAttempts, dev.violations], [2, 0]);
  const open = build(SMM_MMIO_DEVICE_COMPONENT, { 'smm-only': false });
  runProc(open.b.sim, open.dev.read32(SMM, REG_STATUS));
  open.b.sim.run();
  assert.ok(!runProc(open.b.sim, open.dev.readEntropy(OS, 16)).bytes.every((x) => x === 0xff));
  assert.deepEqual([open.dev.blockedAttempts, open.dev.violations], [0, 1]);
});

/** OS code reading the design's SMM-only device from outside SMM; records what it saw. */
function prober(seen: { reads: number; leaked: number }): Workload {
  return {
    name: 'test-prober',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 1, actor: 'test-prober' };
      const dev = p.devices.smmDevice;
      if (dev === undefined) throw new Error('the design built no SMM-only device');
      p.sim.spawn('test-prober', (function* () {
        yield* p.phases.waitFor('runtime');
        for (;;) {
          const r = yield* dev.readEntropy(ctx, 32);
          seen.reads++;
          if (!r.bytes.every((x) => x === 0xff)) seen.leaked++;
          yield 10e6;
        }
      })());
    },
  };
}

test('design smm-mmio-device: the assembler builds the MMIO device from the design table; SMM is served, the prober is refused', () => {
  const seen = { reads: 0, leaked: 0 };
  const r = runPlatform({ design: 'smm-mmio-device', seed: 1, vcpus: 2, params: {}, runtimeNs: 200e6 }, [prober(seen)]);
  assert.ok(seen.reads >= 10, `${seen.reads}`);
  assert.equal(seen.leaked, 0);
  assert.equal(r.metrics.isolation.blockedAttempts, seen.reads);
  assert.equal(r.metrics.isolation.violations, 0);
  assert.ok((r.metrics.bytesByConsumer['smm-variable'] ?? 0) > 0);
  assert.equal(r.metrics.variables.lost, 0);
  // The stream SMM consumed is the MMIO device's own host backend, and reports name the device.
  assert.deepEqual(r.streams?.map((s) => s.source), ['smm-mmio-device-host']);
  assert.ok(r.taps.some((t) => t.name === 'smm-variable/smm-mmio-device'));
  // Its parameters are reported here (an add-on), and not in a design that does not pick it.
  const own = r.parametersUsed.filter((u) => u.component === 'smm-mmio-device').map((u) => u.name);
  assert.deepEqual(own, ['mmio-base', 'fw-cfg-name', 'mmio-exit-ns', 'smm-only', 'backend', 'fifo-bytes', 'retry-ns']);
  const other = runPlatform({ design: 'smm-device', seed: 1, vcpus: 2, params: {}, runtimeNs: 10e6 }, []);
  assert.ok(!other.parametersUsed.some((u) => u.component === 'smm-mmio-device'));
  // Not built there, but a value set for it is still checked.
  assert.throws(
    () => runPlatform({ design: 'smm-device', seed: 1, vcpus: 2, params: { 'smm-mmio-device': { 'mmio-exit-ns': -1 } }, runtimeNs: 10e6 }, []),
    /smm-mmio-device\.mmio-exit-ns: -1 is below the minimum 0/,
  );
});

const SCENARIO = `
name: smm-mmio-probe
seed: 1
runtime: 200ms
vcpus: 2
designs: [smm-mmio-device]
matrix:
  adversaries:
    - { name: smm-probe, label: probe-os, params: { privilege: os } }
  params:
    - { smm-mmio-device: { smm-only: true } }
    - { smm-mmio-device: { smm-only: false } }
`;

test('scenario on design smm-mmio-device: the probe is blocked; the smm-only=false variant shows violations', async () => {
  const loaded = parseScenarioText(SCENARIO, 'smm-mmio-probe.yaml');
  const run = await runLoadedScenario(loaded);
  const cell = (smmOnly: boolean) => {
    const c = run.cells.find((x) => x.design === 'smm-mmio-device' && x.id.includes('probe-os') && x.overrides?.['smm-mmio-device']?.['smm-only'] === smmOnly);
    assert.ok(c !== undefined, `smm-only=${smmOnly}: ${run.cells.map((x) => x.id).join(', ')}`);
    return c;
  };
  const taps = (c: typeof secure) => c.quality.map((q) => q.tap);
  const secure = cell(true);
  assert.equal(secure.metrics.isolation.violations, 0);
  assert.ok(secure.metrics.isolation.blockedAttempts > 0);
  assert.ok((secure.metrics.bytesByConsumer['smm-variable'] ?? 0) > 0);
  assert.ok(taps(secure).includes('smm-variable/smm-mmio-device'));
  assert.ok(!taps(secure).includes('smm-probe/smm-mmio-device'), 'the prober obtained no device bytes');
  const open = cell(false);
  assert.ok(open.metrics.isolation.violations > 0);
  assert.ok(taps(open).includes('smm-probe/smm-mmio-device'), 'the prober obtained device bytes');
  // The same probes (same seed): exactly the device accesses moved from blocked to violations
  // (SMRAM, pflash and RDRAND are gated as before).
  assert.equal(secure.metrics.isolation.blockedAttempts - open.metrics.isolation.blockedAttempts, open.metrics.isolation.violations);
});

test("a variant with compared=false is not in a scenario's [all]", () => {
  assert.ok(DESIGNS.some((d) => d.name === 'smm-mmio-device' && !d.compared));
  const cells = expandCells(parseScenarioText('name: all-designs\ndesigns: [all]\nruntime: 10ms\n', 'all.yaml'));
  const designs = new Set(cells.map((c) => c.design));
  assert.deepEqual([...designs], DESIGNS.filter((d) => d.compared).map((d) => d.name));
});
