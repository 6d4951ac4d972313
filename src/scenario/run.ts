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
  const { runs, crash } = await runPlans(plans, loaded.spec.crashConsistency, opts.jobs ?? 1, opts.onProgress, opts.onCellTime);
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

/** Runs cells, stream assessments and power-cut campaigns, in this thread or in a pool of `jobs` worker threads. */
interface Executor {
  cell(p: CellPlan): Promise<TimedCellRun>;
  stream(s: StreamToAssess): Promise<StreamAssessment>;
  powerCuts(o: PowerCutOptions): Promise<PowerCutResult>;
}

/** The cells' runs and, per cell, its crash-consistency result (when the scenario asks for one). */
interface PlanRuns {
  runs: CellRun[];
  crash: Array<CrashConsistencyResult | undefined>;
}

async function runPlans(
  plans: CellPlan[],
  crashSpec: CrashConsistencySpec | undefined,
  jobs: number,
  onProgress: RunOptions['onProgress'],
  onCellTime: RunOptions['onCellTime'],
): Promise<PlanRuns> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs: expected an integer ≥ 1, found ${jobs}`);
  const total = plans.length;
  let done = 0;
  const finished = (p: CellPlan, { run, wallMs }: TimedCellRun): CellRun => {
    onCellTime?.(p.id, wallMs);
    onProgress?.(++done, total, p.id);
    return run;
  };
  if (jobs === 1 || total <= 1) {
    // One after another, reporting progress as each cell ends.
    const runs = plans.map((p) => finished(p, runTimedCell(p)));
    const ex: Executor = { cell: async (p) => runTimedCell(p), stream: async (s) => assessStreamTask(s), powerCuts: async (o) => powerCutTask(o) };
    const assessed = await assessStreams(runs, ex);
    return { runs: assessed, crash: await runCampaigns(plans, crashSpec, ex) };
  }
  const work = async (ex: Executor): Promise<PlanRuns> => {
    // Campaigns are queued first: each is one long task that overlaps the cells on the other threads.
    const crash = runCampaigns(plans, crashSpec, ex);
    const runs = await Promise.all(plans.map(async (p) => finished(p, await ex.cell(p))));
    return { runs: await assessStreams(runs, ex), crash: await crash };
  };
  const workers = await startWorkerPool('scenario-cell-worker', Math.min(jobs, total));
  const { pool } = workers;
  try {
    return await work({
      cell: async (p) => (await pool.run(p)) as TimedCellRun,
      stream: async (st) => (await pool.run(st, { name: 'assessStreamTask' })) as StreamAssessment,
      powerCuts: async (o) => (await pool.run(o, { name: 'powerCutTask' })) as PowerCutResult,
    });
  } finally {
    await workers.close();
  }
}

/** Runs each distinct power-cut campaign of the cells once (./crash-consistency.ts); per cell its result. */
async function runCampaigns(plans: CellPlan[], spec: CrashConsistencySpec | undefined, ex: Executor): Promise<Array<CrashConsistencyResult | undefined>> {
  if (spec === undefined) return plans.map(() => undefined);
  const campaigns = plans.map((p) => crashCampaign(p, spec));
  const unique = new Map<string, PowerCutOptions>();
  for (const o of campaigns) unique.set(crashCampaignKey(o), o);
  const entries = [...unique];
  const results = await Promise.all(entries.map(([, o]) => ex.powerCuts(o)));
  const byKey = new Map(entries.map(([key], i) => [key, results[i]!]));
  return campaigns.map((o) => crashConsistencyResult(o, byKey.get(crashCampaignKey(o))!));
}

/**
 * Assesses each distinct consumed stream once (cells whose source config and seed are the same
 * consumed the byte-identical stream: same SHA-256, kind and claim) and appends the result to
 * the quality of every cell that consumed it, after the cell's tap results. The assessment is a
 * pure function of the stream, so sharing it changes nothing but the time, whatever the jobs or
 * shard.
 */
async function assessStreams(runs: CellRun[], ex: Executor): Promise<CellRun[]> {
  const unique = new Map<string, { stream: StreamToAssess }>();
  const keys = runs.map((r) =>
    r.streams.map((s) => {
      const key = streamKey(s);
      if (!unique.has(key)) unique.set(key, { stream: { bytes: s.bytes, kind: s.kind, bitsPerSample: s.bitsPerSample, ...(s.claimedEntropyPerSample !== undefined ? { claimedEntropyPerSample: s.claimedEntropyPerSample } : {}) } });
      return key;
    }),
  );
  const entries = [...unique];
  const assessed = await Promise.all(entries.map(([, u]) => ex.stream(u.stream)));
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
