/**
 * Helpers shared by workloads: access contexts and paced loops in virtual time.
 */
import type { AccessContext, Privilege } from '../devices/access.ts';

export function ctxOf(privilege: Privilege, cpu: number, actor: string): AccessContext {
  return { privilege, cpu, actor };
}

/** Interval in ns between operations at `perSecond` (0 = flat out → 0). */
export function intervalNs(perSecond: number): number {
  return perSecond > 0 ? Math.round(1e9 / perSecond) : 0;
}
