/**
 * Small, hand-built RunResult / SuiteResult values for the report tests, so the
 * renderers and the gate are tested independently of the platform model. The
 * numbers are made up but consistent (completed / runtime = perVirtualSecond,
 * ratios = numerator / denominator throughput).
 */
import type { CellResult, RunResult } from '../../src/scenario/result.ts';
import type { SuiteResult, TaskResult } from '../../src/report/benchmark-result.ts';
import type { CellMetrics } from '../../src/metrics/types.ts';
import { createReportDocument, type ReportDocument } from '../../src/report/document.ts';

export const FIXTURE_SHA = 'a'.repeat(64);

export function metrics(completed: number, p99Ns: number, starvationNs: number): CellMetrics {
  const runtimeNs = 2e9;
  return {
    virtualDurationNs: 3e9,
    setVariable: {
      completed,
      failed: 0,
      perVirtualSecond: completed / (runtimeNs / 1e9),
      latency: { count: completed, meanNs: p99Ns / 2, p50Ns: p99Ns / 3, p99Ns, maxNs: p99Ns * 1.5 },
    },
    starvation: { totalNs: starvationNs, longestNs: starvationNs / 4 },
    quotaExhaustionEvents: starvationNs > 0 ? 7 : 0,
    bytesByConsumer: { 'smm-variable': completed * 32, drainer: starvationNs > 0 ? 1 << 20 : 0 },
    isolation: { violations: 0, blockedAttempts: 3 },
    udFaults: { nonSmm: 0, smm: 0 },
    tls: { done: 4, denied: 0, degraded: 0 },
    variables: { checked: completed, ok: completed, lost: 0 },
    healthAlarms: { rct: 0, apt: 0 },
    events: 1000 + completed * 10,
  };
}

function cell(design: string, adversary: string | undefined, completed: number, p99: number, starv: number, seed = 1): CellResult {
  const workloads = adversary ? [{ name: adversary, params: { rate: 1000 } }] : [];
  const verdict: CellResult['verdict'] = starv > 1e8 ? 'starved' : starv > 0 ? 'degraded' : 'ok';
  return {
    id: `${design}/${adversary ?? 'none'}/seed=${seed}`,
    design: design as CellResult['design'],
    workloads,
    seed,
    ...(adversary ? {} : { baseline: true }),
    metrics: metrics(completed, p99, starv),
    baselineRatio: completed / 200,
    verdict,
    verdictReasons: verdict === 'ok' ? [] : [`${verdict}: SMM waited ${starv / 1e6} ms for entropy`],
    quality: [
      {
        tap: 'smm-variable/key-material',
        kind: 'conditioned',
        bytes: 4096,
        sts: {
          n: 32768,
          alpha: 0.01,
          tests: [
            { test: 'Frequency', status: 'ok', minPValue: 0.4, pValues: 1, passed: 1, histogram: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0] },
            { test: 'Runs', status: 'ok', minPValue: 0.07, pValues: 1, passed: 1, histogram: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
            { test: 'CumulativeSums', status: 'ok', minPValue: 0.21, pValues: 2, passed: 2, histogram: [0, 0, 1, 0, 0, 0, 1, 0, 0, 0] },
            { test: 'FFT', status: 'not-applicable', pValues: 0, passed: 0, reason: 'n < 1000' },
          ],
          applicable: 3,
          passed: 3,
          verdict: 'pass',
        },
        verdict: 'pass',
        reasons: [],
      },
      {
        tap: 'counter-rnglib/raw',
        kind: 'raw',
        bytes: 2048,
        entropy: {
          samples: 2048,
          bitsPerSample: 8,
          minEntropyPerSample: 0.9,
          estimators: [
            { name: 'MCV', minEntropyPerSample: 6.1 },
            { name: 'Collision', minEntropyPerSample: 2.5 },
            { name: 'Markov', minEntropyPerSample: 0.9 },
          ],
        },
        health: { entropyPerSample: 8, rct: { cutoff: 5, alarms: 2, firstAlarmAtSample: 17 }, apt: { window: 512, cutoff: 13, alarms: 0 } },
        claimedEntropyPerSample: 8,
        verdict: 'fail',
        reasons: ['claimed 8 bits/sample, estimated 0.9'],
      },
    ],
    parametersUsed: [
      { component: 'virtio-rng', name: 'max-bytes', value: 1024, unit: 'bytes', source: 'docs/model.md §0 (QEMU hw/virtio/virtio-rng.c)', overridden: false },
      { component: 'virtio-rng', name: 'period', value: 1000, unit: 'ms', source: 'docs/model.md §0', overridden: true },
    ],
    timeline: [
      { phase: 'sec-pei', atNs: 0 },
      { phase: 'runtime', atNs: 1e9 },
    ],
    series: [{ name: 'starvation', points: [[0, 0], [1e9, starv / 2], [3e9, starv]] }],
  };
}

/** A 2 designs × 2 adversaries (+ baseline) run with one failed expectation. */
export function fixtureRun(): RunResult {
  const drained = cell('shared-virtio', 'virtio-drain', 20, 9e8, 5e8);
  // The Linux guest's view of the device in the drained cell: three 1024-byte windows, the third
  // cut short, and a /dev/hwrng reader hung after a short completion.
  drained.virtioRng = {
    windows: [
      { refillAt: null, start: 1.03e9, expiresAt: 2.00008e9, bytes: 1024 },
      { refillAt: 2.00008e9, start: 2.00086e9, expiresAt: 3.00008e9, bytes: 1024 },
      { refillAt: 3.00008e9, start: null, expiresAt: null, bytes: 40 },
    ],
    windowCount: 3,
    events: [
      { t: 1.03e9, kind: 'request', size: 0, quota: 1024 },
      { t: 1.03072e9, kind: 'request', size: 64, quota: 1024 },
      { t: 1.030734e9, kind: 'push', size: 64, quota: null, actor: 'linux-hwrng' },
    ],
    eventCount: 70,
    readers: [{ reader: 'os-hwrng', completions: [[1.1e9, 64]], count: 30, bytes: 1920, pendingSinceNs: 3.2e9, hung: true }],
    kernelBytes: 96,
  };
  const cells = [
    cell('shared-virtio', undefined, 200, 2e5, 0),
    drained,
    cell('shared-virtio', 'rdrand-hammer', 190, 3e5, 0),
    cell('smm-device', undefined, 200, 1.5e5, 0),
    cell('smm-device', 'virtio-drain', 198, 1.6e5, 0),
    cell('smm-device', 'rdrand-hammer', 196, 1.7e5, 1e6),
  ];
  return {
    scenario: { name: 'fixture-matrix', file: 'scenarios/fixture.yaml', sha256: FIXTURE_SHA, seed: 1 },
    cells,
    expectations: [
      { cell: cells[1]!.id, expression: 'setvariable.rate >= 50/s', metric: 'setvariable.rate', actual: 10, op: '>=', limit: 50, passed: false },
      { cell: cells[4]!.id, expression: 'setvariable.rate >= 50/s', metric: 'setvariable.rate', actual: 99, op: '>=', limit: 50, passed: true },
      { cell: cells[4]!.id, expression: 'isolation.violations == 0', metric: 'isolation.violations', actual: 0, op: '==', limit: 0, passed: true },
    ],
    totalCells: 6,
    scale: 'quick',
  };
}

/** Per-process jitter of the fixtures' timings (5 processes, ±2 %). */
const JITTER = [1, 1.02, 0.99, 1.01, 0.98];

function task(name: string, throughput: number, meanMs: number, jitter = JITTER): TaskResult {
  const processMs = jitter.map((j) => meanMs * j);
  return { name, throughput, meanMs, medianMs: meanMs, rmePercent: 1, samples: 100, sampleMs: [meanMs * 0.98, meanMs, meanMs * 1.02], processMs };
}

/**
 * Calibration + two suites; `speed` scales every wall-clock figure (a slower machine),
 * `overrides` one task's speed ('suite/task' → factor on its throughput).
 */
export function fixtureBench(speed = 1, overrides: Record<string, number> = {}, jitter = JITTER): { calibration: SuiteResult; suites: SuiteResult[] } {
  const f = (suite: string, name: string) => (overrides[`${suite}/${name}`] ?? 1) * speed;
  const mk = (suite: string, unit: SuiteResult['unit'], tasks: Array<[string, number]>, ratios: SuiteResult['ratios'] = []): SuiteResult => {
    // ms per call 1/(speed·override), throughput in proportion.
    const ts = tasks.map(([n, v]) => task(n, v * f(suite, n), 1 / f(suite, n), jitter));
    const by = new Map(ts.map((t) => [t.name, t]));
    return {
      name: suite,
      unit,
      tasks: ts,
      ratios: ratios.map((r) => {
        const a = by.get(r.numerator)!;
        const b = by.get(r.denominator)!;
        const value = a.throughput / b.throughput;
        const processValues = a.processMs!.map((ms, i) => (value * b.processMs![i]!) / b.meanMs / (ms / a.meanMs));
        return {
          ...r,
          value,
          range: [Math.min(...processValues), Math.max(...processValues)] as [number, number],
          processValues,
          ...(r.atLeast !== undefined ? { pass: value >= r.atLeast } : {}),
        };
      }),
    };
  };
  return {
    calibration: mk('calibration', 'MB/s', [
      ['js-scan', 800],
      ['aes-256-ctr', 2400],
      ['aes-256-gcm', 1900],
      ['sha-256', 1300],
    ]),
    suites: [
      mk('drbg', 'MB/s', [['ctr-drbg', 1500], ['aes-256-ctr raw', 2300]], [
        { name: 'ctr-drbg/raw-aes-ctr', numerator: 'ctr-drbg', denominator: 'aes-256-ctr raw', atLeast: 0.5, value: 0 },
      ] as SuiteResult['ratios']),
      mk('sts', 'Mbit/s', [['frequency', 3000], ['battery', 40]]),
    ],
  };
}

export const FIXTURE_COMMIT = '0123456789abcdef0123456789abcdef01234567';

/**
 * A quick-bench report. `sideBySide` adds the baseline build measured in the same
 * job (FIXTURE_COMMIT) with its own speed/overrides.
 */
export function fixtureDocument(
  opts: {
    speed?: number;
    overrides?: Record<string, number>;
    run?: RunResult;
    jitter?: number[];
    sideBySide?: { speed?: number; overrides?: Record<string, number>; jitter?: number[] };
  } = {},
): ReportDocument {
  const b = fixtureBench(opts.speed ?? 1, opts.overrides ?? {}, opts.jitter);
  const side = opts.sideBySide ? fixtureBench(opts.sideBySide.speed ?? 1, opts.sideBySide.overrides ?? {}, opts.sideBySide.jitter) : undefined;
  return createReportDocument({
    run: opts.run ?? fixtureRun(),
    benchmarks: b.suites,
    calibration: b.calibration,
    quick: true,
    clock: 'cpu',
    runner: { time: 40, iterations: 2, warmupTime: 10, warmupIterations: 1, clock: 'cpu' },
    rounds: 5,
    ...(side ? { sideBySide: { commit: FIXTURE_COMMIT, calibration: side.calibration, suites: side.suites } } : {}),
    source: { commit: FIXTURE_COMMIT, dirty: false },
    generatedAt: '2026-11-25T00:00:00.000Z',
  });
}
