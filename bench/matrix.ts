/**
 * The headline experiment as a benchmark: the design-matrix scenario at quick
 * scale, in cells per second of wall time (one thread; `--jobs` scaling is
 * measured separately by running the CLI). Virtual-time results are
 * deterministic; only the wall time here varies between machines.
 */
import { loadScenario } from '../src/scenario/load.ts';
import { expandCells } from '../src/scenario/matrix.ts';
import { runLoadedScenario } from '../src/scenario/run.ts';
import type { BenchSuite } from './suite.ts';

const file = new URL('../scenarios/design-matrix.yaml', import.meta.url).pathname;

export const suite: BenchSuite = {
  name: 'matrix',
  unit: 'cells/s',
  scale: 1,
  tasks: () => {
    const loaded = loadScenario(file);
    const cells = expandCells(loaded, { scale: 'quick' }).length;
    return [
      {
        name: 'design-matrix (quick, 1 thread)',
        fn: () => runLoadedScenario(loaded, { scale: 'quick' }),
        unitsPerCall: cells,
      },
    ];
  },
};
