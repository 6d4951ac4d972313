/**
 * The metric paths a scenario expectation may name (`setvariable.p99 < 5ms`),
 * each mapped onto a field of CellMetrics (src/metrics/types.ts) or of the cell
 * result. `smm.` is an accepted prefix for the SMM-side metrics, so
 * `smm.setvariable.p99` and `setvariable.p99` mean the same thing.
 */
import type { CellMetrics } from '../metrics/types.ts';
import type { CellVerdict, QualityResult } from './result.ts';
import { verdictRank } from './verdict.ts';

/** What an expectation is evaluated against. */
export interface MetricSource {
  metrics: CellMetrics;
  baselineRatio?: number;
  quality: QualityResult[];
  /** The cell's verdict (the 'verdict' metric compares ranks: ok < degraded < starved < broken < insecure). */
  verdict?: CellVerdict;
}

export interface MetricDef {
  /** 'time' values are ns and accept ns/us/ms/s units; 'ratio' accepts `%`; 'verdict' takes a verdict name (compared by rank). */
  kind: 'time' | 'count' | 'ratio' | 'rate' | 'verdict';
  description: string;
  get(s: MetricSource): number | undefined;
}

const M: Record<string, MetricDef> = {
  'setvariable.completed': { kind: 'count', description: 'SetVariable calls completed by the SMM variable driver', get: (s) => s.metrics.setVariable.completed },
  'setvariable.failed': { kind: 'count', description: 'SetVariable calls that failed (e.g. failed closed for lack of entropy)', get: (s) => s.metrics.setVariable.failed },
  'setvariable.rate': { kind: 'rate', description: 'SetVariable completions per virtual second of the runtime phase', get: (s) => s.metrics.setVariable.perVirtualSecond },
  'setvariable.ratio': { kind: 'ratio', description: "SetVariable/s relative to the same design's no-adversary cell", get: (s) => s.baselineRatio },
  'setvariable.samples': { kind: 'count', description: 'SetVariable latencies the percentiles are taken over', get: (s) => s.metrics.setVariable.latency.count },
  'setvariable.mean': { kind: 'time', description: 'mean SetVariable latency', get: (s) => s.metrics.setVariable.latency.meanNs },
  'setvariable.p50': { kind: 'time', description: 'median SetVariable latency', get: (s) => s.metrics.setVariable.latency.p50Ns },
  'setvariable.p99': { kind: 'time', description: '99th percentile SetVariable latency', get: (s) => s.metrics.setVariable.latency.p99Ns },
  'setvariable.max': { kind: 'time', description: 'longest SetVariable latency', get: (s) => s.metrics.setVariable.latency.maxNs },
  'starvation.total': { kind: 'time', description: 'total time SMM waited for entropy', get: (s) => s.metrics.starvation.totalNs },
  'starvation.longest': { kind: 'time', description: 'longest single SMM wait for entropy', get: (s) => s.metrics.starvation.longestNs },
  'quota.exhaustions': { kind: 'count', description: 'virtio-rng windows whose quota ran out with buffers queued', get: (s) => s.metrics.quotaExhaustionEvents },
  'isolation.violations': { kind: 'count', description: 'non-SMM accesses that obtained SMM-only data or wrote pflash', get: (s) => s.metrics.isolation.violations },
  'isolation.blocked': { kind: 'count', description: 'non-SMM accesses the devices refused', get: (s) => s.metrics.isolation.blockedAttempts },
  'ud.nonsmm': { kind: 'count', description: '#UD faults raised by RDRAND/RDSEED outside SMM', get: (s) => s.metrics.udFaults.nonSmm },
  'ud.smm': { kind: 'count', description: '#UD faults raised by RDRAND/RDSEED inside SMM', get: (s) => s.metrics.udFaults.smm },
  'tls.done': { kind: 'count', description: 'HTTPS-boot TLS handshakes completed', get: (s) => s.metrics.tls.done },
  'tls.denied': { kind: 'count', description: 'HTTPS-boot TLS handshakes refused for lack of entropy', get: (s) => s.metrics.tls.denied },
  'tls.degraded': { kind: 'count', description: 'HTTPS-boot TLS handshakes seeded from a degraded source', get: (s) => s.metrics.tls.degraded },
  'variables.checked': { kind: 'count', description: 'variables read back at the end of the run', get: (s) => s.metrics.variables.checked },
  'variables.ok': { kind: 'count', description: 'variables that read back intact', get: (s) => s.metrics.variables.ok },
  'variables.lost': { kind: 'count', description: 'variables that did not read back', get: (s) => s.metrics.variables.lost },
  'health.rct': { kind: 'count', description: 'Repetition Count Test alarms raised by devices', get: (s) => s.metrics.healthAlarms.rct },
  'health.apt': { kind: 'count', description: 'Adaptive Proportion Test alarms raised by devices', get: (s) => s.metrics.healthAlarms.apt },
  'health.alarms': { kind: 'count', description: 'RCT + APT alarms raised by devices', get: (s) => s.metrics.healthAlarms.rct + s.metrics.healthAlarms.apt },
  'fail-closed': { kind: 'count', description: 'SetVariable calls refused because the entropy source was in health alarm (smm.fail-closed)', get: (s) => s.metrics.smm?.failClosed ?? 0 },
  'degraded-setvariables': { kind: 'count', description: 'SetVariable calls keyed from the counter fallback (smm.degraded-setvariables)', get: (s) => s.metrics.smm?.degradedSetVariables ?? 0 },
  'keys.epochs': { kind: 'count', description: "DRBG instantiate/reseed epochs of the SMM variable driver", get: (s) => s.metrics.keys?.epochs ?? 0 },
  'keys.bad-epochs': { kind: 'count', description: 'epochs seeded from a declared low-entropy source or from bytes repeating earlier source output', get: (s) => s.metrics.keys?.badEpochs ?? 0 },
  'keys.bad-writes': { kind: 'count', description: 'SMM writes keyed from a bad epoch', get: (s) => s.metrics.keys?.badWrites ?? 0 },
  'keys.bad-share': { kind: 'ratio', description: 'share of SMM writes keyed from a bad epoch', get: (s) => s.metrics.keys?.badWriteShare ?? 0 },
  'keys.source-failures': { kind: 'count', description: 'times the SMM source entered the failed state (SP 800-90B §4.3/§4.4)', get: (s) => s.metrics.keys?.sourceFailures ?? 0 },
  'keys.startup-tests': { kind: 'count', description: 'start-up tests run to recover a failed SMM source', get: (s) => s.metrics.keys?.startupTests ?? 0 },
  'keys.fallback-seeds': { kind: 'count', description: 'epochs seeded from the declared fallback because the source failed or was not ready', get: (s) => s.metrics.keys?.fallbackSeeds ?? 0 },
  verdict: { kind: 'verdict', description: 'the cell verdict, compared by rank (ok < degraded < starved < broken < insecure)', get: (s) => (s.verdict === undefined ? undefined : verdictRank(s.verdict)) },
  smis: { kind: 'count', description: 'SMIs taken (smm.smis)', get: (s) => s.metrics.smm?.smis ?? 0 },
  'quality.failures': { kind: 'count', description: 'tapped streams whose quality verdict is fail', get: (s) => s.quality.filter((q) => q.verdict === 'fail').length },
  'quality.streams': { kind: 'count', description: 'streams SMM consumed whose quality tap (the source output, docs/model.md §7.5) was assessed', get: (s) => consumed(s).length },
  'quality.stream-passes': { kind: 'count', description: 'consumed streams whose quality verdict is pass', get: (s) => consumed(s).filter((q) => q.verdict === 'pass').length },
  'quality.stream-failures': { kind: 'count', description: 'consumed streams whose quality verdict is fail', get: (s) => consumed(s).filter((q) => q.verdict === 'fail').length },
  'quality.short-streams': {
    kind: 'count',
    description: 'consumed streams assessed on fewer than 10^6 bits (SP 800-22, conditioned streams) or 10^5 samples (SP 800-90B)',
    get: (s) => consumed(s).filter((q) => (q.entropy?.samples ?? 0) < 100_000 || (q.kind === 'conditioned' && (q.sts?.n ?? 0) < 1_000_000)).length,
  },
  'quality.health-alarms': { kind: 'count', description: 'SP 800-90B health alarms found by the quality layer on raw taps', get: (s) => s.quality.reduce((a, q) => a + (q.health ? q.health.rct.alarms + q.health.apt.alarms : 0), 0) },
};

/** Quality results of the streams SMM consumed (their long quality taps). */
function consumed(s: MetricSource): QualityResult[] {
  return s.quality.filter((q) => q.stream !== undefined);
}

export const METRICS: Readonly<Record<string, MetricDef>> = M;

/** Prefix of the per-consumer byte counters: `bytes.<consumer>`. */
export const BYTES_PREFIX = 'bytes.';

/** Resolves a metric path (accepting the `smm.` prefix and `bytes.<consumer>`), or undefined. */
export function lookupMetric(path: string): { path: string; def: MetricDef } | undefined {
  const p = path.startsWith('smm.') ? path.slice(4) : path;
  const def = M[p];
  if (def) return { path: p, def };
  if (p.startsWith(BYTES_PREFIX) && p.length > BYTES_PREFIX.length) {
    const consumer = p.slice(BYTES_PREFIX.length);
    return {
      path: p,
      def: { kind: 'count', description: `bytes obtained by ${consumer}`, get: (s) => s.metrics.bytesByConsumer[consumer] ?? 0 },
    };
  }
  return undefined;
}

/** Every valid metric path, for error messages and `list`. */
export function metricNames(): string[] {
  return [...Object.keys(M), `${BYTES_PREFIX}<consumer>`];
}
