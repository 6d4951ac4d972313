/**
 * SMRAM as q35's TSEG (docs/model.md §1.6, §0 row 39): memory at the top of low RAM that only
 * SMM can reach; a non-SMM access hits a "blackhole" (reads return all-ones, writes are
 * dropped). The SMM variable driver keeps its DRBG state and its keys here. Backing pages
 * are allocated lazily, so a 16 MiB TSEG costs nothing until used.
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { AccessContext } from './access.ts';
import { num } from './param-get.ts';
import type { ParamTable, ParamValues } from './params.ts';

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
];

const PAGE = 4096;

export class Smram {
  readonly sizeBytes: number;
  /** Non-SMM reads and writes refused. */
  blockedReads = 0;
  blockedWrites = 0;
  private pages = new Map<number, Uint8Array>();
  private next = 0;

  constructor(
    readonly params: ParamValues,
    private readonly metrics: MetricsCollector,
  ) {
    this.sizeBytes = num(params, 'tseg-mbytes') * 1024 * 1024;
  }

  /** Reserves n bytes of TSEG (SMM firmware's allocator); returns the offset. */
  allocate(n: number): number {
    const at = this.next;
    if (at + n > this.sizeBytes) throw new Error(`SMRAM exhausted: ${n} bytes requested, ${this.sizeBytes - at} left`);
    this.next = at + Math.ceil(n / 16) * 16;
    return at;
  }

  private check(offset: number, n: number): void {
    if (!Number.isInteger(offset) || offset < 0 || n < 0 || offset + n > this.sizeBytes) {
      throw new RangeError(`SMRAM access [${offset}, ${offset + n}) outside TSEG of ${this.sizeBytes} bytes`);
    }
  }

  /** Reads n bytes; outside SMM the blackhole returns all-ones and the attempt is counted. */
  read(ctx: AccessContext, offset: number, n: number): Uint8Array {
    this.check(offset, n);
    if (ctx.privilege !== 'smm') {
      this.blockedReads++;
      this.metrics.blockedAttempts++;
      return new Uint8Array(n).fill(0xff);
    }
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

  /** Writes bytes; outside SMM the write is dropped and counted. Returns whether it landed. */
  write(ctx: AccessContext, offset: number, bytes: Uint8Array): boolean {
    this.check(offset, bytes.length);
    if (ctx.privilege !== 'smm') {
      this.blockedWrites++;
      this.metrics.blockedAttempts++;
      return false;
    }
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
