/**
 * Worker-thread entry for `runBattery` with jobs > 1 (piscina loads this file
 * bundled, ../workers/worker-code.ts): runs the chosen tests on one stream (its words
 * in a SharedArrayBuffer) and returns the results.
 * An InputError (e.g. a parameter combination a test refuses) is returned as
 * data, because errors crossing the thread boundary lose their class.
 */
import { BitSequence } from '../bits/bit-sequence.ts';
import { isInputError } from '../errors.ts';
import { runTests, type StreamTask, type WorkerReply } from './battery.ts';

export default function runStream(task: StreamTask): WorkerReply {
  try {
    return { results: runTests(new BitSequence(task.words, task.n), task.tests, task.params) };
  } catch (e) {
    if (isInputError(e)) return { inputError: e.message };
    throw e;
  }
}
