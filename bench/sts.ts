/**
 * SP 800-22 battery throughput (Mbit/s) on the first 10^6 bits of data.e.
 *
 * One task per test (reference defaults, through the registry) and one for the
 * whole 15-test battery. The product's bar: the battery in ≤ 0.08 s of one core
 * per 10^6-bit stream, i.e. the 'battery' task ≥ 12.5 Mbit/s. Every test of the
 * battery is O(n) except the FFT (O(n log n)); the heavy ones (templates,
 * Serial, ApEn, excursions, linear complexity) work on packed words.
 *
 * `quick` only shortens the measuring time (runSuite); the input stays 10^6 bits
 * so the figures are comparable with the bar.
 */
import { fileURLToPath } from 'node:url';
import { readBits } from '../src/bits/read.ts';
import type { BitSequence } from '../src/bits/bit-sequence.ts';
import { runTests } from '../src/sts/battery.ts';
import { STS_REGISTRY } from '../src/sts/registry.ts';
import { STS_TEST_NAMES } from '../src/sts/types.ts';
import type { BenchSuite, BenchTask } from './suite.ts';

const N = 1_000_000;
const DATA_E = fileURLToPath(new URL('../test/fixtures/nist-sts/data.e', import.meta.url));

let bits: BitSequence | undefined;

export const suite: BenchSuite = {
  name: 'sts',
  unit: 'Mbit/s',
  scale: 1e6,
  setup: () => {
    bits ??= readBits(DATA_E, 'ascii', N);
  },
  tasks: () => {
    const input = bits;
    if (!input) throw new Error('bench sts: setup() did not run');
    const tasks: BenchTask[] = STS_REGISTRY.map((spec) => ({
      name: spec.name,
      fn: () => spec.run(input),
      unitsPerCall: input.length,
    }));
    tasks.push({ name: 'battery', fn: () => runTests(input, STS_TEST_NAMES), unitsPerCall: input.length });
    return tasks;
  },
};
