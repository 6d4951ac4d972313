import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPONENT_PARAMS, resolveParams } from '../../src/designs/components.ts';
import { checkParam } from '../../src/params/spec.ts';
import { InputError } from '../../src/errors.ts';

test('every component table: unique names, defaults valid, a source and a description on every row', () => {
  for (const [component, table] of Object.entries(COMPONENT_PARAMS)) {
    const names = new Set<string>();
    for (const spec of table) {
      assert.ok(!names.has(spec.name), `${component}.${spec.name} duplicated`);
      names.add(spec.name);
      // checkParam returns the value it validated (a row whose type is not one of the four returns nothing)
      assert.equal(checkParam(component, spec, spec.default), spec.default, `${component}.${spec.name} default`);
      assert.ok(spec.source.length > 0 && spec.description.length > 0, `${component}.${spec.name}`);
      if (/estimate/i.test(spec.source)) assert.match(spec.source, /^estimate/, `${component}.${spec.name}: estimates say so first`);
    }
  }
  for (const c of ['host-source', 'virtio-rng', 'rdrand', 'smm-device', 'pflash', 'smram', 'smi', 'rng-dxe', 'smm-variable', 'tls', 'counter-rnglib', 'timeline']) {
    assert.ok(COMPONENT_PARAMS[c] !== undefined, c);
  }
});

test('resolveParams fills defaults and validates overrides with a message naming component.param', () => {
  assert.equal(resolveParams('virtio-rng', undefined)['period'], 65536);
  assert.equal(resolveParams('virtio-rng', { period: 1000 })['period'], 1000);
  assert.throws(() => resolveParams('virtio-rng', { period: 0 }), (e: unknown) => e instanceof InputError && /virtio-rng\.period: 0 is below the minimum 1 \(ms\)/.test(e.message));
  assert.throws(() => resolveParams('virtio-rng', { period: 1.5 }), /virtio-rng\.period: expected an integer/);
  assert.throws(() => resolveParams('virtio-rng', { perod: 10 }), /virtio-rng\.perod: unknown parameter/);
  assert.throws(() => resolveParams('rdrand', { policy: 'sometimes' }), /rdrand\.policy: "sometimes" is not one of/);
  assert.throws(() => resolveParams('nope', {}), /unknown component 'nope'/);
  assert.throws(() => resolveParams('pflash', { secure: 'yes' as unknown as boolean }), /pflash\.secure: expected true or false/);
});
