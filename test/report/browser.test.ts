/**
 * Opens a rendered HTML report in real headless Chromium (found by
 * test/helpers/chromium.ts: Debian's `chromium` or Playwright's, driven by playwright-core) and checks that it loads with no console error and
 * no network request, and that every chart's SVG has rendered marks. Keeps a
 * screenshot in reports/latest/example-report.png (copied to
 * reports/example-report.png for the README when the report changes).
 *
 * No Chromium on the machine: the test is skipped, and the summary shows why and
 * the command that installs it. .ci/run installs Debian's and sets
 * ENTROPY_BENCH_REQUIRE_CHROMIUM=1, so there a missing browser is a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/report/html.ts';
import { buildCharts } from '../../src/report/charts.ts';
import { fixtureDocument } from './fixtures.ts';
import { CHROMIUM_ARGS, findChromium } from '../helpers/chromium.ts';

const found = findChromium();
// CI must not pass by skipping: there a missing browser fails (with the same reason).
const skip = process.env.ENTROPY_BENCH_REQUIRE_CHROMIUM === '1' ? false : found.skip;

test('the HTML report renders in headless Chromium: no console errors, no requests, every chart has marks', { skip }, async () => {
  assert.ok(found.path !== undefined, found.skip);
  const doc = fixtureDocument();
  const expected = buildCharts(doc).map((c) => c.id);
  // The fixture exercises every chart the report can draw.
  assert.deepEqual(expected.sort(), [
    'bench-vs-calibration',
    'entropy-estimates',
    'setvariable-latency',
    'setvariable-throughput',
    'starvation-over-time',
    'sts-proportions',
    'sts-pvalue-histogram',
  ]);
  const html = await renderHtml(doc);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/i, 'the report must be self-contained (no script, no external URL)');
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);

  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Minimal DOM shapes (the project compiles without the DOM lib).
    interface El {
      childElementCount: number;
      getAttribute(n: string): string | null;
      querySelector(s: string): El | null;
      querySelectorAll(s: string): ArrayLike<El>;
      getBoundingClientRect(): { width: number; height: number };
    }
    const charts: Array<{ id: string | null; marks: number; width: number; height: number }> = await page.$$eval('figure.chart', (figs) =>
      (figs as unknown as El[]).map((f) => {
        const svg = f.querySelector('svg');
        const marks = svg ? Array.from(svg.querySelectorAll('g.role-mark')).reduce((n, g) => n + g.childElementCount, 0) : 0;
        const box = svg?.getBoundingClientRect();
        return { id: f.getAttribute('data-chart'), marks, width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
    assert.deepEqual(charts.map((c) => c.id).sort(), expected.sort());
    for (const c of charts) {
      assert.ok(c.marks > 0, `chart ${c.id} rendered no marks`);
      assert.ok(c.width > 100 && c.height > 50, `chart ${c.id} has no visible size (${c.width}×${c.height})`);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    assert.equal(await page.title(), 'entropy-bench report: fixture-matrix');
    mkdirSync(new URL('../../reports/latest/', import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL('../../reports/latest/example-report.png', import.meta.url).pathname, fullPage: false });
  } finally {
    await browser.close();
  }
});
