import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniformityNote } from '../../src/report/charts/sts-pvalue-histogram.ts';

const level = (k: number) => new Array<number>(10).fill(k / 10);

test('§4.2.2 panel titles: P_T only where the check applies', () => {
  // 100 streams of 10^6 bits, one Frequency P-value each, level counts: χ² = 0 → P_T = 1.
  assert.equal(uniformityNote('Frequency', 100, 100, 1e6, level(100)), ', P_T = 1');
  // Below 55 P-values §4.2.2 gives no P_T at all.
  assert.equal(uniformityNote('Frequency', 42, 42, 1e6, level(40)), '');
  // 148 templates × 42 streams pooled: correlated sub-tests of the same streams (the example report
  // printed P_T = 6.04e-232 for such a pool of passing taps).
  assert.equal(uniformityNote('NonOverlappingTemplate', 6216, 42, 4096, level(6210)), ', P_T n/a: several sub-tests per stream pooled');
  // 1000 streams of 1000 bits: Frequency's P-values have atoms, the check would reject perfect data.
  assert.equal(uniformityNote('Frequency', 1000, 1000, 1000, level(1000)), ', P_T n/a: discrete P-values at n = 1000');
});
