/**
 * os-hwrng: the Linux guest's hw_random path on virtio-rng after boot
 * (docs/model.md §6.1–6.3): 64-byte reads (max(32, SMP_CACHE_BYTES)), one request
 * always outstanding. 'rngd' mode is rng-tools reading /dev/hwrng continuously
 * (the heavy case); 'kthread' mode is the hwrng kthread alone: one 64-byte read
 * per crng reseed interval (60 s; early boot max(1 s, uptime/2)).
 */
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../devices/params.ts';
import { ctxOf } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const OS_HWRNG: WorkloadDef = {
  name: 'os-hwrng',
  description: 'Linux virtio-rng driver + rngd after boot: 64-byte reads, one always pending (continuous), or the hwrng kthread cadence.',
  role: 'adversary',
  params: [
    { name: 'mode', type: 'string', enum: ['rngd', 'kthread'], default: 'rngd', description: "'rngd' reads continuously; 'kthread' reads once per reseed interval.", source: 'docs/model.md §6.2–6.3' },
    { name: 'read-bytes', type: 'integer', unit: 'bytes', min: 1, max: 4096, default: 64, description: 'Bytes per virtio-rng request.', source: 'docs/model.md §0 row 30 (drivers/char/hw_random/virtio-rng.c)' },
    { name: 'reseed-interval', type: 'number', unit: 'ms', min: 1, default: 60000, description: "kthread mode: wait between reads after crng init.", source: 'docs/model.md §0 row 32 (drivers/char/random.c)' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 1, description: 'vCPU the reader runs on.', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'os-hwrng',
      start(p: Platform): void {
        const dev = p.devices.virtioRng;
        if (!dev) return;
        const ctx = ctxOf('os', Math.min(v.cpu as number, p.config.vcpus - 1), 'os-hwrng');
        const n = v['read-bytes'] as number;
        const waitNs = v.mode === 'kthread' ? (v['reseed-interval'] as number) * 1e6 : 0;
        p.sim.spawn('os-hwrng', (function* () {
          yield* p.phases.waitFor('runtime');
          for (;;) {
            const bytes = yield* dev.read(ctx, n);
            if (bytes === null) return; // device absent or not bound: the driver stops
            if (waitNs > 0) yield waitNs;
          }
        })());
      },
    };
  },
};
