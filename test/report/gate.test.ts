import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertComparable, compareReports, DEFAULT_GATE_CONFIG, differingParameters, flattenNumbers, formatGateMarkdown, formatGateTable, summaryLine, type GateConfig, type GateResult } from '../../src/report/gate.ts';
import { InputError } from '../../src/errors.ts';
import type { CellResult } from '../../src/scenario/result.ts';
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

/** The message of the InputError that assertComparable throws (or 'comparable'). */
function refusal(baseline: ReturnType<typeof fixtureDocument>, current: ReturnType<typeof fixtureDocument>, files?: { baseline: string; current: string }): string {
  try {
    assertComparable(baseline, current, files);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  return 'comparable';
}

test('assertComparable: each refusal names the file at fault and both sides (default names baseline/current); comparable documents pass', () => {
  const doc = fixtureDocument;
  // Fallback mode, same machine: comparable (each of the three environment fields equal).
  assert.equal(refusal(doc(), doc()), 'comparable');
  // A baseline without a scenario run against a current one with it: the run is not compared, the benchmarks are.
  const noRun = doc();
  delete noRun.run;
  assert.equal(refusal(noRun, doc()), 'comparable');
  assert.equal(refusal(doc(), noRun), "current: has no scenario run but the baseline baseline has one ('fixture-matrix'); expected the same scenario");
  const renamed = doc();
  renamed.run!.scenario.name = 'other-matrix';
  renamed.run!.scenario.sha256 = 'b'.repeat(64);
  assert.equal(
    refusal(doc(), renamed, { baseline: 'b.json', current: 'c.json' }),
    "b.json: baseline is from scenario 'fixture-matrix' (sha256 aaaaaaaaaaaa…) but c.json ran 'other-matrix' (sha256 bbbbbbbbbbbb…); re-baseline with --update if the scenario changed on purpose",
  );
  const nameOnly = doc();
  nameOnly.run!.scenario.name = 'other-matrix';
  assert.match(refusal(doc(), nameOnly), /^baseline: baseline is from scenario 'fixture-matrix'/);
  const seed = doc();
  seed.run!.scenario.seed = 2;
  assert.equal(refusal(doc(), seed), 'baseline: baseline seed 1 differs from current seed 2; expected the same seed');
  // Scale: an absent scale is 'default'; 'quick' vs absent differs, absent vs 'default' does not.
  const noScale = doc();
  delete noScale.run!.scale;
  assert.equal(refusal(doc(), noScale), "baseline: baseline scale 'quick' differs from current scale 'default'; compare --quick with --quick");
  assert.equal(refusal(noScale, doc()), "baseline: baseline scale 'default' differs from current scale 'quick'; compare --quick with --quick");
  const defaultScale = doc();
  defaultScale.run!.scale = 'default';
  assert.equal(refusal(noScale, defaultScale), 'comparable');
  assert.equal(refusal(defaultScale, noScale), 'comparable');
  // A shard on either side (only one needs to be).
  const shard = doc();
  shard.run!.shard = { index: 1, count: 2 };
  assert.equal(refusal(shard, doc()), 'baseline: is one shard of a run; merge the shards first (entropy-bench report merge)');
  assert.equal(refusal(doc(), shard), 'current: is one shard of a run; merge the shards first (entropy-bench report merge)');
  // Nothing at all to compare.
  const empty = doc();
  delete empty.run;
  delete empty.benchmarks;
  assert.equal(refusal(empty, empty), 'baseline: has neither a scenario run nor benchmarks; nothing to compare');
  // ... but a run without benchmarks on both sides is fine, and a baseline with no source recorded is not dirty.
  const runOnly = doc();
  delete runOnly.benchmarks;
  delete runOnly.source;
  assert.equal(refusal(runOnly, runOnly), 'comparable');
  const dirty = doc();
  dirty.source!.dirty = true;
  assert.equal(refusal(dirty, doc()), 'baseline: /source/dirty: the baseline was produced from a checkout with uncommitted changes to 0123456789ab; re-baseline from a clean checkout (npm run rebaseline)');
  assert.equal(refusal(doc(), runOnly), "current: has no benchmark section but the baseline baseline has one; expected the same kind of run");
  const noCal = doc();
  delete noCal.benchmarks!.calibration;
  assert.equal(refusal(doc(), noCal), 'current: /benchmarks/calibration: missing; expected the calibration tasks measured in the same run');
  // Runner settings: a current report without them is described by its clock.
  const noRunner = doc();
  delete noRunner.benchmarks!.runner;
  assert.equal(
    refusal(doc(), noRunner),
    'baseline: runner settings {"time":40,"iterations":2,"warmupTime":10,"warmupIterations":1,"clock":"cpu"} differ from current\'s {"clock":"cpu"} (no runner settings recorded); re-baseline with npm run rebaseline',
  );
  delete noRunner.benchmarks!.clock;
  assert.match(refusal(doc(), noRunner), /differ from current's \{"clock":"wall"\} \(no runner settings recorded\)/);
  // Side by side against a baseline that records no commit.
  const noSource = doc();
  delete noSource.source;
  assert.equal(
    refusal(noSource, doc({ sideBySide: {} })),
    "current: /benchmarks/sideBySide/commit 0123456789ab is not the baseline's commit (none recorded); run npm run bench -- --against baseline",
  );
  const otherCommit = doc();
  otherCommit.source!.commit = 'fedcba9876543210fedcba9876543210fedcba98';
  assert.equal(
    refusal(otherCommit, doc({ sideBySide: {} })),
    "current: /benchmarks/sideBySide/commit 0123456789ab is not the baseline's commit fedcba987654; run npm run bench -- --against baseline",
  );
  for (const [field, spoil] of [['cpus', (d: ReturnType<typeof doc>) => (d.environment.cpus += 1)], ['node', (d: ReturnType<typeof doc>) => (d.environment.node = 'v0.0.0')]] as const) {
    const other = doc();
    spoil(other);
    assert.match(refusal(doc(), other), new RegExp(`^baseline: /environment/${field} '.*' differs from current's '.*'; calibration ratios are not comparable`), field);
  }
});

test('differingParameters lists every parameter, workload, runtime and vCPU count that differs, absent ones included', () => {
  const base = fixtureRun().cells[4]!;
  const p = (component: string, name: string, value: number) => ({ component, name, value, unit: '1', source: 'test', overridden: false });
  const b: CellResult = { ...base, parametersUsed: [p('x', 'a', 1), p('x', 'b', 2)], workloads: [{ name: 'w0', params: { n: 1 } }, { name: 'w1', params: { rate: 1000 } }], runtimeNs: 1e9, vcpus: 2 };
  const c: CellResult = { ...base, parametersUsed: [p('x', 'b', 3), p('x', 'c', 4)], workloads: [{ name: 'w1', params: { rate: 2000 } }, { name: 'w2', params: {} }], runtimeNs: 2e9, vcpus: 4 };
  assert.deepEqual(differingParameters(b, c), [
    'x.a 1 → (absent)', 'x.b 2 → 3', 'x.c (absent) → 4',
    'workload w0 {"n":1} → (absent)', 'workload w1 {"rate":1000} → {"rate":2000}', 'workload w2 (absent) → {}',
    'runtimeNs 1000000000 → 2000000000', 'vcpus 2 → 4',
  ]);
  assert.deepEqual(differingParameters(b, b), []);
  // A cell recorded without parametersUsed (an older report) on either side.
  const { parametersUsed: _p, ...bare } = b;
  assert.deepEqual(differingParameters(bare as typeof b, b), ['x.a (absent) → 1', 'x.b (absent) → 2']);
  assert.deepEqual(differingParameters(b, bare as typeof b), ['x.a 1 → (absent)', 'x.b 2 → (absent)']);
  assert.deepEqual(differingParameters(bare as typeof b, bare as typeof b), []);
});

test('flattenNumbers keeps numeric leaves of nested objects only (not arrays, strings, booleans or null)', () => {
  assert.deepEqual([...flattenNumbers({ a: 1, b: { c: 2, d: null, e: [3, 4], f: 'x5', g: true, h: { i: 0 } } })], [['a', 1], ['b.c', 2], ['b.h.i', 0]]);
  assert.deepEqual([...flattenNumbers(7)], [['', 7]]);
});

test('the table prints numbers with 6 significant digits, exponents from 10^6 and below 10^-3, and 0 as 0', () => {
  const row = (baseline: number, current: number) =>
    formatGateTable({ checks: [{ metric: 'm', kind: 'bar', baseline, current, limit: 'l', verdict: 'pass' }], regressions: 0, passed: true }).split('\n')[2]!.split(/\s{2,}/);
  assert.deepEqual(row(0, 1e6), ['m', '0', '1.000e+6', '+1.000e+6', 'l', 'PASS']);
  assert.deepEqual(row(999999.4, 0.001), ['m', '999999', '0.001', '-999999', 'l', 'PASS']);
  assert.deepEqual(row(0.00099, 1234567.8), ['m', '9.900e-4', '1.235e+6', '+1.235e+6', 'l', 'PASS']);
  assert.deepEqual(row(3, 3), ['m', '3', '3', '+0', 'l', 'PASS']);
});

test('defaults: exact virtual comparison but events; side by side 5 %, calibration 25 % (drbg ÷ AES-256-CTR, smm ÷ AES-256-GCM, else js-scan); icount 5 %', () => {
  assert.deepEqual(DEFAULT_GATE_CONFIG.virtual, { relative: 0, absolute: 0, rules: [{ match: 'events', ignore: true }] });
  assert.deepEqual(DEFAULT_GATE_CONFIG.wallClock.references, { drbg: 'aes-256-ctr', smm: 'aes-256-gcm' });
  assert.equal(DEFAULT_GATE_CONFIG.wallClock.defaultReference, 'js-scan');
  assert.deepEqual([DEFAULT_GATE_CONFIG.wallClock.sideBySide, DEFAULT_GATE_CONFIG.wallClock.calibration], [{ effect: 0.05, confidence: 0.99 }, { effect: 0.25, confidence: 0.99 }]);
  assert.deepEqual(DEFAULT_GATE_CONFIG.icount, { relative: 0.05 });
  // The smm suite is divided by aes-256-gcm in fallback mode, and its node-* reference tasks are not time-gated;
  // neither are drbg's calls-* tasks.
  const rename = (d: ReturnType<typeof fixtureDocument>) => {
    const all = [...d.benchmarks!.suites, ...(d.benchmarks!.sideBySide?.suites ?? [])];
    for (const s of all) if (s.name === 'sts') s.name = 'smm';
    for (const s of all) for (const t of s.tasks) if (t.name === 'frequency') t.name = 'node-aes-gcm';
    for (const s of all) for (const t of s.tasks) if (t.name === 'aes-256-ctr raw') t.name = 'calls-aes256ctr';
    for (const s of all) for (const r of s.ratios) if (r.denominator === 'aes-256-ctr raw') r.denominator = 'calls-aes256ctr';
    return d;
  };
  const fallback = compareReports(rename(fixtureDocument()), rename(fixtureDocument()));
  assert.deepEqual(fallback.checks.filter((c) => c.kind === 'time').map((c) => c.metric), ['drbg/ctr-drbg ÷ calibration/aes-256-ctr', 'smm/battery ÷ calibration/aes-256-gcm']);
  // (overrides name the tasks before the renaming: sts/frequency → smm/node-aes-gcm, sts/battery → smm/battery)
  const slow = { 'sts/frequency': 1 / 1.5, 'drbg/aes-256-ctr raw': 1 / 1.5, 'sts/battery': 1 / 1.5 };
  const side = compareReports(rename(fixtureDocument()), rename(fixtureDocument({ overrides: slow, sideBySide: {} })));
  assert.deepEqual(side.checks.filter((c) => c.kind === 'time').map((c) => [c.metric, c.verdict]), [['smm/battery', 'regression'], ['drbg/ctr-drbg', 'pass']]);
});

test('the Markdown summary: failing and other non-passing checks in a table, passing ones folded, | escaped, skipped comparisons listed', () => {
  const r: GateResult = {
    checks: [
      { metric: 'a|b', kind: 'virtual', baseline: 1, current: 2, change: 1, limit: 'exact', verdict: 'regression', message: 'a|b drifted' },
      { metric: 'bb', kind: 'bar', current: 0.3, limit: '≥ 0.5', verdict: 'below-bar', message: 'bb below' },
      { metric: 'i', kind: 'ratio', baseline: 2, current: 1.5, limit: 'l', verdict: 'improved' },
      { metric: 'n', kind: 'time', limit: 'present', verdict: 'new' },
      { metric: 'p', kind: 'virtual', baseline: 5, current: 4, limit: 'x|y', verdict: 'pass' },
    ],
    regressions: 2,
    passed: false,
    skipped: ['icount: a|b'],
  };
  const head = '| metric | baseline | current | change | limit | verdict |\n|---|---:|---:|---:|---|---|';
  assert.equal(
    formatGateMarkdown(r),
    '## Performance gate: ❌ FAIL\n\ngate: FAIL: 5 checks, 2 regression(s), 1 improved, 1 below bar, 1 new\n\n- skipped: icount: a\\|b\n\n' +
      `${head}\n| a\\|b | 1 | 2 | +100.0000 % | exact | regression |\n| bb | — | 0.3 |  | ≥ 0.5 | below-bar |\n| i | 2 | 1.5 | -0.5 | l | improved |\n| n | — | — |  | present | new |\n\n` +
      `<details><summary>1 passing checks</summary>\n\n${head}\n| p | 5 | 4 | -1 | x\\|y | pass |\n\n</details>\n`,
  );
  // Everything passing: no table of failures, no skipped list.
  const pass: GateResult = { checks: [r.checks[4]!], regressions: 0, passed: true };
  assert.equal(formatGateMarkdown(pass), `## Performance gate: ✅ pass\n\ngate: PASS: 1 checks, 0 regression(s), 0 improved, 0 below bar, 0 new\n\n<details><summary>1 passing checks</summary>\n\n${head}\n| p | 5 | 4 | -1 | x\\|y | pass |\n\n</details>\n`);
  assert.equal(formatGateMarkdown({ checks: [], regressions: 0, passed: true }), '## Performance gate: ✅ pass\n\ngate: PASS: 0 checks, 0 regression(s), 0 improved, 0 below bar, 0 new\n');
  // The plain table: messages of failing checks only, then the skipped comparisons and the summary.
  assert.equal(
    formatGateTable(r),
    'metric  baseline  current       change  limit       verdict\n------  --------  -------  -----------  -------  ----------\n' +
      'a|b            1        2  +100.0000 %  exact    REGRESSION\nbb             —      0.3               ≥ 0.5     BELOW-BAR\n' +
      'i              2      1.5         -0.5  l          IMPROVED\nn              —        —               present         NEW\n' +
      'p              5        4           -1  x|y            PASS\n✗ a|b drifted\n✗ bb below\nskipped: icount: a|b\n' +
      'gate: FAIL: 5 checks, 2 regression(s), 1 improved, 1 below bar, 1 new\n',
  );
  assert.equal(summaryLine(r), 'gate: FAIL: 5 checks, 2 regression(s), 1 improved, 1 below bar, 1 new');
});

test('cells: a new metric is new, a vanished one missing, a consumer only one side has counts 0 on the other; expectations missing, improved, regressed with the actual value', () => {
  const run = fixtureRun();
  run.expectations[0]!.passed = true; // failed in the baseline, passes now
  run.expectations.splice(2, 1);
  run.cells[4]!.metrics.bytesByConsumer['newbie'] = 5;
  delete (run.cells[4]!.metrics as Partial<typeof run.cells[4]['metrics']>).quotaExhaustionEvents;
  (run.cells[4]!.metrics as unknown as Record<string, number>)['extra'] = 3;
  const id = 'smm-device/virtio-drain/seed=1';
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.deepEqual(r.checks.filter((c) => c.verdict !== 'pass'), [
    {
      metric: `${id}: bytesByConsumer.newbie`, kind: 'virtual', baseline: 0, current: 5, limit: 'exact', verdict: 'regression',
      message: `${id}: bytesByConsumer.newbie changed from 0 to 5; virtual time is deterministic (tolerance exact); no model parameter differs, so the model code changed`,
    },
    { metric: `${id}: quotaExhaustionEvents`, kind: 'virtual', baseline: 0, limit: 'exact', verdict: 'missing', message: `${id}: quotaExhaustionEvents: in the baseline, absent now` },
    {
      metric: `expectation ${id}: isolation.violations == 0`, kind: 'expectation', baseline: 'pass', limit: 'present', verdict: 'missing',
      message: `expectation ${id}: isolation.violations == 0: in the baseline, absent now`,
    },
    { metric: 'expectation shared-virtio/virtio-drain/seed=1: setvariable.rate >= 50/s', kind: 'expectation', baseline: 'fail', current: 'pass', limit: 'no new failure', verdict: 'improved' },
    { metric: `${id}: extra`, kind: 'virtual', current: 3, limit: 'exact', verdict: 'new' },
  ]);
  assert.equal(r.regressions, 3);
  const run2 = fixtureRun();
  run2.expectations[1]!.passed = false;
  run2.expectations[1]!.actual = 12.5;
  run2.cells[4]!.metrics.setVariable.completed += 1;
  run2.cells[4]!.parametersUsed = Array.from({ length: 8 }, (_, i) => ({ component: 'c', name: `p${i}`, value: i, unit: '1', source: 's', overridden: false }));
  assert.deepEqual(compareReports(fixtureDocument(), fixtureDocument({ run: run2 })).checks.filter((c) => c.verdict !== 'pass').map((c) => c.message), [
    `${id}: setVariable.completed changed from 198 to 199 (+0.505 %); virtual time is deterministic (tolerance exact); parameters that differ: virtio-rng.max-bytes 1024 → (absent); virtio-rng.period 1000 → (absent); c.p0 (absent) → 0; c.p1 (absent) → 1; c.p2 (absent) → 2; c.p3 (absent) → 3; … 4 more`,
    `expectation ${id}: setvariable.rate >= 50/s: passed in the baseline, fails now (actual 12.5 >= 50)`,
  ]);
  // A rule can name one cell ('cell-id:metric'); other cells keep the default.
  const cfg: GateConfig = { ...DEFAULT_GATE_CONFIG, virtual: { ...DEFAULT_GATE_CONFIG.virtual, rules: [{ match: `${id}:setVariable.completed`, absolute: 1 }] } };
  const run3 = fixtureRun();
  run3.cells[4]!.metrics.setVariable.completed += 1;
  run3.cells[3]!.metrics.setVariable.completed += 1;
  assert.deepEqual(compareReports(fixtureDocument(), fixtureDocument({ run: run3 }), cfg).checks.filter((c) => c.verdict !== 'pass').map((c) => c.metric), ['smm-device/none/seed=1: setVariable.completed']);
});

test('benchmarks: a vanished suite or task is missing (both modes), a new suite new; a reference task absent from calibration is an input error', () => {
  const cur = fixtureDocument();
  cur.benchmarks!.suites = cur.benchmarks!.suites.filter((s) => s.name !== 'sts');
  cur.benchmarks!.suites[0]!.tasks = cur.benchmarks!.suites[0]!.tasks.filter((t) => t.name !== 'ctr-drbg');
  cur.benchmarks!.suites[0]!.ratios = [];
  cur.benchmarks!.suites.push({ ...cur.benchmarks!.suites[0]!, name: 'fresh' });
  assert.deepEqual(compareReports(fixtureDocument(), cur).checks.filter((c) => c.kind === 'time' && c.verdict !== 'pass'), [
    { metric: 'drbg/ctr-drbg ÷ calibration/aes-256-ctr', kind: 'time', limit: 'present', verdict: 'missing', message: 'benchmark drbg/ctr-drbg: in the baseline, absent now' },
    { metric: 'sts/*', kind: 'time', limit: 'present', verdict: 'missing', message: 'benchmark suite sts: in the baseline, absent now' },
    { metric: 'fresh/*', kind: 'time', limit: 'present', verdict: 'new' },
  ]);
  const side = fixtureDocument({ sideBySide: {} });
  side.benchmarks!.suites[0]!.tasks = side.benchmarks!.suites[0]!.tasks.filter((t) => t.name !== 'ctr-drbg');
  side.benchmarks!.suites[0]!.ratios = [];
  assert.deepEqual(compareReports(fixtureDocument(), side).checks.filter((c) => c.kind === 'time' && c.verdict !== 'pass'), [
    { metric: 'drbg/ctr-drbg', kind: 'time', limit: 'present', verdict: 'missing', message: 'benchmark drbg/ctr-drbg: in the baseline, absent now' },
  ]);
  // An ignored suite that vanished is not reported.
  const ignoreSts: GateConfig = { ...DEFAULT_GATE_CONFIG, wallClock: { ...DEFAULT_GATE_CONFIG.wallClock, rules: [{ match: 'sts/*', ignore: true }] } };
  assert.ok(!compareReports(fixtureDocument(), cur, ignoreSts).checks.some((c) => c.metric === 'sts/*'));
  const noRef = fixtureDocument();
  noRef.benchmarks!.calibration!.tasks = noRef.benchmarks!.calibration!.tasks.filter((t) => t.name !== 'js-scan');
  assert.throws(() => compareReports(fixtureDocument(), noRef), (e: unknown) => e instanceof InputError && e.message === "current: /benchmarks/calibration: no task 'js-scan' to divide sts/frequency by; expected the calibration suite");
  assert.throws(() => compareReports(noRef, fixtureDocument()), (e: unknown) => e instanceof InputError && e.message.startsWith("baseline: /benchmarks/calibration: no task 'js-scan'"));
});

test('bars: a median below the bar without the processes to show it is short (passes, says so); without per-process values it is judged on one value', () => {
  const cur = fixtureDocument();
  Object.assign(cur.benchmarks!.suites[0]!.ratios[0]!, { value: 0.49, processValues: [0.49, 0.51, 0.48, 0.52, 0.47], range: [0.47, 0.52] });
  assert.deepEqual(compareReports(fixtureDocument(), cur).checks.filter((c) => c.kind === 'bar'), [
    { metric: 'drbg/ctr-drbg/raw-aes-ctr bar', kind: 'bar', current: 0.49, limit: '≥ 0.5 (short: 3/5 below)', verdict: 'pass' },
  ]);
  const one = fixtureDocument();
  const r = one.benchmarks!.suites[0]!.ratios[0]!;
  r.value = 0.2;
  delete r.processValues;
  delete r.range;
  assert.deepEqual(compareReports(fixtureDocument(), one).checks.filter((c) => c.kind === 'bar'), [
    {
      metric: 'drbg/ctr-drbg/raw-aes-ctr bar', kind: 'bar', current: 0.2, limit: '≥ 0.5', verdict: 'below-bar',
      message: 'drbg/ctr-drbg/raw-aes-ctr = 0.2, below the bar 0.5: missed (one process: no spread to judge) (ctr-drbg ÷ aes-256-ctr raw)',
    },
  ]);
});

test('a task whose instructions are counted: its time check informs (a slowdown passes, an improvement stays improved), the count gates; others keep their time gate', () => {
  const counted = (doc: ReturnType<typeof fixtureDocument>) => {
    doc.benchmarks!.icount = { tool: 'callgrind', valgrind: 'valgrind-3.19.0', node: 'v20.20.2', kernels: [{ name: 'sts/frequency', instructions: 1000 }] };
    return doc;
  };
  const slow = compareReports(counted(fixtureDocument()), counted(fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.5, 'sts/battery': 1 / 1.5 }, sideBySide: {} })));
  assert.equal(slow.skipped, undefined);
  const by = (r: typeof slow, metric: string) => r.checks.find((c) => c.metric === metric)!;
  assert.deepEqual(by(slow, 'sts/frequency'), {
    metric: 'sts/frequency', kind: 'time', baseline: 1, current: 1.5, change: 0.5, verdict: 'pass',
    limit: 'slower < +5.0 % or CI ∋ 0 (99 % CI +45.5 % … +54.6 %); not gated: icount gates sts/frequency',
  });
  assert.equal(
    by(slow, 'sts/battery').message,
    'sts/battery: +50.0 % time per call than the baseline build in this job (median of 5 vs 5 processes; 99 % CI +45.5 % … +54.6 %), beyond the +5.0 % allowed',
  );
  assert.deepEqual(by(slow, 'icount sts/frequency'), { metric: 'icount sts/frequency', kind: 'icount', baseline: 1000, current: 1000, change: 0, limit: 'instructions ≤ +5.00 %', verdict: 'pass' });
  assert.equal(by(slow, 'drbg/ctr-drbg').limit, 'slower < +5.0 % or CI ∋ 0 (99 % CI −3.0 % … +3.1 %)');
  const fast = compareReports(counted(fixtureDocument()), counted(fixtureDocument({ overrides: { 'sts/frequency': 1.5 }, sideBySide: {} })));
  assert.equal(by(fast, 'sts/frequency').verdict, 'improved');
  // A kernel counted only in the baseline covers nothing: its time check gates.
  const gone = fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.5 }, sideBySide: {} });
  gone.benchmarks!.icount = { tool: 'callgrind', valgrind: 'valgrind-3.19.0', node: 'v20.20.2', kernels: [] };
  assert.equal(by(compareReports(counted(fixtureDocument()), gone), 'sts/frequency').verdict, 'regression');
});

test('virtual tolerances: the limit in words, later rules win (a rule without ignore re-enables events), baselineRatio and consumers are compared', () => {
  const id = 'smm-device/virtio-drain/seed=1';
  const limitOf = (rules: GateConfig['virtual']['rules'], run = fixtureRun()) => {
    run.cells[4]!.metrics.setVariable.latency.p99Ns *= 1.5;
    return compareReports(fixtureDocument(), fixtureDocument({ run }), { ...DEFAULT_GATE_CONFIG, virtual: { relative: 0, absolute: 0, rules } }).checks[0]!.limit;
  };
  assert.equal(limitOf([]), 'exact');
  assert.equal(limitOf([{ match: 'setVariable.*', absolute: 100 }]), '±0 rel + 100');
  assert.equal(limitOf([{ match: 'setVariable.*', relative: 0.001 }]), '±0.001 rel');
  assert.equal(limitOf([{ match: 'setVariable.*', relative: 0.001 }, { match: `${id}:setVariable.latency.p99Ns`, absolute: 7 }]), '±0.001 rel + 7');
  const events = fixtureRun();
  events.cells[4]!.metrics.events += 1;
  const cfg = (rules: GateConfig['virtual']['rules']): GateConfig => ({ ...DEFAULT_GATE_CONFIG, virtual: { relative: 0, absolute: 0, rules } });
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run: events }), cfg([{ match: 'events', ignore: true }, { match: 'events', relative: 0 }])).passed, false);
  assert.equal(compareReports(fixtureDocument(), fixtureDocument({ run: events }), cfg([{ match: 'events', ignore: true }])).passed, true);
  // The baseline ratio is a compared number; a consumer gone from the current cell counts as 0 bytes.
  const ratio = fixtureRun();
  ratio.cells[4]!.baselineRatio = 0.5;
  delete ratio.cells[4]!.metrics.bytesByConsumer['smm-variable'];
  assert.deepEqual(compareReports(fixtureDocument(), fixtureDocument({ run: ratio })).checks.filter((c) => c.verdict !== 'pass').map((c) => [c.metric, c.baseline, c.current]), [
    [`${id}: bytesByConsumer.smm-variable`, 6336, 0],
    [`${id}: baselineRatio`, 0.99, 0.5],
  ]);
  const noRatio = fixtureRun();
  delete noRatio.cells[4]!.baselineRatio;
  assert.deepEqual(compareReports(fixtureDocument(), fixtureDocument({ run: noRatio })).checks.filter((c) => c.verdict !== 'pass').map((c) => [c.metric, c.verdict]), [[`${id}: baselineRatio`, 'missing']]);
  assert.deepEqual(compareReports(fixtureDocument({ run: noRatio }), fixtureDocument()).checks.filter((c) => c.verdict !== 'pass').map((c) => [c.metric, c.verdict]), [[`${id}: baselineRatio`, 'new']]);
  // Exactly six differing parameters are all listed, with no '… more'.
  const six = fixtureRun();
  six.cells[4]!.metrics.setVariable.completed += 1;
  six.cells[4]!.parametersUsed = Array.from({ length: 4 }, (_, i) => ({ component: 'c', name: `p${i}`, value: i, unit: '1', source: 's', overridden: false }));
  assert.match(compareReports(fixtureDocument(), fixtureDocument({ run: six })).checks[0]!.message!, /; c\.p3 \(absent\) → 3$/);
});

test('what is compared: a run without benchmarks has no time checks; benchmarks without a run no cell checks and no scenario; ratios without a bar are not bars', () => {
  const runOnly = fixtureDocument();
  delete runOnly.benchmarks;
  const a = compareReports(runOnly, runOnly);
  assert.deepEqual(a.scenario, { name: 'fixture-matrix', sha256: 'a'.repeat(64), seed: 1 });
  assert.ok(a.checks.length > 0 && a.checks.every((c) => c.kind === 'virtual' || c.kind === 'verdict' || c.kind === 'expectation'));
  const benchOnly = fixtureDocument();
  delete benchOnly.run;
  benchOnly.benchmarks!.suites[1]!.ratios.push({ name: 'info', numerator: 'frequency', denominator: 'battery', value: 75 });
  const b = compareReports(benchOnly, benchOnly);
  assert.equal(b.scenario, undefined);
  assert.deepEqual([...new Set(b.checks.map((c) => c.kind))].sort(), ['bar', 'time']);
  assert.deepEqual(b.checks.filter((c) => c.kind === 'bar').map((c) => c.metric), ['drbg/ctr-drbg/raw-aes-ctr bar']);
  // Identical timings: a zero change and its interval print as +0.0 %.
  assert.equal(b.checks.find((c) => c.metric === 'drbg/aes-256-ctr raw ÷ calibration/aes-256-ctr')!.limit, 'slower < +25.0 % or CI ∋ 0 (99 % CI +0.0 % … +0.0 %)');
});

test('table and Markdown details: signed changes, no change for a one-sided check, the metric column capped at 70 and others at 60, ✗ lines only for failing checks with a message', () => {
  const r: GateResult = {
    checks: [
      { metric: 'gone', kind: 'virtual', baseline: 4, limit: 'present', verdict: 'missing' },
      { metric: 'down', kind: 'time', baseline: 4, current: 3, change: -0.25, limit: 'l', verdict: 'improved', message: 'not printed: improved' },
      { metric: 'flat', kind: 'time', baseline: 4, current: 4, change: 0, limit: 'l', verdict: 'pass' },
    ],
    regressions: 1,
    passed: false,
  };
  assert.equal(
    formatGateTable(r),
    'metric  baseline  current   change  limit     verdict\n------  --------  -------  -------  -------  --------\n' +
      'gone           4        —           present   MISSING\ndown           4        3  -25.0 %  l        IMPROVED\nflat           4        4   +0.0 %  l            PASS\n' +
      'gate: FAIL: 3 checks, 1 regression(s), 1 improved, 0 below bar, 0 new\n',
  );
  assert.match(formatGateMarkdown(r), /\| gone \| 4 \| — \|  \| present \| missing \|\n\| down \| 4 \| 3 \| -25\.0 % \| l \| improved \|/);
  const long: GateResult = { checks: [{ metric: 'm'.repeat(65), kind: 'bar', current: 1, limit: 'l'.repeat(65), verdict: 'pass' }], regressions: 0, passed: true };
  assert.equal(formatGateTable(long).split('\n')[1], ['-'.repeat(65), '-'.repeat(8), '-'.repeat(7), '-'.repeat(6), '-'.repeat(60), '-'.repeat(7)].join('  '));
});

test('cells and expectations in full: a vanished and a new cell, a regressed and a vanished failing expectation, document order within a verdict; skipped comparisons are reported', () => {
  const run = fixtureRun();
  const removed = run.cells.splice(2, 1)[0]!;
  run.cells.push({ ...run.cells[0]!, id: 'fresh/none/seed=1' });
  run.cells[0]!.metrics.setVariable.latency.p99Ns += 1;
  run.cells[3]!.metrics.setVariable.latency.p99Ns += 1;
  run.expectations[1]!.passed = false;
  run.expectations.splice(0, 1);
  const r = compareReports(fixtureDocument(), fixtureDocument({ run }));
  assert.deepEqual(r.checks.filter((c) => c.verdict !== 'pass').map((c) => ({ ...c, ...(c.message ? { message: c.message.replace(/;.*/, '') } : {}) })), [
    { metric: 'shared-virtio/none/seed=1: setVariable.latency.p99Ns', kind: 'virtual', baseline: 200000, current: 200001, change: 200001 / 200000 - 1, limit: 'exact', verdict: 'regression', message: 'shared-virtio/none/seed=1: setVariable.latency.p99Ns changed from 200000 to 200001 (+0.000500 %)' },
    { metric: 'smm-device/virtio-drain/seed=1: setVariable.latency.p99Ns', kind: 'virtual', baseline: 160000, current: 160001, change: 160001 / 160000 - 1, limit: 'exact', verdict: 'regression', message: 'smm-device/virtio-drain/seed=1: setVariable.latency.p99Ns changed from 160000 to 160001 (+0.000625 %)' },
    {
      metric: 'expectation smm-device/virtio-drain/seed=1: setvariable.rate >= 50/s', kind: 'expectation', baseline: 'pass', current: 'fail', limit: 'no new failure', verdict: 'regression',
      message: 'expectation smm-device/virtio-drain/seed=1: setvariable.rate >= 50/s: passed in the baseline, fails now (actual 99 >= 50)',
    },
    { metric: `${removed.id}: *`, kind: 'virtual', limit: 'present', verdict: 'missing', message: `cell ${removed.id}: in the baseline, absent now` },
    {
      metric: 'expectation shared-virtio/virtio-drain/seed=1: setvariable.rate >= 50/s', kind: 'expectation', baseline: 'fail', limit: 'present', verdict: 'missing',
      message: 'expectation shared-virtio/virtio-drain/seed=1: setvariable.rate >= 50/s: in the baseline, absent now',
    },
    { metric: 'fresh/none/seed=1: *', kind: 'virtual', limit: 'present', verdict: 'new' },
  ]);
  // A passing expectation check in full; no check carries a message unless it fails.
  const same = compareReports(fixtureDocument(), fixtureDocument());
  assert.deepEqual(same.checks.find((c) => c.kind === 'expectation'), {
    metric: 'expectation shared-virtio/virtio-drain/seed=1: setvariable.rate >= 50/s', kind: 'expectation', baseline: 'fail', current: 'fail', limit: 'no new failure', verdict: 'pass',
  });
  assert.ok(same.checks.every((c) => c.message === undefined));
  assert.deepEqual(same.skipped, ['icount: current has no instruction counts (measured without icount)']);
  assert.match(formatGateTable(same), /\nskipped: icount: current has no instruction counts \(measured without icount\)\ngate: PASS/);
  const table = formatGateTable({ checks: same.checks.slice(0, 1), regressions: 0, passed: true });
  assert.ok(!table.includes('skipped') && !table.includes('✗'));
  assert.ok(!formatGateTable({ checks: [{ metric: 'x', kind: 'bar', limit: 'l', verdict: 'pass', message: 'hidden' }], regressions: 0, passed: true }).includes('hidden'));
});

test('documents of different kinds: benchmarks only vs a run, a missing side-by-side suite or task, no calibration side by side, tasks without per-process samples', () => {
  const benchOnly = fixtureDocument();
  delete benchOnly.run;
  assert.ok(compareReports(benchOnly, fixtureDocument()).checks.every((c) => c.kind !== 'virtual' && c.kind !== 'verdict' && c.kind !== 'expectation'));
  const runOnly = fixtureDocument();
  delete runOnly.benchmarks;
  assert.ok(compareReports(fixtureDocument(), runOnly).checks.every((c) => c.kind === 'virtual' || c.kind === 'verdict' || c.kind === 'expectation'));
  // Side by side: the baseline build lacks the sts suite and drbg's ctr-drbg task; no calibration on either side.
  const side = fixtureDocument({ overrides: { 'sts/battery': 1 / 1.5 }, sideBySide: { overrides: { 'sts/battery': 1 / 1.5 } } });
  side.benchmarks!.sideBySide!.suites = side.benchmarks!.sideBySide!.suites.filter((s) => s.name !== 'sts');
  const base = fixtureDocument();
  delete base.benchmarks!.calibration;
  delete side.benchmarks!.calibration;
  assert.deepEqual(compareReports(base, side).checks.filter((c) => c.kind === 'time').map((c) => c.metric), ['drbg/ctr-drbg', 'drbg/aes-256-ctr raw']);
  const side2 = fixtureDocument({ overrides: { 'sts/battery': 1 / 1.5 }, sideBySide: { overrides: { 'sts/battery': 1 / 1.5 } } });
  side2.benchmarks!.sideBySide!.suites[0]!.tasks = side2.benchmarks!.sideBySide!.suites[0]!.tasks.filter((t) => t.name !== 'ctr-drbg');
  // Each task is compared with its own task of the baseline build (battery is slow in both builds: pass).
  assert.deepEqual(compareReports(fixtureDocument(), side2).checks.filter((c) => c.kind === 'time').map((c) => [c.metric, c.verdict]), [
    ['drbg/aes-256-ctr raw', 'pass'], ['sts/frequency', 'pass'], ['sts/battery', 'pass'],
  ]);
  // Without per-process samples a task is one sample: its median time (else its mean).
  const strip = (d: ReturnType<typeof fixtureDocument>, median: boolean) => {
    for (const s of [...d.benchmarks!.suites, d.benchmarks!.calibration!]) for (const t of s.tasks) {
      delete t.processMs;
      if (median) t.medianMs = t.meanMs * 2;
      else delete t.medianMs;
    }
    return d;
  };
  const m = compareReports(strip(fixtureDocument(), true), strip(fixtureDocument({ overrides: { 'sts/battery': 0.5 } }), true)).checks.find((c) => c.metric === 'sts/battery ÷ calibration/js-scan')!;
  assert.deepEqual([m.baseline, m.current, m.verdict], [1, 2, 'regression']);
  const mean = compareReports(strip(fixtureDocument(), false), strip(fixtureDocument({ overrides: { 'sts/battery': 0.5 } }), false)).checks.find((c) => c.metric === 'sts/battery ÷ calibration/js-scan')!;
  assert.deepEqual([mean.baseline, mean.current, mean.verdict], [1, 2, 'regression']);
  // A kernel counted only now covers nothing either: its time check gates.
  const counted = (doc: ReturnType<typeof fixtureDocument>, kernels: Array<{ name: string; instructions: number }>) => {
    doc.benchmarks!.icount = { tool: 'callgrind', valgrind: 'valgrind-3.19.0', node: 'v20.20.2', kernels };
    return doc;
  };
  const fresh = compareReports(counted(fixtureDocument(), []), counted(fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.5 }, sideBySide: {} }), [{ name: 'sts/frequency', instructions: 1000 }]));
  assert.equal(fresh.checks.find((c) => c.metric === 'sts/frequency')!.verdict, 'regression');
});

test('a cell without a baseline ratio on both sides has no ratio check; a bar with a range but no per-process values says so', () => {
  const noRatio = fixtureRun();
  for (const c of noRatio.cells) delete c.baselineRatio;
  const r = compareReports(fixtureDocument({ run: noRatio }), fixtureDocument({ run: structuredClone(noRatio) }));
  assert.equal(r.passed, true);
  assert.ok(!r.checks.some((c) => c.metric.endsWith(': baselineRatio')));
  const cur = fixtureDocument();
  const ratio = cur.benchmarks!.suites[0]!.ratios[0]!;
  ratio.value = 0.2;
  ratio.range = [0.1, 0.3];
  delete ratio.processValues;
  assert.match(compareReports(fixtureDocument(), cur).checks.find((c) => c.kind === 'bar')!.message!, /^drbg\/ctr-drbg\/raw-aes-ctr = 0\.2 \(range 0\.1–0\.3 over \? processes\), below the bar 0\.5/);
});
