/**
 * The guest's vCPUs as simulation resources, and System Management Mode as a state of
 * ALL of them at once.
 *
 * Guest code that computes or busy-waits occupies its vCPU (`yield* vcpus.execute(ctx, ns)`);
 * two processes on the same vCPU run one after the other. QEMU broadcasts SMIs to every vCPU
 * (`x-smi-broadcast`, docs/model.md §1.6, §4.4), so while any SMI is being handled every vCPU is
 * in SMM: non-SMM work that overlaps an SMM episode finishes later by exactly the SMM time it
 * overlapped ("stolen" time), and non-SMM work cannot start while SMM is active. Only one SMM
 * episode runs at a time (`smmLock`); further SMIs wait for RSM.
 */
import { Resource, type Proc, type Sim, type SimEvent } from './sim.ts';

/**
 * What the vCPUs need to know about a piece of guest code: which vCPU it runs on and whether it
 * runs in SMM (privilege 'smm'). A device AccessContext (src/devices/access.ts) is one.
 */
export interface VcpuContext {
  readonly cpu: number;
  readonly privilege: string;
}

export class Vcpus {
  readonly cpus: Resource[];
  /** Serialises SMM episodes: one SMI is handled at a time (all vCPUs rendezvous in it). */
  readonly smmLock: Resource;
  /** True while every vCPU is in SMM. */
  inSmm = false;
  /** SMM episodes completed. */
  smmEpisodes = 0;
  private smmSince = 0;
  private smmAccumNs = 0;
  private smmExit: SimEvent<void> | null = null;

  constructor(
    readonly sim: Sim,
    readonly count: number,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`vcpus must be an integer ≥ 1, got ${count}`);
    this.cpus = Array.from({ length: count }, (_, i) => new Resource(sim, `vcpu${i}`));
    this.smmLock = new Resource(sim, 'smm');
  }

  /** Total virtual time all vCPUs have spent in SMM up to now (per vCPU; multiply by count for CPU-time). */
  smmTimeNs(): number {
    return this.smmAccumNs + (this.inSmm ? this.sim.now - this.smmSince : 0);
  }

  /** Pulls every vCPU into SMM (the SMI handler calls this once the rendezvous starts). */
  enterSmm(): void {
    if (this.inSmm) throw new Error('enterSmm: already in SMM');
    this.inSmm = true;
    this.smmSince = this.sim.now;
  }

  /** The event RSM fires, created only when some code waits for it (most SMIs have no waiter). */
  private rsmEvent(): SimEvent<void> {
    return (this.smmExit ??= this.sim.event<void>('rsm'));
  }

  /** RSM on every vCPU: non-SMM work resumes. */
  exitSmm(): void {
    if (!this.inSmm) throw new Error('exitSmm: not in SMM');
    this.smmAccumNs += this.sim.now - this.smmSince;
    this.inSmm = false;
    this.smmEpisodes++;
    const ev = this.smmExit;
    this.smmExit = null;
    ev?.succeed();
  }

  /** Waits until no SMM episode is active (guest code cannot observe anything while in SMM). */
  *untilNotInSmm(): Proc<void> {
    while (this.inSmm) yield this.rsmEvent();
  }

  /**
   * Runs `ns` of guest work on vCPU ctx.cpu. SMM code (privilege 'smm') is the SMM episode
   * itself and is not delayed; other code waits for its vCPU, then needs `ns` of non-SMM
   * time: any SMM episode overlapping the work pushes its end out by the overlap.
   */
  *execute(ctx: VcpuContext, ns: number): Proc<void> {
    if (ns <= 0) return;
    if (ctx.privilege === 'smm') {
      yield ns;
      return;
    }
    const cpu = this.cpus[((ctx.cpu % this.count) + this.count) % this.count]!;
    if (!cpu.tryAcquire()) yield* cpu.acquire();
    if (!this.inSmm) {
      // Fast path: run, then account for any SMM episode that overlapped.
      const t0 = this.sim.now;
      const s0 = this.smmTimeNs();
      yield ns;
      if (this.smmTimeNs() === s0 && !this.inSmm) {
        cpu.release();
        return;
      }
      let done = this.sim.now - t0 - (this.smmTimeNs() - s0);
      while (done < ns) {
        while (this.inSmm) yield this.rsmEvent();
        const t1 = this.sim.now;
        const s1 = this.smmTimeNs();
        yield ns - done;
        done += this.sim.now - t1 - (this.smmTimeNs() - s1);
      }
      cpu.release();
      return;
    }
    let done = 0;
    while (done < ns) {
      while (this.inSmm) yield this.rsmEvent();
      const t0 = this.sim.now;
      const s0 = this.smmTimeNs();
      yield ns - done;
      done += this.sim.now - t0 - (this.smmTimeNs() - s0);
    }
    cpu.release();
  }
}
