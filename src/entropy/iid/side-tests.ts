/**
 * The IID track's tests other than the permutation rounds: the chi-square tests (SP 800-90B
 * §5.2.1–5.2.2) and the longest-repeated-substring test (§5.2.5), one function so that
 * permutation-runner.ts can run them in this thread (one job) or as a task of its worker
 * pool (./permutation-worker.ts) while the other worker computes rounds.
 */
import { chiSquareTests, type ChiSquareTests } from './chi-square.ts';
import { lrsTest, type LrsTestResult } from './lrs-test.ts';

export interface IidSideTests {
  chiSquare: ChiSquareTests;
  lrs: LrsTestResult;
}

export function iidSideTests(symbols: Uint8Array, k: number): IidSideTests {
  return { chiSquare: chiSquareTests(symbols, k), lrs: lrsTest(symbols, k) };
}
