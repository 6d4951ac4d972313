import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertComparable, compareReports, DEFAULT_GATE_CONFIG, formatGateTable, type GateConfig } from '../../src/report/gate.ts';
import { InputError } from '../../src/errors.ts';
import { compareSamples, perProcessRatio } from '../../src/report/gate-wallclock.ts';
import { FIXTURE_COMMIT, fixtureDocument, fixtureRun } from './fixtures.ts';

test('identical documents pass every check, and every metric is compared', () => {
  const r = compareReports(fixtureDocument(), fixtureDocument());
  assert.equal(r.passed, true);
  assert.equal(r.regressions, 0);
  assert.ok(r.checks.every((c) => c.verdict === 'pass'));
  // 6 cells × (metric leaves + baselineRatio + verdict) + 3 expectations + ratios.
  assert.ok(r.checks.some((c) => c.metric === 'smm-device/virtio-drain/seed=1: setVariable.latency.p99Ns'));
  assert.ok(r.checks.some((c) => c.metric === 'drbg/ctr-drbg/raw-aes-ctr bar'));
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
  assert.match(r.checks[0]!.message!, /changed from 160000 to 160160 \(\+0\.100 %\); .*no model parameter differs/);
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

test('a 0.1 % virtual change names the model parameters that differ, with enough digits to see it', () => {
  const run = fixtureRun();
  run.cells[4]!.metrics.setVariable.perVirtualSecond *= 1.001;
  run.cells[4]!.parametersUsed[1]!.value = 1001;
  const base = fixtureDocument();
  const r = compareReports(base, fixtureDocument({ run }));
  const c = r.checks.find((x) => x.verdict === 'regression')!;
  assert.equal(c.metric, 'smm-device/virtio-drain/seed=1: setVariable.perVirtualSecond');
  assert.match(c.message!, /parameters that differ: virtio-rng\.period 1000 → 1001/);
  // Default tolerance is exact: a change in the 12th digit is caught and printed with the digits that differ.
  const run2 = fixtureRun();
  run2.cells[4]!.metrics.setVariable.latency.p99Ns = 160000.0000001;
  const m = compareReports(base, fixtureDocument({ run: run2 })).checks[0]!.message!;
  assert.match(m, /changed from 160000 to 160000\.0000001/);
});

test('fallback (no baseline build): a uniformly slower machine passes, per-process calibration ratios are unchanged', () => {
  const r = compareReports(fixtureDocument({ speed: 1 }), fixtureDocument({ speed: 0.5 }));
  assert.equal(r.passed, true, formatGateTable(r));
  const times = r.checks.filter((c) => c.kind === 'time');
  assert.equal(times.length, 4);
  for (const c of times) assert.ok(Math.abs(c.change!) < 1e-12, `${c.metric} changed by ${c.change}`);
});

test('fallback: a task 1.5× slower relative to the machine fails, naming it; 1.1× is within the fallback effect', () => {
  const r = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/battery': 1 / 1.5 } }));
  assert.equal(r.passed, false);
  assert.deepEqual(r.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric), ['sts/battery ÷ calibration/js-scan']);
  assert.match(r.checks[0]!.message!, /\+50\.0 % time per call relative to calibration\/js-scan than in the baseline report \(median of 5 vs 5 processes; 99 % CI/);
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/battery': 1 / 1.1 } })).passed, true);
});

test('side by side: the baseline build of the same job is the reference; 1.10× slower fails, a slower job does not', () => {
  // Both builds measured in this job at half speed: nothing changed.
  const same = compareReports(fixtureDocument(), fixtureDocument({ speed: 0.5, sideBySide: { speed: 0.5 } }));
  assert.equal(same.passed, true, formatGateTable(same));
  assert.ok(same.checks.some((c) => c.metric === 'sts/battery' && c.kind === 'time'));
  assert.ok(!same.checks.some((c) => c.metric.includes('÷ calibration')));
  const slow = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: {} }));
  assert.deepEqual(slow.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric), ['sts/frequency']);
  assert.match(slow.checks[0]!.message!, /sts\/frequency: \+10\.0 % time per call than the baseline build in this job/);
  // The same 10 % when the processes scatter ±15 %: the interval straddles no change → pass.
  const noisy = [1, 1.15, 0.85, 1.1, 0.9];
  const wide = compareReports(fixtureDocument(), fixtureDocument({ jitter: noisy.slice().reverse(), overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: { jitter: noisy } }));
  assert.equal(wide.checks.find((c) => c.metric === 'sts/frequency')!.verdict, 'pass');
  // Deterministic: the same samples give the same interval.
  assert.deepEqual(wide.checks, compareReports(fixtureDocument(), fixtureDocument({ jitter: noisy.slice().reverse(), overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: { jitter: noisy } })).checks);
});

test('a missed bar fails the gate whatever the baseline did', () => {
  // ctr-drbg at 0.4× speed: 1500·0.4/2300 = 0.26 < 0.5.
  const r = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'drbg/ctr-drbg': 0.4 }, sideBySide: { overrides: { 'drbg/ctr-drbg': 0.4 } } }));
  assert.equal(r.passed, false);
  const bar = r.checks.find((c) => c.metric === 'drbg/ctr-drbg/raw-aes-ctr bar')!;
  assert.equal(bar.verdict, 'below-bar');
  assert.match(bar.message!, /= 0\.26087 \(range 0\.\d+–0\.\d+ over 5 processes\), below the bar 0\.5: missed \(5 of 5 processes below; sign test P = 0\.031\)/);
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
  const refusals: Array<[(d: ReturnType<typeof fixtureDocument>) => void, RegExp]> = [
    [(d) => (d.source!.dirty = true), /baseline: \/source\/dirty: .*re-baseline from a clean checkout/],
    [(d) => delete d.benchmarks, /baseline: \/benchmarks: missing/],
    [(d) => delete d.benchmarks!.calibration, /baseline: \/benchmarks\/calibration: missing/],
    [(d) => delete d.benchmarks!.runner, /baseline: \/benchmarks\/runner: missing/],
    [(d) => (d.benchmarks!.runner!.warmupIterations = 3), /runner settings .*"warmupIterations":3.* differ/],
    [(d) => (d.environment.cpuModel = 'Other CPU'), /\/environment\/cpuModel 'Other CPU' differs.*measure side by side/],
  ];
  for (const [spoil, re] of refusals) {
    const b = fixtureDocument();
    spoil(b);
    assert.throws(() => assertComparable(b, fixtureDocument()), (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes('\n'));
  }
  // Side by side, another machine's baseline report is fine (only its commit and virtual results are used)...
  const elsewhere = fixtureDocument();
  elsewhere.environment.cpuModel = 'Other CPU';
  assertComparable(elsewhere, fixtureDocument({ sideBySide: {} }));
  // ...but the build measured must be the baseline's commit.
  const otherCommit = fixtureDocument();
  otherCommit.source!.commit = 'f'.repeat(40);
  assert.throws(() => assertComparable(otherCommit, fixtureDocument({ sideBySide: {} })), new RegExp(`sideBySide/commit ${FIXTURE_COMMIT.slice(0, 12)} is not the baseline's commit ffffffffffff`));
});

test('the table lists every check with regressions first and a summary line', () => {
  const r = compareReports(fixtureDocument(), fixtureDocument({ overrides: { 'sts/frequency': 0.5 } }));
  const text = formatGateTable(r);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^metric\s+baseline\s+current\s+change\s+limit\s+verdict$/);
  assert.match(lines[2]!, /^sts\/frequency ÷ calibration\/js-scan\s+1\s+2\s+\+100\.0 %\s+slower < \+25\.0 % or CI ∋ 0 \(99 % CI \+\d+\.\d % … \+\d+\.\d %\)\s+REGRESSION$/);
  assert.equal(lines.filter((l) => / PASS$/.test(l)).length, r.checks.length - 1);
  assert.match(text, /gate: FAIL: \d+ checks, 1 regression\(s\)/);
});

test('wall-clock direction: slower by ≥ effect with the interval above 1 regresses, faster is improved (never a regression), within effect passes', () => {
  const rule = { effect: 0.05, confidence: 0.99 };
  const flat = (x: number) => [x, x, x, x, x];
  const slower = compareSamples(flat(1.5), flat(1), rule, 'x');
  assert.deepEqual(slower, { ratio: 1.5, lo: 1.5, hi: 1.5, verdict: 'regression' });
  const faster = compareSamples(flat(1), flat(1.5), rule, 'x');
  assert.equal(faster.verdict, 'improved');
  assert.ok(Math.abs(faster.ratio - 1 / 1.5) < 1e-12 && faster.hi < 1);
  assert.equal(compareSamples(flat(1), flat(1), rule, 'x').verdict, 'pass');
  // At the effect exactly (ratio = 1.05, interval above 1): regression; just inside: pass. Mirrored for improvements.
  assert.equal(compareSamples(flat(1.05), flat(1), rule, 'x').verdict, 'regression');
  assert.equal(compareSamples(flat(1.04), flat(1), rule, 'x').verdict, 'pass');
  assert.equal(compareSamples(flat(1), flat(1.05), rule, 'x').verdict, 'improved');
  assert.equal(compareSamples(flat(1), flat(1.04), rule, 'x').verdict, 'pass');
  // A 20 % slowdown whose interval reaches below 1 (processes scatter) is not a regression; nor an improvement the other way.
  const noisy = [0.7, 1.3, 0.75, 1.25, 1.2];
  const base = [1, 1, 1, 1, 1];
  const wide = compareSamples(noisy, base, rule, 'noisy');
  assert.equal(wide.ratio, 1.2);
  assert.ok(wide.lo <= 1 && wide.hi >= 1.2, `${wide.lo} … ${wide.hi}`);
  assert.equal(wide.verdict, 'pass');
  const wideFast = compareSamples(base, noisy, rule, 'noisy');
  assert.ok(wideFast.ratio < 1 / 1.05 && wideFast.hi >= 1);
  assert.equal(wideFast.verdict, 'pass');
  // The interval is the bootstrap's (1 − confidence)/2 quantiles: a lower confidence gives a narrower one.
  const narrow = compareSamples(noisy, base, { effect: 0.05, confidence: 0.5 }, 'noisy');
  assert.ok(narrow.lo >= wide.lo && narrow.hi <= wide.hi && narrow.hi - narrow.lo < wide.hi - wide.lo);
  assert.ok(narrow.lo <= narrow.hi);
  // Seeded by the label: the same label gives the same interval.
  assert.deepEqual(compareSamples(noisy, base, rule, 'noisy'), wide);
  assert.throws(() => compareSamples([], base, rule, 'sts/frequency'), /gate: sts\/frequency: empty sample/);
  assert.throws(() => compareSamples(base, [], rule, 'sts/frequency'), /empty sample/);
  assert.deepEqual(perProcessRatio([2, 6, 9], [1, 3]), [2, 2]);
  assert.deepEqual(perProcessRatio([2], [4, 8]), [0.5]);
});

test('a virtual metric that falls is a regression too, and the message gives the signed change', () => {
  const run = fixtureRun();
  run.cells[4]!.metrics.setVariable.latency.p99Ns *= 0.999;
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.equal(r.checks[0]!.verdict, 'regression');
  assert.ok(Math.abs(r.checks[0]!.change! + 0.001) < 1e-12);
  assert.match(r.checks[0]!.message!, /changed from 160000 to 159840 \(-0\.100 %\); virtual time is deterministic \(tolerance exact\); no model parameter differs, so the model code changed$/);
  // Within an absolute tolerance (and at its edge) it passes; beyond it the limit is printed.
  const cfg = (absolute: number, relative = 0): GateConfig => ({ ...DEFAULT_GATE_CONFIG, virtual: { ...DEFAULT_GATE_CONFIG.virtual, rules: [{ match: 'setVariable.latency.p99Ns', absolute, relative }] } });
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run }), cfg(160)).passed, true);
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run }), cfg(159)).passed, false);
  const limit = compareReports(fixtureDocument(), fixtureDocument({ run }), cfg(100, 0.0001)).checks[0]!;
  assert.equal(limit.limit, '±1.000e-4 rel + 100');
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run }), cfg(0, 0.001)).passed, true);
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run }), cfg(0, 0.0009)).passed, false);
});

test('a verdict change: the check names both verdicts and the current reasons (or says there are none); a rule can ignore it', () => {
  const run = fixtureRun();
  const id = run.cells[4]!.id;
  run.cells[4]!.verdict = 'insecure';
  run.cells[4]!.verdictReasons = ['insecure: 1 isolation violation(s) by non-SMM actors', 'broken: 2 SetVariable call(s) failed'];
  const check = (cur: ReturnType<typeof fixtureRun>, cfg?: GateConfig) => compareReports(fixtureDocument(), fixtureDocument({ run: cur }), cfg).checks.find((c) => c.metric === `${id}: verdict`);
  const base = fixtureRun().cells[4]!.verdict;
  assert.deepEqual(check(run), {
    metric: `${id}: verdict`, kind: 'verdict', baseline: base, current: 'insecure', limit: 'equal', verdict: 'regression',
    message: `${id}: verdict changed from ${base} to insecure: insecure: 1 isolation violation(s) by non-SMM actors; broken: 2 SetVariable call(s) failed`,
  });
  run.cells[4]!.verdictReasons = [];
  assert.equal(check(run)!.message, `${id}: verdict changed from ${base} to insecure: no reason given`);
  assert.deepEqual(check(fixtureRun()), { metric: `${id}: verdict`, kind: 'verdict', baseline: base, current: base, limit: 'equal', verdict: 'pass' });
  const ignore: GateConfig = { ...DEFAULT_GATE_CONFIG, virtual: { ...DEFAULT_GATE_CONFIG.virtual, rules: [{ match: `${id}:verdict`, ignore: true }] } };
  assert.equal(check(run, ignore), undefined);
});

test('wall-clock: an interval that touches 1 exactly is no evidence either way (strict bounds)', () => {
  const rule = { effect: 0.05, confidence: 0.99 };
  // Three of five processes at 1: a bootstrap median of 1 is common, so the interval's far end is exactly 1.
  const mixed = [1, 1, 1.2, 1.2, 1.2];
  const flat = [1, 1, 1, 1, 1];
  const slow = compareSamples([1.2, 1, 1.2, 1, 1.2], flat, rule, 'touch');
  assert.deepEqual([slow.ratio, slow.lo, slow.verdict], [1.2, 1, 'pass']);
  const fast = compareSamples(flat, mixed, rule, 'touch');
  assert.deepEqual([fast.hi, fast.verdict], [1, 'pass']);
  assert.ok(Math.abs(fast.ratio - 1 / 1.2) < 1e-12);
});

test('reference tasks (node:crypto calls only: drbg/raw-*, drbg/calls-*, smm/node-*) are not time-gated; our tasks next to them are', () => {
  const rename = (d: ReturnType<typeof fixtureDocument>) => {
    const all = [...d.benchmarks!.suites, ...(d.benchmarks!.sideBySide?.suites ?? [])];
    for (const s of all) for (const t of s.tasks) if (t.name === 'aes-256-ctr raw') t.name = 'raw-aes256ctr-4k';
    for (const s of all) for (const r of s.ratios) if (r.denominator === 'aes-256-ctr raw') r.denominator = 'raw-aes256ctr-4k';
    return d;
  };
  const r = compareReports(rename(fixtureDocument()), rename(fixtureDocument({ overrides: { 'drbg/aes-256-ctr raw': 1 / 1.5, 'drbg/ctr-drbg': 1 / 1.1 }, sideBySide: {} })));
  assert.equal(r.checks.find((c) => c.metric === 'drbg/raw-aes256ctr-4k'), undefined);
  assert.equal(r.checks.find((c) => c.metric === 'drbg/ctr-drbg')!.verdict, 'regression');
  // A gates.yaml can still gate one (later rules win).
  const cfg: GateConfig = { ...DEFAULT_GATE_CONFIG, wallClock: { ...DEFAULT_GATE_CONFIG.wallClock, rules: [...DEFAULT_GATE_CONFIG.wallClock.rules, { match: 'drbg/raw-aes256ctr-4k' }] } };
  const gated = compareReports(rename(fixtureDocument()), rename(fixtureDocument({ overrides: { 'drbg/aes-256-ctr raw': 1 / 1.5 }, sideBySide: {} })), cfg);
  assert.equal(gated.checks.find((c) => c.metric === 'drbg/raw-aes256ctr-4k')!.verdict, 'regression');
});
