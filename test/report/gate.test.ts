import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertComparable, compareReports, DEFAULT_GATE_CONFIG, formatGateTable, type GateConfig } from '../../src/report/gate.ts';
import { InputError } from '../../src/errors.ts';
import { fixtureDocument, fixtureRun } from './fixtures.ts';

test('identical documents pass every check, and every metric is compared', () => {
  const r = compareReports(fixtureDocument(), fixtureDocument());
  assert.equal(r.passed, true);
  assert.equal(r.regressions, 0);
  assert.ok(r.checks.every((c) => c.verdict === 'pass'));
  // 6 cells × (metric leaves + baselineRatio + verdict) + 3 expectations + ratios.
  assert.ok(r.checks.some((c) => c.metric === 'smm-device/virtio-drain/seed=1: setVariable.latency.p99Ns'));
  assert.ok(r.checks.some((c) => c.metric === 'drbg/ctr-drbg/raw-aes-ctr'));
  assert.ok(r.checks.some((c) => c.metric === 'sts/battery ÷ calibration/js-scan'));
  assert.ok(r.checks.some((c) => c.metric === 'drbg/ctr-drbg ÷ calibration/aes-256-ctr'));
});

test('a virtual metric drifting beyond its tolerance is a regression, listed first', () => {
  const run = fixtureRun();
  run.cells[4]!.metrics.setVariable.latency.p99Ns *= 1.001;
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.equal(r.passed, false);
  assert.equal(r.regressions, 1);
  assert.equal(r.checks[0]!.metric, 'smm-device/virtio-drain/seed=1: setVariable.latency.p99Ns');
  assert.equal(r.checks[0]!.verdict, 'regression');
  assert.match(r.checks[0]!.message!, /drifted from 160000 to 160160/);
  // An improvement is drift too: deterministic numbers must reproduce exactly.
  const run2 = fixtureRun();
  run2.cells[1]!.metrics.setVariable.completed += 1;
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run: run2 })).passed, false);
});

test('simulation event counts are not gated by default (an implementation detail)', () => {
  const run = fixtureRun();
  run.cells[0]!.metrics.events += 5;
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.equal(r.passed, true);
  assert.ok(!r.checks.some((c) => c.metric.endsWith(': events')));
});

test('per-metric tolerance from the config lets a drift within it pass', () => {
  const run = fixtureRun();
  run.cells[4]!.metrics.setVariable.latency.p99Ns *= 1.001;
  const cfg: GateConfig = { ...DEFAULT_GATE_CONFIG, virtual: { ...DEFAULT_GATE_CONFIG.virtual, rules: [...DEFAULT_GATE_CONFIG.virtual.rules, { match: 'setVariable.latency.*', relative: 0.01 }] } };
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run }), cfg).passed, true);
});

test('verdict change and a newly failing expectation are regressions', () => {
  const run = fixtureRun();
  run.cells[4]!.verdict = 'starved';
  run.expectations[1]!.passed = false;
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  const failing = r.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric);
  assert.deepEqual(failing, ['smm-device/virtio-drain/seed=1: verdict', 'expectation smm-device/virtio-drain/seed=1: setvariable.rate >= 50/s']);
});

test('a missing cell is a regression; a new cell is not', () => {
  const run = fixtureRun();
  const removed = run.cells.splice(2, 1)[0]!;
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.equal(r.passed, false);
  assert.equal(r.checks[0]!.metric, `${removed.id}: *`);
  assert.equal(r.checks[0]!.verdict, 'missing');
  assert.equal(compareReports(fixtureDocument({ run }), fixtureDocument()).passed, true);
});

test('a uniformly slower machine (every wall-clock figure × 0.5) passes: ratios are unchanged', () => {
  const r = compareReports(fixtureDocument({ speed: 1 }), fixtureDocument({ speed: 0.5 }));
  assert.equal(r.passed, true, formatGateTable(r));
  const ratios = r.checks.filter((c) => c.kind === 'ratio');
  assert.ok(ratios.length >= 5);
  for (const c of ratios) assert.ok(Math.abs(c.change!) < 1e-12, `${c.metric} changed by ${c.change}`);
});

test('a real regression in one ratio fails, naming it; the rest pass', () => {
  // ctr-drbg 60 % slower on the same machine: its ratio to raw AES-CTR falls.
  const r = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'drbg/ctr-drbg': 0.4 } }));
  assert.equal(r.passed, false);
  const failing = r.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric);
  // 1500·0.4/2300 = 0.26 is also below the ratio's 0.5 bar, which the baseline (0.65) met.
  assert.deepEqual(failing.sort(), ['drbg/ctr-drbg ÷ calibration/aes-256-ctr', 'drbg/ctr-drbg/raw-aes-ctr', 'drbg/ctr-drbg/raw-aes-ctr bar']);
  assert.match(r.checks.find((c) => c.metric === 'drbg/ctr-drbg/raw-aes-ctr')!.message!, /ratio fell 60\.0 %/);
  assert.equal(r.checks.filter((c) => c.verdict !== 'pass').length, 3);
});

test('the noise model: a drop within the allowance passes; high dispersion widens the limit', () => {
  // 30 % drop, rme 1 %: within floor 0.5 (39 %) → pass.
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/battery': 0.7 } })).passed, true);
  // 55 % drop, rme 1 %: beyond floor + 3σ (σ = √4·0.51 % ≈ 1 %; limit ≈ −41 %) → regression.
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/battery': 0.45 } })).passed, false);
  // The same 55 % drop when both runs measured the task with rme 20 %: σ ≈ 14.5 %, limit ≈ 1 − e^−(0.5+0.43) ≈ −61 % → pass.
  const noisy = (d: ReturnType<typeof fixtureDocument>) => {
    for (const t of d.benchmarks!.suites[1]!.tasks) if (t.name === 'battery') t.rmePercent = 20;
    return d;
  };
  const r = compareReports(noisy(fixtureDocument()), noisy(fixtureDocument({ overrides: { 'sts/battery': 0.45 } })));
  assert.equal(r.passed, true);
  const c = r.checks.find((x) => x.metric === 'sts/battery ÷ calibration/js-scan')!;
  assert.match(c.limit, /^≥ -6\d\.\d %/);
});

test('documents that cannot be compared → InputError (exit 2)', () => {
  const base = fixtureDocument();
  const other = fixtureDocument();
  other.run!.scenario.sha256 = 'c'.repeat(64);
  assert.throws(() => assertComparable(base, other, { baseline: 'b.json', current: 'c.json' }), (e: unknown) => e instanceof InputError && /b\.json: baseline is from scenario 'fixture-matrix'.*re-baseline with --update/.test(e.message));
  const seed = fixtureDocument();
  seed.run!.scenario.seed = 2;
  assert.throws(() => assertComparable(base, seed), InputError);
  const noRun = fixtureDocument();
  delete noRun.run;
  assert.throws(() => assertComparable(base, noRun), /has no scenario run/);
  const full = fixtureDocument();
  full.benchmarks!.quick = false;
  assert.throws(() => assertComparable(base, full), /compare --quick with --quick/);
  const cpu = fixtureDocument();
  cpu.benchmarks!.clock = 'cpu';
  assert.throws(() => assertComparable(base, cpu), /timed with the wall clock but current with the cpu clock/);
});

test('the table lists every check with regressions first and a summary line', () => {
  const r = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/frequency': 0.5 } }));
  const text = formatGateTable(r);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^metric\s+baseline\s+current\s+change\s+limit\s+verdict$/);
  assert.match(lines[2]!, /^sts\/frequency ÷ calibration\/js-scan\s+3\.75\s+1\.875\s+-50\.0 %\s+≥ -\d+\.\d %.*REGRESSION$/);
  assert.equal(lines.filter((l) => / PASS$/.test(l)).length, r.checks.length - 1);
  assert.match(text, /gate: FAIL: \d+ checks, 1 regression\(s\)/);
});
