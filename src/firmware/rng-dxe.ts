/**
 * SecurityPkg RngDxe on x86 (docs/model.md §3.2, §0 rows 13–16): EFI_RNG_PROTOCOL over RDRAND
 * through BaseRngLib.
 *
 * - Entry: installs the protocol only if one 64-bit RngLib read succeeds.
 * - SP800-90-CTR-256 (default): RngLib output directly (GetRandomNumber128 per 16 bytes).
 * - RAW: per 16 output bytes, `raw-iterations` (32) rounds of {`raw-delay-us` (10 µs) delay,
 *   GetRandomNumber128, AES-128 CBC-MAC step} (Intel's "seed from RDRAND" method) —
 *   ≥ 320 µs per 16 B from the delays alone (row 14). The delay is MicroSecondDelay on the
 *   ACPI PM timer, each read a userspace exit, so it is at least one `pm-read-ns` long.
 * - Boot services only: unusable after ExitBootServices.
 */
import { createCipheriv } from 'node:crypto';
import type { AccessContext } from '../devices/access.ts';
import { num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { RdrandUnit } from '../devices/rdrand.ts';
import type { Proc } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import { BaseRngLib } from './base-rnglib.ts';
import type { EfiRngProducer, EfiRngProducerProvision, RngAlgorithm, RngResult } from './rng-protocol.ts';

export const RNG_DXE_PARAMS: ParamTable = [
  {
    name: 'cpuid-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 1500,
    min: 0,
    description: 'CPUID in a guest (always a VM exit, handled in KVM).',
    source: 'estimate: docs/model.md §0 row 23 (in-kernel exit ≈1–2 µs)',
  },
  { name: 'self-test-samples', type: 'integer', default: 8, min: 2, description: 'TestRdRand samples per BaseRngLib call.', source: 'docs/model.md §0 row 16, §3.3' },
  { name: 'self-test-changes', type: 'integer', default: 5, min: 0, description: 'Value changes TestRdRand requires.', source: 'docs/model.md §3.3 (same constants as Linux, §5.2)' },
  { name: 'raw-iterations', type: 'integer', default: 32, min: 1, description: 'RDRAND reads per 16 RAW bytes (RdRandGetSeed128).', source: 'docs/model.md §0 row 14 (Rand/RdRand.c)' },
  { name: 'raw-delay-us', type: 'number', unit: 'µs', default: 10, min: 0, description: 'Delay before each RAW iteration.', source: 'docs/model.md §0 row 14' },
  {
    name: 'pm-read-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'One ACPI PM-timer port read (userspace exit) inside MicroSecondDelay.',
    source: 'estimate: docs/model.md §0 row 24, §3.2 ("real spacing is longer")',
  },
  { name: 'aes-block-ns', type: 'number', unit: 'ns', default: 100, min: 0, description: 'One software AES-128 block in firmware.', source: 'estimate: no docs/model.md figure' },
];

/**
 * BaseRngLib over RDRAND with this table's CPUID-exit and self-test parameters: the library
 * instance RngDxe links, and the one the SMM variable driver links in the RDRAND designs
 * (src/firmware/privileged-source.ts), both configured by `rng-dxe`.
 */
export function baseRngLibOf(params: ParamValues, rdrand: RdrandUnit, vcpus: Vcpus): BaseRngLib {
  return new BaseRngLib(rdrand, vcpus, {
    cpuidExitNs: num(params, 'cpuid-exit-ns'),
    selfTestSamples: num(params, 'self-test-samples'),
    selfTestChanges: num(params, 'self-test-changes'),
  });
}

export class RngDxe implements EfiRngProducer {
  readonly name = 'RngDxe';
  readonly algorithms: readonly RngAlgorithm[] = ['SP800-90-CTR-256', 'RAW'];
  installed = false;
  bootServices = true;
  readonly rngLib: BaseRngLib;
  private readonly p: ParamValues;

  constructor(
    params: ParamValues,
    rdrand: RdrandUnit,
    private readonly vcpus: Vcpus,
  ) {
    this.p = params;
    this.rngLib = baseRngLibOf(params, rdrand, vcpus);
  }

  available(): boolean {
    return this.installed && this.bootServices;
  }

  /** ExitBootServices: the protocol goes with boot services (RDRAND itself stays). */
  exitBootServices(): void {
    this.bootServices = false;
  }

  /** Driver entry (DXE dispatch): install only if a 64-bit read works. */
  *entry(ctx: AccessContext): Proc<boolean> {
    const v = yield* this.rngLib.getRandomNumber64(ctx);
    this.installed = v !== null;
    return this.installed;
  }

  *getRng(ctx: AccessContext, n: number, algorithm: RngAlgorithm = 'SP800-90-CTR-256'): Proc<RngResult> {
    if (!this.available()) return { status: 'not-ready', bytes: new Uint8Array(0) };
    if (algorithm === 'SP800-90-CTR-256') {
      const b = yield* this.rngLib.getBytes(ctx, n);
      return b === null ? { status: 'device-error', bytes: new Uint8Array(0) } : { status: 'success', bytes: b };
    }
    return yield* this.raw(ctx, n);
  }

  /** RdRandGetSeed128 per 16 bytes: CBC-MAC (AES-128, fixed key) over 32 delayed reads. */
  private *raw(ctx: AccessContext, n: number): Proc<RngResult> {
    const iterations = num(this.p, 'raw-iterations');
    const delayNs = Math.max(num(this.p, 'raw-delay-us') * 1000, num(this.p, 'pm-read-ns'));
    const aesNs = num(this.p, 'aes-block-ns');
    // Fixed key as in Rand/RdRand.c (the key is public; the CBC-MAC only condenses).
    const key = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) key[i] = i;
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 16) {
      let mac: Uint8Array = new Uint8Array(16);
      for (let i = 0; i < iterations; i++) {
        yield* this.vcpus.execute(ctx, delayNs);
        const v = yield* this.rngLib.getRandomNumber128(ctx);
        if (v === null) return { status: 'device-error', bytes: new Uint8Array(0) };
        const x = new Uint8Array(16);
        for (let k = 0; k < 16; k++) x[k] = mac[k]! ^ v[k]!;
        const c = createCipheriv('aes-128-ecb', key, null);
        c.setAutoPadding(false);
        mac = new Uint8Array(c.update(x));
        yield* this.vcpus.execute(ctx, aesNs);
      }
      out.set(mac.subarray(0, Math.min(16, n - off)), off);
    }
    return { status: 'success', bytes: out };
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const RNG_DXE_COMPONENT: ComponentDef<RngDxeDeps, EfiRngProducerProvision> = {
  name: 'rng-dxe',
  description: 'SecurityPkg RngDxe over BaseRngLib (RDRAND)',
  params: RNG_DXE_PARAMS,
  metrics: [],
  produces: ['efi-rng-protocol'],
  consumes: ['rdrand'],
  create: (d) => ({ 'efi-rng-protocol': new RngDxe(d.params['rng-dxe']!, d.rdrand, d.vcpus) }),
};

/** What RngDxe's `create` needs from the platform. */
export interface RngDxeDeps {
  readonly params: Readonly<Record<string, ParamValues>>;
  readonly rdrand: RdrandUnit;
  readonly vcpus: Vcpus;
}
