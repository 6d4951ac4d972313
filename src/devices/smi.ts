/**
 * SMI cost model: an SMM entry from guest code (docs/model.md §4.4, §1.6, §3.7).
 *
 * SetVariable reaches SMM by writing APM_CNT (I/O port 0xB2): a userspace exit to QEMU,
 * which raises a *broadcast* SMI (every vCPU is kicked, KVM writes each state-save area and
 * switches it to SMM), the vCPUs rendezvous, the handler runs on one of them, and each vCPU
 * leaves with an emulated RSM. While the handler runs, every vCPU is in SMM (src/sim/vcpus.ts):
 * SMM time is stolen from all of them. One SMI is handled at a time.
 *
 * Cost (estimate, §4.4: "≈20–100 µs for ≤4 vCPUs, growing roughly linearly with vCPU count
 * through the rendezvous; no source found"):
 *   apm-exit-ns + vcpus × (entry-per-vcpu-ns + rendezvous-per-vcpu-ns) + handler + rsm-ns
 * = 10 + 4 × (5 + 5) + 5 = 55 µs plus the handler for 4 vCPUs with the defaults.
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { AccessContext } from './access.ts';
import { num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

export const APM_CNT_PORT = 0xb2;

export const SMI_PARAMS: ParamTable = [
  {
    name: 'apm-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'OUT 0xB2 (APM_CNT): userspace exit to QEMU on the calling vCPU.',
    source: 'estimate: docs/model.md §0 row 24 (userspace exit ≈5–15 µs), §1.6',
  },
  {
    name: 'entry-per-vcpu-ns',
    type: 'number',
    unit: 'ns',
    default: 5000,
    min: 0,
    description: 'KVM_SMI injection, kick and emulated SMM entry (state-save write), per vCPU.',
    source: 'estimate: docs/model.md §4.4 (per-SMI ≈20–100 µs for ≤4 vCPUs; no source found)',
  },
  {
    name: 'rendezvous-per-vcpu-ns',
    type: 'number',
    unit: 'ns',
    default: 5000,
    min: 0,
    description: 'SMM rendezvous (all processors check in), per vCPU.',
    source: 'estimate: docs/model.md §4.4 (grows roughly linearly with vCPU count)',
  },
  {
    name: 'rsm-ns',
    type: 'number',
    unit: 'ns',
    default: 5000,
    min: 0,
    description: 'Emulated RSM back to the interrupted code.',
    source: 'estimate: docs/model.md §4.4',
  },
];

export class SmiController {
  /** SMIs handled. */
  smis = 0;
  private readonly apmExitNs: number;
  private readonly entryNs: number;
  private readonly rsmNs: number;
  /** Depth of handlers running inside the current SMI (nested in-SMM calls add to it). */
  private depth = 0;
  /** The running handler already waited out the RSM (see `foldRsm`). */
  private rsmFolded = false;

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
  ) {
    this.apmExitNs = num(params, 'apm-exit-ns');
    this.entryNs = vcpus.count * (num(params, 'entry-per-vcpu-ns') + num(params, 'rendezvous-per-vcpu-ns'));
    this.rsmNs = num(params, 'rsm-ns');
  }

  /** Fixed cost of one SMI with an empty handler (ns). */
  get overheadNs(): number {
    return this.apmExitNs + this.entryNs + this.rsmNs;
  }

  /**
   * For a handler about to make its LAST wait and then return without yielding again:
   * returns the RSM time to add to that wait (and the SMI then does not wait for RSM
   * itself), or 0 inside a nested in-SMM call or if already folded. Whatever the handler
   * does right after that wait happens at the same instant as the RSM, still before any
   * other process runs, so nothing outside SMM can tell the difference.
   */
  foldRsm(): number {
    if (this.depth !== 1 || this.rsmFolded) return 0;
    this.rsmFolded = true;
    return this.rsmNs;
  }

  /**
   * `const r = yield* smi.trigger(ctx, function* (smm) { ... })`: the caller writes 0xB2,
   * every vCPU enters SMM, `handler` runs with an SMM AccessContext, then RSM. `leadNs` is
   * SMM time the handler spends first (fixed bookkeeping), charged with the entry.
   */
  *trigger<T>(ctx: AccessContext, handler: (smm: AccessContext) => Proc<T>, leadNs = 0): Proc<T> {
    if (ctx.privilege === 'smm') {
      // Already in SMM (an SMM driver calling another): no new SMI.
      if (leadNs > 0) yield leadNs;
      this.depth++;
      try {
        return yield* handler(ctx);
      } finally {
        this.depth--;
      }
    }
    yield* this.vcpus.execute(ctx, this.apmExitNs);
    if (!this.vcpus.smmLock.tryAcquire()) yield* this.vcpus.smmLock.acquire();
    const t0 = this.sim.now;
    this.vcpus.enterSmm();
    this.depth = 1;
    this.rsmFolded = false;
    try {
      // `leadNs`: the handler's fixed work before it touches anything (nothing observable
      // happens in between, so one wait covers entry + rendezvous + that work).
      yield this.entryNs + leadNs;
      const r = yield* handler({ privilege: 'smm', cpu: ctx.cpu, actor: ctx.actor });
      if (!this.rsmFolded) yield this.rsmNs;
      return r;
    } finally {
      this.depth = 0;
      this.rsmFolded = false;
      this.vcpus.exitSmm();
      this.vcpus.smmLock.release();
      this.smis++;
      this.metrics.count('smis');
      this.metrics.count('smm-time', this.sim.now - t0);
    }
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const SMI_COMPONENT: ComponentDef = {
  name: 'smi',
  description: 'the SMI controller (APM port 0xB2, all vCPUs rendezvous in SMM)',
  params: SMI_PARAMS,
  metrics: ['smis', 'smm-time'],
  produces: ['smi'],
  consumes: [],
};
