/**
 * What each design changes in the platform: component defaults it imposes (before the
 * scenario's own overrides) and which privileged source the SMM variable driver uses.
 * Everything else (devices, firmware, boot) is common and built in ./run.ts.
 */
import type { ParamValues } from '../params/spec.ts';
import type { DesignName } from './platform.ts';

export interface DesignWiring {
  /** Component parameter defaults of this design (scenario overrides win). */
  defaults: Record<string, ParamValues>;
  /** The SMM variable driver's privileged source. */
  smmSource: 'virtio' | 'smm-device' | 'rdrand' | 'counter';
  /** Build the SMM-only entropy device. */
  smmDevice: boolean;
  /** EFI_RNG_PROTOCOL producers the firmware image carries, in LocateProtocol order. */
  rngProducers: ReadonlyArray<'RngDxe' | 'VirtioRngDxe'>;
}

export const WIRING: Record<DesignName, DesignWiring> = {
  'shared-virtio': { defaults: {}, smmSource: 'virtio', smmDevice: false, rngProducers: ['VirtioRngDxe'] },
  'smm-device': { defaults: { 'smm-device': { backend: 'dedicated' } }, smmSource: 'smm-device', smmDevice: true, rngProducers: ['VirtioRngDxe'] },
  'smm-device-shared-backend': {
    defaults: { 'smm-device': { backend: 'shared' } },
    smmSource: 'smm-device',
    smmDevice: true,
    rngProducers: ['VirtioRngDxe'],
  },
  'rdrand-passthrough': { defaults: { rdrand: { policy: 'passthrough' } }, smmSource: 'rdrand', smmDevice: false, rngProducers: ['RngDxe', 'VirtioRngDxe'] },
  'rdrand-smm-only': { defaults: { rdrand: { policy: 'smm-only', 'smm-exclusive': true } }, smmSource: 'rdrand', smmDevice: false, rngProducers: ['RngDxe', 'VirtioRngDxe'] },
  'counter-fallback': {
    defaults: { 'virtio-rng': { present: false }, rdrand: { policy: 'hidden' } },
    smmSource: 'counter',
    smmDevice: false,
    rngProducers: ['RngDxe', 'VirtioRngDxe'],
  },
};
