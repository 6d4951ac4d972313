import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { junitTimestamp, renderJUnit } from '../../src/report/junit.ts';
import { createReportDocument, deterministicPart } from '../../src/report/document.ts';
import { renderGithubBenchmark } from '../../src/report/github-benchmark.ts';
import { renderHtml } from '../../src/report/html.ts';
import { compareReports } from '../../src/report/gate.ts';
import { VERDICT_LIST, VERDICTS, designMatrix, matrixKey, worstVerdict, xmlEscape } from '../../src/report/format.ts';
import { fixtureDocument, fixtureRun } from './fixtures.ts';

test('markdown: failed expectations come before the design × adversary table, then details', () => {
  const md = renderMarkdown(fixtureDocument());
  const failed = md.indexOf('## ❌ Failed expectations (1)');
  const matrix = md.indexOf('## Design × adversary');
  assert.ok(failed > 0 && matrix > failed, 'failed expectations before the matrix');
  assert.ok(md.indexOf('## Quality verdicts') > matrix);
  assert.ok(md.indexOf('## Benchmarks') > md.indexOf('## Quality verdicts'));
  assert.match(md, /\| shared-virtio\/virtio-drain\/seed=1 \| setvariable\.rate >= 50\/s \| 10 \| >= 50 \|/);
  // The matrix row: worst verdict and the SetVariable ratio to the no-adversary cell (20/200 = 0.1).
  assert.match(md, /\| shared-virtio \| ✅ ok 1× \| ⏳ starved 0\.1× \| ✅ ok 0\.95× \|/);
  // The summary at the top: each design's worst verdict over all adversaries and why.
  const summary = md.indexOf('## Worst verdict per design');
  assert.ok(summary > 0 && summary < failed, 'summary before the failed expectations');
  assert.match(md, /\| shared-virtio \| ⏳ starved \| virtio-drain \| SMM waited 500 ms for entropy \|/);
  assert.match(md, /\| smm-device \| ⚠️ degraded \| rdrand-hammer \| SMM waited 1 ms for entropy \|/);
  assert.match(md, /\*\*6 cells, 3 expectations, 1 FAILED\*\*/);
  // Parameters with their source; P-values and estimates in details.
  assert.match(md, /\| virtio-rng \| period \| 1000 ms \(set by scenario\) \| docs\/model\.md §0 \| all \|/);
  assert.match(md, /\| Markov \| 0\.9 \|/);
  assert.match(md, /\| drbg \| ctr-drbg\/raw-aes-ctr \(ctr-drbg \/ aes-256-ctr raw\) \| 0\.6522 \| ≥ 0\.5 \| ✅ \|/);
  assert.doesNotMatch(md, /NaN|Infinity|undefined/);
});

test('markdown: several seeds of one design × adversary show the worst verdict and the ratio range', () => {
  const run = fixtureRun();
  const extra = structuredClone(run.cells[2]!);
  extra.id = 'shared-virtio/rdrand-hammer/seed=2';
  extra.seed = 2;
  extra.verdict = 'broken';
  extra.baselineRatio = 0.5;
  run.cells.push(extra);
  const md = renderMarkdown(fixtureDocument({ run }));
  assert.match(md, /\| shared-virtio \| ✅ ok 1× \| ⏳ starved 0\.1× \| ❌ broken 0\.5–0\.95× \(2 cells\) \|/);
  assert.match(md, /\| shared-virtio \| ❌ broken \| rdrand-hammer \| — \|/);
});

test("design × adversary: what an adversary adds below the worst verdict shows as '+ class' (the no-adversary cell's own reasons do not)", async () => {
  const run = fixtureRun();
  const [none, drain, hammer] = [run.cells[0]!, run.cells[1]!, run.cells[2]!];
  assert.deepEqual([none.id, drain.id, hammer.id], ['shared-virtio/none/seed=1', 'shared-virtio/virtio-drain/seed=1', 'shared-virtio/rdrand-hammer/seed=1']);
  // Like every shared-virtio cell of the design matrix: broken already with no adversary.
  none.verdict = 'broken';
  none.verdictReasons = ['broken: 1 SetVariable call(s) failed', 'degraded: 1 TLS handshake(s) seeded from the timer RngLib'];
  drain.verdict = 'broken';
  drain.verdictReasons = ['broken: 1 SetVariable call(s) failed', 'starved: SMM waited 1s at once for entropy', 'degraded: 1 TLS handshake(s) seeded from the timer RngLib'];
  hammer.verdict = 'insecure';
  hammer.verdictReasons = ['insecure: 3 isolation violation(s) by non-SMM actors', 'broken: 1 SetVariable call(s) failed', 'starved: x', 'degraded: y', 'not a class: z'];
  const m = designMatrix(run.cells);
  const group = (adv: string) => m.groups.get(matrixKey('shared-virtio', adv))!;
  assert.equal(group('none').added, undefined, 'the baseline column has nothing to compare with');
  assert.deepEqual(group('virtio-drain').added, ['starved']);
  // Its own verdict is not repeated; classes the baseline had are not added; worst first.
  assert.deepEqual(group('rdrand-hammer').added, ['starved']);
  hammer.verdict = 'degraded';
  hammer.verdictReasons = ['insecure: a', 'starved: b', 'degraded: c'];
  assert.deepEqual(designMatrix(run.cells).groups.get(matrixKey('shared-virtio', 'rdrand-hammer'))!.added, ['insecure', 'starved']);
  const md = renderMarkdown(fixtureDocument({ run }));
  assert.match(md, /\| shared-virtio \| ❌ broken 1× \| ❌ broken 0\.1× \+ starved \| ⚠️ degraded 0\.95× \+ insecure, starved \|/);
  const html = await renderHtml(fixtureDocument({ run }));
  assert.match(html, /✗&nbsp;broken<br><small>0\.1×<\/small><br><small>\+&nbsp;starved<\/small>/);
});

test('every verdict has its own Markdown mark, HTML glyph and colour, listed worst first', () => {
  const vs = VERDICT_LIST;
  assert.deepEqual(vs, ['insecure', 'broken', 'starved', 'degraded', 'ok']);
  for (const key of ['mark', 'glyph', 'background', 'fill'] as const) {
    assert.equal(new Set(vs.map((v) => VERDICTS[v][key])).size, vs.length, `${key} repeats`);
  }
  assert.equal(worstVerdict(['ok', 'degraded', 'insecure', 'broken']), 'insecure');
  assert.equal(worstVerdict([]), 'ok');
});

test('junit: one testcase per expectation and per gate check, failures carry the message', () => {
  const doc = fixtureDocument();
  const gate = compareReports(doc, fixtureDocument({ overrides: { 'sts/battery': 0.5 } }));
  const xml = renderJUnit(doc, gate);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="entropy-bench" tests="(\d+)" failures="2" errors="0">/);
  const total = Number(/tests="(\d+)"/.exec(xml)![1]);
  assert.equal(total, 3 + gate.checks.length);
  assert.equal((xml.match(/<testcase /g) ?? []).length, total);
  // Expression characters are escaped: '>=' in a name and a message.
  assert.match(xml, /name="setvariable\.rate &gt;= 50\/s"/);
  assert.match(xml, /<failure message="shared-virtio\/virtio-drain\/seed=1: expected setvariable\.rate &gt;= 50, got 10 \(setvariable\.rate &gt;= 50\/s\)"/);
  assert.match(xml, /<testcase classname="gate" name="sts\/battery ÷ calibration\/js-scan">\n\s+<failure message="sts\/battery ÷ calibration\/js-scan: \+100\.0 % time per call/);
  // No timing section: no made-up times.
  assert.doesNotMatch(xml, /time="/);
  assert.equal(xmlEscape('a<b>&"c\'\u0001'), 'a&lt;b&gt;&amp;&quot;c&apos;');
});

test('junit: real times from the timing section, the timestamp, and what ran as properties', () => {
  const run = fixtureRun();
  const cellMs = new Map(run.cells.map((c, i) => [c.id, 1000 * (i + 1)]));
  const doc = createReportDocument({ run, generatedAt: '2026-11-25T10:20:30.456Z', timing: { totalMs: 4321, cellMs } });
  assert.deepEqual(doc.timing!.cells.map((c) => c.id), run.cells.map((c) => c.id));
  const xml = renderJUnit(doc);
  assert.match(xml, /<testsuites name="entropy-bench" tests="3" failures="1" errors="0" time="4\.321">/);
  assert.match(xml, /<testsuite name="scenario fixture-matrix \(seed 1\)" tests="3" failures="1" errors="0" skipped="0" timestamp="2026-11-25T10:20:30" time="4\.321">/);
  assert.match(xml, /<property name="scenario\.sha256" value="a{64}"\/>/);
  assert.match(xml, /<property name="seed" value="1"\/>/);
  assert.match(xml, /<property name="scale" value="quick"\/>/);
  // Cell 2 (2 s) has one expectation; cell 5 (5 s) has two, each gets half.
  assert.match(xml, /classname="shared-virtio\/virtio-drain\/seed=1" name="setvariable\.rate &gt;= 50\/s" time="2\.000">/);
  assert.equal((xml.match(/classname="smm-device\/virtio-drain\/seed=1" name="[^"]+" time="2\.500"/g) ?? []).length, 2);
  // The wall-clock section is not part of the deterministic document.
  assert.equal(deterministicPart(doc).timing, undefined);
  assert.equal(junitTimestamp('2026-11-25T10:20:30Z'), '2026-11-25T10:20:30');
});

test('github-benchmark: customBiggerIsBetter entries for tasks, ratios and virtual SetVariable/s', () => {
  const entries = renderGithubBenchmark(fixtureDocument({ speed: 0.5 }));
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).filter((k) => !['name', 'unit', 'value', 'range', 'extra'].includes(k)), []);
    assert.equal(typeof e.name, 'string');
    assert.ok(Number.isFinite(e.value));
  }
  const by = new Map(entries.map((e) => [e.name, e]));
  // Ratios the gate uses, never absolute throughputs: the same on a machine twice as slow.
  assert.ok(!entries.some((e) => e.name.startsWith('calibration/')));
  assert.equal(by.get('sts/battery vs calibration/js-scan')!.unit, 'ratio');
  assert.equal(by.get('sts/battery vs calibration/js-scan')!.value, 1);
  assert.equal(by.get('drbg/ctr-drbg/raw-aes-ctr')!.value, 1500 / 2300);
  assert.match(by.get('drbg/ctr-drbg/raw-aes-ctr')!.range!, /^0\.\d+…0\.\d+$/);
  assert.equal(by.get('virtual/shared-virtio/virtio-drain/seed=1/setvariable')!.value, 10);
  assert.equal(entries.length, 4 + 1 + 6);
  // A side-by-side run adds each task's speed against the baseline build; a 0 virtual rate is not exported.
  const run = fixtureRun();
  run.cells[0]!.metrics.setVariable.perVirtualSecond = 0;
  const side = new Map(renderGithubBenchmark(fixtureDocument({ run, sideBySide: { overrides: { 'sts/battery': 2 } } })).map((e) => [e.name, e]));
  assert.equal(side.get('sts/battery vs baseline build')!.value, 0.5);
  assert.equal(side.get('virtual/shared-virtio/none/seed=1/setvariable'), undefined);
});

test('virtio-rng observability: windows, bytes per window, device events, readers (a hung one flagged) and kernel bytes in Markdown and HTML', async () => {
  const doc = fixtureDocument();
  const md = renderMarkdown(doc);
  const id = doc.run!.cells[1]!.id;
  assert.match(md, /## virtio-rng windows and \/dev\/hwrng readers/);
  const row = md.split('\n').find((l) => l.startsWith(`| ${id} |`) && l.includes('device') === false && l.includes('1024 1024 40'));
  assert.ok(row, md);
  assert.match(row!, /\| 3 \| 1024 1024 40 \| 70 \(first 3 kept\) \| ⚠️ os-hwrng: 30 reads, 1920 B, HUNG since 3\.2 s \| 96 \|/);
  assert.match(md, new RegExp(`Hung /dev/hwrng readers: \`${id.replace(/[/=]/g, '\\$&')}\` \\(os-hwrng\\)`));
  // the windows: refill, opened, timer, bytes; a window never opened says so
  assert.match(md, /\| 1 \| 2000\.080 ms \| 2000\.860 ms \| 3000\.080 ms \| 1024 \|/);
  assert.match(md, /\| 2 \| 3000\.080 ms \| never opened \| — \| 40 \|/);
  const html = await renderHtml(doc);
  assert.match(html, /<h2>virtio-rng windows and \/dev\/hwrng readers<\/h2>/);
  assert.match(html, /<td class="fail">⚠&nbsp;os-hwrng: 30 reads, 1920 B, HUNG since 3\.2 s<\/td>/);
  assert.match(html, /<td class="n">never opened<\/td>/);
  // cells without a virtio-rng device have no row; no device anywhere, no section
  assert.equal((md.match(/HUNG since/g) ?? []).length, 1);
  for (const c of doc.run!.cells) delete c.virtioRng;
  assert.doesNotMatch(renderMarkdown(doc), /virtio-rng windows/);
  assert.doesNotMatch(await renderHtml(doc), /virtio-rng windows/);
});

test('html: one self-contained file with every section and a figure per chart', async () => {
  const html = await renderHtml(fixtureDocument());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link |src="http|href="http/i);
  assert.equal((html.match(/<figure class="chart"/g) ?? []).length, 7);
  // Small multiples: one SVG per SP 800-22 test (3 applicable in the fixture) and per raw tap (one per cell).
  assert.equal((html.match(/<svg /g) ?? []).length, 5 + 3 + 6);
  assert.equal((html.match(/<div class="panel-title">/g) ?? []).length, 3 + 6);
  // The six cells' key-material taps have identical SP 800-22 results (the same bytes): counted once.
  assert.match(html, /<div class="panel-title">CumulativeSums: K = 2 P-values<\/div>/);
  assert.match(html, /pooled over the run’s 1 distinct conditioned streams/);
  for (const h of ['Failed expectations (1)', 'Design × adversary', 'SMM under attack', 'Cells', 'Quality of what the consumers got', 'Parameters used', 'Benchmarks (wall clock, quick run)']) {
    assert.ok(html.includes(`<h2>${h}</h2>`) || html.includes(`<h2>${h}`), `missing section ${h}`);
  }
  assert.match(html, /<td class="v-starved">∅&nbsp;starved<br><small>0\.1×<\/small><\/td>/);
  // The summary table comes first and the verdict colours come from the one table.
  assert.ok(html.indexOf('<h2>Worst verdict per design</h2>') < html.indexOf('<h2>Failed expectations'));
  assert.match(html, /\.v-insecure\{background:#ecd5f5\}/);
  assert.doesNotMatch(html, /NaN|Infinity/);
});

test('junit of a bench run: a missed bar is a <failure> naming the ratio, its range and the bar', () => {
  const ok = renderJUnit(fixtureDocument());
  assert.match(ok, /<testsuite name="benchmark bars" tests="1" failures="0"/);
  const xml = renderJUnit(fixtureDocument({ overrides: { 'drbg/ctr-drbg': 0.3 } }));
  assert.match(xml, /<testsuites name="entropy-bench" tests="4" failures="2"/);
  assert.match(xml, /<testcase classname="bench\.drbg" name="ctr-drbg\/raw-aes-ctr ≥ 0\.5">\n\s+<failure message="drbg\/ctr-drbg\/raw-aes-ctr = 0\.195652 \(range 0\.\d+–0\.\d+ over 5 processes\), below the bar 0\.5: missed \(5 of 5 processes below; sign test P = 0\.031\); ctr-drbg ÷ aes-256-ctr raw"/);
});

test('the quality tap of a consumed stream says which source and which of its output bytes were assessed (Markdown and HTML)', async () => {
  const run = fixtureRun();
  run.cells[0]!.quality.push({
    tap: 'smm-variable/stream:host-source',
    kind: 'conditioned',
    consumer: 'smm-variable',
    source: 'host-source',
    bytes: 131072,
    totalBytes: 131072,
    verdict: 'pass',
    reasons: [],
    stream: { sha256: 'c'.repeat(64), producedInRun: 3680, consumedInRun: 3280, drawnAfterRun: 127392, keyedWrites: 102 },
  });
  const label = 'smm-variable/stream:host-source: host-source output bytes 0–131071 (3680 produced in the run, of which SMM obtained 3280; 127392 drawn from the same source after it; 102 write(s) keyed from it; SHA-256 cccccccccccc…)';
  assert.ok(renderMarkdown(fixtureDocument({ run })).includes(label));
  assert.ok((await renderHtml(fixtureDocument({ run }))).includes(label));
});

test('cell tables show the SMM writes keyed from a bad DRBG epoch, of all SMM writes (— without key provenance), in Markdown and HTML', async () => {
  const run = fixtureRun();
  const keys = (writes: number, badWrites: number) => ({
    epochs: 4, badEpochs: badWrites > 0 ? 3 : 0, writes, badWrites, badWriteShare: writes > 0 ? badWrites / writes : 0,
    badWritesByFlaw: { 'unsafe-source': 0, 'repeats-earlier-output': badWrites }, sourceFailures: 0, startupTests: 0, startupPasses: 0, failClosed: 0, fallbackSeeds: 0,
  });
  run.cells[0]!.metrics.keys = keys(103, 96);
  run.cells[1]!.metrics.keys = keys(200, 0);
  run.cells[2]!.metrics.keys = keys(0, 0);
  const doc = fixtureDocument({ run });
  const md = renderMarkdown(doc);
  assert.match(md, /\| cell \| verdict \| SetVariable\/s \|.*\| lost vars \| bad-epoch writes \|/);
  const row = (id: string): string => md.split('\n').find((l) => l.startsWith(`| ${id} |`) && l.split(' | ').length === 14)!; // the cells table
  assert.match(row(run.cells[0]!.id), /\| 96\/103 \(93\.2 %\) \|$/);
  assert.match(row(run.cells[1]!.id), /\| 0\/200 \(0\.0 %\) \|$/);
  assert.match(row(run.cells[2]!.id), /\| 0\/0 \|$/);
  assert.match(row(run.cells[3]!.id), /\| — \|$/);
  // Each percentile is read next to the number of latencies it is taken over.
  assert.match(md, /\| ratio \| latencies \(n\) \| p50 \| p99 \| max \|/);
  assert.ok(row(run.cells[0]!.id).includes(` | ${run.cells[0]!.metrics.setVariable.latency.count} | `));
  const html = await renderHtml(doc);
  assert.match(html, /<th[^>]*>bad-epoch writes<\/th>/);
  assert.match(html, /<td[^>]*>96\/103 \(93\.2 %\)<\/td>/);
});
