/**
 * Worker-thread entry for `--jobs > 1` (piscina runs this file through tsx):
 * one task = one cell plan → its CellRun. Same code path as jobs = 1, so the
 * results are identical.
 */
import { runCell, type CellRun } from './cell.ts';
import type { CellPlan } from './matrix.ts';

export default function runCellTask(plan: CellPlan): CellRun {
  return runCell(plan);
}
