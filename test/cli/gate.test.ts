import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { serializeReportDocument, type ReportDocument } from '../../src/report/document.ts';
import { fixtureDocument, fixtureRun } from '../report/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'entropy-bench', ...args], { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

const dir = tempDir('cli-gate-');
function save(name: string, doc: ReportDocument): string {
  const f = join(dir, name);
  writeFileSync(f, serializeReportDocument(doc));
  return f;
}

test('gate --help explains what is compared and the exit codes', async () => {
  const r = await cli(['gate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /wall clock\s+each task's per-process medians/);
  assert.match(r.out, /Exit status: 0 = no regression, 1 = regression or a missed bar, 2 = the reports cannot be\s+compared/);
});

test('gate: identical → exit 0; a uniformly slower machine → exit 0', async () => {
  const base = save('base.json', fixtureDocument());
  let r = await cli(['gate', '--baseline', base, '--current', save('same.json', fixtureDocument())]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /gate: PASS/);
  r = await cli(['gate', '-b', base, '-c', save('slow.json', fixtureDocument({ speed: 0.5 }))]);
  assert.equal(r.code, 0, r.out);
});

test('gate: a virtual drift or a ratio regression → exit 1, regressions first in the table; --junit and --json', async () => {
  const base = save('base.json', fixtureDocument());
  const run = fixtureRun();
  run.cells[0]!.metrics.starvation.totalNs = 5;
  let r = await cli(['gate', '-b', base, '-c', save('drift.json', fixtureDocument({ run }))]);
  assert.equal(r.code, 1);
  const lines = r.out.split('\n');
  assert.match(lines[2]!, /^shared-virtio\/none\/seed=1: starvation\.totalNs\s+0\s+5\s+\+5\s+exact\s+REGRESSION$/);
  const junit = join(dir, 'gate.xml');
  r = await cli(['gate', '-b', base, '-c', save('slowdrbg.json', fixtureDocument({ overrides: { 'drbg/ctr-drbg': 0.3 } })), '--json', '--junit', junit]);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.out);
  assert.equal(json.passed, false);
  assert.equal(json.checks[0].verdict, 'regression');
  assert.match(readFileSync(junit, 'utf8'), /<testsuite name="gate" tests="\d+" failures="2"/);
});

test('gate: different scenario → exit 2 with a clear message; --update replaces the baseline', async () => {
  const base = save('base2.json', fixtureDocument());
  const other = fixtureDocument();
  other.run!.scenario = { ...other.run!.scenario, name: 'other', sha256: 'd'.repeat(64) };
  const cur = save('other.json', other);
  let r = await cli(['gate', '-b', base, '-c', cur]);
  assert.equal(r.code, 2);
  assert.match(r.err, /baseline is from scenario 'fixture-matrix' .* but .*other\.json ran 'other'/);
  r = await cli(['gate', '-b', base, '-c', cur, '--update']);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(base, 'utf8'), readFileSync(cur, 'utf8'));
  // A missing baseline: an error without --update, created with it.
  const fresh = join(dir, 'sub', 'baseline.json');
  r = await cli(['gate', '-b', fresh, '-c', cur]);
  assert.equal(r.code, 2);
  assert.match(r.err, /baseline not found; create it with --update/);
  r = await cli(['gate', '-b', fresh, '-c', cur, '--update']);
  assert.equal(r.code, 0);
  assert.ok(existsSync(fresh));
});

test('gate --config: per-metric tolerance applies; a bad config exits 2 naming the path', async () => {
  const base = save('base3.json', fixtureDocument());
  const run = fixtureRun();
  run.cells[0]!.metrics.setVariable.latency.maxNs *= 1.005;
  const cur = save('latency.json', fixtureDocument({ run }));
  const cfg = join(dir, 'gates.yaml');
  writeFileSync(cfg, "virtual:\n  rules:\n    - { match: 'setVariable.latency.*', relative: 0.01 }\n");
  assert.equal((await cli(['gate', '-b', base, '-c', cur])).code, 1);
  assert.equal((await cli(['gate', '-b', base, '-c', cur, '--config', cfg])).code, 0);
  writeFileSync(cfg, 'wallClock:\n  sideBySide: { effect: -1 }\n');
  const r = await cli(['gate', '-b', base, '-c', cur, '--config', cfg]);
  assert.equal(r.code, 2);
  assert.match(r.err, /gates\.yaml: \/wallClock\/sideBySide\/effect: expected a number ≥ 0, found number -1/);
});
