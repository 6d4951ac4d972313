/**
 * https-boot: HTTPS boot doing N TLS handshakes in the 'https-boot' boot phase
 * (DOMAIN.md §3.6). Each handshake needs entropy from OpenSSL's DRBG seeded
 * through RngLib; without an EFI_RNG_PROTOCOL the edk2 network stack is denied
 * (policy 'deny', ArmVirtQemu / OVMF network gating) or TLS runs on the timer
 * RngLib (policy 'degrade', OVMF X64 today). The TLS client model (firmware)
 * decides and counts done / denied / degraded; this workload only drives it.
 */
import type { Platform } from '../designs/platform.ts';
import type { ParamValues } from '../devices/params.ts';
import { ctxOf } from './common.ts';
import type { WorkloadDef } from './types.ts';

export const HTTPS_BOOT: WorkloadDef = {
  name: 'https-boot',
  description: 'HTTPS boot: N TLS handshakes before ExitBootServices (deny vs degrade without an RNG protocol).',
  role: 'adversary',
  params: [
    { name: 'handshakes', type: 'integer', min: 1, max: 10000, default: 4, description: 'TLS handshakes during the https-boot phase.', source: 'our choice: a boot fetching a few objects (loader, kernel, initrd)' },
    { name: 'cpu', type: 'integer', min: 0, max: 63, default: 0, description: 'vCPU of the boot processor.', source: 'our choice' },
  ],
  create(v: ParamValues) {
    return {
      name: 'https-boot',
      start(p: Platform): void {
        const ctx = ctxOf('firmware', Math.min(v.cpu as number, p.config.vcpus - 1), 'https-boot');
        const count = v.handshakes as number;
        p.sim.spawn('https-boot', (function* () {
          yield* p.phases.waitFor('https-boot');
          for (let i = 0; i < count; i++) yield* p.firmware.tls.handshake(ctx);
        })());
      },
    };
  },
};
