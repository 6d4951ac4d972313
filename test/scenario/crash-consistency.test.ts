/**
 * Crash consistency in the scenario result (src/scenario/crash-consistency.ts): every cell of a
 * scenario that asks for it carries the power-cut campaign of its own store and seed, expectations
 * can assert it, a failed campaign breaks the cell, and the reports show it per design.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POWER_CUT, runPowerCuts } from '../../src/firmware/power-cut.ts';
import { parseScenarioText } from '../../src/scenario/load.ts';
import { expandCells } from '../../src/scenario/matrix.ts';
import { runLoadedScenario } from '../../src/scenario/run.ts';
import { DEFAULT_DELETE_EVERY, crashCampaign, crashCampaignKey, crashConsistencyResult } from '../../src/scenario/crash-consistency.ts';
import { evaluateExpectation, parseExpectation } from '../../src/scenario/expectation.ts';
import { cellVerdict } from '../../src/scenario/verdict.ts';
import { createReportDocument } from '../../src/report/document.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderHtml } from '../../src/report/html.ts';
import { crashSummaries } from '../../src/report/format.ts';
import type { RunResult } from '../../src/scenario/result.ts';

const SCENARIO = `
name: crash-small
seed: 5
runtime: 20ms
designs: [shared-virtio, rdrand-passthrough]
crashConsistency: { cuts: 30 }
matrix:
  adversaries:
    - { name: none }
    - { name: smm-probe, label: misconfig-pflash, params: { misconfigure: pflash-insecure } }
expect:
  '*': [ crash.cuts == 30, crash.acked-lost == 0, crash.half-visible == 0, crash.unreadable == 0 ]
`;

let small: Promise<RunResult> | undefined;
const runSmall = () => (small ??= runLoadedScenario(parseScenarioText(SCENARIO, 'crash-small.yaml')));

test("every cell carries the campaign of its own seed and store: the same counts as running it directly, and the expectations on it hold", async () => {
  const r = await runSmall();
  assert.equal(r.cells.length, 4);
  // The scenario's campaign deletes every DEFAULT_DELETE_EVERY-th call (12 of 60).
  const direct = runPowerCuts({ ...DEFAULT_POWER_CUT, seed: 5, cuts: 30, deleteEvery: DEFAULT_DELETE_EVERY });
  assert.ok(direct.ackedChecked > 0 && direct.sequenceOps > 0);
  for (const c of r.cells) {
    assert.ok(c.crashConsistency, c.id);
    const { seed, writes, deletes, variables, storeBytes, blockBytes, ...counts } = c.crashConsistency;
    assert.deepEqual({ seed, writes, deletes, variables, storeBytes, blockBytes }, { seed: 5, writes: DEFAULT_POWER_CUT.writes, deletes: 12, variables: DEFAULT_POWER_CUT.variables, storeBytes: DEFAULT_POWER_CUT.storeBytes, blockBytes: DEFAULT_POWER_CUT.blockBytes });
    assert.deepEqual(counts, direct, c.id);
  }
  assert.equal(r.expectations.length, 16);
  assert.ok(r.expectations.every((e) => e.passed), JSON.stringify(r.expectations.filter((e) => !e.passed)));
});

test('deterministic: jobs = 2 (campaigns in worker threads) gives byte-identical JSON', async () => {
  const a = await runSmall();
  const b = await runLoadedScenario(parseScenarioText(SCENARIO, 'crash-small.yaml'), { jobs: 2 });
  assert.ok(JSON.stringify(a) === JSON.stringify(b), 'jobs = 2 differs from jobs = 1');
});

test('the campaign follows the cell: its seed and its driver parameters change it, pflash secure (never refused to SMM) does not', () => {
  const loaded = parseScenarioText(`${SCENARIO}\nparams:\n  smm-variable: { reseed-interval: 4 }\n`, 'c.yaml');
  const cells = expandCells(loaded);
  const spec = { cuts: 30 };
  const none = crashCampaign(cells.find((c) => c.id === 'shared-virtio/none/seed=5')!, spec);
  const probe = crashCampaign(cells.find((c) => c.id === 'shared-virtio/misconfig-pflash/seed=5')!, spec);
  assert.equal(cells.find((c) => c.id === 'shared-virtio/misconfig-pflash/seed=5')!.overrides['pflash']!['secure'], false);
  assert.equal(crashCampaignKey(none), crashCampaignKey(probe));
  assert.equal(none.smmVariable!['reseed-interval'], 4);
  const plain = crashCampaign(expandCells(parseScenarioText(SCENARIO, 'c.yaml'))[0]!, spec);
  assert.notEqual(crashCampaignKey(plain), crashCampaignKey(none));
  assert.equal(crashCampaign({ ...cells[0]!, seed: 6 }, spec).seed, 6);
  assert.equal(crashCampaign(cells[0]!, { cuts: 30, writes: 7 }).writes, 7);
});

test('the campaign deletes every fifth call unless the scenario says otherwise, and the result counts the deletes', () => {
  const cell = expandCells(parseScenarioText(SCENARIO, 'c.yaml'))[0]!;
  const usual = crashCampaign(cell, { cuts: 3 });
  assert.equal(usual.deleteEvery, DEFAULT_DELETE_EVERY);
  assert.equal(DEFAULT_DELETE_EVERY, 5);
  const none = crashCampaign(cell, { cuts: 3, deleteEvery: 0 });
  assert.notEqual(crashCampaignKey(none), crashCampaignKey(usual));
  assert.equal(crashCampaign(cell, { cuts: 3, deleteEvery: 7 }).deleteEvery, 7);
  // 60 calls: 12 deletes at every fifth, 8 at every seventh, none at 0.
  for (const [o, deletes] of [[usual, 12], [{ ...usual, deleteEvery: 7 }, 8], [none, 0]] as const) {
    const r = runPowerCuts({ ...o, cuts: 0 });
    assert.equal(crashConsistencyResult(o, r).deletes, deletes);
  }
  // The deletes change the flash sequence the cuts land in.
  assert.notEqual(runPowerCuts({ ...usual, cuts: 0 }).sequenceOps, runPowerCuts({ ...none, cuts: 0 }).sequenceOps);
  // A scenario can set it; a negative count is refused by the schema.
  assert.deepEqual(parseScenarioText(SCENARIO.replace(/crashConsistency: \{ cuts: (\d+) \}/, 'crashConsistency: { cuts: $1, deleteEvery: 0 }'), 'c.yaml').spec.crashConsistency, { cuts: 30, deleteEvery: 0 });
  assert.throws(() => parseScenarioText(SCENARIO.replace(/crashConsistency: \{ cuts: (\d+) \}/, 'crashConsistency: { cuts: $1, deleteEvery: -1 }'), 'c.yaml'), /deleteEvery/);
});

test('crash.* expectations need a campaign: without one they fail with no value, with one they compare its counts', () => {
  const e = parseExpectation('crash.acked-lost == 0');
  const base = { metrics: undefined as never, quality: [] };
  assert.equal(evaluateExpectation(e, 'c', base).passed, false);
  const crash = { seed: 1, writes: 60, deletes: 0, variables: 6, storeBytes: 4096, blockBytes: 512, ...runPowerCuts({ cuts: 3 }) };
  assert.equal(evaluateExpectation(e, 'c', { ...base, crash }).passed, true);
  assert.equal(evaluateExpectation(e, 'c', { ...base, crash: { ...crash, ackedLost: 1 } }).passed, false);
  for (const [metric, field] of [['crash.cuts', 'cuts'], ['crash.cuts-in-reclaim', 'cutsInReclaim'], ['crash.acked-checked', 'ackedChecked'], ['crash.half-visible', 'halfVisible'], ['crash.unreadable', 'unreadable']] as const) {
    const x = evaluateExpectation(parseExpectation(`${metric} == 17`), 'c', { ...base, crash: { ...crash, [field]: 17 } });
    assert.deepEqual([x.actual, x.passed], [17, true], metric);
  }
});

test('a failed campaign breaks the cell, naming what failed; a clean one changes nothing', async () => {
  const r = await runSmall();
  const c = r.cells[0]!;
  const clean = cellVerdict(c.metrics, 1, [], undefined, c.crashConsistency);
  assert.deepEqual(clean, cellVerdict(c.metrics, 1, []));
  for (const bad of [{ ackedLost: 1 }, { halfVisible: 2 }, { unreadable: 3 }]) {
    const v = cellVerdict(c.metrics, 1, [], undefined, { ...c.crashConsistency!, ...bad });
    assert.equal(v.verdict, 'broken', JSON.stringify(bad));
    assert.ok(v.reasons.some((x) => /^broken: power cuts \(30\): /.test(x) && x.includes(String(Object.values(bad)[0]))), v.reasons.join('; '));
  }
});

test('Markdown and HTML show the result per design; a lost value marks that design FAILED', async () => {
  const r = await runSmall();
  const s = crashSummaries(r.cells);
  assert.deepEqual(s.map((x) => [x.design, x.campaigns, x.cuts, x.passed]), [['shared-virtio', 1, 30, true], ['rdrand-passthrough', 1, 30, true]]);
  const md = renderMarkdown(createReportDocument({ run: r }));
  assert.match(md, /## Crash consistency \(power cuts\)/);
  assert.match(md, new RegExp(`\\| shared-virtio \\| ✅ consistent \\| 30 \\(${r.cells[0]!.crashConsistency!.cutsInReclaim}\\) \\| ${r.cells[0]!.crashConsistency!.ackedChecked} / 0 \\|`));
  const broken: RunResult = { ...r, cells: r.cells.map((c) => (c.design === 'rdrand-passthrough' && c.id.includes('/none/') ? { ...c, crashConsistency: { ...c.crashConsistency!, ackedLost: 2 } } : c)) };
  const s2 = crashSummaries(broken.cells);
  assert.deepEqual(s2.map((x) => [x.campaigns, x.ackedLost, x.passed]), [[1, 0, true], [2, 2, false]]);
  assert.match(renderMarkdown(createReportDocument({ run: broken })), /\| rdrand-passthrough \| ❌ FAILED \|/);
  const html = await renderHtml(createReportDocument({ run: broken }));
  assert.match(html, /<h2>Crash consistency \(power cuts\)<\/h2>/);
  assert.match(html, /<b>rdrand-passthrough<\/b><\/td><td class="v-broken">/);
});
