import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateExpectation, parseExpectation } from '../../src/scenario/expectation.ts';
import { lookupMetric, METRICS, metricNames } from '../../src/scenario/metrics.ts';
import { SCALAR_METRICS } from '../../src/metrics/table.ts';
import { formatDuration, parseDuration, parseQuantity } from '../../src/scenario/units.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';
import type { QualityResult } from '../../src/quality/result.ts';

test('durations convert to virtual nanoseconds', () => {
  assert.equal(parseDuration('2s'), 2_000_000_000);
  assert.equal(parseDuration('1.5ms'), 1_500_000);
  assert.equal(parseDuration('250us'), 250_000);
  assert.equal(parseDuration('250µs'), 250_000);
  assert.equal(parseDuration('7ns'), 7);
  assert.equal(parseDuration('fast'), undefined);
  assert.equal(parseDuration('5'), undefined);
  assert.deepEqual(parseQuantity('99%'), { value: 0.99, kind: 'ratio' });
  assert.equal(formatDuration(1_500_000), '1.5ms');
});

test('the brief’s example expectations parse into metric + op + base-unit limit', () => {
  assert.deepEqual(parseExpectation('smm.setvariable.p99 < 5ms'), {
    expression: 'smm.setvariable.p99 < 5ms', metric: 'setvariable.p99', op: '<', limit: 5_000_000,
  });
  assert.deepEqual(parseExpectation('isolation.violations == 0'), {
    expression: 'isolation.violations == 0', metric: 'isolation.violations', op: '==', limit: 0,
  });
  assert.equal(parseExpectation('setvariable.ratio >= 0.99').limit, 0.99);
  assert.equal(parseExpectation('setvariable.ratio >= 99%').limit, 0.99);
  assert.equal(parseExpectation('bytes.drainer > 0').metric, 'bytes.drainer');
});

test('an unknown metric names itself and lists the valid ones', () => {
  assert.throws(() => parseExpectation('smm.setvar.p99 < 5ms'), (e: Error) => {
    assert.match(e.message, /unknown metric "smm\.setvar\.p99"/);
    assert.match(e.message, /valid metrics: .*setvariable\.p99.*isolation\.violations/);
    return true;
  });
});

test('units must fit the metric', () => {
  assert.throws(() => parseExpectation('isolation.violations == 0ms'), /not a time/);
  assert.throws(() => parseExpectation('setvariable.p99 < 5'), /give a unit/);
  assert.throws(() => parseExpectation('setvariable.p99 ~ 5ms'), /expected "<metric> <op> <value>"/);
  assert.throws(() => parseExpectation('setvariable.p99 < fast'), /found "fast"/);
});

function metrics(): CellMetrics {
  return {
    virtualDurationNs: 1e9,
    setVariable: { completed: 10, failed: 0, perVirtualSecond: 10, latency: { count: 10, meanNs: 1e6, p50Ns: 1e6, p99Ns: 4e6, maxNs: 6e6 } },
    starvation: { totalNs: 0, longestNs: 0 },
    quotaExhaustionEvents: 0,
    bytesByConsumer: { drainer: 5 },
    isolation: { violations: 0, blockedAttempts: 3 },
    udFaults: { nonSmm: 0, smm: 0 },
    tls: { done: 0, denied: 0, degraded: 0 },
    variables: { checked: 10, ok: 10, lost: 0 },
    healthAlarms: { rct: 0, apt: 0 },
    events: 100,
  };
}

test('expectations evaluate against a cell; a missing baseline ratio fails', () => {
  const src = { metrics: metrics(), quality: [] };
  assert.equal(evaluateExpectation(parseExpectation('smm.setvariable.p99 < 5ms'), 'c', src).passed, true);
  assert.equal(evaluateExpectation(parseExpectation('setvariable.max < 5ms'), 'c', src).passed, false);
  assert.equal(evaluateExpectation(parseExpectation('bytes.drainer == 5'), 'c', src).passed, true);
  const r = evaluateExpectation(parseExpectation('setvariable.ratio >= 0.99'), 'c', src);
  assert.equal(r.passed, false);
  assert.equal(r.actual, 0);
  assert.equal(evaluateExpectation(parseExpectation('setvariable.ratio >= 0.99'), 'c', { ...src, baselineRatio: 1 }).passed, true);
});

test("'verdict' compares verdict names by rank (ok < degraded < starved < broken < insecure); anything else is refused", () => {
  const e = parseExpectation('verdict == insecure');
  assert.deepEqual(e, { expression: 'verdict == insecure', metric: 'verdict', op: '==', limit: 4 });
  const src = { metrics: metrics(), quality: [] };
  assert.equal(evaluateExpectation(e, 'c', { ...src, verdict: 'insecure' }).passed, true);
  assert.equal(evaluateExpectation(e, 'c', { ...src, verdict: 'broken' }).passed, false);
  assert.equal(evaluateExpectation(parseExpectation('verdict <= degraded'), 'c', { ...src, verdict: 'ok' }).passed, true);
  assert.equal(evaluateExpectation(parseExpectation('verdict <= degraded'), 'c', { ...src, verdict: 'starved' }).passed, false);
  assert.equal(evaluateExpectation(e, 'c', src).passed, false, 'no verdict: fails');
  assert.throws(() => parseExpectation('verdict == bad'), /expected a verdict \(ok, degraded, starved, broken, insecure\) after "==", found "bad"/);
  assert.throws(() => parseExpectation('variables.lost == insecure'), /expected a number/);
});

test('key provenance metrics read the cell\'s keys summary (0 when absent)', () => {
  const m = metrics();
  const src = { metrics: m, quality: [] };
  assert.equal(evaluateExpectation(parseExpectation('keys.bad-writes == 0'), 'c', src).passed, true);
  m.keys = {
    epochs: 10, badEpochs: 2, writes: 10, badWrites: 4, badWriteShare: 0.4, badWritesByFlaw: { 'unsafe-source': 0, 'repeats-earlier-output': 4 },
    sourceFailures: 1, startupTests: 3, startupPasses: 0, failClosed: 3, fallbackSeeds: 0,
  };
  const v = (x: string): number => evaluateExpectation(parseExpectation(x), 'c', src).actual;
  assert.deepEqual(
    ['keys.epochs > 0', 'keys.bad-epochs > 0', 'keys.bad-writes > 0', 'keys.bad-share > 0', 'keys.source-failures > 0', 'keys.startup-tests > 0', 'keys.fallback-seeds == 0'].map(v),
    [10, 2, 4, 0.4, 1, 3, 0],
  );
  assert.equal(evaluateExpectation(parseExpectation('keys.bad-share >= 40%'), 'c', src).passed, true);
});

test('every comparison operator decides below, at and above its limit as written', () => {
  const src = { metrics: metrics(), quality: [] }; // isolation.blocked = 3
  const at = (op: string, limit: number): boolean => evaluateExpectation(parseExpectation(`isolation.blocked ${op} ${limit}`), 'c', src).passed;
  const table: Array<[string, [boolean, boolean, boolean]]> = [
    // [op, [actual 3 vs limit 4 (below), 3 (at), 2 (above)]]
    ['<', [true, false, false]],
    ['<=', [true, true, false]],
    ['>', [false, false, true]],
    ['>=', [false, true, true]],
    ['==', [false, true, false]],
    ['!=', [true, false, true]],
  ];
  for (const [op, want] of table) assert.deepEqual([at(op, 4), at(op, 3), at(op, 2)], want, op);
  // The op is parsed as written, also without spaces and with the two-character ops first.
  assert.equal(parseExpectation('isolation.blocked<=3').op, '<=');
  assert.equal(parseExpectation('isolation.blocked>=3').op, '>=');
  assert.equal(parseExpectation('isolation.blocked!=3').op, '!=');
  assert.equal(parseExpectation('  isolation.blocked == 3  ').expression, 'isolation.blocked == 3');
  assert.equal(parseExpectation('setvariable.ratio >= 0.99 ').limit, 0.99);
});

/** A consumed stream's quality result with SP 800-22 bits and SP 800-90B samples as given (absent when undefined). */
function consumed(tap: string, kind: 'raw' | 'conditioned', verdict: 'pass' | 'fail' | 'insufficient-data', stsBits: number | undefined, samples: number | undefined): QualityResult {
  return {
    tap, kind, bytes: 131072, verdict, reasons: [],
    ...(stsBits !== undefined ? { sts: { n: stsBits, alpha: 0.01, tests: [], applicable: 0, passed: 0, verdict: 'pass' as const } } : {}),
    ...(samples !== undefined ? { entropy: { samples, bitsPerSample: 8, minEntropyPerSample: 7, estimators: [] } } : {}),
    stream: { sha256: 'a'.repeat(64), producedInRun: 1, consumedInRun: 1, drawnAfterRun: 131071, keyedWrites: 1 },
  };
}

test('every metric reads its own field of the cell (each field set to a distinct value)', () => {
  const m: CellMetrics = {
    virtualDurationNs: 1e9,
    setVariable: { completed: 11, failed: 12, perVirtualSecond: 13, latency: { count: 14, meanNs: 15, p50Ns: 16, p99Ns: 17, maxNs: 18 } },
    starvation: { totalNs: 19, longestNs: 20 },
    quotaExhaustionEvents: 21,
    bytesByConsumer: { drainer: 22 },
    isolation: { violations: 23, blockedAttempts: 24 },
    udFaults: { nonSmm: 25, smm: 26 },
    tls: { done: 27, denied: 28, degraded: 29 },
    variables: { checked: 30, ok: 31, lost: 32 },
    healthAlarms: { rct: 33, apt: 34 },
    events: 35,
    smm: { smis: 36, timeNs: 37, degradedSetVariables: 38, failClosed: 39 },
    keys: {
      epochs: 40, badEpochs: 41, writes: 42, badWrites: 43, badWriteShare: 0.44, badWritesByFlaw: { 'unsafe-source': 45, 'repeats-earlier-output': 46 },
      sourceFailures: 47, startupTests: 48, startupPasses: 49, failClosed: 50, fallbackSeeds: 51,
    },
  };
  const health = (rct: number, apt: number) => ({ entropyPerSample: 1, rct: { cutoff: 5, alarms: rct }, apt: { window: 512, cutoff: 9, alarms: apt } });
  const quality = [
    { tap: 'a', kind: 'raw' as const, bytes: 1, verdict: 'fail' as const, reasons: [], health: health(2, 3) },
    { tap: 'b', kind: 'raw' as const, bytes: 1, verdict: 'pass' as const, reasons: [], health: health(5, 7) },
    { tap: 'c', kind: 'conditioned' as const, bytes: 1, verdict: 'fail' as const, reasons: [] },
    { tap: 'd', kind: 'conditioned' as const, bytes: 1, verdict: 'insufficient-data' as const, reasons: [] },
    { tap: 'e', kind: 'conditioned' as const, bytes: 1, verdict: 'pass' as const, reasons: [] },
    // Quality taps of consumed streams (docs/model.md §7.5): full length or short.
    consumed('f', 'conditioned', 'pass', 1_000_000, 100_000),
    consumed('g', 'raw', 'fail', undefined, 50_000),
    consumed('h', 'conditioned', 'fail', 1_000_000, 100_000),
    consumed('i', 'conditioned', 'insufficient-data', 500_000, 100_000),
    consumed('j', 'raw', 'insufficient-data', undefined, undefined),
  ];
  const crash = { seed: 1, writes: 60, deletes: 51, variables: 6, storeBytes: 4096, blockBytes: 512, cuts: 52, sequenceOps: 53, reclaims: 54, cutsInReclaim: 55, ftwRedone: 56, recoveryReclaims: 57, ackedChecked: 58, ackedLost: 59, pendingVisible: 60, halfVisible: 61, unreadable: 62 };
  const src = { metrics: m, quality, baselineRatio: 0.52, verdict: 'starved' as const, crash };
  const want: Record<string, number> = {
    'setvariable.completed': 11, 'setvariable.failed': 12, 'setvariable.rate': 13, 'setvariable.ratio': 0.52, 'setvariable.samples': 14,
    'setvariable.mean': 15, 'setvariable.p50': 16, 'setvariable.p99': 17, 'setvariable.max': 18,
    'starvation.total': 19, 'starvation.longest': 20, 'quota.exhaustions': 21, 'isolation.violations': 23, 'isolation.blocked': 24,
    'ud.nonsmm': 25, 'ud.smm': 26, 'tls.done': 27, 'tls.denied': 28, 'tls.degraded': 29,
    'variables.checked': 30, 'variables.ok': 31, 'variables.lost': 32, 'health.rct': 33, 'health.apt': 34, 'health.alarms': 67,
    'fail-closed': 39, 'degraded-setvariables': 38, 'keys.epochs': 40, 'keys.bad-epochs': 41, 'keys.bad-writes': 43, 'keys.bad-share': 0.44,
    'keys.source-failures': 47, 'keys.startup-tests': 48, 'keys.fallback-seeds': 51, verdict: 2, smis: 36,
    'keys.writes': 42, 'keys.startup-passes': 49, 'keys.fail-closed': 50, 'smm-time': 37,
    'quality.failures': 4, 'quality.health-alarms': 17,
    'crash.cuts': 52, 'crash.deletes': 51, 'crash.cuts-in-reclaim': 55, 'crash.acked-checked': 58, 'crash.acked-lost': 59, 'crash.half-visible': 61, 'crash.unreadable': 62,
    'quality.streams': 5, 'quality.stream-passes': 1, 'quality.stream-failures': 2, 'quality.short-streams': 3, 'bytes.drainer': 22, 'bytes.nobody': 0,
  };
  for (const [name, value] of Object.entries(want)) {
    assert.equal(lookupMetric(name)?.def.get(src), value, name);
    assert.equal(lookupMetric(`smm.${name}`)?.path, name, `smm.${name}`);
  }
  // Every name above stays (scenario files use them); a metric of the table not named above reads its own field too.
  for (const name of Object.keys(want).filter((k) => !k.startsWith('bytes.'))) assert.ok(name in METRICS, name);
  for (const m of SCALAR_METRICS.filter((x) => x.path in METRICS && !(x.path in want))) {
    // A metric newer than this fixture (optional in the schema) reads 0 here, like in an older report.
    const v = lookupMetric(m.path)?.def.get(src);
    const field = m.read(src.metrics);
    assert.ok(v !== undefined && v === (field ?? 0) && (field === undefined ? m.optional : v >= 0.44), `${m.path}: ${v}`);
  }
  assert.deepEqual(metricNames(), [...Object.keys(METRICS), 'bytes.<consumer>']);
  // A cell without the optional smm / keys sections reads 0 there, not undefined.
  const bare = { metrics: metrics(), quality: [] };
  for (const name of ['fail-closed', 'degraded-setvariables', 'smis', 'keys.epochs', 'keys.bad-epochs', 'keys.bad-writes', 'keys.bad-share', 'keys.source-failures', 'keys.startup-tests', 'keys.fallback-seeds']) {
    assert.equal(lookupMetric(name)?.def.get(bare), 0, name);
  }
  assert.equal(lookupMetric('quality.health-alarms')?.def.get({ ...bare, quality: [quality[2]!] }), 0);
  // ... but a scenario without a crash-consistency campaign has no crash.* value (an expectation on it fails).
  for (const name of Object.keys(want).filter((k) => k.startsWith('crash.'))) assert.equal(lookupMetric(name)?.def.get(bare), undefined, name);
});

test('metric paths: only a leading smm. is dropped, bytes. needs a consumer, and every metric is described', () => {
  assert.equal(lookupMetric('smm.'), undefined);
  assert.equal(lookupMetric('xsmm.smis'), undefined);
  assert.equal(lookupMetric('setvariable.smm.p99'), undefined);
  assert.equal(lookupMetric('bytes.'), undefined);
  assert.equal(lookupMetric('smm.bytes.'), undefined);
  assert.equal(lookupMetric('smm.bytes.x')?.path, 'bytes.x');
  assert.equal(lookupMetric('bytes.drainer')?.def.kind, 'count');
  assert.match(lookupMetric('bytes.drainer')!.def.description, /^bytes obtained by drainer$/);
  // `list metrics` prints the descriptions: none may be empty, and no two metrics may share one.
  const descriptions = Object.values(METRICS).map((d) => d.description);
  for (const [name, d] of Object.entries(METRICS)) assert.ok(d.description.length >= 10, name);
  assert.equal(new Set(descriptions).size, descriptions.length);
  // The kinds decide which units an expectation may use.
  const kinds = Object.fromEntries(Object.entries(METRICS).map(([k, d]) => [k, d.kind]));
  for (const [name, kind] of [
    ['keys.bad-share', 'ratio'], ['setvariable.max', 'time'], ['setvariable.mean', 'time'], ['setvariable.p50', 'time'], ['setvariable.p99', 'time'],
    ['setvariable.rate', 'rate'], ['setvariable.ratio', 'ratio'], ['starvation.longest', 'time'], ['starvation.total', 'time'], ['verdict', 'verdict'],
    ['setvariable.completed', 'count'], ['quota.exhaustions', 'count'], ['bytes.x', 'count'],
  ]) {
    assert.equal(kinds[name] ?? lookupMetric(name)?.def.kind, kind, name);
  }
  // A time is in ns (the units an expectation accepts scale ns), and only a time is.
  for (const [name, d] of Object.entries(METRICS)) assert.equal(d.kind === 'time', d.unit === 'ns', name);
});

test('a metric that is not a finite number fails with actual 0, and error messages name what was expected', () => {
  const m = metrics();
  m.setVariable.latency.p99Ns = Number.NaN;
  const r = evaluateExpectation(parseExpectation('setvariable.p99 != 5ms'), 'c', { metrics: m, quality: [] });
  assert.deepEqual({ actual: r.actual, passed: r.passed }, { actual: 0, passed: false });
  m.setVariable.latency.p99Ns = Number.POSITIVE_INFINITY;
  assert.equal(evaluateExpectation(parseExpectation('setvariable.p99 > 5ms'), 'c', { metrics: m, quality: [] }).passed, false);
  // An outcome carries everything the report prints.
  assert.deepEqual(evaluateExpectation(parseExpectation('smm.isolation.blocked >= 2'), 'cell-1', { metrics: metrics(), quality: [] }), {
    cell: 'cell-1', expression: 'smm.isolation.blocked >= 2', metric: 'isolation.blocked', actual: 3, op: '>=', limit: 2, passed: true,
  });
  const message = (text: string): string => {
    try {
      parseExpectation(text);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(message('nonsense'), 'expected "<metric> <op> <value>" with op one of < <= > >= == !=, found "nonsense"');
  assert.equal(message('setvariable.p99 < fast'), 'expected a number with optional unit (ns, us, ms, s, %) after "<", found "fast"');
  assert.equal(message('isolation.violations == 0ms'), 'metric "isolation.violations" is a count, not a time: drop the unit in "isolation.violations == 0ms"');
  assert.equal(message('setvariable.p99 < 5%'), 'metric "setvariable.p99" is a time, not a ratio: "%" is not allowed in "setvariable.p99 < 5%"');
  assert.equal(message('setvariable.ratio > 5%'), 'no error');
  assert.equal(message('setvariable.p99 < 5'), 'metric "setvariable.p99" is a time: give a unit (ns, us, ms, s) in "setvariable.p99 < 5"');
  assert.equal(parseExpectation('setvariable.p99 > 0').limit, 0, 'a plain 0 is a time of 0 in any unit');
  assert.equal(message('!isolation.blocked == 3'), 'expected "<metric> <op> <value>" with op one of < <= > >= == !=, found "!isolation.blocked == 3"');
  assert.match(message('no.such < 1'), /; valid metrics: setvariable\.completed, setvariable\.failed, setvariable\.rate, /);
  assert.equal(parseExpectation('  verdict <= degraded ').expression, 'verdict <= degraded');
  // A cell without a verdict fails every verdict expectation, also one bounding it from above.
  assert.equal(evaluateExpectation(parseExpectation('verdict <= degraded'), 'c', { metrics: metrics(), quality: [] }).passed, false);
  assert.equal(message('verdict >= fine'), 'expected a verdict (ok, degraded, starved, broken, insecure) after ">=", found "fine"');
  assert.equal(message('keys.bad-share >= 1ms'), 'metric "keys.bad-share" is a ratio, not a time: drop the unit in "keys.bad-share >= 1ms"');
});

test('the derived metrics are counts (a time unit on one is refused as on a count), and an expectation on an unknown metric fails with actual 0', () => {
  const counts = [
    'health.alarms', 'crash.cuts', 'crash.cuts-in-reclaim', 'crash.acked-checked', 'crash.acked-lost', 'crash.half-visible', 'crash.unreadable',
    'quality.failures', 'quality.streams', 'quality.stream-passes', 'quality.stream-failures', 'quality.short-streams', 'quality.health-alarms',
  ];
  for (const name of counts) assert.equal(METRICS[name]?.kind, 'count', name);
  assert.throws(() => parseExpectation('crash.cuts == 1ms'), { message: 'metric "crash.cuts" is a count, not a time: drop the unit in "crash.cuts == 1ms"' });
  // An Expectation built by hand (not by parseExpectation) naming no metric: no value, so it fails.
  const r = evaluateExpectation({ expression: 'gone.metric < 1', metric: 'gone.metric', op: '<', limit: 1 }, 'c', { metrics: metrics(), quality: [] });
  assert.deepEqual({ actual: r.actual, passed: r.passed }, { actual: 0, passed: false });
});

test("the report columns: a table metric keeps its column and reads undefined where its section is absent (get reads 0); the ratio is a '×' column", () => {
  assert.deepEqual(METRICS['setvariable.p99']?.column, { header: 'p99', order: 40 });
  assert.deepEqual(METRICS['keys.bad-writes']?.column, { header: 'bad-epoch writes', order: 110, of: 'keys.writes' });
  assert.equal(METRICS['setvariable.failed']?.column, undefined);
  for (const m of SCALAR_METRICS.filter((x) => x.aggregation !== 'run')) assert.deepEqual(METRICS[m.path]?.column, m.column, m.path);
  const bare = { metrics: metrics(), quality: [] };
  assert.equal(METRICS['setvariable.p99']?.read?.(bare), 4e6);
  assert.equal(METRICS['fail-closed']?.read?.(bare), undefined);
  assert.equal(METRICS['fail-closed']?.get(bare), 0);
  const ratio = METRICS['setvariable.ratio']!;
  assert.deepEqual({ kind: ratio.kind, unit: ratio.unit, column: ratio.column }, { kind: 'ratio', unit: '×', column: { header: 'ratio', order: 20 } });
});

test('quality.short-streams: a consumed stream is short below 10^5 samples, or (conditioned only) below 10^6 SP 800-22 bits or without SP 800-22 results', () => {
  const short = (...q: QualityResult[]): number | undefined => lookupMetric('quality.short-streams')?.def.get({ metrics: metrics(), quality: q });
  assert.equal(short(consumed('a', 'conditioned', 'pass', 1_000_000, 100_000)), 0);
  assert.equal(short(consumed('a', 'conditioned', 'pass', 999_999, 100_000)), 1);
  assert.equal(short(consumed('a', 'conditioned', 'pass', 1_000_000, 99_999)), 1);
  assert.equal(short(consumed('a', 'conditioned', 'pass', undefined, 100_000)), 1);
  assert.equal(short(consumed('a', 'raw', 'pass', undefined, 100_000)), 0);
  // A raw stream is held to the SP 800-90B sample count only, whatever SP 800-22 length it carries.
  assert.equal(short(consumed('a', 'raw', 'pass', 500_000, 100_000)), 0);
  assert.equal(short(consumed('a', 'raw', 'pass', undefined, 99_999)), 1);
  assert.equal(short(consumed('a', 'raw', 'pass', undefined, undefined)), 1);
  const { stream: _s, ...notConsumed } = consumed('a', 'raw', 'pass', undefined, 10);
  assert.equal(short(notConsumed), 0);
});
