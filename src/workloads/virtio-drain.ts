/**
 * virtio-drain: a 3rd-party UEFI driver (less privileged than the platform
 * firmware, docs/model.md §2.1) draining entropy in a loop.
 *
 * - mode 'protocol': calls EFI_RNG_PROTOCOL.GetRNG (RAW) during DXE and BDS. It
 *   can only drain virtio-rng once VirtioRngDxe is connected in BDS, after
 *   EndOfDxe (§3.1, §0 row 12); before that the protocol (if any) is RngDxe over
 *   RDRAND. Boot services end at ExitBootServices, and so does this loop.
 * - mode 'device': talks to the virtio-rng device directly (its own virtqueue
 *   buffers, no protocol), and keeps going at runtime as an OS agent
 *   (privilege 'os' after ExitBootServices): firmware and OS share one QEMU
 *   rate-limit window (§1.2, §8).
 * Requests of `request-bytes`, at `rate` requests/s or flat out (rate 0).
 */
import { num } from '../params/get.ts';
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';
import { ctxOf, intervalNs } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const VIRTIO_DRAIN: WorkloadDef = {
  name: 'virtio-drain',
  description: '3rd-party UEFI driver draining EFI_RNG_PROTOCOL (DXE/BDS) or the virtio-rng device directly (through runtime).',
  role: 'adversary',
  params: [
    { name: 'mode', type: 'string', enum: ['protocol', 'device'], default: 'protocol', description: "'protocol' = EFI_RNG_PROTOCOL.GetRNG until ExitBootServices; 'device' = virtio-rng buffers directly, into runtime.", source: 'docs/model.md §3.1, §1.4' },
    { name: 'request-bytes', type: 'integer', unit: 'bytes', min: 1, max: 1048576, default: 256, description: 'Bytes per request.', source: 'our choice' },
    { name: 'rate', type: 'number', unit: 'requests/s', min: 0, default: 0, description: 'Requests per virtual second; 0 = flat out.', source: 'our choice' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 1, description: 'vCPU the drainer runs on.', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'virtio-drain',
      start(p: Platform): void {
        const cpu = Math.min(num(v, 'cpu'), p.config.vcpus - 1);
        const n = num(v, 'request-bytes');
        const step = intervalNs(num(v, 'rate'));
        // A flat-out loop still costs the guest something per call; never spin at zero virtual time.
        const minGapNs = 1000;
        if (v.mode === 'protocol') {
          const ctx = ctxOf('third-party', cpu, 'virtio-drain');
          p.sim.spawn('virtio-drain', (function* () {
            yield* p.phases.waitFor('dxe');
            while (p.phases.current() !== 'exit-boot-services' && p.phases.current() !== 'runtime') {
              const proto = p.firmware.rngProtocol;
              if (proto === undefined || !proto.available()) {
                // No protocol yet: a driver would wait on a protocol-notify event; poll every 1 ms.
                yield 1_000_000;
                continue;
              }
              // GetRNG(NULL algorithm) = the producer's default (RAW for VirtioRngDxe, CTR-256 for RngDxe).
              const r = yield* proto.getRng(ctx, n);
              yield Math.max(step, r.status === 'success' ? minGapNs : 100_000);
            }
          })());
        } else {
          const dev = p.devices.virtioRng;
          if (!dev) return;
          // Two agents: the UEFI driver until ExitBootServices (a buffer it posted then is dropped
          // by the device reset and never completes, so that process simply ends there), and its
          // OS-side counterpart from the start of the runtime phase.
          const drain = (privilege: 'third-party' | 'os') =>
            function* () {
              const ctx = ctxOf(privilege, cpu, 'virtio-drain');
              for (;;) {
                if (privilege === 'third-party' && p.phases.started('exit-boot-services')) return;
                const bytes = yield* dev.read(ctx, n);
                // Not ready (before BDS connects it): retry later.
                yield Math.max(step, bytes === null ? 100_000 : minGapNs);
              }
            };
          p.sim.spawn('virtio-drain.uefi', (function* () {
            yield* p.phases.waitFor('dxe');
            yield* drain('third-party')();
          })());
          p.sim.spawn('virtio-drain.os', (function* () {
            yield* p.phases.waitFor('runtime');
            yield* drain('os')();
          })());
        }
      },
    };
  },
};
