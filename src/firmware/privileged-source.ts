/**
 * "The privileged source": where the SMM variable driver gets its entropy. The driver does
 * not know what it is; the design wires one (STYLE.md: firmware components are wired by the
 * design, not by each other):
 *
 * - `VirtioSmmSource` (shared-virtio): an SMM-side virtio-rng client on the device the OS
 *   and firmware also use, OVMF-style (one descriptor, VirtioFlush polling, no timeout);
 * - `SmmDeviceSource` (smm-device, smm-device-shared-backend): the SMM-only platform device's
 *   DATA register, waiting on its FIFO when it runs dry;
 * - `RdrandSource` (rdrand-passthrough, rdrand-smm-only): BaseRngLib in SMM;
 * - `CounterSource` (counter-fallback): PM-timer readings mixed through SHA-256.
 *
 * `deadlineNs` is absolute virtual time; Infinity = wait as long as it takes.
 *
 * Each source is a component (src/params/component.ts) that produces the role
 * 'privileged-source': a design names one of them, and the assembler builds it with its
 * `create(deps)` (edk2 analogue: which RngLib instance the platform DSC links into the SMM
 * variable driver). Each also says what stands behind its bytes (`SourceOrigin`), for the
 * quality tap of the stream SMM consumed (docs/model.md §7.5).
 */
import type { AccessContext } from '../devices/access.ts';
import type { HostSource } from '../devices/host-source.ts';
import type { RdrandUnit } from '../devices/rdrand.ts';
import type { SmmEntropyDevice } from '../devices/smm-entropy-device.ts';
import type { VirtioRng } from '../devices/virtio-rng.ts';
import { InputError } from '../errors.ts';
import type { ComponentDef } from '../params/component.ts';
import type { ParamValues } from '../params/spec.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { BaseRngLib } from './base-rnglib.ts';
import { baseRngLibOf } from './rng-dxe.ts';
import type { CounterRngLib } from './counter-rnglib.ts';
import { VirtioRngClient } from './virtio-rng-dxe.ts';

export interface SourceResult {
  /** 'ok': n bytes; 'not-ready': nothing (more) before the deadline; 'error': the source failed. */
  status: 'ok' | 'not-ready' | 'error';
  bytes: Uint8Array;
  /** The source's own health tests alarmed on these bytes. */
  alarm: boolean;
}

export interface PrivilegedSource {
  readonly name: string;
  /** True if this source is a low-entropy fallback (counter-based). */
  readonly unsafe: boolean;
  getEntropy(ctx: AccessContext, n: number, deadlineNs: number): Proc<SourceResult>;
}

export class VirtioSmmSource implements PrivilegedSource {
  readonly name = 'virtio-rng';
  readonly unsafe = false;
  constructor(private readonly client: VirtioRngClient) {}

  *getEntropy(ctx: AccessContext, n: number, deadlineNs: number): Proc<SourceResult> {
    const r = yield* this.client.read(ctx, n, deadlineNs);
    if (r.status === 'success') return { status: 'ok', bytes: r.bytes, alarm: false };
    return { status: r.status === 'timeout' ? 'not-ready' : 'error', bytes: r.bytes, alarm: false };
  }
}

export class SmmDeviceSource implements PrivilegedSource {
  /** The device's component name ('smm-device', or a variant's). */
  readonly name: string;
  readonly unsafe = false;
  constructor(
    private readonly sim: Sim,
    private readonly device: SmmEntropyDevice,
  ) {
    this.name = device.name;
  }

  *getEntropy(ctx: AccessContext, n: number, deadlineNs: number): Proc<SourceResult> {
    const out = new Uint8Array(n);
    let got = 0;
    let alarm = false;
    for (;;) {
      const r = yield* this.device.readEntropy(ctx, n - got);
      out.set(r.bytes, got);
      got += r.bytes.length;
      alarm ||= r.alarm;
      if (got === n) return { status: 'ok', bytes: out, alarm };
      if (this.device.buffered > 0) continue; // refilled while the IN exits ran
      // FIFO dry: wait for the device to refill (or give up at the deadline).
      const ok = yield* this.sim.waitFor(this.device.dataEvent(), deadlineNs - this.sim.now);
      if (!ok) return { status: 'not-ready', bytes: out.slice(0, got), alarm };
    }
  }
}

export class RdrandSource implements PrivilegedSource {
  readonly name = 'rdrand';
  readonly unsafe = false;
  constructor(private readonly rngLib: BaseRngLib) {}

  *getEntropy(ctx: AccessContext, n: number, _deadlineNs: number): Proc<SourceResult> {
    const b = yield* this.rngLib.getBytes(ctx, n);
    if (b === null) return { status: 'error', bytes: new Uint8Array(0), alarm: this.rngLib.lastFailure === 'self-test' };
    return { status: 'ok', bytes: b, alarm: false };
  }
}

export class CounterSource implements PrivilegedSource {
  readonly name = 'counter-rnglib';
  readonly unsafe = true;
  constructor(private readonly counter: CounterRngLib) {}

  *getEntropy(ctx: AccessContext, n: number, _deadlineNs: number): Proc<SourceResult> {
    return { status: 'ok', bytes: yield* this.counter.mixedBytes(ctx, n), alarm: false };
  }
}

/**
 * What stands behind a privileged source's bytes: a host entropy backend (virtio-rng's, or an
 * SMM-only device's), the RDRAND unit, or the counter RngLib (PM-timer readings through
 * SHA-256). src/designs/consumed-streams.ts taps that origin's output.
 */
export type SourceOrigin = { kind: 'host'; host: HostSource | null } | { kind: 'rdrand'; unit: RdrandUnit } | { kind: 'counter'; lib: CounterRngLib };

/** A built privileged source and its origin. */
export interface PrivilegedSourceProvision {
  readonly 'privileged-source': { readonly source: PrivilegedSource; readonly origin: SourceOrigin };
}

/** What the privileged-source components need from the platform assembler. */
export interface PrivilegedSourceDeps {
  readonly sim: Sim;
  readonly vcpus: Vcpus;
  readonly params: Readonly<Record<string, ParamValues>>;
  readonly virtioRng: VirtioRng;
  readonly rdrand: RdrandUnit;
  readonly counterRngLib: CounterRngLib;
  /** The design's SMM-only entropy device, when it has one (role 'smm-entropy-device'). */
  readonly smmDevice?: SmmEntropyDevice;
}

type SourceComponent = ComponentDef<PrivilegedSourceDeps, PrivilegedSourceProvision>;

/** OVMF-style: an SMM-side virtio-rng client on the shared device (docs/model.md §1.4, §3.1). */
export const VIRTIO_SMM_SOURCE_COMPONENT: SourceComponent = {
  name: 'virtio-smm-source',
  description: 'SMM reads the virtio-rng device firmware and OS share, through a VirtioRngDxe-style client (docs/model.md §1.4, §3.1)',
  params: [],
  metrics: [],
  produces: ['privileged-source'],
  consumes: ['virtio-rng'],
  create: (d) => ({
    'privileged-source': {
      source: new VirtioSmmSource(new VirtioRngClient(d.sim, d.virtioRng, d.vcpus, d.params['virtio-rng-dxe']!)),
      origin: { kind: 'host', host: d.virtioRng.host },
    },
  }),
};

/** The SMM-only device's DATA register (docs/model.md §1.5, §2.1), whichever variant the design has. */
export const SMM_DEVICE_SOURCE_COMPONENT: SourceComponent = {
  name: 'smm-device-source',
  description: "SMM reads the design's SMM-only entropy device, waiting on its FIFO when it runs dry (docs/model.md §2.1)",
  params: [],
  metrics: [],
  produces: ['privileged-source'],
  consumes: ['smm-entropy-device'],
  create: (d) => {
    const dev = d.smmDevice;
    if (dev === undefined) throw new InputError("privileged source 'smm-device-source': the design has no SMM-only entropy device (role 'smm-entropy-device')");
    return { 'privileged-source': { source: new SmmDeviceSource(d.sim, dev), origin: { kind: 'host', host: dev.backend.host ?? null } } };
  },
};

/** BaseRngLib (RDRAND) linked into the SMM driver (docs/model.md §3.3), with RngDxe's self-test parameters. */
export const RDRAND_SOURCE_COMPONENT: SourceComponent = {
  name: 'rdrand-source',
  description: 'SMM executes RDRAND through BaseRngLib (docs/model.md §3.3, §4.1)',
  params: [],
  metrics: [],
  produces: ['privileged-source'],
  consumes: ['rdrand'],
  create: (d) => ({
    'privileged-source': { source: new RdrandSource(baseRngLibOf(d.params['rng-dxe']!, d.rdrand, d.vcpus)), origin: { kind: 'rdrand', unit: d.rdrand } },
  }),
};

/** The timer RngLib mixed through SHA-256: what is left when nothing else exists (docs/model.md §3.4). */
export const COUNTER_SOURCE_COMPONENT: SourceComponent = {
  name: 'counter-source',
  description: 'SMM mixes PM-timer readings through SHA-256 (the counter RngLib, docs/model.md §3.4); flagged unsafe',
  params: [],
  metrics: [],
  produces: ['privileged-source'],
  consumes: ['counter-rnglib'],
  create: (d) => ({ 'privileged-source': { source: new CounterSource(d.counterRngLib), origin: { kind: 'counter', lib: d.counterRngLib } } }),
};
