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
      // The unit a name promises is the unit the table (and --help, and the docs) gives.
      const unit = /(^|-)ns(-|$)/.test(spec.name) ? 'ns' : /-mbytes$/.test(spec.name) ? 'MiB' : /-bytes$/.test(spec.name) ? 'bytes'
        : /-us$/.test(spec.name) ? 'µs' : /-ms$/.test(spec.name) ? 'ms' : /-hz$/.test(spec.name) ? 'Hz' : /-entropy$/.test(spec.name) ? 'bits/byte' : undefined;
      if (unit !== undefined) assert.equal(spec.unit, unit, `${component}.${spec.name}: unit`);
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

test('checkParam: each refusal names component.param, the value and what was expected, with the unit when the row has one', async () => {
  const { resolveParamTable } = await import('../../src/params/spec.ts');
  const n = { name: 'x', type: 'number', unit: 'ns', min: 0, max: 10, default: 1, description: 'd', source: 's' } as const;
  assert.equal(checkParam('c', n, 10), 10);
  assert.throws(() => checkParam('c', n, 11), { message: 'c.x: 11 is above the maximum 10 (ns)' });
  assert.throws(() => checkParam('c', n, -1), { message: 'c.x: -1 is below the minimum 0 (ns)' });
  assert.throws(() => checkParam('c', n, Infinity), { message: 'c.x: expected a finite number (ns), got null' });
  assert.throws(() => checkParam('c', n, '5'), { message: 'c.x: expected a finite number (ns), got "5"' });
  const i = { name: 'i', type: 'integer', default: 1, description: 'd', source: 's' } as const; // no unit, no bounds
  assert.throws(() => checkParam('c', i, 1.5), { message: 'c.i: expected an integer, got 1.5' });
  assert.equal(checkParam('c', i, -1e9), -1e9);
  const s = { name: 'k', type: 'string', enum: ['a', 'b'], default: 'a', description: 'd', source: 's' } as const;
  assert.throws(() => checkParam('c', s, 'z'), { message: `c.k: "z" is not one of 'a', 'b'` });
  assert.throws(() => checkParam('c', s, 3), { message: 'c.k: expected a string, got 3' });
  assert.equal(checkParam('c', { ...s, enum: undefined }, 'z'), 'z');
  assert.throws(() => resolveParamTable('c', [s, n], { q: 1 }), { message: 'c.q: unknown parameter, expected one of k, x' });
  assert.throws(() => resolveParams('nope', {}), (e: Error) => e.message.startsWith("params: unknown component 'nope', expected one of host-source, virtio-rng, "));
});

test('typed getters refuse a value of another type, naming the parameter', async () => {
  const { num, bool, str } = await import('../../src/params/get.ts');
  const v = { n: 1, b: true, s: 'x' };
  assert.deepEqual([num(v, 'n'), bool(v, 'b'), str(v, 's')], [1, true, 'x']);
  assert.throws(() => num(v, 's'), { message: 'parameter s: expected a number, got x' });
  assert.throws(() => bool(v, 'n'), { message: 'parameter n: expected a boolean, got 1' });
  assert.throws(() => str(v, 'b'), { message: 'parameter b: expected a string, got true' });
});

test('registry: only components with parameters have a table; add-ons are the components that say so; inSmm keeps vCPU and actor', async () => {
  const { ADD_ONS, COMPONENTS } = await import('../../src/designs/components.ts');
  const { inSmm, PRIVILEGES } = await import('../../src/devices/access.ts');
  assert.ok(Object.values(COMPONENT_PARAMS).every((t) => t.length > 0));
  assert.deepEqual(Object.keys(COMPONENT_PARAMS), COMPONENTS.filter((c) => c.params.length > 0).map((c) => c.name));
  assert.ok(COMPONENTS.some((c) => c.params.length === 0), 'the privileged-source adapters have no parameters');
  assert.ok(ADD_ONS.has('smm-mmio-device') && !ADD_ONS.has('virtio-rng'), [...ADD_ONS].join());
  assert.deepEqual(inSmm({ privilege: 'os', cpu: 3, actor: 'a' }), { privilege: 'smm', cpu: 3, actor: 'a' });
  assert.deepEqual(inSmm({ privilege: 'os', cpu: 3, actor: 'a' }, 'b'), { privilege: 'smm', cpu: 3, actor: 'b' });
  assert.deepEqual([...PRIVILEGES].sort(), ['firmware', 'os', 'smm', 'third-party']);
  const { provide } = await import('../../src/designs/components.ts');
  assert.throws(() => provide('privileged-source', 'nope', {} as never), (e: Error) => e.message.startsWith("role 'privileged-source': unknown component 'nope', expected one of host-source, virtio-rng, "));
});
