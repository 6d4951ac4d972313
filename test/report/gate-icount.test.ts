import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IcountSection } from '../../src/report/benchmark-result.ts';
import { compareIcount, icountSkipReason } from '../../src/report/gate-icount.ts';
import { compareReports, DEFAULT_GATE_CONFIG, formatGateTable } from '../../src/report/gate.ts';
import { parseGateConfig } from '../../src/report/gate-config.ts';
import { fixtureDocument } from './fixtures.ts';
import type { ReportDocument } from '../../src/report/document.ts';

const counts = (over: Record<string, number> = {}): IcountSection => ({
  tool: 'callgrind',
  valgrind: 'valgrind-3.19.0',
  node: 'v20.20.2',
  kernels: [
    { name: 'sts/frequency', instructions: over['sts/frequency'] ?? 1_000_000 },
    { name: 'drbg/ctr-drbg', instructions: over['drbg/ctr-drbg'] ?? 2_500_000 },
  ],
});

function withIcount(doc: ReportDocument, icount: IcountSection | undefined): ReportDocument {
  if (icount) doc.benchmarks!.icount = icount;
  else delete doc.benchmarks!.icount;
  return doc;
}

test('icount: a count grown beyond the tolerance is a regression; within it passes; a shrink beyond it is an improvement', () => {
  const rule = { relative: 0.02 };
  const v = (n: number) => compareIcount(counts(), counts({ 'sts/frequency': n }), rule).find((c) => c.metric === 'icount sts/frequency')!;
  assert.equal(v(1_000_000).verdict, 'pass');
  assert.equal(v(1_020_000).verdict, 'pass'); // exactly +2 %: allowed
  assert.equal(v(1_020_001).verdict, 'regression');
  assert.equal(v(1_100_000).verdict, 'regression'); // a 1.10× planted slowdown
  assert.match(v(1_100_000).message!, /icount sts\/frequency: 1100000 instructions per call, \+10\.00 % over the baseline's 1000000/);
  assert.equal(v(979_999).verdict, 'improved');
  assert.equal(v(980_000).verdict, 'pass');
  // The other kernel is untouched.
  assert.equal(compareIcount(counts(), counts({ 'sts/frequency': 1_100_000 }), rule).find((c) => c.metric === 'icount drbg/ctr-drbg')!.verdict, 'pass');
});

test('icount: a kernel counted in the baseline and not now is missing; a new one is new', () => {
  const cur: IcountSection = { ...counts(), kernels: [{ name: 'drbg/ctr-drbg', instructions: 2_500_000 }, { name: 'sim/kernel', instructions: 5 }] };
  const r = compareIcount(counts(), cur, { relative: 0.02 });
  assert.deepEqual(r.map((c) => [c.metric, c.verdict]), [
    ['icount sts/frequency', 'missing'],
    ['icount drbg/ctr-drbg', 'pass'],
    ['icount sim/kernel', 'new'],
  ]);
});

test('icount: the checks spell out each verdict: the allowance, a missing kernel\'s message, a new kernel; no kernels, no checks', () => {
  const r = compareIcount(counts(), { ...counts(), kernels: [{ name: 'sim/kernel', instructions: 7 }] }, { relative: 0.05 });
  assert.deepEqual(r[0], { metric: 'icount sts/frequency', baseline: 1_000_000, limit: 'present', verdict: 'missing', message: 'icount sts/frequency: counted in the baseline, not now' });
  assert.deepEqual(r[2], { metric: 'icount sim/kernel', current: 7, limit: 'present', verdict: 'new' });
  const pass = compareIcount(counts(), counts(), { relative: 0.05 })[0]!;
  assert.equal(pass.limit, 'instructions ≤ +5.00 %');
  assert.equal(pass.message, undefined);
  assert.equal(compareIcount(counts(), counts({ 'sts/frequency': 1_200_000 }), { relative: 0.05 })[0]!.message,
    "icount sts/frequency: 1200000 instructions per call, +20.00 % over the baseline's 1000000 (callgrind, deterministic; allowed +5.00 %)");
  const none: IcountSection = { tool: 'callgrind' };
  assert.deepEqual(compareIcount(none, none, { relative: 0.05 }), []);
  assert.deepEqual(compareIcount(none, counts(), { relative: 0.05 }).map((c) => c.verdict), ['new', 'new']);
  assert.deepEqual(compareIcount(counts(), none, { relative: 0.05 }).map((c) => c.verdict), ['missing', 'missing']);
});

test('icount: a kernel the baseline counted at 0 instructions: any count now is an infinite growth and a regression; 0 passes', () => {
  const zero: IcountSection = { ...counts(), kernels: [{ name: 'k', instructions: 0 }] };
  const grown = compareIcount(zero, { ...counts(), kernels: [{ name: 'k', instructions: 1 }] }, { relative: 0.05 })[0]!;
  assert.equal(grown.change, Infinity);
  assert.equal(grown.verdict, 'regression');
  const same = compareIcount(zero, zero, { relative: 0.05 })[0]!;
  assert.equal(same.change, 0);
  assert.equal(same.verdict, 'pass');
  // Growth is relative to the baseline: 1.5 M over 1 M is +50 %.
  assert.equal(compareIcount(counts(), counts({ 'sts/frequency': 1_500_000 }), { relative: 0.05 })[0]!.change, 0.5);
});

test('icount: skipped with a one-line reason when the counts are not comparable', () => {
  const doc = (ic: IcountSection | undefined, f: (d: ReportDocument) => void = () => {}) => {
    const d = withIcount(fixtureDocument(), ic);
    f(d);
    return d;
  };
  const files = { baseline: 'b.json', current: 'c.json' };
  assert.equal(icountSkipReason(doc(counts()), doc(counts()), files), undefined);
  assert.equal(icountSkipReason(doc(counts()), doc(undefined), files), 'c.json has no instruction counts (measured without icount)');
  assert.equal(icountSkipReason(doc(counts()), doc({ skipped: 'valgrind not found on PATH' }), files), 'c.json: valgrind not found on PATH');
  assert.match(icountSkipReason(doc(undefined), doc(counts()), files)!, /^b\.json has no instruction counts \(re-baseline/);
  assert.equal(icountSkipReason(doc({ skipped: 'x' }), doc(counts()), files), 'b.json: x');
  assert.match(icountSkipReason(doc(counts()), doc({ ...counts(), valgrind: 'valgrind-3.22.0' }), files)!, /^valgrind 'valgrind-3\.19\.0' in b\.json, 'valgrind-3\.22\.0' in c\.json/);
  assert.match(icountSkipReason(doc(counts()), doc({ ...counts(), node: 'v22.1.0' }), files)!, /^node 'v20\.20\.2' in b\.json, 'v22\.1\.0' in c\.json/);
  assert.match(icountSkipReason(doc(counts()), doc(counts(), (d) => (d.environment.cpuModel = 'Intel Xeon')), files)!, /^cpuModel '.*' in b\.json, 'Intel Xeon' in c\.json/);
  // A baseline counted before the heap set-up (bench/icount-heap.ts) records none: not comparable.
  const heap = 'semi-space 128; swept';
  assert.equal(icountSkipReason(doc({ ...counts(), heap }), doc({ ...counts(), heap }), files), undefined);
  assert.match(icountSkipReason(doc(counts()), doc({ ...counts(), heap }), files)!, /^heap not recorded in b\.json, 'semi-space 128; swept' in c\.json: .*heap set-up/);
  // A baseline whose counts include V8's just-in-time work (before bench/callgrind-dump.ts JIT_ENTRY) records no rule.
  const counted = 'instructions less V8 just-in-time work';
  assert.equal(icountSkipReason(doc({ ...counts(), counted }), doc({ ...counts(), counted }), files), undefined);
  assert.match(icountSkipReason(doc(counts()), doc({ ...counts(), counted }), files)!, /^counted not recorded in b\.json, 'instructions less V8 just-in-time work' in c\.json: .*counting rule/);
  assert.match(icountSkipReason(doc(counts()), doc(counts(), (d) => (d.benchmarks!.quick = !d.benchmarks!.quick)), files)!, /different kernel inputs/);
  for (const r of [icountSkipReason(doc(counts()), doc(undefined), files)!]) assert.ok(!r.includes('\n'));
  // Without file names the reasons say baseline and current; a report with no benchmarks section has no counts.
  assert.equal(icountSkipReason(doc(counts()), doc(undefined)), 'current has no instruction counts (measured without icount)');
  assert.match(icountSkipReason(doc(undefined), doc(counts()))!, /^baseline has no instruction counts/);
  const bare = fixtureDocument();
  delete bare.benchmarks;
  assert.equal(icountSkipReason(doc(counts()), bare, files), 'c.json has no instruction counts (measured without icount)');
  assert.match(icountSkipReason(bare, doc(counts()), files)!, /^b\.json has no instruction counts/);
  assert.match(icountSkipReason(doc(counts()), doc(counts(), (d) => (d.benchmarks!.quick = !d.benchmarks!.quick)), files)!, /^quick=(true|false) in b\.json, (true|false) in c\.json: different kernel inputs$/);
});

test('gate: a 1.10× instruction count fails the gate; its wall-clock check then informs without failing', () => {
  // Side by side, sts/frequency 1.10× slower in time AND in instructions.
  const base = withIcount(fixtureDocument(), counts());
  const slow = withIcount(fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: {} }), counts({ 'sts/frequency': 1_100_000 }));
  const r = compareReports(base, slow);
  assert.equal(r.passed, false);
  assert.deepEqual(r.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric), ['icount sts/frequency']);
  const time = r.checks.find((c) => c.metric === 'sts/frequency')!;
  assert.equal(time.verdict, 'pass');
  assert.match(time.limit, /not gated: icount gates sts\/frequency/);
  assert.equal(time.message, undefined);
  // Same time slowdown, unchanged counts: the time check alone no longer fails (it is counted).
  const timeOnly = compareReports(base, withIcount(fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: {} }), counts()));
  assert.equal(timeOnly.passed, true);
  // Without comparable counts the time check gates as before, and the table says why icount was skipped.
  const noCounts = compareReports(base, withIcount(fixtureDocument({ overrides: { 'sts/frequency': 1 / 1.1 }, sideBySide: {} }), { skipped: 'valgrind not found on PATH' }));
  assert.equal(noCounts.passed, false);
  assert.deepEqual(noCounts.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric), ['sts/frequency']);
  assert.deepEqual(noCounts.skipped, ['icount: current: valgrind not found on PATH']);
  assert.match(formatGateTable(noCounts), /^skipped: icount: current: valgrind not found on PATH$/m);
  // A task the counts do not cover (sts/battery here) keeps its time gate.
  const battery = compareReports(base, withIcount(fixtureDocument({ overrides: { 'sts/battery': 1 / 1.1 }, sideBySide: {} }), counts()));
  assert.deepEqual(battery.checks.filter((c) => c.verdict === 'regression').map((c) => c.metric), ['sts/battery']);
});

test('gate config: icount.relative sets the tolerance; a bad value is refused by path', () => {
  assert.equal(DEFAULT_GATE_CONFIG.icount.relative, 0.05);
  const cfg = parseGateConfig({ icount: { relative: 0.15 } }, 'g.yaml');
  assert.equal(cfg.icount.relative, 0.15);
  const base = withIcount(fixtureDocument(), counts());
  assert.equal(compareReports(base, withIcount(fixtureDocument(), counts({ 'sts/frequency': 1_100_000 })), cfg).passed, true);
  assert.throws(() => parseGateConfig({ icount: { relative: -1 } }, 'g.yaml'), /g\.yaml: .*icount\/relative/);
  assert.throws(() => parseGateConfig({ icount: { tolerance: 1 } }, 'g.yaml'), /g\.yaml/);
});
