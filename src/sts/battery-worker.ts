/**
 * Worker-thread entry for `runBattery` with jobs > 1 (piscina loads this file
 * through tsx): runs the chosen tests on one stream and returns the results.
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import { runTests, type StreamTask } from './battery.ts';
import type { TestResult } from './types.ts';

export default function runStream(task: StreamTask): TestResult[] {
  return runTests(new BitSequence(task.words, task.n), task.tests, task.params);
}
