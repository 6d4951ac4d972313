/**
 * variable-churn: the OS calling SetVariable through UEFI runtime services at a
 * steady rate: authenticated, non-volatile variables with sizes drawn from a
 * distribution. Each call is an SMI into the SMM variable driver (docs/model.md
 * §3.7: SetVariable still takes an SMI), which encrypts the data under a key
 * from the privileged entropy source; this is the SMM load whose throughput every
 * cell measures. One OS thread, closed loop: a call that stalls delays the next
 * (so entropy starvation shows as lost throughput). `paced`: calls start on a
 * fixed grid of 1/rate, so added latency below the grid step cannot show;
 * `back-to-back`: each call starts when the previous one returns (boot-time
 * variable writes, a firmware update), so throughput is 1/latency and any added
 * latency moves it.
 */
import { bool, num, str } from '../params/get.ts';
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';
import { ctxOf, intervalNs } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const VARIABLE_CHURN: WorkloadDef = {
  name: 'variable-churn',
  description: 'OS calls SetVariable (authenticated, SMM) at a rate with sizes from a distribution: the SMM load every cell measures.',
  role: 'background',
  params: [
    { name: 'rate', type: 'number', unit: 'calls/s', min: 1, max: 100000, default: 100, description: "SetVariable calls per virtual second in mode 'paced' (closed loop: a stalled call delays the next).", source: 'our choice: resolves a 1 % throughput change within 1 s of virtual time' },
    {
      name: 'mode',
      type: 'string',
      enum: ['paced', 'back-to-back'],
      default: 'paced',
      description: "'paced': calls on a 1/rate grid; 'back-to-back': the next call as soon as the previous returns (throughput = 1/latency).",
      source: 'our choice (issue: a paced grid hides added latency below its step)',
    },
    { name: 'size-dist', type: 'string', enum: ['fixed', 'uniform', 'exponential'], default: 'uniform', description: 'Distribution of variable data sizes.', source: 'our choice' },
    { name: 'size-bytes', type: 'integer', unit: 'bytes', min: 1, max: 65536, default: 64, description: "Mean (or fixed) data size; 'uniform' draws from 1…2·size-bytes.", source: 'estimate: typical NV variable payloads are tens to hundreds of bytes' },
    { name: 'variables', type: 'integer', min: 1, max: 4096, default: 16, description: 'Distinct variable names written round-robin.', source: 'our choice' },
    { name: 'authenticated', type: 'boolean', default: true, description: 'Time-based authenticated variables (EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS).', source: 'docs/model.md §3.7 (authenticated store in SMRAM)' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 0, description: 'vCPU the OS thread runs on.', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'variable-churn',
      start(p: Platform): void {
        const ctx = ctxOf('os', Math.min(num(v, 'cpu'), p.config.vcpus - 1), 'variable-churn');
        const step = v.mode === 'back-to-back' ? 0 : intervalNs(num(v, 'rate'));
        const mean = num(v, 'size-bytes');
        const dist = str(v, 'size-dist');
        const names = num(v, 'variables');
        const rng = p.rng.fork('variable-churn');
        const size = (): number => {
          if (dist === 'fixed') return mean;
          if (dist === 'uniform') return 1 + Math.floor(rng.next() * 2 * mean);
          return Math.max(1, Math.min(65536, Math.round(-Math.log(1 - rng.next()) * mean)));
        };
        p.sim.spawn('variable-churn', (function* () {
          yield* p.phases.waitFor('runtime');
          let next = p.sim.now;
          for (let i = 0; ; i++) {
            if (next > p.sim.now) yield next - p.sim.now;
            const data = rng.bytes(size());
            yield* p.firmware.smmVariable.setVariable(ctx, `ChurnVar${i % names}`, data, { authenticated: bool(v, 'authenticated') });
            next = Math.max(next + step, p.sim.now);
          }
        })());
      },
    };
  },
};
