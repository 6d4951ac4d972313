/**
 * src/report/bundle.ts: the one writer of report files (entropy-bench run and bench/main.ts both
 * go through it). Each file holds exactly what `entropy-bench report --format` renders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_BUNDLE, renderReport, writeReportBundle } from '../../src/report/bundle.ts';
import { fixtureDocument } from './fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('writeReportBundle: the full bundle is the five files, each as renderReport renders it', async () => {
  const out = tempDir('bundle-');
  try {
    const doc = fixtureDocument();
    const written = await writeReportBundle(doc, out, { flag: '--out' });
    assert.deepEqual(written, ['report.json', 'report.md', 'report.html', 'junit.xml', 'benchmark.json']);
    assert.deepEqual(written, [...FULL_BUNDLE]);
    assert.deepEqual(readdirSync(out).sort(), ['benchmark.json', 'junit.xml', 'report.html', 'report.json', 'report.md']);
    const formats = { 'report.json': 'json', 'report.md': 'md', 'report.html': 'html', 'junit.xml': 'junit', 'benchmark.json': 'benchmark' } as const;
    for (const name of written) assert.equal(readFileSync(join(out, name), 'utf8'), await renderReport(doc, formats[name]), name);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('writeReportBundle: a chosen subset only, and the Markdown to the step summary on request', async () => {
  const out = tempDir('bundle-');
  const saved = process.env.GITHUB_STEP_SUMMARY;
  try {
    const doc = fixtureDocument();
    const summary = join(out, 'summary.md');
    writeFileSync(summary, '');
    process.env.GITHUB_STEP_SUMMARY = summary;
    assert.deepEqual(await writeReportBundle(doc, out, { files: ['report.json'] }), ['report.json']);
    assert.deepEqual(readdirSync(out).sort(), ['report.json', 'summary.md']);
    assert.equal(readFileSync(summary, 'utf8'), '', 'no step summary unless asked');
    await writeReportBundle(doc, out, { files: ['report.json'], stepSummary: true });
    assert.equal(readFileSync(summary, 'utf8'), await renderReport(doc, 'md'));
  } finally {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
    rmSync(out, { recursive: true, force: true });
  }
});
