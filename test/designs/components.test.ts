import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPONENT_PARAMS, COMPONENTS } from '../../src/designs/components.ts';
import { metricLeaf } from '../../src/metrics/table.ts';

/** Roles a design fills by choice rather than by a component of the registry (designs/designs.ts smmSource). */
const DESIGN_ROLES = new Set(['privileged-source']);

test('component descriptors: unique names, metrics named in the metric table, every consumed role produced', () => {
  const names = COMPONENTS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(Object.keys(COMPONENT_PARAMS), names);
  const produced = new Set(COMPONENTS.flatMap((c) => c.produces));
  for (const c of COMPONENTS) {
    assert.ok(c.description.length >= 10, c.name);
    for (const m of c.metrics) assert.ok(metricLeaf(m) !== undefined, `${c.name}: metric ${m} is not in src/metrics/table.ts`);
    for (const r of c.consumes) assert.ok(produced.has(r) || DESIGN_ROLES.has(r), `${c.name} consumes '${r}', which no component produces`);
  }
  // The parameter tables are the ones the components read (same objects, not copies).
  assert.equal(COMPONENT_PARAMS['smm-device'], COMPONENTS.find((c) => c.name === 'smm-device')!.params);
});
