import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenarioText } from '../../src/scenario/load.ts';
import { expandCells, shardCells } from '../../src/scenario/matrix.ts';
import { scenarioSchemaText } from '../../src/scenario/schema.ts';
import { isInputError } from '../../src/errors.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function fails(text: string, file: string, re: RegExp): void {
  assert.throws(() => parseScenarioText(text, file), (e: unknown) => {
    assert.ok(isInputError(e), `expected InputError, got ${String(e)}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

test('the committed JSON Schema equals the one the TypeBox definitions generate', () => {
  const committed = readFileSync(new URL('../../scenarios/scenario.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, scenarioSchemaText(), 'regenerate with: entropy-bench list --schema > scenarios/scenario.schema.json');
});

test('an unknown key is an error naming the file, the JSON path and the allowed keys', () => {
  fails('name: x\nruntime: 1s\nbogus: 3\n', 'scenarios/x.yaml', /^scenarios\/x\.yaml: \/bogus: unknown key "bogus", expected one of: name, description, seed/);
  fails('name: x\nworkloads:\n  - { name: variable-churn, parms: {} }\n', 'scenarios/x.yaml', /^scenarios\/x\.yaml: \/workloads\/0\/parms: unknown key "parms"/);
});

test('a bad workload parameter type names its path, what was found and what was expected', () => {
  fails('name: x\nworkloads:\n  - name: variable-churn\n    params: { rate: fast }\n', 'scenarios/x.yaml',
    /^scenarios\/x\.yaml: \/workloads\/0\/params\/rate: expected number ≥ 1 and ≤ 100000, found "fast"$/);
  fails('name: x\nworkloads:\n  - name: variable-churn\n    params: { rate: -5 }\n', 'scenarios/x.yaml', /\/workloads\/0\/params\/rate: expected number ≥ 1 .*found -5/);
  fails('name: x\nworkloads:\n  - name: variable-churn\n    params: { speed: 1 }\n', 'scenarios/x.yaml', /\/workloads\/0\/params\/speed: unknown key "speed", expected one of: rate, mode, size-dist/);
});

test('component overrides are checked against the platform parameter tables', () => {
  fails('name: x\nparams:\n  virtio-rng: { period: 0 }\n', 's.yaml', /^s\.yaml: \/params\/virtio-rng\/period: expected (integer|number) ≥ 1/);
  fails('name: x\nparams:\n  no-such-device: { a: 1 }\n', 's.yaml', /^s\.yaml: \/params\/no-such-device: unknown key "no-such-device", expected one of: .*virtio-rng/);
  fails('name: x\nparams:\n  virtio-rng: { maxbytes: 1 }\n', 's.yaml', /\/params\/virtio-rng\/maxbytes: unknown key "maxbytes", expected one of: present, max-bytes/);
});

test('enums, durations and designs are explained', () => {
  fails('name: x\nruntime: soon\n', 's.yaml', /^s\.yaml: \/runtime: expected a duration like "2s", "500ms" or "250us", found "soon"$/);
  fails('name: x\ndesigns: [smm-devise]\n', 's.yaml', /^s\.yaml: \/designs\/0: expected one of "all", "shared-virtio".*found "smm-devise"$/);
  fails('description: no name\n', 's.yaml', /^s\.yaml: \/: missing required key "name"$/);
  fails('name: x\ndesign: smm-device\ndesigns: [all]\n', 's.yaml', /^s\.yaml: \/design: give either design or designs, not both$/);
  assert.deepEqual(expandCells(parseScenarioText('name: x\ndesign: counter-fallback\n', 's.yaml')).map((c) => c.id), ['counter-fallback/none/seed=1']);
});

test('a bad expectation names the file, its path and the valid metrics', () => {
  fails("name: x\nexpect:\n  'smm-device/*': [ 'smm.setvar.p99 < 5ms' ]\n", 's.yaml',
    /^s\.yaml: \/expect\/smm-device~1\*\/0: unknown metric "smm\.setvar\.p99" .*valid metrics: .*setvariable\.p99/);
  fails("name: x\nexpect:\n  '*': [ 'isolation.violations = 0' ]\n", 's.yaml', /\/expect\/\*\/0: expected "<metric> <op> <value>"/);
});

test('YAML and JSON syntax errors carry line and column', () => {
  fails('name: x\nworkloads: [ { name: a\nseed: 1\n', 'bad.yaml', /^bad\.yaml: YAML syntax error at line \d+, column \d+: /);
  fails('name: x\nseed: 1\nseed: 2\n', 'dup.yaml', /^dup\.yaml: YAML syntax error at line 3, column 1: .*[Uu]nique/);
  fails('{\n  "name": "x",\n  "seed": ,\n}\n', 'bad.json', /^bad\.json: JSON syntax error at line 3, column \d+/);
});

test('matrix expansion: designs × adversaries × params × seeds, deterministic ids, baselines added', () => {
  const text = [
    'name: m',
    'designs: [smm-device, shared-virtio]',
    'matrix:',
    '  adversaries: [ { name: virtio-drain }, { name: smm-probe, label: probe } ]',
    '  params: [ {}, { virtio-rng: { max-bytes: 1024 } } ]',
    '  seeds: 2',
    "expect:\n  'smm-device/*': [ 'setvariable.ratio >= 99%' ]",
  ].join('\n');
  const loaded = parseScenarioText(text, 'm.yaml');
  const cells = expandCells(loaded, { seed: 5 });
  // 2 designs × 2 adversaries × 2 variants × 2 seeds = 16 adversary cells + 8 baselines.
  assert.equal(cells.length, 24);
  assert.equal(cells[0]!.id, 'smm-device/none/seed=5');
  assert.equal(cells[0]!.autoBaseline, true);
  assert.equal(cells[1]!.id, 'smm-device/virtio-drain/seed=5');
  assert.equal(cells[1]!.baselineId, 'smm-device/none/seed=5');
  assert.ok(cells.some((c) => c.id === 'shared-virtio/probe/virtio-rng.max-bytes=1024/seed=6'));
  // Background churn is in every cell, with every parameter resolved.
  for (const c of cells) assert.equal(c.workloads[0]!.name, 'variable-churn');
  assert.equal(cells[1]!.workloads[0]!.params.rate, 100);
  assert.equal(cells[1]!.expectations.length, 1);
  assert.equal(cells.find((c) => c.design === 'shared-virtio')!.expectations.length, 0);
  assert.deepEqual(expandCells(loaded, { seed: 5 }).map((c) => c.id), cells.map((c) => c.id));
  // Shards partition the cells and keep every cell with its baseline.
  const shards = [1, 2, 3].map((index) => shardCells(cells, { index, count: 3 }));
  assert.deepEqual(shards.flat().map((c) => c.id).sort(), cells.map((c) => c.id).sort());
  for (const s of shards) for (const c of s) assert.ok(s.some((b) => b.id === c.baselineId));
});

test('every shipped scenario loads and expands', () => {
  const dir = new URL('../../scenarios/', import.meta.url);
  for (const f of ['baseline', 'virtio-drain', 'rdrand-hammer', 'smm-probe', 'https-boot-without-virtio-rng', 'faulty-host-source', 'srbds-slow-rdrand', 'design-matrix', 'back-to-back']) {
    const loaded = loadScenario(new URL(`${f}.yaml`, dir).pathname);
    assert.ok(expandCells(loaded).length > 0, f);
    assert.ok(expandCells(loaded, { scale: 'quick' }).length > 0, f);
  }
});

test('loadScenario names an unreadable file', () => {
  const dir = tempDir('eb-');
  assert.throws(() => loadScenario(join(dir, 'missing.yaml')), /missing\.yaml: no such file/);
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ name: 'ok', designs: ['smm-device'] }));
  assert.equal(loadScenario(join(dir, 'ok.json')).spec.name, 'ok');
});
