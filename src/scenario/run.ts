/**
 * Running a scenario: load → expand the matrix → (shard) → run every cell, in
 * worker threads when `jobs > 1` → baseline ratios, verdicts, expectations.
 * The result depends only on the file and the seed: cells keep expansion order
 * whatever thread finished first, and nothing in the result reads the wall clock
 * (per-cell wall time goes to the `onCellTime` callback only), so the same
 * scenario + seed gives byte-identical JSON for any `jobs`.
 */
import { startWorkerPool } from '../workers/pool.ts';
import { InputError } from '../errors.ts';
import type { CellRun } from './cell.ts';
import { assessStreamTask, powerCutTask, runTimedCell, type TimedCellRun } from './worker.ts';
import type { PowerCutOptions, PowerCutResult } from '../firmware/power-cut.ts';
import { crashCampaign, crashCampaignKey, crashConsistencyResult, type CrashConsistencySpec } from './crash-consistency.ts';
import { streamKey, streamSha256, type StreamAssessment, type StreamToAssess } from '../quality/consumed.ts';
import { evaluateExpectation } from './expectation.ts';
import { loadScenario, type LoadedScenario } from './load.ts';
import { expandCells, shardCells, DEFAULT_SEED, type CellPlan } from './matrix.ts';
import type { QualityResult } from '../quality/result.ts';
import type { CellResult, CrashConsistencyResult, ExpectationOutcome, RunResult } from './result.ts';
import { cellVerdict, DEFAULT_THRESHOLDS } from './verdict.ts';

export interface RunOptions {
  seed?: number;
  jobs?: number;
  /** 1-based index of `count` deterministic slices. */
  shard?: { index: number; count: number };
  onProgress?: (done: number, total: number, cell: string) => void;
  /**
   * Wall-clock milliseconds each cell took to simulate (measured in the thread that ran it,
   * so queueing for a worker is not counted). Reported apart from the result, which stays
   * free of the clock; the report document keeps it in its wall-clock `timing` section.
   */
  onCellTime?: (cell: string, wallMs: number) => void;
  scale?: 'default' | 'quick';
}

export async function runScenarioFile(path: string, opts: RunOptions = {}): Promise<RunResult> {
  return runLoadedScenario(loadScenario(path), opts);
}

export async function runLoadedScenario(loaded: LoadedScenario, opts: RunOptions = {}): Promise<RunResult> {
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs: expected an integer ≥ 1, found ${jobs}`);
  const planned = planRun(loaded, opts);
  const crashSpec = loaded.spec.crashConsistency;
  const runs = jobs === 1 || planned.plans.length <= 1 ? runPlansInline(planned.plans, crashSpec, opts) : await runPlansPooled(planned.plans, crashSpec, jobs, opts);
  return assembleResult(loaded, opts, planned, runs);
}

/**
 * The same run in this thread, synchronously (`jobs` 1): what the instruction-count process
 * measures (bench/icount-kernels.ts can count only a call that does not await). Byte-identical
 * to `runLoadedScenario` with any `jobs`.
 */
export function runLoadedScenarioSync(loaded: LoadedScenario, opts: Omit<RunOptions, 'jobs'> = {}): RunResult {
  const planned = planRun(loaded, opts);
  return assembleResult(loaded, opts, planned, runPlansInline(planned.plans, loaded.spec.crashConsistency, opts));
}

/**
 * The cells of a run alone, in this thread: each cell's simulation, without what follows it
 * (the consumed streams' SP 800-22/90B assessments, the power-cut campaigns, verdicts). The
 * quick bench's matrix task (bench/matrix.ts): those parts are counted as kernels of their own.
 */
export function simulateCellsSync(loaded: LoadedScenario, opts: Omit<RunOptions, 'jobs'> = {}): CellRun[] {
  return simulateInline(planRun(loaded, opts).plans, opts);
}

/** What a run runs: the seed, the scale, every cell of the matrix and the ones this run (shard) runs. */
interface PlannedRun {
  seed: number;
  scale: 'default' | 'quick';
  all: CellPlan[];
  plans: CellPlan[];
}

function planRun(loaded: LoadedScenario, opts: RunOptions): PlannedRun {
  const seed = opts.seed ?? loaded.spec.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) throw new InputError(`--seed: expected an integer 0…4294967295, found ${seed}`);
  const scale = opts.scale ?? 'default';
  const all = expandCells(loaded, { seed, scale });
  let plans = all;
  if (opts.shard) {
    const { index, count } = opts.shard;
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
      throw new InputError(`--shard: expected k/n with 1 ≤ k ≤ n, found ${index}/${count}`);
    }
    plans = shardCells(all, opts.shard);
  }
  return { seed, scale, all, plans };
}

/** Baseline ratios, verdicts and expectations over the cells' runs, in expansion order. */
function assembleResult(loaded: LoadedScenario, opts: RunOptions, { seed, scale, all, plans }: PlannedRun, { runs, crash }: PlanRuns): RunResult {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const cells: CellResult[] = [];
  const expectations: ExpectationOutcome[] = [];
  plans.forEach((plan, i) => {
    const run = runs[i]!;
    const base = byId.get(plan.baselineId);
    const baseRate = base?.metrics.setVariable.perVirtualSecond ?? 0;
    const baselineRatio = base && baseRate > 0 ? run.metrics.setVariable.perVirtualSecond / baseRate : undefined;
    const { verdict, reasons } = cellVerdict(run.metrics, baselineRatio, run.quality, DEFAULT_THRESHOLDS, crash[i]);
    const cell: CellResult = {
      id: run.id,
      design: run.design,
      workloads: run.workloads,
      seed: run.seed,
      ...(run.runtimeNs !== undefined ? { runtimeNs: run.runtimeNs } : {}),
      ...(run.vcpus !== undefined ? { vcpus: run.vcpus } : {}),
      ...(run.overrides !== undefined ? { overrides: run.overrides } : {}),
      ...(run.baseline ? { baseline: true } : {}),
      metrics: run.metrics,
      ...(baselineRatio !== undefined ? { baselineRatio } : {}),
      verdict,
      verdictReasons: reasons,
      quality: run.quality,
      parametersUsed: run.parametersUsed,
      timeline: run.timeline,
      ...(run.series ? { series: run.series } : {}),
      ...(run.virtioRng ? { virtioRng: run.virtioRng } : {}),
      ...(crash[i] !== undefined ? { crashConsistency: crash[i] } : {}),
    };
    cells.push(cell);
    for (const e of plan.expectations) {
      expectations.push(
        evaluateExpectation(e, cell.id, {
          metrics: cell.metrics,
          quality: cell.quality,
          verdict,
          ...(baselineRatio !== undefined ? { baselineRatio } : {}),
          ...(cell.crashConsistency !== undefined ? { crash: cell.crashConsistency } : {}),
        }),
      );
    }
  });
  return {
    scenario: { name: loaded.spec.name, file: loaded.file, sha256: loaded.sha256, seed },
    cells,
    expectations,
    ...(opts.shard ? { shard: { index: opts.shard.index, count: opts.shard.count } } : {}),
    totalCells: all.length,
    scale,
  };
}

/** The cells' runs and, per cell, its crash-consistency result (when the scenario asks for one). */
interface PlanRuns {
  runs: CellRun[];
  crash: Array<CrashConsistencyResult | undefined>;
}

/** Reports each cell's wall time and the progress as it ends, and returns its run. */
function progressReporter(total: number, opts: RunOptions): (p: CellPlan, t: TimedCellRun) => CellRun {
  let done = 0;
  return (p, { run, wallMs }) => {
    opts.onCellTime?.(p.id, wallMs);
    opts.onProgress?.(++done, total, p.id);
    return run;
  };
}

/** Every cell's simulation in this thread, one after another, reporting progress as each ends. */
function simulateInline(plans: CellPlan[], opts: RunOptions): CellRun[] {
  const finished = progressReporter(plans.length, opts);
  return plans.map((p) => finished(p, runTimedCell(p)));
}

/** Every cell, stream assessment and campaign in this thread, one after another (progress as each cell ends). */
function runPlansInline(plans: CellPlan[], crashSpec: CrashConsistencySpec | undefined, opts: RunOptions): PlanRuns {
  const runs = simulateInline(plans, opts);
  const streams = distinctStreams(runs);
  const assessed = withAssessments(runs, streams, streams.entries.map(([, u]) => assessStreamTask(u.stream)));
  const campaigns = distinctCampaigns(plans, crashSpec);
  return { runs: assessed, crash: campaignResults(campaigns, campaigns.entries.map(([, o]) => powerCutTask(o))) };
}

/** The same work in a pool of `jobs` worker threads; results in expansion order whatever thread finished first. */
async function runPlansPooled(plans: CellPlan[], crashSpec: CrashConsistencySpec | undefined, jobs: number, opts: RunOptions): Promise<PlanRuns> {
  const finished = progressReporter(plans.length, opts);
  const workers = await startWorkerPool('scenario-cell-worker', Math.min(jobs, plans.length));
  const { pool } = workers;
  try {
    // Campaigns are queued first: each is one long task that overlaps the cells on the other threads.
    const campaigns = distinctCampaigns(plans, crashSpec);
    const cuts = Promise.all(campaigns.entries.map(async ([, o]) => (await pool.run(o, { name: 'powerCutTask' })) as PowerCutResult));
    const runs = await Promise.all(plans.map(async (p) => finished(p, (await pool.run(p)) as TimedCellRun)));
    const streams = distinctStreams(runs);
    const assessed = withAssessments(runs, streams, await Promise.all(streams.entries.map(async ([, u]) => (await pool.run(u.stream, { name: 'assessStreamTask' })) as StreamAssessment)));
    return { runs: assessed, crash: campaignResults(campaigns, await cuts) };
  } finally {
    await workers.close();
  }
}

/** Each distinct power-cut campaign of the cells (./crash-consistency.ts), to be run once, and each cell's campaign. */
interface Campaigns {
  perCell: Array<PowerCutOptions | undefined>;
  entries: Array<[string, PowerCutOptions]>;
}

function distinctCampaigns(plans: CellPlan[], spec: CrashConsistencySpec | undefined): Campaigns {
  if (spec === undefined) return { perCell: plans.map(() => undefined), entries: [] };
  const perCell = plans.map((p) => crashCampaign(p, spec));
  const unique = new Map<string, PowerCutOptions>();
  for (const o of perCell) unique.set(crashCampaignKey(o), o);
  return { perCell, entries: [...unique] };
}

/** Per cell, the result of its campaign (`results` in the order of `entries`). */
function campaignResults(c: Campaigns, results: PowerCutResult[]): Array<CrashConsistencyResult | undefined> {
  const byKey = new Map(c.entries.map(([key], i) => [key, results[i]!]));
  return c.perCell.map((o) => (o === undefined ? undefined : crashConsistencyResult(o, byKey.get(crashCampaignKey(o))!)));
}

/** Each distinct consumed stream, to be assessed once, and per run the key of each of its streams. */
interface Streams {
  entries: Array<[string, { stream: StreamToAssess }]>;
  keys: string[][];
}

/**
 * Assesses each distinct consumed stream once (cells whose source config and seed are the same
 * consumed the byte-identical stream: same SHA-256, kind and claim) and appends the result to
 * the quality of every cell that consumed it, after the cell's tap results. The assessment is a
 * pure function of the stream, so sharing it changes nothing but the time, whatever the jobs or
 * shard.
 */
function distinctStreams(runs: CellRun[]): Streams {
  const unique = new Map<string, { stream: StreamToAssess }>();
  const keys = runs.map((r) =>
    r.streams.map((s) => {
      const key = streamKey(s);
      if (!unique.has(key)) unique.set(key, { stream: { bytes: s.bytes, kind: s.kind, bitsPerSample: s.bitsPerSample, ...(s.claimedEntropyPerSample !== undefined ? { claimedEntropyPerSample: s.claimedEntropyPerSample } : {}) } });
      return key;
    }),
  );
  return { entries: [...unique], keys };
}

/** The runs with each stream's assessment (`assessed` in the order of `entries`) appended to the quality of every cell that consumed it. */
function withAssessments(runs: CellRun[], { entries, keys }: Streams, assessed: StreamAssessment[]): CellRun[] {
  const results = new Map<string, StreamAssessment>(entries.map(([key], i) => [key, assessed[i]!]));
  return runs.map((r, i) => {
    const extra: QualityResult[] = r.streams.map((s, j) => {
      const a = results.get(keys[i]![j]!)!;
      return {
        tap: s.name,
        consumer: s.consumer,
        source: s.source,
        ...a,
        reasons: [...a.reasons],
        stream: { sha256: streamSha256(s.bytes), producedInRun: s.producedInRun, consumedInRun: s.consumedInRun, drawnAfterRun: s.drawnAfterRun, keyedWrites: s.keyedWrites },
      };
    });
    const { streams: _bytes, ...rest } = r;
    return { ...rest, streams: [], quality: [...r.quality, ...extra] };
  });
}
