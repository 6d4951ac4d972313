import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADD_ONS, COMPONENT_PARAMS, COMPONENTS, provide, type PlatformDeps } from '../../src/designs/components.ts';
import { DESIGNS, WIRING } from '../../src/designs/designs.ts';
import { metricLeaf } from '../../src/metrics/table.ts';

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
  // An add-on is picked by some design (otherwise nothing could ever build it).
  for (const a of ADD_ONS) assert.ok(DESIGNS.some((d) => Object.values(WIRING[d.name].roles).includes(a)), `add-on ${a} is in no design`);
});

test('provide: unknown component, a component that does not produce the role, a role left unfilled', () => {
  const deps = {} as PlatformDeps; // never reached: each call fails before create runs, or in it before using deps
  assert.throws(() => provide('privileged-source', 'nope', deps), /role 'privileged-source': unknown component 'nope'/);
  assert.throws(() => provide('privileged-source', 'pflash', deps), /component 'pflash' does not produce it/);
  assert.throws(() => provide('smm-entropy-device', 'counter-source', deps), /component 'counter-source' does not produce it/);
  assert.throws(() => provide('privileged-source', 'smm-device-source', deps), /the design has no SMM-only entropy device/);
});
