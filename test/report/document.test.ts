import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createReportDocument,
  deterministicPart,
  mergeReports,
  parseReportDocument,
  readReportDocument,
  serializeReportDocument,
  REPORT_SCHEMA_VERSION,
} from '../../src/report/document.ts';
import { reportJsonSchemaText } from '../../src/report/schema.ts';
import { InputError } from '../../src/errors.ts';
import { fixtureDocument, fixtureRun } from './fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('the committed reports/report.schema.json equals the schema generated from the TypeBox definitions', () => {
  const committed = readFileSync(new URL('../../reports/report.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, reportJsonSchemaText(), 'regenerate with: node --import tsx -e "import(\'./src/report/schema.ts\').then(m=>process.stdout.write(m.reportJsonSchemaText()))" > reports/report.schema.json');
});

test('a created document round-trips through serialize + read unchanged', () => {
  const doc = fixtureDocument();
  const dir = tempDir('report-');
  const file = join(dir, 'report.json');
  writeFileSync(file, serializeReportDocument(doc));
  const back = readReportDocument(file);
  assert.deepEqual(back, doc);
  assert.equal(back.schemaVersion, REPORT_SCHEMA_VERSION);
  assert.equal(back.environment.node, process.version);
  assert.equal(back.benchmarks?.wallClock, true);
  assert.equal(back.benchmarks?.calibration?.name, 'calibration');
});

test('deterministic part: same run → byte-identical even when wall-clock parts differ', () => {
  const a = fixtureDocument({ speed: 1 });
  const b = fixtureDocument({ speed: 0.5 });
  b.generatedAt = '2030-01-01T00:00:00.000Z';
  assert.notEqual(serializeReportDocument(a), serializeReportDocument(b));
  assert.equal(serializeReportDocument(deterministicPart(a)), serializeReportDocument(deterministicPart(b)));
  // createReportDocument reads no clock: without generatedAt there is none.
  assert.equal(createReportDocument({ run: fixtureRun() }).generatedAt, undefined);
});

test('createReportDocument refuses NaN/Infinity, naming the path', () => {
  const run = fixtureRun();
  run.cells[2]!.metrics.setVariable.perVirtualSecond = Number.NaN;
  assert.throws(() => createReportDocument({ run }), /\/run\/cells\/2\/metrics\/setVariable\/perVirtualSecond is NaN/);
});

function inputError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

test('readReportDocument: truncated JSON → InputError saying truncated', () => {
  const text = serializeReportDocument(fixtureDocument());
  inputError(() => parseReportDocument(text.slice(0, 500), 'r.json'), /^r\.json: truncated JSON/);
  inputError(() => parseReportDocument('{"a": 1,, }', 'r.json'), /^r\.json: not valid JSON/);
  inputError(() => parseReportDocument('[1,2]', 'r.json'), /expected a report document \(a JSON object\), found an array/);
});

test('readReportDocument: newer schema major or minor → InputError asking to upgrade', () => {
  const doc = fixtureDocument() as unknown as Record<string, unknown>;
  const [major, minor] = REPORT_SCHEMA_VERSION.split('.').map(Number) as [number, number];
  for (const v of [`${major}.${minor + 1}.0`, `${major + 1}.0.0`]) {
    inputError(() => parseReportDocument(JSON.stringify({ ...doc, schemaVersion: v }), 'r.json'), new RegExp(`schema ${v.replace(/\./g, '\\.')}, newer .*upgrade`));
  }
  // A newer patch of the same minor is readable.
  assert.equal(parseReportDocument(JSON.stringify({ ...doc, schemaVersion: `${major}.${minor}.9` }), 'r.json').schemaVersion, `${major}.${minor}.9`);
  // An older minor (1.0: no P-value histograms) is readable.
  assert.equal(parseReportDocument(JSON.stringify({ ...doc, schemaVersion: '1.0.0' }), 'r.json').schemaVersion, '1.0.0');
  inputError(() => parseReportDocument(JSON.stringify({ ...doc, schemaVersion: 'v1' }), 'r.json'), /\/schemaVersion: expected MAJOR\.MINOR\.PATCH/);
  const { schemaVersion: _s, ...noVersion } = doc;
  inputError(() => parseReportDocument(JSON.stringify(noVersion), 'r.json'), /\/schemaVersion: missing/);
});

test('readReportDocument: hand-edited documents → InputError naming the JSON path and the expectation', () => {
  const base = () => JSON.parse(serializeReportDocument(fixtureDocument())) as any;
  let d = base();
  d.run.cells[3].metrics.setVariable.perVirtualSecond = 'fast';
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /\/run\/cells\/3\/metrics\/setVariable\/perVirtualSecond: expected number, found string "fast"/);
  d = base();
  delete d.run.cells[0].metrics;
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /\/run\/cells\/0: missing required property 'metrics'/);
  d = base();
  d.run.cells[1].verdict = 'fine';
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /\/run\/cells\/1\/verdict: expected one of "ok", "degraded", "starved", "broken", "insecure"/);
  d = base();
  d.run.cells[0].quality[0].sts.tests[0].minPValue = 1.5;
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /minPValue: expected a number ≤ 1, found number 1\.5/);
  d = base();
  d.benchmarks.extra = 1;
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /\/benchmarks: unexpected property 'extra'/);
  d = base();
  d.run.scenario.sha256 = 'xyz';
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /\/run\/scenario\/sha256: must match pattern/);
  // NaN cannot be written as JSON; a hand-written null in its place is caught.
  d = base();
  d.run.cells[0].metrics.starvation.totalNs = null;
  inputError(() => parseReportDocument(JSON.stringify(d), 'r.json'), /starvation\/totalNs: expected number, found null/);
});

test('readReportDocument: a missing file → InputError', () => {
  inputError(() => readReportDocument('/nonexistent/report.json'), /\/nonexistent\/report\.json: no such file/);
});

/** Deals whole groups (design/seed) round-robin, as src/scenario/matrix.ts shardCells does. */
function shard(index: number, count: number) {
  const run = fixtureRun();
  const groups = [...new Set(run.cells.map((c) => `${c.design}/seed=${c.seed}`))];
  const cells = run.cells.filter((c) => groups.indexOf(`${c.design}/seed=${c.seed}`) % count === index - 1);
  const ids = new Set(cells.map((c) => c.id));
  return createReportDocument({
    run: { ...run, cells, expectations: run.expectations.filter((e) => ids.has(e.cell)), shard: { index, count } },
  });
}

test('mergeReports: shards join back into the full run, in expansion order, duplicates dropped', () => {
  const full = createReportDocument({ run: fixtureRun() });
  const s1 = shard(1, 2);
  const s2 = shard(2, 2);
  assert.ok(s1.run!.cells.length === 3 && s2.run!.cells.length === 3);
  // Order of arguments does not matter.
  const merged = mergeReports([
    { doc: s2, file: 's2' },
    { doc: s1, file: 's1' },
  ]);
  assert.deepEqual(merged.run!.cells.map((c) => c.id), full.run!.cells.map((c) => c.id));
  assert.deepEqual(merged.run!.expectations, full.run!.expectations);
  assert.equal(merged.run!.shard, undefined);
  assert.deepEqual(deterministicPart(merged), deterministicPart(full));
  // Plain documents work too (named by position in messages).
  assert.deepEqual(mergeReports([s2, s1]).run!.cells.map((c) => c.id), full.run!.cells.map((c) => c.id));
  // An explicit expansion order wins.
  const order = [...full.run!.cells.map((c) => c.id)].reverse();
  assert.deepEqual(mergeReports([{ doc: s1, file: 's1' }, { doc: s2, file: 's2' }], { order }).run!.cells.map((c) => c.id), order);
});

test('mergeReports: a missing or repeated shard, mixed shard counts or scales → InputError naming them', () => {
  const s1 = shard(1, 2);
  const s2 = shard(2, 2);
  inputError(() => mergeReports([{ doc: s1, file: 's1' }]), /missing shard 2\/2 \(given: 1\/2\)/);
  inputError(() => mergeReports([{ doc: s1, file: 's1' }, { doc: s2, file: 's2' }, { doc: s1, file: 's1-again' }]), /shard 1\/2 given twice: s1 and s1-again/);
  inputError(() => mergeReports([{ doc: s1, file: 's1' }, { doc: shard(2, 3), file: 't2' }]), /t2: shard 2\/3 differs in shard count from s1: shard 1\/2/);
  const full = structuredClone(s1);
  full.run!.scale = 'default';
  const quick = structuredClone(s2);
  quick.run!.scale = 'quick';
  inputError(() => mergeReports([{ doc: full, file: 's1' }, { doc: quick, file: 'q2' }]), /q2: scale 'quick' differs from s1: scale 'default'/);
});

test('mergeReports: different scenario digest or seed → InputError', () => {
  const a = shard(1, 2);
  const b = shard(2, 2);
  b.run!.scenario.sha256 = 'b'.repeat(64);
  inputError(() => mergeReports([{ doc: a, file: 'a.json' }, { doc: b, file: 'b.json' }]), /b\.json: scenario 'fixture-matrix' \(sha256 bbbbbbbbbbbb…\) differs from a\.json/);
  const c = shard(2, 2);
  c.run!.scenario.seed = 7;
  inputError(() => mergeReports([{ doc: a, file: 'a.json' }, { doc: c, file: 'c.json' }]), /c\.json: seed 7 differs from a\.json: seed 1/);
});
