import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarioFile } from '../../src/scenario/run.ts';
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
