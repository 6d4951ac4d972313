/**
 * The variable-store flash: QEMU `cfi.pflash01` with `secure=on` (docs/model.md §1.5, §0 row 40).
 *
 * - Writes whose transaction is not "secure" (CPU not in SMM) return MEMTX_ERROR: nothing
 *   changes; we count them as blocked attempts. With `secure=off` a non-SMM write lands and
 *   counts as an isolation violation (the store is then writable by the OS).
 * - Reads are served as plain array reads for everyone (no status/CFI leakage).
 * - NOR semantics: programming can only clear bits (new = old AND data); erasing a block sets
 *   it to 0xFF. The SMM variable driver therefore appends records and reclaims by erasing.
 * - Every MMIO write exits to QEMU userspace; a program operation is `writes-per-byte`
 *   writes per byte (command + data), an erase a few writes per block.
 * - Layout (OVMF's VARS region: variable store, fault-tolerant-write working block, FTW
 *   spare): `size-bytes` of variable store from offset 0 (`size`), one erase block of FTW
 *   working area at `workingOffset`, and a spare area as large as the store at `spareOffset`.
 * - Power loss (fault injection): `armPowerCut(n)` lets n more byte programs / block erases
 *   happen; the next one is cut (a program lands only its first bytes, an erase leaves its
 *   block partly erased) and throws `PowerLoss`. The bytes stay as the cut left them, so a
 *   "reboot" can read them back.
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { AccessContext } from './access.ts';
import { bool, num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

export const PFLASH_PARAMS: ParamTable = [
  {
    name: 'secure',
    type: 'boolean',
    default: true,
    description: 'cfi.pflash01 property secure: refuse writes from outside SMM.',
    source: 'docs/model.md §1.5 (OVMF README SMM command line: -global driver=cfi.pflash01,property=secure,value=on), §0 row 40',
  },
  {
    name: 'size-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 262144,
    min: 4096,
    max: 64 * 1024 * 1024,
    description: 'Size of the variable store region.',
    source: 'estimate: OVMF variable store of a 4 MiB build (≈256 KiB); not in docs/model.md',
  },
  {
    name: 'block-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 4096,
    min: 512,
    description: 'Erase block size.',
    source: 'estimate: OVMF flash block size 4 KiB; not in docs/model.md',
  },
  {
    name: 'mmio-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'One MMIO write to the flash (userspace exit to QEMU).',
    source: 'estimate: docs/model.md §0 row 24 (userspace exit ≈5–15 µs), §4.3',
  },
  {
    name: 'writes-per-byte',
    type: 'number',
    default: 2,
    min: 0,
    description: 'MMIO writes per programmed byte (CFI program command + data).',
    source: 'estimate: byte-wise CFI programming (command, data); not in docs/model.md',
  },
];

/** Thrown by a flash operation the power cut interrupted (fault injection). */
export class PowerLoss extends Error {
  constructor() {
    super('power lost during a pflash operation');
    this.name = 'PowerLoss';
  }
}

export class Pflash {
  readonly secure: boolean;
  readonly bytes: Uint8Array;
  /** The same memory as 32-bit words (AND is bitwise, so endianness does not matter). */
  private readonly words: Uint32Array;
  /** Everything from here to the end is known to be erased (0xFF); programming only raises it, erasing a block range that reaches it lowers it. */
  private erasedFrom = 0;
  readonly blockBytes: number;
  /** Non-SMM writes refused (MEMTX_ERROR). */
  blockedWrites = 0;
  /** MMIO writes performed (program + erase). */
  mmioWrites = 0;
  private readonly exitNs: number;
  private readonly writesPerByte: number;
  private readonly storeBytes: number;
  /** Flash operations (byte programs, block erases) left before the power cut; Infinity = none armed. */
  private powerBudget = Infinity;
  /** Fraction of the block an interrupted erase still erased (set when armed). */
  private cutEraseFraction = 0;
  /** Byte programs + block erases done so far (a campaign counts a workload's sequence with it). */
  flashOps = 0;

  constructor(
    readonly params: ParamValues,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
  ) {
    this.secure = bool(params, 'secure');
    this.storeBytes = num(params, 'size-bytes');
    this.blockBytes = num(params, 'block-bytes');
    // store ‖ FTW working block ‖ FTW spare (as large as the store), all erased
    this.bytes = new Uint8Array(2 * this.storeBytes + this.blockBytes).fill(0xff);
    this.words = new Uint32Array(this.bytes.buffer, 0, this.bytes.length >>> 2);
    this.exitNs = num(params, 'mmio-exit-ns');
    this.writesPerByte = num(params, 'writes-per-byte');
  }

  /** Size of the variable store region (from offset 0). */
  get size(): number {
    return this.storeBytes;
  }

  /** Offset of the FTW working block (one erase block). */
  get workingOffset(): number {
    return this.storeBytes;
  }

  /** Offset of the FTW spare area (`size` bytes). */
  get spareOffset(): number {
    return this.storeBytes + this.blockBytes;
  }

  /**
   * Arms a power cut: `ops` more byte programs / block erases complete, the next one is
   * interrupted (an erase keeps `eraseFraction` of its block erased) and throws PowerLoss.
   */
  armPowerCut(ops: number, eraseFraction = 0.5): void {
    this.powerBudget = ops;
    this.cutEraseFraction = eraseFraction;
  }

  /** True once an armed cut has happened (every later operation throws too). */
  get powerLost(): boolean {
    return this.powerBudget < 0;
  }

  private check(offset: number, n: number): void {
    if (!Number.isInteger(offset) || offset < 0 || n < 0 || offset + n > this.bytes.length) {
      throw new RangeError(`pflash access [${offset}, ${offset + n}) outside ${this.bytes.length} bytes`);
    }
  }

  /** Array read (allowed for every privilege, §1.5). Instant: reads are ROMD, no exit. */
  read(_ctx: AccessContext, offset: number, n: number): Uint8Array {
    this.check(offset, n);
    return this.bytes.slice(offset, offset + n);
  }

  /** Whether ctx may write; counts refusals and (with secure=off) violations. */
  private admit(ctx: AccessContext): boolean {
    if (ctx.privilege === 'smm') return true;
    if (this.secure) {
      this.blockedWrites++;
      this.metrics.count('isolation.blocked');
      return false;
    }
    this.metrics.count('isolation.violations');
    return true;
  }

  /** Virtual time programming n bytes costs (ns). */
  programCost(n: number): number {
    return Math.ceil(n * this.writesPerByte) * this.exitNs;
  }

  /**
   * Programs bytes now and returns the virtual time it costs the caller (ns), or −1 on
   * MEMTX_ERROR (refused; the caller still pays one exit). For SMM code that batches several
   * flash operations into one wait; guest code uses `program`.
   */
  programNow(ctx: AccessContext, offset: number, data: Uint8Array): number {
    this.check(offset, data.length);
    if (!this.admit(ctx)) {
      this.mmioWrites++;
      return -1;
    }
    const writes = Math.ceil(data.length * this.writesPerByte);
    this.mmioWrites += writes;
    this.programBytes(offset, data);
    return writes * this.exitNs;
  }

  /** Programs data (all of it, or the part before an armed power cut, then throws PowerLoss). */
  private programBytes(offset: number, data: Uint8Array): void {
    if (this.powerBudget < 0) throw new PowerLoss();
    if (data.length <= this.powerBudget) {
      this.powerBudget -= data.length;
      this.flashOps += data.length;
      this.andInto(offset, data);
      return;
    }
    const landed = this.powerBudget;
    this.flashOps += landed;
    this.andInto(offset, data.subarray(0, landed));
    this.powerBudget = -1;
    throw new PowerLoss();
  }

  /**
   * NOR programming: bytes[offset..] &= data. Where the target lies in the erased suffix
   * [erasedFrom, size) every byte is 0xFF and AND is a plain copy (the append path of the
   * variable store); elsewhere a word-at-a-time AND when both sides are 4-byte aligned.
   */
  private andInto(offset: number, data: Uint8Array): void {
    const b = this.bytes;
    const n = data.length;
    if (n === 0) return;
    if (offset >= this.erasedFrom) {
      b.set(data, offset);
      this.erasedFrom = offset + n; // the gap [old erasedFrom, offset) is forgotten (conservative)
      return;
    }
    if (offset + n > this.erasedFrom) this.erasedFrom = offset + n;
    if (n >= 64 && (offset & 3) === 0 && (data.byteOffset & 3) === 0) {
      const words = n >>> 2;
      const dst = this.words;
      const src = new Uint32Array(data.buffer, data.byteOffset, words);
      const w0 = offset >>> 2;
      for (let i = 0; i < words; i++) dst[w0 + i] = dst[w0 + i]! & src[i]!;
      for (let i = words << 2; i < n; i++) b[offset + i] = b[offset + i]! & data[i]!;
      return;
    }
    for (let i = 0; i < n; i++) b[offset + i] = b[offset + i]! & data[i]!;
  }

  /** Programs bytes at offset (bits can only go 1 → 0). Returns false on MEMTX_ERROR. */
  *program(ctx: AccessContext, offset: number, data: Uint8Array): Proc<boolean> {
    this.check(offset, data.length);
    // The first MMIO write exits either way; a refused transaction stops there.
    if (!this.admit(ctx)) {
      this.mmioWrites++;
      yield* this.vcpus.execute(ctx, this.exitNs);
      return false;
    }
    const writes = Math.ceil(data.length * this.writesPerByte);
    this.mmioWrites += writes;
    yield* this.vcpus.execute(ctx, writes * this.exitNs);
    this.programBytes(offset, data);
    return true;
  }

  /** Erases the blocks covering [offset, offset + n) to 0xFF. */
  *erase(ctx: AccessContext, offset: number, n: number): Proc<boolean> {
    this.check(offset, n);
    if (!this.admit(ctx)) {
      this.mmioWrites++;
      yield* this.vcpus.execute(ctx, this.exitNs);
      return false;
    }
    const first = Math.floor(offset / this.blockBytes);
    const last = Math.floor((offset + Math.max(n, 1) - 1) / this.blockBytes);
    const blocks = last - first + 1;
    this.mmioWrites += 2 * blocks; // erase setup + confirm per block
    yield* this.vcpus.execute(ctx, 2 * blocks * this.exitNs);
    this.eraseBlocks(first, last);
    return true;
  }

  /** Erases blocks first..last now (for SMM code that batches flash work into one wait); returns the time it costs. */
  eraseNow(ctx: AccessContext, offset: number, n: number): number {
    this.check(offset, n);
    if (!this.admit(ctx)) {
      this.mmioWrites++;
      return -1;
    }
    const first = Math.floor(offset / this.blockBytes);
    const last = Math.floor((offset + Math.max(n, 1) - 1) / this.blockBytes);
    this.mmioWrites += 2 * (last - first + 1);
    this.eraseBlocks(first, last);
    return 2 * (last - first + 1) * this.exitNs;
  }

  /** Block by block; an armed power cut interrupts one block (partly erased) and throws PowerLoss. */
  private eraseBlocks(first: number, last: number): void {
    for (let blk = first; blk <= last; blk++) {
      if (this.powerBudget < 0) throw new PowerLoss();
      const from = blk * this.blockBytes;
      const to = Math.min(this.bytes.length, from + this.blockBytes);
      if (this.powerBudget === 0) {
        this.bytes.fill(0xff, from, from + Math.floor((to - from) * this.cutEraseFraction));
        // (setting bytes to 0xFF never breaks "everything from erasedFrom on is erased")
        this.powerBudget = -1;
        throw new PowerLoss();
      }
      this.powerBudget--;
      this.flashOps++;
      this.bytes.fill(0xff, from, to);
      if (to >= this.erasedFrom && from < this.erasedFrom) this.erasedFrom = from;
    }
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const PFLASH_COMPONENT: ComponentDef = {
  name: 'pflash',
  description: 'the q35 pflash with secure=on (hw/block/pflash_cfi01.c)',
  params: PFLASH_PARAMS,
  metrics: ['isolation.blocked', 'isolation.violations'],
  produces: ['pflash'],
  consumes: [],
};
