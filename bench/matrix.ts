/**
 * The headline experiment as a benchmark: the design-matrix scenario at quick
 * scale, in cells per second of wall time (one thread; `--jobs` scaling is
 * measured separately by running the CLI). Virtual-time results are
 * deterministic; only the wall time here varies between machines.
 *
 * `quick` (CI) times one sixth of the cells (shard 1/6: whole design groups are
 * dealt round-robin, so it is the first design, shared-virtio, with every adversary)
 * WITHOUT the scenario's crash-consistency campaign: the campaign (1000 seeded power
 * cuts, run once per distinct pflash/driver parameters, so once per shard whatever its
 * size) was ~80 % of a call (~5.9 s of it, measured), ~18 s per measuring process with
 * warm-up over the side-by-side rounds' 10 processes. The gate needs several fresh
 * processes, not long ones; the matrix's virtual-time results, campaign included, are
 * gated exactly by the bench's own design-matrix run, and the full bench times the
 * whole quick matrix with its campaign.
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
    const full = loadScenario(file);
    const { crashConsistency: _campaign, ...cellsOnly } = full.spec;
    const loaded = quick ? { ...full, spec: cellsOnly } : full;
    const shard = { index: 1, count: 6 };
    const cells = quick ? shardCells(expandCells(loaded, { scale: 'quick' }), shard).length : expandCells(loaded, { scale: 'quick' }).length;
    return [
      {
        name: quick ? 'design-matrix cells (quick, shard 1/6, no crash campaign, 1 thread)' : 'design-matrix (quick, 1 thread)',
        fn: () => runLoadedScenario(loaded, { scale: 'quick', ...(quick ? { shard } : {}) }),
        unitsPerCall: cells,
      },
    ];
  },
};
