/**
 * The designs under comparison, as data: one entry per design, from which DesignName and
 * DESIGNS (./platform.ts re-exports them) are derived, so a new design is one entry here.
 * An entry says which component fills each role the design chooses (by the component's name
 * in the registry, ./components.ts, built through its `create(deps)`; like an edk2 platform
 * DSC picking the library instance behind a class, or a QEMU machine type naming the
 * devices it instantiates), the component defaults it imposes (before the scenario's own
 * overrides) and the EFI_RNG_PROTOCOL producers its firmware image carries. Everything else
 * (the base devices, firmware, boot) is common and built in ./assemble.ts.
 */
import type { ParamValues } from '../params/spec.ts';
import type { RoleName } from './components.ts';

export interface DesignEntry {
  /** One line for `entropy-bench list designs`. */
  description: string;
  /**
   * Part of the comparison: `designs: [all]` in a scenario expands to the compared designs.
   * A variant that is not (a worked example of adding a device) runs only where a scenario
   * names it, so the shipped scenarios and their reports do not change when one is added.
   */
  compared: boolean;
  /** Component parameter defaults of this design (scenario overrides win). */
  defaults: Record<string, ParamValues>;
  /**
   * The component that fills each single role the design chooses, by name: the SMM variable
   * driver's 'privileged-source', and the 'smm-entropy-device' if the design has one.
   */
  roles: { readonly [R in Exclude<RoleName, 'efi-rng-protocol'>]?: string } & { readonly 'privileged-source': string };
  /**
   * The 'efi-rng-protocol' role, filled several times: the producer components the firmware
   * image carries, in LocateProtocol order (the first available one answers).
   */
  rngProducers: readonly string[];
}

const TABLE = {
  'shared-virtio': {
    description: 'SMM draws from the same virtio-rng device (and quota window) as firmware and OS, OVMF-style (VirtioFlush, no timeout).',
    compared: true,
    defaults: {},
    roles: { 'privileged-source': 'virtio-smm-source' },
    rngProducers: ['virtio-rng-dxe'],
  },
  'smm-device': {
    description: 'A dedicated SMM-only platform entropy device (fixed I/O port, own host backend); non-SMM reads get all-ones.',
    compared: true,
    defaults: { 'smm-device': { backend: 'dedicated' } },
    roles: { 'smm-entropy-device': 'smm-device', 'privileged-source': 'smm-device-source' },
    rngProducers: ['virtio-rng-dxe'],
  },
  'smm-device-shared-backend': {
    description: "The SMM-only device, but backed by virtio-rng's host backend and quota (isolated access, shared availability).",
    compared: true,
    defaults: { 'smm-device': { backend: 'shared' } },
    roles: { 'smm-entropy-device': 'smm-device', 'privileged-source': 'smm-device-source' },
    rngProducers: ['virtio-rng-dxe'],
  },
  'rdrand-passthrough': {
    description: 'SMM uses RDRAND through BaseRngLib; RDRAND exposed natively to everyone (KVM default).',
    compared: true,
    defaults: { rdrand: { policy: 'passthrough' } },
    roles: { 'privileged-source': 'rdrand-source' },
    rngProducers: ['rng-dxe', 'virtio-rng-dxe'],
  },
  'rdrand-smm-only': {
    description: 'RDRAND trapped by the hypervisor: host randomness in SMM, #UD outside SMM (Ersek option; breaks non-SMM users).',
    compared: true,
    defaults: { rdrand: { policy: 'smm-only', 'smm-exclusive': true } },
    roles: { 'privileged-source': 'rdrand-source' },
    rngProducers: ['rng-dxe', 'virtio-rng-dxe'],
  },
  'counter-fallback': {
    description: 'Nothing else exists: no virtio-rng, RDRAND hidden; SMM mixes PM-timer readings through SHA-256.',
    compared: true,
    defaults: { 'virtio-rng': { present: false }, rdrand: { policy: 'hidden' } },
    roles: { 'privileged-source': 'counter-source' },
    rngProducers: ['rng-dxe', 'virtio-rng-dxe'],
  },
  'smm-mmio-device': {
    description: 'The SMM-only device on a fixed MMIO address mapped only for SMM (own host backend); non-SMM reads get all-ones. A variant, not in [all].',
    compared: false,
    defaults: {},
    roles: { 'smm-entropy-device': 'smm-mmio-device', 'privileged-source': 'smm-device-source' },
    rngProducers: ['virtio-rng-dxe'],
  },
} as const satisfies Record<string, DesignEntry>;

export type DesignName = keyof typeof TABLE;

/** Every design's entry, keyed by name. */
export const WIRING: Readonly<Record<DesignName, DesignEntry>> = TABLE;

/** The designs in table order (the order `designs: [all]` runs them in). */
export const DESIGNS: readonly { name: DesignName; description: string; compared: boolean }[] = (Object.keys(TABLE) as DesignName[]).map((name) => ({
  name,
  description: TABLE[name].description,
  compared: TABLE[name].compared,
}));
