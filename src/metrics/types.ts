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

/** Why a DRBG reseed epoch of the SMM variable driver is bad (src/firmware/key-provenance.ts). */
export type EpochFlaw = 'unsafe-source' | 'repeats-earlier-output';

/**
 * Key provenance of the SMM writes and what the driver did about source health
 * (SP 800-90B §4.3/§4.4: an alarm fails the source until a start-up test passes).
 */
export interface KeyProvenanceSummary {
  /** DRBG instantiate/reseed epochs, and those judged bad. */
  epochs: number;
  badEpochs: number;
  /** Successful writes, and those keyed from a bad epoch. */
  writes: number;
  badWrites: number;
  /** badWrites / writes (0 without writes). */
  badWriteShare: number;
  /** Bad writes by flaw (a write whose epoch has two flaws counts under both). */
  badWritesByFlaw: Record<EpochFlaw, number>;
  /** Times the source entered the failed state (a health alarm while it was healthy). */
  sourceFailures: number;
  /** Start-up tests run to recover a failed source, and how many passed. */
  startupTests: number;
  startupPasses: number;
  /** Entropy requests refused (fail closed) because the source was failed or alarmed. */
  failClosed: number;
  /** Epochs seeded from the declared fallback because the source failed or was not ready. */
  fallbackSeeds: number;
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
  /** Key provenance of the SMM variable driver's writes (absent in reports made before it existed). */
  keys?: KeyProvenanceSummary;
}
