/**
 * rdrand-hammer: the OS executing RDRAND (or RDSEED) back to back on N vCPUs
 * (docs/model.md §5.1–5.2: threads contend for one DRNG per package; RDSEED can be
 * drained). Under the rdrand-smm-only design every instruction outside SMM is a
 * #UD (§4.1); the hammer then backs off and retries, counting faults.
 */
import { num } from '../params/get.ts';
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';
import { ctxOf } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const RDRAND_HAMMER: WorkloadDef = {
  name: 'rdrand-hammer',
  description: 'OS runs RDRAND/RDSEED flat out on N vCPUs (DRNG contention; #UD where RDRAND is SMM-only).',
  role: 'adversary',
  params: [
    { name: 'vcpus', type: 'integer', min: 0, max: 64, default: 0, description: 'vCPUs hammering (0 = all).', source: 'our choice' },
    { name: 'instruction', type: 'string', enum: ['rdrand', 'rdseed'], default: 'rdrand', description: 'Instruction executed.', source: 'docs/model.md §5' },
    { name: 'batch', type: 'integer', min: 1, max: 1000000, default: 1000, description: 'Instructions per simulated batch (timing is per instruction; batching keeps the model cheap).', source: 'our choice' },
    { name: 'ud-backoff', type: 'number', unit: 'us', min: 1, default: 1000, description: 'Pause after a #UD before retrying (the faulting process is restarted).', source: 'estimate' },
  ],
  create(v: ParamValues) {
    return {
      name: 'rdrand-hammer',
      start(p: Platform): void {
        const n = num(v, 'vcpus') === 0 ? p.config.vcpus : Math.min(num(v, 'vcpus'), p.config.vcpus);
        const seed = v.instruction === 'rdseed';
        const batch = num(v, 'batch');
        const backoff = num(v, 'ud-backoff') * 1e3;
        for (let cpu = 0; cpu < n; cpu++) {
          const ctx = ctxOf('os', cpu, 'rdrand-hammer');
          p.sim.spawn(`rdrand-hammer.${cpu}`, (function* () {
            yield* p.phases.waitFor('runtime');
            for (;;) {
              const r = yield* p.devices.rdrand.rdrandWords(ctx, batch, seed);
              if (r.ud) yield backoff;
            }
          })());
        }
      },
    };
  },
};
