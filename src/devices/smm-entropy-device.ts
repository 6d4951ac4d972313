/**
 * An SMM-only platform entropy device: Ersek's "privileged source" as hardware (docs/model.md
 * §2.1; no such device exists upstream, §1.5, §2.3 — this is *our* design).
 *
 * A fixed I/O port block (`io-port`, default 0x0510: our choice, a free ISA range) with
 * registers (offsets from io-port, 32-bit):
 *   +0 SIGNATURE (RO)  0x4E454D53 = "SMEN" little-endian
 *   +4 STATUS    (RO)  bit0 DATA_READY, bit1 HEALTH_ALARM, bit2 BACKEND_FAILED
 *   +8 DATA      (RO)  next 4 bytes of the FIFO (SMM only)
 *  +12 CONTROL   (WO)  bit0 clears HEALTH_ALARM and flushes the FIFO
 * and a fw_cfg file (`fw-cfg-name`) announcing the port, so firmware finds it without probing.
 *
 * Access control works like pflash `secure=on` (§1.5): only transactions from SMM reach the
 * device. From anywhere else reads return all-ones and writes are dropped; every such attempt
 * is counted (blockedAttempts). With `smm-only=false` (a broken design) outside reads get real
 * bytes and count as isolation violations.
 *
 * The device keeps a small FIFO that it refills from its backend: a dedicated host source, or
 * the virtio-rng backend *and quota* (design `smm-device-shared-backend`), so it inherits
 * virtio-rng's availability when shared. Each IN/OUT is a userspace exit (§0 row 24).
 *
 * The register block, FIFO and gate do not depend on the bus: where the block decodes and
 * what one access costs is its `RegisterWindow`. This file's component (`smm-device`) puts
 * it on an I/O port; a variant on another bus supplies its own window and parameters and
 * reuses everything else (src/devices/smm-mmio-entropy-device/, an SMM-only MMIO region),
 * the way one QEMU device model can be realized behind a port (`isa_register_ioport`) or a
 * sysbus MMIO region (`sysbus_init_mmio`) with the same MemoryRegionOps.
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapRegistry } from '../taps/tap.ts';
import type { AccessContext } from './access.ts';
import { HostSource, type EntropyDelivery } from './host-source.ts';
import type { VirtioRng } from './virtio-rng.ts';
import type { Prng } from '../sim/prng.ts';
import { bool, num, str } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

/** The name of this file's component (scenario `params:` key, tap source, privileged source name). */
export const SMM_DEVICE_COMPONENT_NAME = 'smm-device';

export const SMM_DEVICE_SIGNATURE = 0x4e454d53;
export const REG_SIGNATURE = 0;
export const REG_STATUS = 4;
export const REG_DATA = 8;
export const REG_CONTROL = 12;
export const STATUS_DATA_READY = 1;
export const STATUS_HEALTH_ALARM = 2;
export const STATUS_BACKEND_FAILED = 4;

export const SMM_DEVICE_PARAMS: ParamTable = [
  {
    name: 'io-port',
    type: 'integer',
    default: 0x0510,
    min: 0,
    max: 0xfff0,
    description: 'Base I/O port of the register block.',
    source: 'our choice: no such device upstream (docs/model.md §1.5); 0x0510 is a free port range on q35',
  },
  {
    name: 'fw-cfg-name',
    type: 'string',
    default: 'opt/org.entropy-bench/smm-entropy',
    description: 'fw_cfg file announcing the device (contents: io-port, little-endian u16).',
    source: 'our choice (fw_cfg opt/ namespace convention)',
  },
  {
    name: 'smm-only',
    type: 'boolean',
    default: true,
    description: 'Refuse non-SMM accesses (reads all-ones, writes dropped).',
    source: 'our design, modelled on pflash secure=on (docs/model.md §1.5)',
  },
  {
    name: 'backend',
    type: 'string',
    enum: ['dedicated', 'shared'],
    default: 'dedicated',
    description: "Own host source, or virtio-rng's host backend and quota (the design sets this).",
    source: 'our design choice (contract: design decides)',
  },
  {
    name: 'fifo-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 64,
    min: 4,
    description: 'Device FIFO the backend refills.',
    source: 'our choice',
  },
  {
    name: 'pio-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'One IN/OUT to the device (userspace exit to QEMU).',
    source: 'estimate: docs/model.md §0 row 24 (≈5–15 µs), §4.3',
  },
  {
    name: 'retry-ns',
    type: 'number',
    unit: 'ns',
    default: 1000000,
    min: 1,
    description: 'After a backend delivered nothing, time before the device asks again.',
    source: 'our choice',
  },
];

/** Where the device's FIFO refills come from. */
export interface SmmDeviceBackend {
  readonly name: string;
  fill(n: number): Proc<EntropyDelivery>;
  /** The host source whose output the backend hands out (the quality tap of the stream SMM consumed, docs/model.md §7.5), when known. */
  readonly host?: HostSource;
}

/**
 * Where the register block decodes and what one access costs: the bus binding of the device.
 * An access from outside SMM to a window the device refuses reads all-ones (an x86 read of
 * an unclaimed I/O port, QEMU `unassigned_io_ops`; a PCI master abort on MMIO).
 */
export interface RegisterWindow {
  /** 'io': x86 I/O port space (IN/OUT); 'mmio': a memory-mapped region (MOV). */
  readonly space: 'io' | 'mmio';
  /** Base port or physical address of the block. */
  readonly base: number;
  /** One access: a userspace exit to QEMU (docs/model.md §0 row 24). */
  readonly exitNs: number;
  /** Widest DATA access in bytes: 4 for IN (x86 has no 64-bit IN), 8 for an MMIO MOV. */
  readonly accessBytes: number;
  /** fw_cfg file announcing the window, and its contents (the base, little-endian). */
  readonly fwCfgName: string;
  fwCfgBlob(): Uint8Array;
}

/**
 * A window read from a device's parameters: `rows` name its base and exit-cost parameters,
 * and its fw_cfg file (parameter `fw-cfg-name`) holds the base little-endian in `blobBytes`.
 */
export function windowFromParams(
  params: ParamValues,
  space: RegisterWindow['space'],
  rows: { base: string; exitNs: string },
  accessBytes: number,
  blobBytes: number,
): RegisterWindow {
  const base = num(params, rows.base);
  return {
    space,
    base,
    exitNs: num(params, rows.exitNs),
    accessBytes,
    fwCfgName: str(params, 'fw-cfg-name'),
    fwCfgBlob: () => Uint8Array.from({ length: blobBytes }, (_, i) => Math.floor(base / 2 ** (8 * i)) & 0xff),
  };
}

/** The I/O-port window of the `smm-device` component: 32-bit INs, the port in fw_cfg as a u16. */
export function ioPortWindow(params: ParamValues): RegisterWindow {
  return windowFromParams(params, 'io', { base: 'io-port', exitNs: 'pio-exit-ns' }, 4, 2);
}

export interface SmmDeviceRead {
  /** 'ok' = n bytes; 'not-ready' = FIFO ran dry (bytes holds what there was). */
  status: 'ok' | 'not-ready';
  bytes: Uint8Array;
  /** An alarmed chunk was among the bytes (they must not be used, SP 800-90B §4.4). */
  alarm: boolean;
}

interface Chunk {
  bytes: Uint8Array;
  pos: number;
  alarm: boolean;
}

export class SmmEntropyDevice {
  readonly smmOnly: boolean;
  /** Non-SMM accesses refused. */
  blockedAttempts = 0;
  /** Non-SMM accesses that got through (smm-only=false). */
  violations = 0;
  healthAlarm = false;
  backendFailed = false;
  private fifo: Chunk[] = [];
  private fifoLen = 0;
  private refilling = false;
  private dataReady: import('../sim/sim.ts').SimEvent<void> | null = null;
  private readonly fifoBytes: number;
  private readonly exitNs: number;

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    readonly backend: SmmDeviceBackend,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
    /** Where the block decodes (default: the I/O port of this component's parameters). */
    readonly window: RegisterWindow = ioPortWindow(params),
    /** Component name: the tap source and the privileged source's name in reports. */
    readonly name: string = SMM_DEVICE_COMPONENT_NAME,
  ) {
    this.smmOnly = bool(params, 'smm-only');
    this.fifoBytes = num(params, 'fifo-bytes');
    this.exitNs = window.exitNs;
  }

  /** fw_cfg file contents: the window's base (see RegisterWindow). */
  fwCfgBlob(): Uint8Array {
    return this.window.fwCfgBlob();
  }

  /** Bytes in the FIFO now. */
  get buffered(): number {
    return this.fifoLen;
  }

  private admit(ctx: AccessContext): boolean {
    if (ctx.privilege === 'smm') return true;
    if (this.smmOnly) {
      this.blockedAttempts++;
      this.metrics.count('isolation.blocked');
      return false;
    }
    this.violations++;
    this.metrics.count('isolation.violations');
    return true;
  }

  private status(): number {
    return (
      (this.fifoLen >= 4 ? STATUS_DATA_READY : 0) |
      (this.healthAlarm ? STATUS_HEALTH_ALARM : 0) |
      (this.backendFailed ? STATUS_BACKEND_FAILED : 0)
    );
  }

  private startRefill(): void {
    if (this.refilling || this.fifoLen >= this.fifoBytes) return;
    this.refilling = true;
    this.sim.spawn('smm-device.refill', this.refill());
  }

  private *refill(): Proc<void> {
    while (this.fifoLen < this.fifoBytes) {
      const d = yield* this.backend.fill(this.fifoBytes - this.fifoLen);
      if (d.bytes.length === 0) {
        this.backendFailed = true;
        yield num(this.params, 'retry-ns');
        continue;
      }
      this.backendFailed = false;
      if (d.alarm) this.healthAlarm = true;
      this.fifo.push({ bytes: d.bytes, pos: 0, alarm: d.alarm });
      this.fifoLen += d.bytes.length;
      const ev = this.dataReady;
      this.dataReady = null;
      ev?.succeed();
    }
    this.refilling = false;
  }

  /** Fires when the FIFO gets data (SMM firmware may wait on it instead of polling STATUS). */
  dataEvent(): import('../sim/sim.ts').SimEvent<void> {
    return (this.dataReady ??= this.sim.event<void>('smm-device.data'));
  }

  private take(n: number): { bytes: Uint8Array; alarm: boolean } {
    const out = new Uint8Array(n);
    let got = 0;
    let alarm = false;
    while (got < n && this.fifo.length > 0) {
      const c = this.fifo[0]!;
      const k = Math.min(n - got, c.bytes.length - c.pos);
      out.set(c.bytes.subarray(c.pos, c.pos + k), got);
      c.pos += k;
      got += k;
      alarm ||= c.alarm;
      if (c.pos === c.bytes.length) this.fifo.shift();
    }
    this.fifoLen -= got;
    return { bytes: got === n ? out : out.slice(0, got), alarm };
  }

  /** `yield* dev.read32(ctx, offset)`: one 32-bit register read at window base + offset (an IN, or an MMIO load). */
  *read32(ctx: AccessContext, offset: number): Proc<number> {
    yield* this.vcpus.execute(ctx, this.exitNs);
    if (!this.admit(ctx)) return 0xffffffff;
    switch (offset) {
      case REG_SIGNATURE:
        return SMM_DEVICE_SIGNATURE;
      case REG_STATUS:
        this.startRefill();
        return this.status();
      case REG_DATA: {
        const r = this.take(4);
        this.startRefill();
        if (r.bytes.length > 0) this.deliver(ctx, r.bytes);
        let v = 0;
        for (let i = 0; i < r.bytes.length; i++) v |= r.bytes[i]! << (8 * i);
        return v >>> 0;
      }
      default:
        return 0xffffffff;
    }
  }

  /** `yield* dev.write32(ctx, offset, value)`: one 32-bit register write (OUT or MMIO store); dropped unless admitted. */
  *write32(ctx: AccessContext, offset: number, value: number): Proc<void> {
    yield* this.vcpus.execute(ctx, this.exitNs);
    if (!this.admit(ctx)) return;
    if (offset === REG_CONTROL && (value & 1) !== 0) {
      this.healthAlarm = false;
      this.fifo = [];
      this.fifoLen = 0;
      this.startRefill();
    }
  }

  /**
   * Reads up to n bytes through the DATA register (⌈n/w⌉ accesses of the window's width w,
   * charged as one stretch of exits). Outside SMM with smm-only: n bytes of 0xFF, counted as
   * one blocked attempt.
   */
  *readEntropy(ctx: AccessContext, n: number): Proc<SmmDeviceRead> {
    const width = this.window.accessBytes;
    const ins = Math.max(1, Math.ceil(n / width));
    if (ctx.privilege !== 'smm' && this.smmOnly) {
      yield* this.vcpus.execute(ctx, ins * this.exitNs);
      this.admit(ctx);
      return { status: 'ok', bytes: new Uint8Array(n).fill(0xff), alarm: false };
    }
    this.admit(ctx); // counts a violation when a non-SMM read gets through
    const avail = Math.min(n, this.fifoLen);
    const r = this.take(avail);
    this.startRefill();
    yield* this.vcpus.execute(ctx, Math.max(1, Math.ceil(avail / width)) * this.exitNs);
    if (r.bytes.length > 0) this.deliver(ctx, r.bytes);
    return { status: r.bytes.length === n ? 'ok' : 'not-ready', bytes: r.bytes, alarm: r.alarm };
  }

  private deliver(ctx: AccessContext, bytes: Uint8Array): void {
    this.metrics.countFor('bytes', ctx.actor, bytes.length);
    this.taps.record(`${ctx.actor}/${this.name}`, { consumer: ctx.actor, source: this.name, kind: 'conditioned' }, bytes, this.sim.now);
  }
}

/** What an SMM-only device variant's `create` needs from the platform assembler. */
export interface SmmDeviceDeps {
  readonly sim: Sim;
  readonly rng: Prng;
  readonly vcpus: Vcpus;
  readonly metrics: MetricsCollector;
  readonly taps: TapRegistry;
  /** Resolved parameters keyed by component (the device's own and `host-source`). */
  readonly params: Readonly<Record<string, ParamValues>>;
  /** virtio-rng, whose host backend and quota a `backend: shared` device draws from. */
  readonly virtioRng: VirtioRng;
}

/** What an SMM-only device variant provides: the role of the SMM-only entropy device. */
export interface SmmDeviceProvision {
  readonly 'smm-entropy-device': SmmEntropyDevice;
}

/**
 * The FIFO backend of an SMM-only device named `name`, per its `backend` parameter:
 * `shared` draws from virtio-rng's host backend and quota (`VirtioRng.sharedDraw`),
 * `dedicated` from a host source of its own (`<name>-host`, forked from the run's seed by
 * that name, so adding a device changes no other stream).
 */
export function smmDeviceBackend(deps: SmmDeviceDeps, name: string): SmmDeviceBackend {
  const own = deps.params[name]!;
  if (str(own, 'backend') === 'shared') {
    const virtio = deps.virtioRng;
    return { name: 'virtio-rng-shared', fill: (n) => virtio.sharedDraw(n), host: virtio.host };
  }
  const label = `${name}-host`;
  const host = new HostSource(deps.sim, deps.params['host-source']!, deps.rng.fork(label), deps.metrics, deps.taps, label);
  return { name: label, fill: (n) => host.read(n), host };
}

/** What distinguishes one SMM-only device variant: its name, parameters and bus window. */
export interface SmmDeviceVariant {
  readonly name: string;
  readonly description: string;
  readonly params: ParamTable;
  readonly window: (params: ParamValues) => RegisterWindow;
  readonly addOn?: boolean;
}

/**
 * The component descriptor of an SMM-only device variant: the register block, FIFO, gate
 * and backend of this file behind the variant's window. It fills role 'smm-entropy-device'.
 */
export function smmDeviceComponent(v: SmmDeviceVariant): ComponentDef<SmmDeviceDeps, SmmDeviceProvision> {
  const def: ComponentDef<SmmDeviceDeps, SmmDeviceProvision> = {
    name: v.name,
    description: v.description,
    params: v.params,
    metrics: ['isolation.blocked', 'isolation.violations', 'bytes'],
    produces: ['smm-entropy-device'],
    consumes: ['host-entropy'],
    create: (deps) => {
      const params = deps.params[v.name]!;
      const backend = smmDeviceBackend(deps, v.name);
      return { 'smm-entropy-device': new SmmEntropyDevice(deps.sim, params, backend, deps.vcpus, deps.metrics, deps.taps, v.window(params), v.name) };
    },
  };
  return v.addOn === true ? { ...def, addOn: true } : def;
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const SMM_DEVICE_COMPONENT = smmDeviceComponent({
  name: SMM_DEVICE_COMPONENT_NAME,
  description: 'the SMM-only platform entropy device on a fixed I/O port (our design, docs/model.md §2.1)',
  params: SMM_DEVICE_PARAMS,
  window: ioPortWindow,
});
