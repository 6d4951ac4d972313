/**
 * Worker-thread entry for `--jobs > 1` (piscina runs this file through tsx):
 * one task = one cell plan → its CellRun and the wall time it took in this
 * thread; after all cells, one task per distinct consumed stream → its assessment. The sequential path (jobs = 1) calls the same `runTimedCell`, so the
 * results are identical; the time travels beside the result, never inside it.
 */
import { assessConsumedStream, type StreamAssessment, type StreamToAssess } from '../quality/consumed.ts';
import { runPowerCuts, type PowerCutOptions, type PowerCutResult } from '../firmware/power-cut.ts';
import { runCell, type CellRun } from './cell.ts';
import type { CellPlan } from './matrix.ts';

export interface TimedCellRun {
  run: CellRun;
  wallMs: number;
}

export function runTimedCell(plan: CellPlan): TimedCellRun {
  const t0 = performance.now();
  const run = runCell(plan);
  return { run, wallMs: performance.now() - t0 };
}

export default function runCellTask(plan: CellPlan): TimedCellRun {
  return runTimedCell(plan);
}

/** Second kind of task (piscina `name: 'assessStreamTask'`): one distinct consumed stream → its assessment. */
export function assessStreamTask(s: StreamToAssess): StreamAssessment {
  return assessConsumedStream(s);
}

/** Third kind of task (piscina `name: 'powerCutTask'`): one distinct power-cut campaign → its result. */
export function powerCutTask(o: PowerCutOptions): PowerCutResult {
  return runPowerCuts(o);
}
