import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADD_ONS, COMPONENT_PARAMS, COMPONENTS, provide, type PlatformDeps } from '../../src/designs/components.ts';
import { DESIGNS, WIRING } from '../../src/designs/designs.ts';
import { METRIC_LEAVES, metricLeaf } from '../../src/metrics/table.ts';
import { buildPlatform } from '../../src/designs/assemble.ts';

test('component descriptors: unique names, metrics named in the metric table, every consumed role produced', () => {
  const names = COMPONENTS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  // Components without parameters have no params: key; every other one has its own table.
  assert.deepEqual(Object.keys(COMPONENT_PARAMS), COMPONENTS.filter((c) => c.params.length > 0).map((c) => c.name));
  const produced = new Set(COMPONENTS.flatMap((c) => c.produces));
  for (const c of COMPONENTS) {
    assert.ok(c.description.length >= 10, c.name);
    for (const m of c.metrics) assert.ok(metricLeaf(m) !== undefined, `${c.name}: metric ${m} is not in src/metrics/table.ts`);
    for (const r of c.consumes) assert.ok(produced.has(r), `${c.name} consumes '${r}', which no component produces`);
  }
  // And the other way: every metric a component records is declared by one. Left out: the run's
  // own (virtual duration, event count) and key provenance (keys.*, set after the run from the
  // driver's epochs by src/firmware/key-provenance.ts).
  const declared = new Set(COMPONENTS.flatMap((c) => c.metrics));
  const recorded = METRIC_LEAVES.map((l) => l.spec.path).filter((p) => !p.startsWith('keys.') && p !== 'virtual-duration' && p !== 'events');
  assert.deepEqual(recorded.filter((p) => !declared.has(p)), []);
  // The parameter tables are the ones the components read (same objects, not copies).
  assert.equal(COMPONENT_PARAMS['smm-device'], COMPONENTS.find((c) => c.name === 'smm-device')!.params);
});

test('designs: every role names a creatable component that produces it, and what that component consumes is there', () => {
  const byName = new Map(COMPONENTS.map((c) => [c.name, c]));
  // Roles the base platform (components built for every design) produces.
  const base = new Set(COMPONENTS.filter((c) => c.create === undefined).flatMap((c) => c.produces));
  for (const d of DESIGNS) {
    const roles = WIRING[d.name].roles;
    const filled = new Set([...base, ...Object.keys(roles)]);
    for (const [role, name] of Object.entries(roles)) {
      const c = byName.get(name!);
      assert.ok(c !== undefined, `${d.name}: role ${role} names unknown component ${name}`);
      assert.ok(c.create !== undefined && c.produces.includes(role), `${d.name}: ${name} cannot fill ${role}`);
      for (const r of c.consumes) assert.ok(filled.has(r), `${d.name}: ${name} consumes '${r}', which the design does not fill`);
    }
  }
  // The EFI_RNG_PROTOCOL producers: creatable components that produce the role, once each.
  for (const d of DESIGNS) {
    const names = WIRING[d.name].rngProducers;
    assert.equal(new Set(names).size, names.length, `${d.name}: a producer listed twice`);
    for (const name of names) {
      const c = byName.get(name);
      assert.ok(c?.create !== undefined && c.produces.includes('efi-rng-protocol'), `${d.name}: ${name} cannot produce EFI_RNG_PROTOCOL`);
    }
  }
  // An add-on is picked by some design (otherwise nothing could ever build it).
  for (const a of ADD_ONS) assert.ok(DESIGNS.some((d) => Object.values(WIRING[d.name].roles).includes(a)), `add-on ${a} is in no design`);
});

test('provide: unknown component, a component that does not produce the role, a role left unfilled', () => {
  const deps = {} as PlatformDeps; // never reached: each call fails before create runs, or in it before using deps
  assert.throws(() => provide('privileged-source', 'nope', deps), /role 'privileged-source': unknown component 'nope'/);
  assert.throws(() => provide('privileged-source', 'pflash', deps), /component 'pflash' does not produce it/);
  assert.throws(() => provide('smm-entropy-device', 'counter-source', deps), /component 'counter-source' does not produce it/);
  assert.throws(() => provide('privileged-source', 'smm-device-source', deps), /the design has no SMM-only entropy device/);
  assert.throws(() => provide('efi-rng-protocol', 'rdrand', deps), /component 'rdrand' does not produce it/);
});

test('efi-rng-protocol role: designs build their producers through the registry, in LocateProtocol order, with their boot lifecycle', () => {
  const rdrandFirst = buildPlatform({ design: 'rdrand-passthrough', seed: 1, vcpus: 2, params: {}, runtimeNs: 1e9 });
  assert.deepEqual(rdrandFirst.producers.map((p) => p.name), ['RngDxe', 'VirtioRngDxe']);
  assert.deepEqual(buildPlatform({ design: 'shared-virtio', seed: 1, vcpus: 2, params: {}, runtimeNs: 1e9 }).producers.map((p) => p.name), ['VirtioRngDxe']);
  // Before boot nothing is installed; after the boot timeline RngDxe was dispatched (DXE),
  // VirtioRngDxe connected (BDS), and both are gone with boot services.
  const { platform, producers, boot } = rdrandFirst;
  assert.equal(platform.firmware.rngProtocol, undefined);
  const seen: Array<string | undefined> = [];
  platform.sim.spawn('boot', boot());
  platform.sim.spawn('probe', (function* () {
    while (platform.phases.current() !== 'https-boot') yield 1_000_000;
    seen.push(platform.firmware.rngProtocol?.name);
  })());
  platform.sim.run(10e9);
  assert.deepEqual(seen, ['RngDxe'], 'during HTTPS boot LocateProtocol finds the first producer, RngDxe');
  assert.deepEqual(producers.map((p) => p.available()), [false, false], 'after ExitBootServices');
  // counter-fallback carries both drivers, but there is no virtio-rng device and RDRAND is
  // hidden: neither installs, so LocateProtocol finds nothing.
  const none = buildPlatform({ design: 'counter-fallback', seed: 1, vcpus: 2, params: {}, runtimeNs: 1e9 });
  none.platform.sim.spawn('boot', none.boot());
  none.platform.sim.run(1e9);
  assert.equal(none.platform.firmware.rngProtocol, undefined);
});
