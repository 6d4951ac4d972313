/**
 * SP 800-90B §4.4 health tests: throughput of the Repetition Count and Adaptive
 * Proportion tests over sample buffers (Msamples/s). The bar is ≥ 100 Msamples/s for
 * RCT + APT together on one core ("rct+apt" tasks).
 */
import { AdaptiveProportionTest, HealthMonitor, RepetitionCountTest } from '../src/entropy/health/index.ts';
import type { BenchSuite } from './suite.ts';

let bytes: Uint8Array = new Uint8Array(0);
let bits: Uint8Array = new Uint8Array(0);

/** Seeded xorshift32 samples masked to `width` bits. */
function samples(n: number, seed: number, width: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  const mask = (1 << width) - 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x >>> 11) & mask;
  }
  return out;
}

export const suite: BenchSuite = {
  name: 'health',
  unit: 'Msamples/s',
  scale: 1e6,
  setup: ({ quick }) => {
    const n = quick ? 1 << 20 : 1 << 23;
    bytes = samples(n, 0x9e3779b9, 8);
    bits = samples(n, 0x85ebca6b, 1);
  },
  tasks: () => {
    // Fresh objects per call are cheap (the cutoff is computed once per construction,
    // outside the hot loop); keeping them across calls would measure the same thing.
    const rct8 = new RepetitionCountTest({ entropyPerSample: 4 });
    const apt8 = new AdaptiveProportionTest({ entropyPerSample: 4 });
    const mon8 = new HealthMonitor({ entropyPerSample: 4 });
    const mon1 = new HealthMonitor({ entropyPerSample: 0.5, binary: true });
    return [
      { name: 'rct 8-bit', fn: () => rct8.feedAll(bytes), unitsPerCall: bytes.length },
      { name: 'apt 8-bit', fn: () => apt8.feedAll(bytes), unitsPerCall: bytes.length },
      { name: 'rct+apt 8-bit', fn: () => mon8.feedAll(bytes), unitsPerCall: bytes.length },
      { name: 'rct+apt 1-bit', fn: () => mon1.feedAll(bits), unitsPerCall: bits.length },
    ];
  },
};
