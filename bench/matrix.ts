/**
 * The headline experiment as a benchmark: the design-matrix scenario at quick
 * scale, in cells per second of wall time (one thread; `--jobs` scaling is
 * measured separately by running the CLI). Virtual-time results are
 * deterministic; only the wall time here varies between machines.
 *
 * `quick` (CI) times one quarter of the cells (shard 1/4: whole design groups
 * dealt round-robin, so every design kind is still in it): the whole quick matrix
 * takes ~1.5 s per call, and the gate needs several fresh processes, not long ones.
 */
import { loadScenario } from '../src/scenario/load.ts';
import { expandCells, shardCells } from '../src/scenario/matrix.ts';
import { runLoadedScenario } from '../src/scenario/run.ts';
import type { BenchSuite } from './suite.ts';

const file = new URL('../scenarios/design-matrix.yaml', import.meta.url).pathname;

export const suite: BenchSuite = {
  name: 'matrix',
  unit: 'cells/s',
  scale: 1,
  tasks: ({ quick }) => {
    const loaded = loadScenario(file);
    const shard = { index: 1, count: 4 };
    const cells = quick ? shardCells(expandCells(loaded, { scale: 'quick' }), shard).length : expandCells(loaded, { scale: 'quick' }).length;
    return [
      {
        name: quick ? 'design-matrix (quick, shard 1/4, 1 thread)' : 'design-matrix (quick, 1 thread)',
        fn: () => runLoadedScenario(loaded, { scale: 'quick', ...(quick ? { shard } : {}) }),
        unitsPerCall: cells,
      },
    ];
  },
};
