/**
 * smm-probe: code outside SMM (the OS, or a 3rd-party UEFI driver) trying to
 * reach what only SMM may: the SMM entropy device's DATA register, SMRAM (TSEG)
 * reads and writes, and programming the variable-store flash (docs/model.md §1.5
 * pflash secure=on, §1.6 TSEG blackhole). The devices decide; each attempt is a
 * blocked attempt or, if it got through, an isolation violation.
 */
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../devices/params.ts';
import { ctxOf, intervalNs } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const SMM_PROBE: WorkloadDef = {
  name: 'smm-probe',
  description: 'Non-SMM code reads/writes the SMM entropy device ports, SMRAM and pflash, counting blocked attempts and violations.',
  role: 'adversary',
  params: [
    { name: 'privilege', type: 'string', enum: ['os', 'third-party'], default: 'os', description: "'os' probes at runtime; 'third-party' is a UEFI driver probing during DXE/BDS.", source: 'our choice' },
    { name: 'rate', type: 'number', unit: 'probes/s', min: 1, max: 1000000, default: 1000, description: 'Probe rounds per virtual second (each round tries every target).', source: 'our choice' },
    { name: 'destructive', type: 'boolean', default: false, description: 'pflash writes program zeros (would destroy variables) instead of all-ones (no bit change).', source: 'our choice' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 1, description: 'vCPU the prober runs on.', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'smm-probe',
      start(p: Platform): void {
        const priv = v.privilege as 'os' | 'third-party';
        const ctx = ctxOf(priv, Math.min(v.cpu as number, p.config.vcpus - 1), 'smm-probe');
        const step = Math.max(1, intervalNs(v.rate as number));
        const fill = (v.destructive as boolean) ? 0x00 : 0xff;
        const { smmDevice, smram, pflash } = p.devices;
        p.sim.spawn('smm-probe', (function* () {
          yield* p.phases.waitFor(priv === 'os' ? 'runtime' : 'dxe');
          for (;;) {
            if (priv === 'third-party' && p.phases.current() === 'runtime') return; // boot services are gone
            if (smmDevice) {
              yield* smmDevice.in32(ctx, 8); // DATA register
              yield* smmDevice.readEntropy(ctx, 32);
            }
            smram.read(ctx, 0, 64);
            smram.write(ctx, 0, new Uint8Array(16).fill(fill));
            yield* pflash.program(ctx, 0, new Uint8Array(16).fill(fill));
            yield step;
          }
        })());
      },
    };
  },
};
