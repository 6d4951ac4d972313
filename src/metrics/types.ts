/**
 * The metrics one simulated run (one scenario cell) produces. This is the
 * contract between the platform model (src/sim, devices, firmware, designs),
 * the scenario runner (src/scenario) and the report (src/report): the model
 * fills it, the runner checks expectations against it, the report renders it.
 * The shape is derived from the metric table (./table.ts); this file names its parts.
 */
import type { CellMetrics } from './table.ts';

export type { CellMetrics, EpochFlaw, LatencySummary } from './table.ts';

/**
 * Key provenance of the SMM writes and what the driver did about source health
 * (SP 800-90B §4.3/§4.4: an alarm fails the source until a start-up test passes).
 */
export type KeyProvenanceSummary = NonNullable<CellMetrics['keys']>;
