/**
 * smm-probe: code outside SMM (the OS, or a 3rd-party UEFI driver) trying to
 * reach what only SMM may: the SMM entropy device's DATA register, SMRAM (TSEG)
 * reads and writes (after trying to clear ESMRAMC.T_EN, which removes the TSEG
 * blackhole unless SMRAMC.D_LCK is set), programming the variable-store flash
 * (docs/model.md §1.5 pflash secure=on, §1.6 TSEG blackhole) and executing RDRAND
 * (§4.1). The devices decide; each attempt is a blocked attempt or, if it got
 * through, an isolation violation.
 *
 * `misconfigure` also breaks one protection the design relies on, so the probe has
 * something to find (a probe that can never see anything proves nothing):
 * `pflash-insecure` (cfi.pflash01 without secure=on), `smm-device-open` (the SMM
 * entropy device decodes non-SMM accesses), `smram-unlocked` (no D_LCK) and
 * `rdrand-passthrough` (RDRAND native where the design assumes trapping).
 */
import { bool, num } from '../params/get.ts';
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../params/spec.ts';
import { ctxOf, intervalNs } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const SMM_PROBE: WorkloadDef = {
  name: 'smm-probe',
  description: 'Non-SMM code reads/writes the SMM entropy device ports, SMRAM and pflash, counting blocked attempts and violations.',
  role: 'adversary',
  params: [
    { name: 'privilege', type: 'string', enum: ['os', 'third-party'], default: 'os', description: "'os' probes at runtime; 'third-party' is a UEFI driver probing during DXE/BDS.", source: 'our choice' },
    { name: 'rate', type: 'number', unit: 'probes/s', min: 1, max: 1000000, default: 1000, description: 'Probe rounds per virtual second (each round tries every target).', source: 'our choice' },
    { name: 'destructive', type: 'boolean', default: false, description: 'pflash and SMRAM writes store zeros (would destroy variables and keys) instead of all-ones in flash (no bit change) and the bytes just read in SMRAM.', source: 'our choice' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 1, description: 'vCPU the prober runs on.', source: 'our choice' },
    {
      name: 'misconfigure',
      type: 'string',
      enum: ['none', 'pflash-insecure', 'smm-device-open', 'smram-unlocked', 'rdrand-passthrough'],
      default: 'none',
      description: 'A protection the platform is (mis)configured without: pflash secure=off, SMM device smm-only=off, SMRAM without D_LCK, or RDRAND passthrough.',
      source: 'our choice (misconfiguration cells: docs/model.md §1.5, §1.6, §4.1)',
    },
  ],
  platformOverrides(v: ParamValues): Record<string, ParamValues> {
    switch (v.misconfigure) {
      case 'pflash-insecure':
        return { pflash: { secure: false } };
      case 'smm-device-open':
        return { 'smm-device': { 'smm-only': false } };
      case 'smram-unlocked':
        return { smram: { 'd-lck': false } };
      case 'rdrand-passthrough':
        return { rdrand: { policy: 'passthrough' } };
      default:
        return {};
    }
  },
  create(v: ParamValues) {
    return {
      name: 'smm-probe',
      start(p: Platform): void {
        const priv = v.privilege as 'os' | 'third-party';
        const ctx = ctxOf(priv, Math.min(num(v, 'cpu'), p.config.vcpus - 1), 'smm-probe');
        const step = Math.max(1, intervalNs(num(v, 'rate')));
        const destructive = bool(v, 'destructive');
        const fill = destructive ? 0x00 : 0xff;
        const { smmDevice, smram, pflash, rdrand } = p.devices;
        p.sim.spawn('smm-probe', (function* () {
          yield* p.phases.waitFor(priv === 'os' ? 'runtime' : 'dxe');
          for (;;) {
            if (priv === 'third-party' && p.phases.current() === 'runtime') return; // boot services are gone
            if (smmDevice) {
              yield* smmDevice.read32(ctx, 8); // DATA register
              yield* smmDevice.readEntropy(ctx, 32);
            }
            smram.writeEsmramc(ctx, false); // clear T_EN: drops the TSEG blackhole unless D_LCK
            const seen = smram.read(ctx, 0, 64);
            // Non-destructive: write back what was read (proves write access, changes nothing).
            smram.write(ctx, 0, destructive ? new Uint8Array(16).fill(fill) : seen.subarray(0, 16));
            yield* pflash.program(ctx, 0, new Uint8Array(16).fill(fill));
            yield* rdrand.rdrand(ctx);
            yield step;
          }
        })());
      },
    };
  },
};
