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
 */
import type { AccessContext } from '../devices/access.ts';
import type { SmmEntropyDevice } from '../devices/smm-entropy-device.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { BaseRngLib } from './base-rnglib.ts';
import type { CounterRngLib } from './counter-rnglib.ts';
import type { VirtioRngClient } from './virtio-rng-dxe.ts';

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
  readonly name = 'smm-device';
  readonly unsafe = false;
  constructor(
    private readonly sim: Sim,
    private readonly device: SmmEntropyDevice,
  ) {}

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
