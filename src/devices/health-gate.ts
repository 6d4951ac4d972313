/**
 * The SP 800-90B §4.4 continuous health tests (RCT §4.4.1 + APT §4.4.2) as a component
 * runs them on the entropy bytes it handles: set up from the component's `health-tests`
 * and `claimed-entropy` parameters, fed every delivered byte, their new alarms added to
 * the run's metrics. The host source and the SMM variable driver both gate their bytes
 * this way; an alarm means the bytes must not be used (§4.4).
 */
import { AdaptiveProportionTest } from '../entropy/health/adaptive-proportion.ts';
import { RepetitionCountTest } from '../entropy/health/repetition-count.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import { bool, num } from '../params/get.ts';
import type { ParamValues } from '../params/spec.ts';

export interface ByteHealthTests {
  rct: RepetitionCountTest;
  apt: AdaptiveProportionTest;
}

/** RCT + APT at H = `claimed-entropy` bits/byte, or null when `health-tests` is off. */
export function byteHealthTests(params: ParamValues): ByteHealthTests | null {
  if (!bool(params, 'health-tests')) return null;
  const h = num(params, 'claimed-entropy');
  return { rct: new RepetitionCountTest({ entropyPerSample: h }), apt: new AdaptiveProportionTest({ entropyPerSample: h }) };
}

/** Feeds `bytes` to both tests, adds their new alarms to `metrics`; true when either alarmed. */
export function feedHealthTests(
  rct: RepetitionCountTest,
  apt: AdaptiveProportionTest,
  bytes: Uint8Array,
  metrics: Pick<MetricsCollector, 'count'>,
): boolean {
  const r0 = rct.alarms;
  const a0 = apt.alarms;
  rct.feedAll(bytes);
  apt.feedAll(bytes);
  const dr = rct.alarms - r0;
  const da = apt.alarms - a0;
  metrics.count('health.rct', dr);
  metrics.count('health.apt', da);
  return dr + da > 0;
}
