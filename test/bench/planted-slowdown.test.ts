import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plantedSlowdowns } from '../../bench/suite.ts';

test('plantedSlowdowns: entries split at the comma after =factor, so a task name may contain commas', () => {
  assert.deepEqual([...plantedSlowdowns(undefined)], []);
  assert.deepEqual([...plantedSlowdowns('drbg/ctr-aes256-4k=1.1')], [['drbg/ctr-aes256-4k', 1.1]]);
  assert.deepEqual(
    [...plantedSlowdowns('drbg/ctr-aes256-4k=1.1, matrix/design-matrix cells (quick, shard 1/6, simulation only, 1 thread)=1.5,sts/Rank = 2')],
    [
      ['drbg/ctr-aes256-4k', 1.1],
      ['matrix/design-matrix cells (quick, shard 1/6, simulation only, 1 thread)', 1.5],
      ['sts/Rank', 2],
    ],
  );
  assert.throws(() => plantedSlowdowns('sts/Rank'), /expected suite\/task=factor \(factor ≥ 1\), found 'sts\/Rank'/);
  assert.throws(() => plantedSlowdowns('sts/Rank=0.9'), /found 'sts\/Rank=0\.9'/);
  assert.throws(() => plantedSlowdowns('sts/Rank=fast,sts/FFT=1.1'), /found 'sts\/Rank=fast'/);
  assert.throws(() => plantedSlowdowns('=1.1'), /found '=1\.1'/);
});
