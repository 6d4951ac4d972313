/**
 * A workload is guest software (or a host-side condition) that runs beside the
 * firmware in one scenario cell: adversaries that drain, hammer or probe, and the
 * background SMM load (variable-churn) whose throughput every cell measures.
 *
 * Each definition declares its parameter table (QEMU property-table style, the
 * same ParamSpec the devices use) so the scenario schema, the defaults and
 * `entropy-bench list` are derived from one place.
 */
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { Workload } from '../designs/platform.ts';

export interface WorkloadDef {
  name: string;
  description: string;
  /**
   * 'background': legitimate load present in every cell (does not make a cell an
   * adversary cell); 'adversary': less-privileged code acting against SMM;
   * 'fault': a host-side condition (applied as component parameter overrides).
   */
  role: 'background' | 'adversary' | 'fault';
  params: ParamTable;
  /** Builds the workload from resolved values (every param of `params` present). */
  create(values: ParamValues): Workload;
  /**
   * Component parameter overrides this workload imposes on the platform (host
   * faults are changes of the host source / RDRAND unit, not guest processes).
   * Applied on top of the scenario's own overrides.
   */
  platformOverrides?(values: ParamValues): Record<string, ParamValues>;
}
