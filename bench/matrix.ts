/**
 * The headline experiment as a benchmark: the design-matrix scenario at quick
 * scale, in cells per second of wall time (one thread; `--jobs` scaling is
 * measured separately by running the CLI). Virtual-time results are
 * deterministic; only the wall time here varies between machines.
 *
 * `quick` (CI) times one sixth of the cells (shard 1/6: whole design groups are
 * dealt round-robin, so it is the first design, shared-virtio, with every adversary
 * and its crash-consistency campaign). A quarter (two designs) cost ~6.2 s per call,
 * ~19 s per measuring process with warm-up, 3.1 of CI's ~14 min over the 10
 * processes of the side-by-side rounds; the gate needs several fresh processes, not
 * long ones, and the matrix's virtual-time results are gated exactly anyway.
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
    const shard = { index: 1, count: 6 };
    const cells = quick ? shardCells(expandCells(loaded, { scale: 'quick' }), shard).length : expandCells(loaded, { scale: 'quick' }).length;
    return [
      {
        name: quick ? 'design-matrix (quick, shard 1/6, 1 thread)' : 'design-matrix (quick, 1 thread)',
        fn: () => runLoadedScenario(loaded, { scale: 'quick', ...(quick ? { shard } : {}) }),
        unitsPerCall: cells,
      },
    ];
  },
};
