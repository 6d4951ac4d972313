/**
 * Runs one planned cell: builds its workloads, runs the platform model for the
 * design, applies the quality layer to every tap, and returns the cell result
 * without the parts that need other cells (baseline ratio, verdict,
 * expectations; see run.ts). Pure function of the plan: the same plan gives
 * the same result in any thread.
 */
import { runPlatform } from '../designs/assemble.ts';
import { findWorkload } from '../workloads/index.ts';
import { assessTaps } from '../quality/index.ts';
import type { ConsumedStream } from '../taps/source-stream.ts';
import type { CellPlan } from './matrix.ts';
import type { CellResult } from './result.ts';

/**
 * A cell's result before verdicts, plus the quality taps of the streams SMM consumed, not yet
 * assessed: the runner assesses each distinct stream once per run (./run.ts).
 */
export type CellRun = Omit<CellResult, 'verdict' | 'verdictReasons' | 'baselineRatio'> & { streams: ConsumedStream[] };

export function runCell(plan: CellPlan): CellRun {
  const workloads = plan.workloads.map((w) => findWorkload(w.name)!.create(w.params));
  const r = runPlatform(
    { design: plan.design, seed: plan.seed, vcpus: plan.vcpus, params: plan.overrides, runtimeNs: plan.runtimeNs },
    workloads,
  );
  const quality = assessTaps(r.taps, plan.quality);
  return {
    id: plan.id,
    design: plan.design,
    workloads: plan.workloads,
    seed: plan.seed,
    runtimeNs: plan.runtimeNs,
    vcpus: plan.vcpus,
    overrides: plan.overrides,
    ...(plan.autoBaseline ? { baseline: true } : {}),
    metrics: r.metrics,
    quality,
    parametersUsed: r.parametersUsed,
    timeline: r.timeline,
    ...(r.series ? { series: r.series } : {}),
    ...(r.virtioRng ? { virtioRng: r.virtioRng } : {}),
    streams: r.streams ?? [],
  };
}
