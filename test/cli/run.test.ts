import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.test.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const scenario = (name: string): string => new URL(`../../scenarios/${name}.yaml`, import.meta.url).pathname;

test('run writes report.json and a per-cell summary; exit 0 when expectations hold', async () => {
  const out = tempDir('eb-run-');
  const r = await runCli(['run', scenario('smm-probe'), '--scale', 'quick', '--out', out]);
  assert.equal(r.code, 0, r.err + r.out);
  assert.match(r.out, /smm-device\/probe-os\/seed=1 · SetVariable [0-9.]+\/s \([0-9.]+ % of baseline\)/);
  assert.match(r.out, /expectations: (\d+)\/\1 passed/);
  const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { schemaVersion: string; run: { scenario: { name: string }; cells: unknown[] } };
  assert.equal(doc.run.scenario.name, 'smm-probe');
  assert.ok(doc.run.cells.length > 0);
  assert.equal(r.err, '', 'no progress output when stderr is not a TTY');
});

test('run exits 1 when an expectation fails and names it', async () => {
  const dir = tempDir('eb-run-');
  const f = join(dir, 'strict.yaml');
  writeFileSync(f, "name: strict\ndesigns: [smm-device]\nruntime: 100ms\nexpect:\n  '*': [ 'setvariable.completed < 0' ]\n");
  const r = await runCli(['run', f, '--out', dir]);
  assert.equal(r.code, 1);
  assert.match(r.out, /FAILED smm-device\/none\/seed=1: setvariable\.completed < 0/);
});

test('run exits 2 on a bad scenario, naming file and path', async () => {
  const dir = tempDir('eb-run-');
  const f = join(dir, 'bad.yaml');
  writeFileSync(f, 'name: bad\nvcpus: many\n');
  const r = await runCli(['run', f, '--out', dir]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.yaml: \/vcpus: expected integer ≥ 1 and ≤ 64, found "many"/);
  const s = await runCli(['run', scenario('baseline'), '--shard', '3/2', '--out', dir]);
  assert.equal(s.code, 2);
  assert.match(s.err, /--shard: expected 1 ≤ k ≤ n, found 3\/2/);
});

test("run exits 2 when an expectation's cell pattern matches no cell (a typo must not pass as 0/0)", async () => {
  const dir = tempDir('eb-run-');
  const f = join(dir, 'typo.yaml');
  writeFileSync(f, "name: typo\ndesigns: [smm-device]\nruntime: 100ms\nexpect:\n  'smm-devise/*': [ 'variables.lost == 0' ]\n");
  const r = await runCli(['run', f, '--out', dir]);
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /typo\.yaml: \/expect\/smm-devise~1\*: pattern matches no cell \(cell ids look like smm-device\/none\/seed=1\)/);
});

test('list shows designs, workloads and parameters with defaults and sources; --schema prints the schema', async () => {
  const d = await runCli(['list', 'designs']);
  assert.equal(d.code, 0);
  assert.match(d.out, /smm-device/);
  const w = await runCli(['list', 'workloads']);
  assert.match(w.out, /variable-churn \[background\]/);
  assert.match(w.out, /rate = 100 calls\/s/);
  const p = await runCli(['list', 'params', '--json']);
  const params = JSON.parse(p.out) as Array<{ component: string; params: Array<{ name: string; default: unknown; source: string }> }>;
  const vr = params.find((c) => c.component === 'virtio-rng')!;
  assert.equal(vr.params.find((x) => x.name === 'period')!.default, 65536);
  const s = await runCli(['list', '--schema']);
  assert.equal(s.out, readFileSync(new URL('../../scenarios/scenario.schema.json', import.meta.url), 'utf8'));
  const bad = await runCli(['list', 'gizmos']);
  assert.equal(bad.code, 2);
  const m = await runCli(['list', 'metrics']);
  assert.match(m.out, /^ {2}keys\.bad-share +\(ratio\) share of SMM writes keyed from a bad epoch$/m);
  assert.match(m.out, /^ {2}bytes\.<consumer> +\(count\) bytes of entropy obtained by that consumer/m);
});
