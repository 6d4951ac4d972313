/**
 * Who is touching a device. Every device access carries an AccessContext and the device
 * alone decides what that privilege may do (QEMU's MemTxAttrs: `attrs.secure` = "CPU in
 * SMM" on x86, docs/model.md §1.5).
 */
export type Privilege = 'smm' | 'firmware' | 'third-party' | 'os';

export interface AccessContext {
  privilege: Privilege;
  /** vCPU index the access runs on. */
  cpu: number;
  /** Who is acting, e.g. 'smm-variable', 'virtio-drain', 'os-hwrng' (the consumer name in metrics). */
  actor: string;
}

export const PRIVILEGES: readonly Privilege[] = ['smm', 'firmware', 'third-party', 'os'];

/** The same actor on the same vCPU, running in SMM (after an SMI). */
export function inSmm(ctx: AccessContext, actor = ctx.actor): AccessContext {
  return { privilege: 'smm', cpu: ctx.cpu, actor };
}
