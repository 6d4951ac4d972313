/**
 * The registry of every platform component's parameter table, keyed by the component names a
 * scenario's `params:` section uses (the keys of PlatformConfig.params). It lives with the
 * designs because it names every component a design can assemble; each table itself is
 * declared beside its component (src/params/spec.ts has the ParamSpec shape).
 *
 * @example
 * resolveParams('virtio-rng', { 'max-bytes': 1024, period: 1000 })['period']   // 1000
 * resolveParams('virtio-rng', undefined)['period']                              // 65536 (docs/model.md §0 row 2)
 * resolveParams('virtio-rng', { period: 0 })   // throws InputError: virtio-rng.period: 0 is below the minimum 1 (ms)
 */
import { InputError } from '../errors.ts';
import { resolveParamTable, type ParamTable, type ParamValues } from '../params/spec.ts';
import { HOST_SOURCE_PARAMS } from '../devices/host-source.ts';
import { VIRTIO_RNG_PARAMS } from '../devices/virtio-rng.ts';
import { RDRAND_PARAMS } from '../devices/rdrand.ts';
import { SMM_DEVICE_PARAMS } from '../devices/smm-entropy-device.ts';
import { PFLASH_PARAMS } from '../devices/pflash.ts';
import { SMRAM_PARAMS } from '../devices/smram.ts';
import { SMI_PARAMS } from '../devices/smi.ts';
import { RNG_DXE_PARAMS } from '../firmware/rng-dxe.ts';
import { VIRTIO_RNG_DXE_PARAMS } from '../firmware/virtio-rng-dxe.ts';
import { SMM_VARIABLE_PARAMS } from '../firmware/smm-variable.ts';
import { TLS_PARAMS } from '../firmware/tls-client.ts';
import { COUNTER_RNGLIB_PARAMS } from '../firmware/counter-rnglib.ts';
import { TIMELINE_PARAMS } from '../firmware/boot.ts';
import { TAP_PARAMS } from '../taps/tap.ts';
import { LINUX_HWRNG_PARAMS } from '../os/linux-hwrng.ts';

/** Every component's table, keyed by component name (the keys of PlatformConfig.params). */
export const COMPONENT_PARAMS: Record<string, ParamTable> = {
  'host-source': HOST_SOURCE_PARAMS,
  'virtio-rng': VIRTIO_RNG_PARAMS,
  'linux-guest': LINUX_HWRNG_PARAMS,
  rdrand: RDRAND_PARAMS,
  'smm-device': SMM_DEVICE_PARAMS,
  pflash: PFLASH_PARAMS,
  smram: SMRAM_PARAMS,
  smi: SMI_PARAMS,
  'rng-dxe': RNG_DXE_PARAMS,
  'virtio-rng-dxe': VIRTIO_RNG_DXE_PARAMS,
  'smm-variable': SMM_VARIABLE_PARAMS,
  tls: TLS_PARAMS,
  'counter-rnglib': COUNTER_RNGLIB_PARAMS,
  timeline: TIMELINE_PARAMS,
  taps: TAP_PARAMS,
};

/**
 * Fills a component's defaults and validates overrides; throws InputError naming
 * component.param, the value and what was expected (unknown names and components too).
 */
export function resolveParams(component: string, overrides: ParamValues | undefined): ParamValues {
  const table = COMPONENT_PARAMS[component];
  if (table === undefined) {
    throw new InputError(`params: unknown component '${component}', expected one of ${Object.keys(COMPONENT_PARAMS).join(', ')}`);
  }
  return resolveParamTable(component, table, overrides);
}
