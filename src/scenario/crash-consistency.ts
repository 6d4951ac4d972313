/**
 * Crash consistency of a cell's SMM variable store (issue 14, "nothing lost" that can fail):
 * when a scenario asks for it (`crashConsistency: { cuts: N }`), every cell carries the result
 * of a seeded power-cut campaign (src/firmware/power-cut.ts: cuts at seeded points of the
 * pflash program/erase sequence of SetVariable calls and reclaims, reboot, edk2 recovery,
 * read-back) run on the cell's own pflash and SMM variable driver parameters (its design's
 * defaults plus the cell's overrides) and seeded with the cell's seed.
 *
 * The campaign depends only on those parameters, the seed and the campaign size, so cells that
 * share them share one campaign (the runner runs each distinct one once). pflash `secure` is left
 * out of the key: every flash write of the campaign comes from SMM, which `secure` never refuses.
 */
import { resolveAll } from '../designs/assemble.ts';
import { DEFAULT_POWER_CUT, workloadDeletes, type PowerCutOptions, type PowerCutResult } from '../firmware/power-cut.ts';
import type { DesignName } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';

/**
 * Every fifth call of a scenario's campaign workload is a delete (unless the scenario says
 * otherwise), so that cuts also land in a delete's header state change (UEFI §8.2: SetVariable
 * with DataSize 0; edk2 UpdateVariable marks the record deleted) besides writes and reclaims.
 */
export const DEFAULT_DELETE_EVERY = 5;

/** The scenario file's `crashConsistency` section. */
export interface CrashConsistencySpec {
  /** Seeded cut points per campaign. */
  cuts: number;
  /** SetVariable calls in the campaign's workload (default: DEFAULT_POWER_CUT.writes). */
  writes?: number;
  /** Every n-th call is a delete (DataSize 0); 0: none (default DEFAULT_DELETE_EVERY). */
  deleteEvery?: number;
}

/** What a cell reports: the campaign's size and store, then its counts (PowerCutResult). */
export type CrashConsistencyResult = {
  seed: number;
  writes: number;
  /** Of the writes, deletes (DataSize 0). */
  deletes: number;
  variables: number;
  storeBytes: number;
  blockBytes: number;
} & PowerCutResult;

/** What of a cell plan (./matrix.ts CellPlan) the campaign depends on. */
export interface CrashCell {
  design: DesignName;
  seed: number;
  vcpus: number;
  runtimeNs: number;
  overrides: Record<string, ParamValues>;
}

/** The campaign of one cell: its store parameters, its seed and the scenario's campaign size. */
export function crashCampaign(plan: CrashCell, spec: CrashConsistencySpec): PowerCutOptions {
  const params = resolveAll({ design: plan.design, seed: plan.seed, vcpus: plan.vcpus, params: plan.overrides, runtimeNs: plan.runtimeNs });
  return {
    ...DEFAULT_POWER_CUT,
    seed: plan.seed,
    cuts: spec.cuts,
    writes: spec.writes ?? DEFAULT_POWER_CUT.writes,
    deleteEvery: spec.deleteEvery ?? DEFAULT_DELETE_EVERY,
    pflash: { ...params['pflash']!, secure: true },
    smmVariable: { ...params['smm-variable']! },
  };
}

/** Cells whose campaigns have the same key get the same result. */
export function crashCampaignKey(o: PowerCutOptions): string {
  return JSON.stringify(o);
}

export function crashConsistencyResult(o: PowerCutOptions, r: PowerCutResult): CrashConsistencyResult {
  return { seed: o.seed, writes: o.writes, deletes: workloadDeletes(o), variables: o.variables, storeBytes: o.storeBytes, blockBytes: o.blockBytes, ...r };
}

/** True when nothing acknowledged was lost, nothing was half-visible and every store recovered. */
export function crashConsistent(r: PowerCutResult): boolean {
  return r.ackedLost === 0 && r.halfVisible === 0 && r.unreadable === 0;
}
