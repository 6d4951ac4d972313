import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { createReportDocument, readReportDocument, serializeReportDocument } from '../../src/report/document.ts';
import { fixtureDocument, fixtureRun } from '../report/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'entropy-bench', ...args], { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

function saved(doc = fixtureDocument()): { dir: string; file: string } {
  const dir = tempDir('cli-report-');
  const file = join(dir, 'report.json');
  writeFileSync(file, serializeReportDocument(doc));
  return { dir, file };
}

test('report --help teaches formats and gives examples', async () => {
  const r = await cli(['report', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /--format <format>/);
  assert.match(r.out, /Examples:\n  entropy-bench report reports\/latest\/report\.json --format html/);
});

test('report FILE renders Markdown to stdout and appends it to $GITHUB_STEP_SUMMARY', async () => {
  const { dir, file } = saved();
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, 'before\n');
  process.env.GITHUB_STEP_SUMMARY = summary;
  try {
    const r = await cli(['report', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# entropy-bench report: fixture-matrix/);
    assert.equal(readFileSync(summary, 'utf8'), 'before\n' + r.out + (r.out.endsWith('\n') ? '' : '\n'));
  } finally {
    delete process.env.GITHUB_STEP_SUMMARY;
  }
});

test('report --format html|junit|benchmark --out FILE writes the file', async () => {
  const { dir, file } = saved();
  for (const [format, re] of [
    ['html', /^<!DOCTYPE html>/],
    ['junit', /^<\?xml version="1\.0"/],
    ['benchmark', /^\[\n  \{\n    "name": "[^"]+ vs calibration\/[^"]+",\n    "unit": "ratio"/],
  ] as const) {
    const out = join(dir, `out.${format}`);
    const r = await cli(['report', file, '--format', format, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.match(readFileSync(out, 'utf8'), re);
  }
});

test('report on a bad document exits 2 with a one-line message naming the path', async () => {
  const { dir, file } = saved();
  const text = readFileSync(file, 'utf8');
  writeFileSync(join(dir, 'trunc.json'), text.slice(0, 200));
  let r = await cli(['report', join(dir, 'trunc.json')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /^entropy-bench: .*trunc\.json: truncated JSON/);
  assert.equal(r.err.trim().split('\n').length, 1);
  const d = JSON.parse(text);
  d.run.expectations[0].passed = 'no';
  writeFileSync(join(dir, 'edited.json'), JSON.stringify(d));
  r = await cli(['report', join(dir, 'edited.json'), '--format', 'html']);
  assert.equal(r.code, 2);
  assert.match(r.err, /edited\.json: not a valid report document: \/run\/expectations\/0\/passed: expected boolean, found string "no"/);
  r = await cli(['report', file, '--format', 'pdf']);
  assert.equal(r.code, 2);
});

test('report merge joins shards into the full run; mismatched shards exit 2', async () => {
  const run = fixtureRun();
  const { dir } = saved();
  const part = (index: number, design: string) => {
    const cells = run.cells.filter((c) => c.design === design);
    const ids = new Set(cells.map((c) => c.id));
    const f = join(dir, `shard-${index}.json`);
    writeFileSync(f, serializeReportDocument(createReportDocument({ run: { ...run, cells, expectations: run.expectations.filter((e) => ids.has(e.cell)), shard: { index, count: 2 } } })));
    return f;
  };
  const a = part(1, 'shared-virtio');
  const b = part(2, 'smm-device');
  const out = join(dir, 'merged.json');
  const r = await cli(['report', 'merge', b, a, '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /merged 2 report\(s\), 6 cells/);
  const merged = readReportDocument(out);
  assert.deepEqual(merged.run!.cells.map((c) => c.id), run.cells.map((c) => c.id));
  assert.deepEqual(merged.run!.expectations, run.expectations);
  const other = JSON.parse(readFileSync(a, 'utf8'));
  other.run.scenario.seed = 9;
  writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
  const bad = await cli(['report', 'merge', b, join(dir, 'other.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /seed 9 differs/);
});
