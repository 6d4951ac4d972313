/**
 * https-boot: HTTPS boot doing N TLS handshakes in the 'https-boot' boot phase
 * (docs/model.md §3.6). Each handshake needs entropy from OpenSSL's DRBG seeded
 * through RngLib; without an EFI_RNG_PROTOCOL the edk2 network stack is denied
 * (tls.policy 'deny', ArmVirtQemu / OVMF network gating) or TLS runs on the
 * timer RngLib ('degrade', OVMF X64 today). The platform's boot sequence
 * already runs the https-boot phase with the TLS client model (firmware), which
 * counts done / denied / degraded; this workload sets how many handshakes it does.
 */
import type { ParamValues } from '../params/spec.ts';
import type { WorkloadDef } from './types.ts';

export const HTTPS_BOOT: WorkloadDef = {
  name: 'https-boot',
  description: 'HTTPS boot: N TLS handshakes before ExitBootServices (deny vs degrade without an RNG protocol; sets tls.handshakes).',
  role: 'adversary',
  params: [
    { name: 'handshakes', type: 'integer', min: 1, max: 10000, default: 8, description: 'TLS handshakes during the https-boot phase.', source: 'our choice: a boot fetching several objects (loader, kernel, initrd, ...)' },
  ],
  create: () => ({ name: 'https-boot', start(): void {} }),
  platformOverrides: (v: ParamValues) => ({ tls: { handshakes: v.handshakes! } }),
};
