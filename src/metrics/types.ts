/**
 * The metrics one simulated run (one scenario cell) produces. This is the
 * contract between the platform model (src/sim, devices, firmware, designs),
 * the scenario runner (src/scenario) and the report (src/report): the model
 * fills it, the runner checks expectations against it, the report renders it.
 *
 * All times are virtual nanoseconds unless the name says otherwise; every
 * field is a finite number (a report never shows NaN: an empty latency sample
 * has count 0 and zeros elsewhere).
 */

export interface LatencySummary {
  count: number;
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
}

export interface CellMetrics {
  /** Virtual time the run covered. */
  virtualDurationNs: number;
  /** SMM variable driver, SetVariable calls that reached SMM. */
  setVariable: {
    completed: number;
    failed: number;
    /** completed per virtual second of the runtime phase. */
    perVirtualSecond: number;
    latency: LatencySummary;
  };
  /** Total time SMM spent waiting for entropy (stalls), and the longest single wait. */
  starvation: { totalNs: number; longestNs: number };
  /** virtio-rng windows in which the quota reached zero with buffers still queued. */
  quotaExhaustionEvents: number;
  /** Bytes of entropy obtained, keyed by consumer name (e.g. 'smm-variable', 'drainer', 'os-hwrng'). */
  bytesByConsumer: Record<string, number>;
  /** A non-SMM actor obtained SMM-device bytes or SMRAM contents, or wrote pflash: violations. Refused tries: blockedAttempts. */
  isolation: { violations: number; blockedAttempts: number };
  /** #UD raised by RDRAND/RDSEED, split by who executed it. */
  udFaults: { nonSmm: number; smm: number };
  /** HTTPS-boot TLS handshakes. */
  tls: { done: number; denied: number; degraded: number };
  /** End-of-run read-back of every variable written: ok + lost = checked. */
  variables: { checked: number; ok: number; lost: number };
  /** Continuous health-test alarms (SP 800-90B §4.4) raised by devices, by test. */
  healthAlarms: { rct: number; apt: number };
  /** Simulation events processed (for events/s in bench/). */
  events: number;
  /**
   * SMM accounting (platform extension): SMIs taken, total virtual time all vCPUs spent in SMM,
   * SetVariable calls served from the counter fallback (policy 'degrade') and refused because
   * the source's health tests were in alarm (fail closed).
   */
  smm?: { smis: number; timeNs: number; degradedSetVariables: number; failClosed: number };
}
