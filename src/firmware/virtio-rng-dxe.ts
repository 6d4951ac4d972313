/**
 * OVMF VirtioRngDxe and its VirtioFlush wait (docs/model.md §3.1, §0 rows 10–12):
 *
 * - RAW only; one device-writable descriptor per GetRNG chunk (≤ UINT32_MAX bytes); the
 *   driver loops until the device has returned the full length (short completions happen
 *   whenever the quota is smaller than the request);
 * - VirtioFlush busy-polls the used ring: Stall 1 µs, doubling to a 1024 µs cap, *no timeout*
 *   (a drained quota becomes a firmware wait of up to one period, polled at ≈1 ms);
 * - connected only in BDS (after EndOfDxe and SMM ReadyToLock); not-ready requests return
 *   EFI_DEVICE_ERROR (7339bfeffa); at ExitBootServices the device is reset.
 *
 * `VirtioRngClient` is the driver logic alone (post, kick, poll) so an SMM-side client in
 * the `shared-virtio` design can reuse it; `VirtioRngDxe` wraps it as EFI_RNG_PROTOCOL.
 * The poll is computed, not simulated stall by stall: when the used entry arrives at time
 * t after the kick, the driver notices it at the first poll point ≥ t (poll points are the
 * cumulative stalls 1, 2, 4, … 1024, 1024, … µs, each plus `stall-overhead-ns`).
 */
import type { AccessContext } from '../devices/access.ts';
import { num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { VirtioRng } from '../devices/virtio-rng.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { EfiRngProducer, EfiRngProducerProvision, RngAlgorithm, RngResult } from './rng-protocol.ts';

const UINT32_MAX = 0xffffffff;

export const VIRTIO_RNG_DXE_PARAMS: ParamTable = [
  { name: 'poll-start-us', type: 'number', unit: 'µs', default: 1, min: 0.001, description: 'First VirtioFlush stall.', source: 'docs/model.md §0 row 11 (VirtioLib.c VirtioFlush)' },
  { name: 'poll-cap-us', type: 'number', unit: 'µs', default: 1024, min: 0.001, description: 'Stall cap after doubling.', source: 'docs/model.md §0 row 11' },
  {
    name: 'stall-overhead-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'Extra time per Stall: MicroSecondDelay reads the ACPI PM timer (a userspace exit) at least once.',
    source: 'estimate: docs/model.md §0 row 24, §3.2 (PM-timer TimerLib in DXE)',
  },
];

/** Cumulative wait (ns) after k stalls of the VirtioFlush back-off. */
export function pollPoint(k: number, startNs: number, capNs: number, overheadNs: number): number {
  let t = 0;
  let s = startNs;
  let i = 0;
  for (; i < k && s < capNs; i++) {
    t += s + overheadNs;
    s = Math.min(s * 2, capNs);
  }
  return t + (k - i) * (capNs + overheadNs);
}

/** The first poll point ≥ elapsed (ns): when a poller that started at 0 notices a completion at `elapsed`. */
export function noticeTime(elapsed: number, startNs: number, capNs: number, overheadNs: number): number {
  if (elapsed <= 0) return 0;
  let t = 0;
  let s = startNs;
  while (s < capNs) {
    t += s + overheadNs;
    if (t >= elapsed) return t;
    s = Math.min(s * 2, capNs);
  }
  const step = capNs + overheadNs;
  return t + Math.ceil((elapsed - t) / step) * step;
}

export class VirtioRngClient {
  readonly startNs: number;
  readonly capNs: number;
  readonly overheadNs: number;

  constructor(
    private readonly sim: Sim,
    readonly device: VirtioRng,
    private readonly vcpus: Vcpus,
    params: ParamValues,
  ) {
    this.startNs = num(params, 'poll-start-us') * 1000;
    this.capNs = num(params, 'poll-cap-us') * 1000;
    this.overheadNs = num(params, 'stall-overhead-ns');
  }

  /**
   * Reads n bytes the OVMF way (descriptor per chunk, loop on short completions, poll).
   * Returns early with what it has if the device is not ready ('device-error') or the
   * deadline passes ('timeout'; the posted descriptor stays in the ring).
   */
  *read(ctx: AccessContext, n: number, deadlineNs = Infinity): Proc<RngResult> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!this.device.present || !this.device.ready) return { status: 'device-error', bytes: out.slice(0, got) };
      yield* this.device.waitForSlot();
      const req = this.device.post(ctx, Math.min(n - got, UINT32_MAX));
      if (req === null) return { status: 'device-error', bytes: out.slice(0, got) };
      yield* this.device.kick(ctx);
      const t0 = this.sim.now;
      const ok = yield* this.sim.waitFor(req.done, deadlineNs - this.sim.now);
      if (!ok) return { status: 'timeout', bytes: out.slice(0, got) };
      const elapsed = this.sim.now - t0;
      const seen = noticeTime(elapsed, this.startNs, this.capNs, this.overheadNs);
      if (seen > elapsed) yield* this.vcpus.execute(ctx, seen - elapsed);
      if (ctx.privilege !== 'smm') yield* this.vcpus.untilNotInSmm();
      const chunk = req.done.value!;
      out.set(chunk, got);
      got += chunk.length;
    }
    return { status: 'success', bytes: out };
  }
}

export class VirtioRngDxe implements EfiRngProducer {
  readonly name = 'VirtioRngDxe';
  readonly algorithms: readonly RngAlgorithm[] = ['RAW'];
  /** Connected by PlatformBootManagerLib in BDS. */
  connected = false;
  bootServices = true;
  readonly client: VirtioRngClient;

  constructor(sim: Sim, device: VirtioRng, vcpus: Vcpus, params: ParamValues) {
    this.client = new VirtioRngClient(sim, device, vcpus, params);
  }

  /** BDS connects the driver: DRIVER_OK on the device. */
  connect(): void {
    if (!this.client.device.present) return;
    this.connected = true;
    this.client.device.setDriverOk(true);
  }

  /** ExitBootServices: device reset (quota and window survive, §1.2). */
  exitBootServices(): void {
    this.bootServices = false;
    if (this.connected) this.client.device.setDriverOk(false);
  }

  available(): boolean {
    return this.connected && this.bootServices && this.client.device.present;
  }

  *getRng(ctx: AccessContext, n: number, algorithm: RngAlgorithm = 'RAW', deadlineNs = Infinity): Proc<RngResult> {
    if (algorithm !== 'RAW') return { status: 'unsupported', bytes: new Uint8Array(0) };
    if (!this.available()) return { status: 'device-error', bytes: new Uint8Array(0) };
    return yield* this.client.read(ctx, n, deadlineNs);
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const VIRTIO_RNG_DXE_COMPONENT: ComponentDef<VirtioRngDxeDeps, EfiRngProducerProvision> = {
  name: 'virtio-rng-dxe',
  description: 'OvmfPkg VirtioRngDxe',
  params: VIRTIO_RNG_DXE_PARAMS,
  metrics: [],
  produces: ['efi-rng-protocol'],
  consumes: ['virtio-rng'],
  // Built whether or not the device is present: without it the driver never binds (connect
  // does nothing, available() is false), as OVMF's image carries the driver either way.
  create: (d) => ({ 'efi-rng-protocol': new VirtioRngDxe(d.sim, d.virtioRng, d.vcpus, d.params['virtio-rng-dxe']!) }),
};

/** What VirtioRngDxe's `create` needs from the platform. */
export interface VirtioRngDxeDeps {
  readonly sim: Sim;
  readonly params: Readonly<Record<string, ParamValues>>;
  readonly virtioRng: VirtioRng;
  readonly vcpus: Vcpus;
}
