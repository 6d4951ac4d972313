/**
 * SMRAM as q35's TSEG (docs/model.md §1.6, §0 row 39): memory at the top of low RAM that only
 * SMM can reach; a non-SMM access hits a "blackhole" (reads return all-ones, writes are
 * dropped). The SMM variable driver keeps its DRBG state and its keys here. Backing pages
 * are allocated lazily, so a 16 MiB TSEG costs nothing until used.
 *
 * The blackhole exists only while ESMRAMC.T_EN is set (QEMU hw/pci-host/q35.c
 * mch_update_smram sizes it 0 otherwise), and ESMRAMC is an MCH config register any
 * non-SMM code can write unless the firmware set SMRAMC.D_LCK, which write-protects it.
 * With `d-lck` off, `writeEsmramc` from outside SMM can clear T_EN; from then on non-SMM
 * reads and writes reach TSEG and each counts as an isolation violation. (What clearing
 * T_EN does to SMM's own view of TSEG is not modelled: SMM keeps its access.)
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { AccessContext } from './access.ts';
import { bool, num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

export const SMRAM_PARAMS: ParamTable = [
  {
    name: 'tseg-mbytes',
    type: 'integer',
    unit: 'MiB',
    default: 16,
    min: 1,
    max: 0xfff,
    description: 'TSEG size (q35 extended TSEG, mch.extended-tseg-mbytes).',
    source: 'docs/model.md §0 row 39 (16 MiB for pc-q35-2.10 … 10.1; 64 MiB from 10.2)',
  },
  {
    name: 'd-lck',
    type: 'boolean',
    default: true,
    description: 'Firmware set SMRAMC.D_LCK before any other code ran: ESMRAMC (T_EN) is read-only, so TSEG stays a blackhole outside SMM.',
    source: 'docs/model.md §1.6 (MCH SMRAMC 0x9d D_LCK, ESMRAMC 0x9e T_EN; QEMU q35.c TSEG blackhole only while T_EN)',
  },
];

const PAGE = 4096;

export class Smram {
  readonly sizeBytes: number;
  /** Non-SMM reads and writes refused. */
  blockedReads = 0;
  blockedWrites = 0;
  /** SMRAMC.D_LCK set: ESMRAMC can no longer be changed. */
  readonly locked: boolean;
  /** ESMRAMC.T_EN: the TSEG blackhole is in place for non-SMM accesses. */
  tsegEnabled = true;
  private pages = new Map<number, Uint8Array>();
  private next = 0;

  constructor(
    readonly params: ParamValues,
    private readonly metrics: MetricsCollector,
  ) {
    this.sizeBytes = num(params, 'tseg-mbytes') * 1024 * 1024;
    this.locked = bool(params, 'd-lck');
  }

  /**
   * A write of ESMRAMC.T_EN (MCH config 0x9e) by ctx. Locked (D_LCK): ignored, and from
   * outside SMM counted as a blocked attempt. Returns whether T_EN now has the value asked for.
   */
  writeEsmramc(ctx: AccessContext, tEn: boolean): boolean {
    if (this.locked) {
      if (ctx.privilege !== 'smm') {
        this.blockedWrites++;
        this.metrics.count('isolation.blocked');
      }
      return this.tsegEnabled === tEn;
    }
    this.tsegEnabled = tEn;
    return true;
  }

  /** Whether a non-SMM access is stopped by the blackhole (counted) or gets through (a violation). */
  private outsideBlocked(ctx: AccessContext, isWrite: boolean): boolean {
    if (ctx.privilege === 'smm') return false;
    if (this.tsegEnabled) {
      if (isWrite) this.blockedWrites++;
      else this.blockedReads++;
      this.metrics.count('isolation.blocked');
      return true;
    }
    this.metrics.count('isolation.violations');
    return false;
  }

  /** Reserves n bytes of TSEG (SMM firmware's allocator); returns the offset. */
  allocate(n: number): number {
    const at = this.next;
    if (at + n > this.sizeBytes) throw new Error(`SMRAM exhausted: ${n} bytes requested, ${this.sizeBytes - at} left`);
    this.next = at + Math.ceil(n / 16) * 16;
    return at;
  }

  /**
   * Keeps the allocator below `end` from now on (after a reset, SMM firmware must not hand out
   * TSEG that records found in flash still refer to).
   */
  reserveBelow(end: number): void {
    if (end > this.next) this.next = Math.ceil(end / 16) * 16;
  }

  private check(offset: number, n: number): void {
    if (!Number.isInteger(offset) || offset < 0 || n < 0 || offset + n > this.sizeBytes) {
      throw new RangeError(`SMRAM access [${offset}, ${offset + n}) outside TSEG of ${this.sizeBytes} bytes`);
    }
  }

  /** Reads n bytes; outside SMM the blackhole (while T_EN) returns all-ones and the attempt is counted. */
  read(ctx: AccessContext, offset: number, n: number): Uint8Array {
    this.check(offset, n);
    if (this.outsideBlocked(ctx, false)) return new Uint8Array(n).fill(0xff);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; ) {
      const a = offset + i;
      const page = this.pages.get(Math.floor(a / PAGE));
      const inPage = Math.min(n - i, PAGE - (a % PAGE));
      if (page !== undefined) out.set(page.subarray(a % PAGE, (a % PAGE) + inPage), i);
      i += inPage;
    }
    return out;
  }

  /** Writes bytes; outside SMM (while T_EN) the write is dropped and counted. Returns whether it landed. */
  write(ctx: AccessContext, offset: number, bytes: Uint8Array): boolean {
    this.check(offset, bytes.length);
    if (this.outsideBlocked(ctx, true)) return false;
    const n = bytes.length;
    const inPage0 = offset % PAGE;
    if (inPage0 + n <= PAGE) {
      // Within one page (every key write): no views.
      const key = (offset - inPage0) / PAGE;
      let page = this.pages.get(key);
      if (page === undefined) this.pages.set(key, (page = new Uint8Array(PAGE)));
      page.set(bytes, inPage0);
      return true;
    }
    for (let i = 0; i < bytes.length; ) {
      const a = offset + i;
      const key = Math.floor(a / PAGE);
      let page = this.pages.get(key);
      if (page === undefined) this.pages.set(key, (page = new Uint8Array(PAGE)));
      const inPage = Math.min(bytes.length - i, PAGE - (a % PAGE));
      page.set(bytes.subarray(i, i + inPage), a % PAGE);
      i += inPage;
    }
    return true;
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const SMRAM_COMPONENT: ComponentDef = {
  name: 'smram',
  description: 'SMRAM/TSEG on q35',
  params: SMRAM_PARAMS,
  metrics: ['isolation.blocked', 'isolation.violations'],
  produces: ['smram'],
  consumes: [],
};
