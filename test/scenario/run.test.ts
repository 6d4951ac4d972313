import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoadedScenario, runLoadedScenarioSync, runScenarioFile, simulateCellsSync } from '../../src/scenario/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { main } from '../../src/cli/index.ts';

import { join } from 'node:path';
import { tempDir } from '../helpers/temp-dir.ts';

const baseline = new URL('../../scenarios/baseline.yaml', import.meta.url).pathname;

test('shards partition the cells and each cell is identical to the unsharded run', async () => {
  const full = await runScenarioFile(baseline, { scale: 'quick' });
  const parts = await Promise.all([1, 2, 3].map((index) => runScenarioFile(baseline, { scale: 'quick', shard: { index, count: 3 } })));
  const ids = parts.flatMap((p) => p.cells.map((c) => c.id));
  assert.deepEqual([...ids].sort(), full.cells.map((c) => c.id).sort());
  for (const p of parts) {
    assert.equal(p.totalCells, full.cells.length);
    for (const c of p.cells) assert.equal(JSON.stringify(c), JSON.stringify(full.cells.find((x) => x.id === c.id)));
  }
  assert.equal(parts.reduce((n, p) => n + p.expectations.length, 0), full.expectations.length);
});

test('every cell of a run has a finite baseline ratio, a verdict and its expectations', async () => {
  const r = await runScenarioFile(baseline, { scale: 'quick', seed: 9 });
  assert.equal(r.scenario.seed, 9);
  for (const c of r.cells) {
    assert.ok(c.id.endsWith('/seed=9'));
    assert.equal(c.baselineRatio, 1, 'a no-adversary cell is its own baseline');
    assert.ok(['ok', 'degraded', 'starved', 'broken', 'insecure'].includes(c.verdict));
    assert.equal(r.expectations.filter((e) => e.cell === c.id).length, 3);
  }
  assert.ok(!/NaN|Infinity/.test(JSON.stringify(r)));
});

test('the progress line goes to stderr only on a TTY', async () => {
  let err = '';
  const code = await main(['node', 'entropy-bench', 'run', baseline, '--scale', 'quick', '--shard', '1/3', '--out', tempDir('eb-progress-')], {
    out: () => {},
    err: (s) => (err += s),
    isTTY: true,
  });
  assert.equal(code, 0);
  assert.match(err, /\[1\/2\] /);
});

test('the synchronous runner equals the pooled one, and simulateCellsSync is its cells before assessment', async () => {
  const loaded = loadScenario(baseline);
  const sync = runLoadedScenarioSync(loaded, { scale: 'quick' });
  const pooled = await runLoadedScenario(loaded, { scale: 'quick', jobs: 2 });
  assert.equal(JSON.stringify(sync), JSON.stringify(pooled));
  const progress: string[] = [];
  const cells = simulateCellsSync(loaded, { scale: 'quick', shard: { index: 1, count: 3 }, onProgress: (done, total, id) => progress.push(`${done}/${total} ${id}`) });
  const shardIds = (await runLoadedScenario(loaded, { scale: 'quick', shard: { index: 1, count: 3 } })).cells.map((c) => c.id);
  assert.deepEqual(cells.map((c) => c.id), shardIds);
  assert.deepEqual(progress, shardIds.map((id, i) => `${i + 1}/${shardIds.length} ${id}`));
  for (const c of cells) {
    const full = sync.cells.find((x) => x.id === c.id)!;
    assert.equal(JSON.stringify(c.metrics), JSON.stringify(full.metrics), `${c.id}: the same simulation`);
    assert.ok(c.streams.length > 0, `${c.id}: consumed streams not yet assessed`);
    assert.ok(full.quality.length > c.quality.length, `${c.id}: the full run appends the streams' assessments`);
  }
});
