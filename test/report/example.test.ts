/**
 * The published example (reports/example-report.html, linked from the README) is a
 * rendering of the committed reports/example-report.json: the JSON validates against
 * the report schema, and rendering it again gives the committed HTML byte for byte.
 * After a renderer change, regenerate with
 *   node bin/entropy-bench.js report reports/example-report.json --format html --out reports/example-report.html
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readReportDocument } from '../../src/report/document.ts';
import { renderHtml } from '../../src/report/html.ts';

const JSON_FILE = new URL('../../reports/example-report.json', import.meta.url).pathname;
const HTML_FILE = new URL('../../reports/example-report.html', import.meta.url).pathname;

test('reports/example-report.json validates and re-renders to the committed reports/example-report.html', async () => {
  const doc = readReportDocument(JSON_FILE);
  assert.ok(doc.run && doc.run.cells.length > 0, 'the example has a scenario run');
  // Every conditioned tap carries its §4.2.2 bins, so the example shows the real uniformity histogram.
  const sts = doc.run.cells.flatMap((c) => c.quality.flatMap((q) => q.sts?.tests ?? [])).filter((t) => t.status === 'ok');
  assert.ok(sts.length > 0 && sts.every((t) => t.histogram?.length === 10));
  const html = await renderHtml(doc);
  assert.ok(
    html === readFileSync(HTML_FILE, 'utf8'),
    'reports/example-report.html is not the rendering of reports/example-report.json; regenerate it (command in this file\'s header)',
  );
});
