/**
 * SP 800-90B §4.4 continuous health tests: Repetition Count (§4.4.1), Adaptive
 * Proportion (§4.4.2), their cutoffs, and a monitor that runs both over one stream.
 */
export { RepetitionCountTest, type RepetitionCountOptions } from './repetition-count.ts';
export { AdaptiveProportionTest, type AdaptiveProportionOptions } from './adaptive-proportion.ts';
export {
  HealthMonitor,
  type HealthMonitorOptions,
  type HealthAlarm,
  type HealthReport,
  type HealthTestName,
  type HealthTestSummary,
} from './health-monitor.ts';
export {
  rctCutoff,
  aptCutoff,
  critBinomUpper,
  DEFAULT_ALPHA_EXPONENT,
  APT_WINDOW_BINARY,
  APT_WINDOW_NON_BINARY,
} from './cutoffs.ts';
