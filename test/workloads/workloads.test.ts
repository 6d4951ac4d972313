import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesignName, PlatformRunResult } from '../../src/designs/platform.ts';
import { runPlatform } from '../../src/designs/assemble.ts';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { WORKLOADS, findWorkload } from '../../src/workloads/index.ts';
import { resolveParamTable } from '../../src/params/spec.ts';

function run(design: DesignName, workloads: Array<[string, ParamValues?]>, opts: { runtimeNs?: number; params?: Record<string, ParamValues> } = {}): PlatformRunResult {
  const params: Record<string, ParamValues> = { ...opts.params };
  const built = workloads.map(([name, values]) => {
    const def = findWorkload(name)!;
    const v = resolveParamTable(name, def.params, values);
    for (const [comp, o] of Object.entries(def.platformOverrides?.(v) ?? {})) params[comp] = { ...params[comp], ...o };
    return def.create(v);
  });
  return runPlatform({ design, seed: 3, vcpus: 2, params, runtimeNs: opts.runtimeNs ?? 200e6 }, built);
}
const phaseAt = (r: PlatformRunResult, phase: string): number => r.timeline.find((t) => t.phase === phase)!.atNs;

test('every workload has unique name, valid defaults, and fault overrides the platform accepts', () => {
  const names = WORKLOADS.map((w) => w.name);
  assert.equal(new Set(names).size, names.length);
  for (const w of WORKLOADS) {
    const v = resolveParamTable(w.name, w.params, {});
    for (const s of w.params) assert.ok(s.source.length > 0 && s.description.length > 0, `${w.name}.${s.name} documents its default`);
    for (const [comp, o] of Object.entries(w.platformOverrides?.(v) ?? {})) resolveParams(comp, o);
  }
  for (const fault of ['stuck', 'biased', 'repeating', 'fail-after', 'slow']) {
    const o = findWorkload('host-fault')!.platformOverrides!(resolveParamTable('host-fault', findWorkload('host-fault')!.params, { fault }));
    assert.equal(resolveParams('host-source', o['host-source'])['fault'], fault);
  }
  assert.throws(() => resolveParamTable('variable-churn', findWorkload('variable-churn')!.params, { rate: -1 }), /variable-churn\.rate: -1 is below the minimum 1/);
  assert.throws(() => resolveParamTable('variable-churn', findWorkload('variable-churn')!.params, { speed: 1 }), /variable-churn\.speed: unknown parameter/);
});

test('variable-churn: SetVariable at the configured rate through the runtime phase', () => {
  const r = run('rdrand-passthrough', [['variable-churn', { rate: 50 }]], { runtimeNs: 1e9 });
  assert.equal(r.metrics.setVariable.perVirtualSecond, 50);
  assert.equal(r.metrics.variables.lost, 0);
});

test('virtio-drain: protocol mode stops at ExitBootServices; device mode keeps draining at runtime', () => {
  const p = run('shared-virtio', [['variable-churn'], ['virtio-drain', { mode: 'protocol' }]]);
  assert.ok((p.metrics.bytesByConsumer['virtio-drain'] ?? 0) > 0);
  for (const t of p.taps.filter((x) => x.consumer === 'virtio-drain')) assert.ok(t.lastAtNs <= phaseAt(p, 'exit-boot-services'), t.name);
  const d = run('shared-virtio', [['variable-churn'], ['virtio-drain', { mode: 'device' }]]);
  const late = d.taps.filter((x) => x.consumer === 'virtio-drain' && x.lastAtNs > phaseAt(d, 'runtime'));
  assert.ok(late.length > 0, 'device-mode drainer reads during runtime');
});

test('os-hwrng: 64-byte reads of /dev/hwrng after the Linux driver binds', () => {
  const r = run('smm-device', [['variable-churn'], ['os-hwrng']]);
  const n = r.metrics.bytesByConsumer['os-hwrng'] ?? 0;
  assert.ok(n > 0 && n % 64 === 0, `${n} bytes`);
  const log = r.virtioRng!.readers.find((x) => x.reader === 'os-hwrng')!;
  assert.equal(log.bytes, n);
  assert.ok(log.completions.every(([, b]) => b === 64));
  assert.ok(log.completions[0]![0] >= phaseAt(r, 'runtime'));
});

test('os-hwrng: two readers share one window (Linux posts one buffer), never more than max-bytes per window', () => {
  const limited = { 'virtio-rng': { 'max-bytes': 1024, period: 1000 } };
  const r = run('smm-device', [['variable-churn'], ['os-hwrng', { readers: 2 }]], { runtimeNs: 4e9, params: limited });
  const o = r.virtioRng!;
  for (const w of o.windows) assert.ok(w.bytes <= 1024, `window of ${w.bytes} bytes`);
  const full = o.windows.filter((w) => w.bytes === 1024).length;
  assert.ok(full >= 3, `${full} full windows`);
  // both readers got bytes; together at most the device's allotments
  const [a, b] = ['os-hwrng.0', 'os-hwrng.1'].map((name) => o.readers.find((x) => x.reader === name)!.bytes);
  assert.ok(a! > 0 && b! > 0);
  assert.ok(a! + b! + o.kernelBytes <= o.windows.reduce((s, w) => s + w.bytes, 0));
});

test('os-hwrng: a 4096-byte read returns only when complete, 64 bytes per device request', () => {
  const limited = { 'virtio-rng': { 'max-bytes': 1024, period: 1000 } };
  const r = run('smm-device', [['variable-churn'], ['os-hwrng', { 'read-bytes': 4096 }]], { runtimeNs: 6e9, params: limited });
  const o = r.virtioRng!;
  const log = o.readers.find((x) => x.reader === 'os-hwrng')!;
  assert.ok(log.completions.length >= 1);
  assert.ok(log.completions.every(([, b]) => b === 4096));
  assert.ok(o.events.filter((e) => e.kind === 'push' && e.actor === 'linux-hwrng').every((e) => e.size === 64));
  // ~4 windows per 4096-byte read at 1024 bytes/s
  const first = log.completions[0]![0] - phaseAt(r, 'runtime');
  assert.ok(first > 3e9 && first < 5e9, `first 4096-byte read after ${first} ns`);
});

test('rdrand-hammer: #UD outside SMM where RDRAND is SMM-only; real bytes under passthrough', () => {
  const trapped = run('rdrand-smm-only', [['variable-churn'], ['rdrand-hammer']]);
  assert.ok(trapped.metrics.udFaults.nonSmm > 0);
  assert.equal(trapped.metrics.udFaults.smm, 0);
  const open = run('rdrand-passthrough', [['variable-churn'], ['rdrand-hammer']]);
  assert.equal(open.metrics.udFaults.nonSmm, 0);
  assert.ok((open.metrics.bytesByConsumer['rdrand-hammer'] ?? 0) > 0);
});

test('smm-probe: the devices refuse a non-SMM prober; with protection off the same probes are violations', () => {
  const r = run('smm-device', [['variable-churn'], ['smm-probe']]);
  assert.equal(r.metrics.isolation.violations, 0);
  assert.ok(r.metrics.isolation.blockedAttempts > 0);
  const open = run('smm-device', [['variable-churn'], ['smm-probe']], { params: { 'smm-device': { 'smm-only': false }, pflash: { secure: false } } });
  assert.ok(open.metrics.isolation.violations > 0);
});

test('https-boot and host faults act through platform parameters', () => {
  const r = run('rdrand-passthrough', [['variable-churn'], ['https-boot', { handshakes: 5 }]]);
  assert.equal(r.metrics.tls.done + r.metrics.tls.denied, 5);
  const stuck = run('smm-device', [['variable-churn'], ['host-fault', { fault: 'stuck' }]]);
  assert.ok(stuck.metrics.healthAlarms.rct > 0);
  const absent = run('shared-virtio', [['variable-churn'], ['virtio-absent']]);
  assert.equal(absent.metrics.bytesByConsumer['smm-variable'] ?? 0, 0);
});
