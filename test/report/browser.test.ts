/**
 * Opens a rendered HTML report in real headless Chromium (found by
 * test/helpers/chromium.ts: Debian's `chromium` or Playwright's, driven by playwright-core) and checks that it loads with no console error and
 * no network request, and that every chart's SVG has rendered marks, at 1280 px
 * and at 390 px (a phone): the page never scrolls sideways, no legend reaches
 * outside its SVG, and on the desktop no chart is wider than its box. Keeps full-page
 * screenshots in reports/latest/example-report-{1280,390}.png and the first screen
 * in reports/latest/example-report.png (copied to reports/example-report.png for
 * the README when the report changes).
 *
 * No Chromium on the machine: the test is skipped, and the summary shows why and
 * the command that installs it. .ci/run installs Debian's and sets
 * ENTROPY_BENCH_REQUIRE_CHROMIUM=1, so there a missing browser is a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/report/html.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { fixtureDocument } from './fixtures.ts';
import { CHROMIUM_ARGS, findChromium } from '../helpers/chromium.ts';
import { tempDir } from '../helpers/temp-dir.ts';

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
  const dir = tempDir('report-html-');
  const file = join(dir, 'report.html');
  writeFileSync(file, html);

  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, headless: true });
  try {
    mkdirSync(new URL('../../reports/latest/', import.meta.url), { recursive: true });
    // A desktop window and a phone (390 px, an iPhone 12-15 in portrait).
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
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
      interface Box {
        left: number;
        right: number;
        top: number;
        bottom: number;
        width: number;
        height: number;
      }
      interface El {
        childElementCount: number;
        scrollWidth: number;
        clientWidth: number;
        getAttribute(n: string): string | null;
        querySelectorAll(s: string): ArrayLike<El>;
        getBoundingClientRect(): Box;
      }
      const layout = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: El } }).document.documentElement;
        return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
      });
      assert.ok(layout.scrollWidth <= width, `${width} px: the page scrolls sideways (document.scrollWidth ${layout.scrollWidth})`);
      const charts: Array<{ id: string | null; svgs: Array<{ marks: number; width: number; height: number; legendOutside: number }>; overflow: number }> = await page.$$eval('figure.chart', (figs) =>
        (figs as unknown as El[]).map((f) => ({
          id: f.getAttribute('data-chart'),
          overflow: f.scrollWidth - f.clientWidth,
          svgs: Array.from(f.querySelectorAll('svg')).map((svg) => {
            const box = svg.getBoundingClientRect();
            // How far any legend reaches outside its SVG (> 0 = clipped).
            const legendOutside = Math.max(
              0,
              ...Array.from(svg.querySelectorAll('g.role-legend')).map((g) => {
                const l = g.getBoundingClientRect();
                return Math.max(box.left - l.left, l.right - box.right, box.top - l.top, l.bottom - box.bottom);
              }),
            );
            const marks = Array.from(svg.querySelectorAll('g.role-mark')).reduce((n, g) => n + g.childElementCount, 0);
            return { marks, width: box.width, height: box.height, legendOutside };
          }),
        })),
      );
      assert.deepEqual(charts.map((c) => c.id).sort(), [...expected].sort());
      for (const c of charts) {
        assert.ok(c.svgs.length > 0, `${width} px: chart ${c.id} has no SVG`);
        c.svgs.forEach((svg, i) => {
          assert.ok(svg.marks > 0, `${width} px: chart ${c.id} panel ${i} rendered no marks`);
          assert.ok(svg.width > 100 && svg.height > 50, `${width} px: chart ${c.id} panel ${i} has no visible size (${svg.width}×${svg.height})`);
          assert.ok(svg.legendOutside <= 1, `${width} px: chart ${c.id}: legend reaches ${svg.legendOutside} px outside its SVG`);
        });
        // On a desktop every chart, legend included, fits its box; on a phone a wide chart may scroll inside it.
        if (width >= 1280) assert.ok(c.overflow <= 0, `${width} px: chart ${c.id} is ${c.overflow} px wider than its box`);
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(requests, []);
      assert.equal(await page.title(), 'entropy-bench report: fixture-matrix');
      await page.screenshot({ path: new URL(`../../reports/latest/example-report-${width}.png`, import.meta.url).pathname, fullPage: true });
      if (width === 1280) await page.screenshot({ path: new URL('../../reports/latest/example-report.png', import.meta.url).pathname, fullPage: false });
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
