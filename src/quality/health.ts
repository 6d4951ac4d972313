/**
 * SP 800-90B §4.4 continuous health tests (RCT §4.4.1, APT §4.4.2) run over a
 * raw tap after the fact, with cutoffs set from the entropy the design claims
 * for the source (a device that credits 8 bits/byte must survive the cutoffs for
 * H = 8: RCT C = 4, APT C = 13 over W = 512). A stuck or repeating source alarms
 * within its cutoff; an honest full-entropy source raises an alarm with
 * probability ≈ α = 2^−20 per sample window.
 *
 * @example
 * tapHealth(new Uint8Array(100), 8, 8) // rct cutoff 4, first alarm at sample 3 (the 4th equal value)
 */
import { HealthMonitor } from '../entropy/health/index.ts';
import type { HealthSummary } from './result.ts';

/** Runs RCT + APT over `samples` (one sample per byte, masked to `bitsPerSample`). */
export function tapHealth(samples: Uint8Array, bitsPerSample: number, entropyPerSample: number): HealthSummary {
  // Cutoffs need 0 < H ≤ bits per sample; clamp the claim into that range (a claim above the width is meaningless).
  const h = Math.min(Math.max(entropyPerSample, 1 / 64), bitsPerSample);
  const mask = bitsPerSample >= 8 ? 0xff : (1 << bitsPerSample) - 1;
  const m = new HealthMonitor({ entropyPerSample: h, binary: bitsPerSample === 1, maxRecordedAlarms: 1 });
  if (mask === 0xff) m.feedAll(samples);
  else m.feedAll(samples.map((b) => b & mask));
  const r = m.report();
  return {
    entropyPerSample: h,
    rct: { cutoff: r.rct.cutoff, alarms: r.rct.alarms, ...(r.rct.firstAlarmIndex >= 0 ? { firstAlarmAtSample: r.rct.firstAlarmIndex } : {}) },
    apt: {
      window: r.apt.window,
      cutoff: r.apt.cutoff,
      alarms: r.apt.alarms,
      ...(r.apt.firstAlarmIndex >= 0 ? { firstAlarmAtSample: r.apt.firstAlarmIndex } : {}),
    },
  };
}
