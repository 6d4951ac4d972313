/**
 * End to end on a real scenario run (not a fixture): the shipped
 * scenarios/virtio-drain.yaml at quick scale through runScenarioFile →
 * createReportDocument → disk → readReportDocument → every renderer and the
 * gate. Checks invariants that could fail: the document validates against the
 * published schema, the deterministic part is byte-identical across two runs,
 * every chart rendered marks, the JUnit case count equals the expectations, a
 * run gated against itself passes and against a perturbed copy fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioFile } from '../../src/scenario/run.ts';
import { createReportDocument, deterministicPart, readReportDocument, serializeReportDocument, mergeReports } from '../../src/report/document.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJUnit } from '../../src/report/junit.ts';
import { renderGithubBenchmark } from '../../src/report/github-benchmark.ts';
import { compareReports } from '../../src/report/gate.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SCENARIO = 'scenarios/virtio-drain.yaml';

test('a real scenario run: document, renderers and gate', async () => {
  const run = await runScenarioFile(SCENARIO, { scale: 'quick' });
  assert.ok(run.cells.length >= 2, 'the scenario has cells');
  const doc = createReportDocument({ run });
  const dir = tempDir('report-e2e-');
  const file = join(dir, 'report.json');
  writeFileSync(file, serializeReportDocument(doc));
  const back = readReportDocument(file);
  assert.deepEqual(back, doc);

  // Determinism: a second run of the same scenario + seed gives the same bytes.
  const again = createReportDocument({ run: await runScenarioFile(SCENARIO, { scale: 'quick' }) });
  assert.equal(serializeReportDocument(deterministicPart(again)), serializeReportDocument(deterministicPart(doc)));

  const md = renderMarkdown(doc);
  assert.match(md, new RegExp(`^# entropy-bench report: ${run.scenario.name}`));
  for (const c of run.cells) assert.ok(md.includes(`| ${c.id} |`), `cell ${c.id} in the Markdown`);
  assert.doesNotMatch(md, /NaN|Infinity|undefined/);

  const html = await renderHtml(doc);
  const figures = html.split('<figure class="chart"').slice(1);
  assert.ok(figures.length >= 3, `expected charts, found ${figures.length}`);
  for (const f of figures) {
    const id = /data-chart="([^"]+)"/.exec(f)![1];
    // A vega mark group with at least one child element = the chart drew something.
    assert.match(f, /<g class="mark-[a-z]+ role-mark[^"]*"[^>]*><(path|line|text|rect|g)\b/, `chart ${id} has marks`);
  }
  assert.doesNotMatch(html, /NaN|Infinity/);

  const xml = renderJUnit(doc);
  assert.equal((xml.match(/<testcase /g) ?? []).length, run.expectations.length);
  assert.equal((xml.match(/<failure /g) ?? []).length, run.expectations.filter((e) => !e.passed).length);
  assert.equal(renderGithubBenchmark(doc).length, run.cells.length);

  assert.equal(compareReports(doc, back).passed, true);
  const perturbed = structuredClone(doc);
  perturbed.run!.cells[0]!.metrics.setVariable.completed += 1;
  const g = compareReports(doc, perturbed);
  assert.equal(g.passed, false);
  assert.equal(g.checks[0]!.metric, `${run.cells[0]!.id}: setVariable.completed`);

  // Two real shards merge back into the full run.
  const s1 = await runScenarioFile(SCENARIO, { scale: 'quick', shard: { index: 1, count: 2 } });
  const s2 = await runScenarioFile(SCENARIO, { scale: 'quick', shard: { index: 2, count: 2 } });
  const merged = mergeReports([
    { doc: createReportDocument({ run: s2 }), file: 's2' },
    { doc: createReportDocument({ run: s1 }), file: 's1' },
  ]);
  assert.deepEqual(merged.run!.cells.map((c) => c.id), run.cells.map((c) => c.id));
});
