/**
 * os-hwrng: user programs reading /dev/hwrng in the Linux guest after boot (rngd, a script, an
 * entropy-hungry service), on the Linux hwrng model (./linux-hwrng.ts): every read goes through
 * the core's reading_mutex and the virtio-rng driver's ONE prefetched 64-byte buffer, shared with
 * khwrngd and with every other reader — so N readers share one device window instead of each
 * posting its own buffers (docs/model.md "Linux guest / QEMU measured"). A read of 4096 bytes is
 * served 64 bytes at a time and returns only when complete; on kernel 6.1.192 a reader can hang
 * for good after a short completion (reported as `hung` in the run result's virtioRng.readers).
 *
 * A 3rd-party driver that posts big buffers straight into the queue is a different adversary:
 * virtio-drain mode 'device'.
 */
import { num } from '../params/get.ts';
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';
import type { WorkloadDef } from './types.ts';

export const OS_HWRNG: WorkloadDef = {
  name: 'os-hwrng',
  description: 'Linux user readers of /dev/hwrng (rngd-style) on the Linux hwrng core + virtio-rng driver model: read size, total, start, pauses, stop.',
  role: 'adversary',
  params: [
    { name: 'read-bytes', type: 'integer', unit: 'bytes', min: 1, max: 1048576, default: 64, description: 'Bytes per read(2) of /dev/hwrng (the core serves them 64 at a time).', source: 'our choice (hwread in test/fixtures/qemu/ used 64 and 4096)' },
    { name: 'total', type: 'integer', unit: 'bytes', min: 0, default: 0, description: 'Each reader stops after this many bytes (0 = never).', source: 'our choice' },
    { name: 'readers', type: 'integer', min: 1, max: 16, default: 1, description: 'Concurrent reader processes (they share the driver\'s one buffer and reading_mutex).', source: 'our choice' },
    { name: 'start', type: 'number', unit: 'ms', min: 0, default: 0, description: 'Readers start this long after the OS runtime begins.', source: 'our choice' },
    { name: 'pause-every', type: 'integer', min: 0, default: 0, description: 'Sleep after every N reads (0 = never).', source: 'our choice' },
    { name: 'pause', type: 'number', unit: 'ms', min: 0, default: 0, description: 'Length of each sleep.', source: 'our choice' },
    { name: 'stop', type: 'number', unit: 'ms', min: 0, default: 0, description: 'Readers issue no new read this long after the runtime begins (0 = never).', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'os-hwrng',
      start(p: Platform): void {
        const hwrng = p.os.hwrng;
        if (hwrng === undefined) return;
        const size = num(v, 'read-bytes');
        const total = num(v, 'total');
        const pauseEvery = num(v, 'pause-every');
        const pauseNs = num(v, 'pause') * 1e6;
        const n = num(v, 'readers');
        for (let i = 0; i < n; i++) {
          const name = n === 1 ? 'os-hwrng' : `os-hwrng.${i}`;
          p.sim.spawn(name, (function* () {
            yield* p.phases.waitFor('runtime');
            const t0 = p.sim.now;
            yield* hwrng.waitBound(); // rngd starts once udev has loaded virtio-rng
            const stopAt = num(v, 'stop') > 0 ? t0 + num(v, 'stop') * 1e6 : Infinity;
            if (num(v, 'start') > 0) yield num(v, 'start') * 1e6;
            let got = 0;
            let reads = 0;
            while ((total === 0 || got < total) && p.sim.now < stopAt) {
              const r = yield* hwrng.userRead(name, total === 0 ? size : Math.min(size, total - got));
              if (r <= 0) return; // driver removed (ENODEV) or EOF
              p.metrics.countFor('bytes', 'os-hwrng', r);
              got += r;
              reads++;
              if (pauseEvery > 0 && reads % pauseEvery === 0 && pauseNs > 0) yield pauseNs;
            }
          })());
        }
      },
    };
  },
};
