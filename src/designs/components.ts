/**
 * The registry of every platform component: its descriptor (src/params/component.ts: name,
 * parameter table, metrics it records, roles it produces and consumes), and the parameter
 * tables keyed by the component names a scenario's `params:` section uses (the keys of
 * PlatformConfig.params). It lives with the designs because it names every component a design
 * can assemble; each descriptor is declared beside its component.
 *
 * @example
 * resolveParams('virtio-rng', { 'max-bytes': 1024, period: 1000 })['period']   // 1000
 * resolveParams('virtio-rng', undefined)['period']                              // 65536 (docs/model.md §0 row 2)
 * resolveParams('virtio-rng', { period: 0 })   // throws InputError: virtio-rng.period: 0 is below the minimum 1 (ms)
 */
import { InputError } from '../errors.ts';
import { resolveParamTable, type ParamTable, type ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import { HOST_SOURCE_COMPONENT } from '../devices/host-source.ts';
import { VIRTIO_RNG_COMPONENT } from '../devices/virtio-rng.ts';
import { RDRAND_COMPONENT } from '../devices/rdrand.ts';
import { SMM_DEVICE_COMPONENT, type SmmDeviceDeps, type SmmDeviceProvision } from '../devices/smm-entropy-device.ts';
import { PFLASH_COMPONENT } from '../devices/pflash.ts';
import { SMRAM_COMPONENT } from '../devices/smram.ts';
import { SMI_COMPONENT } from '../devices/smi.ts';
import { RNG_DXE_COMPONENT, type RngDxeDeps } from '../firmware/rng-dxe.ts';
import { VIRTIO_RNG_DXE_COMPONENT, type VirtioRngDxeDeps } from '../firmware/virtio-rng-dxe.ts';
import type { EfiRngProducerProvision } from '../firmware/rng-protocol.ts';
import { SMM_VARIABLE_COMPONENT } from '../firmware/smm-variable/index.ts';
import { TLS_COMPONENT } from '../firmware/tls-client.ts';
import { COUNTER_RNGLIB_COMPONENT } from '../firmware/counter-rnglib.ts';
import { TIMELINE_COMPONENT } from '../firmware/boot.ts';
import { TAP_COMPONENT } from '../taps/tap.ts';
import { LINUX_HWRNG_COMPONENT } from '../os/linux-hwrng.ts';
import { SMM_MMIO_DEVICE_COMPONENT } from '../devices/smm-mmio-entropy-device/index.ts';
import {
  COUNTER_SOURCE_COMPONENT,
  RDRAND_SOURCE_COMPONENT,
  SMM_DEVICE_SOURCE_COMPONENT,
  VIRTIO_SMM_SOURCE_COMPONENT,
  type PrivilegedSourceDeps,
  type PrivilegedSourceProvision,
} from '../firmware/privileged-source.ts';

/**
 * The roles a design fills by naming a component, and what filling one yields: the
 * SMM-only entropy device, the SMM variable driver's privileged source with its origin, and
 * each EFI_RNG_PROTOCOL producer its firmware image carries.
 */
export type RoleValues = SmmDeviceProvision & PrivilegedSourceProvision & EfiRngProducerProvision;
export type RoleName = keyof RoleValues;

/**
 * Everything a component's `create(deps)` may use: the platform services, the base
 * components (built for every design) and the roles filled before it (the SMM-only device
 * is built before the privileged source that reads it). Each component declares the part it
 * needs (SmmDeviceDeps, PrivilegedSourceDeps); this type must satisfy all of them, which the
 * registry's type below checks.
 */
export type PlatformDeps = SmmDeviceDeps & PrivilegedSourceDeps & RngDxeDeps & VirtioRngDxeDeps;

/** A registry entry: a descriptor whose `create`, if any, takes PlatformDeps and yields roles. */
export type Component = ComponentDef<PlatformDeps, Partial<RoleValues>>;

/**
 * Every component's descriptor, in the order reports list their parameters (parametersUsed):
 * a new component is one line here (append, so existing reports keep their order).
 */
export const COMPONENTS: readonly Component[] = [
  HOST_SOURCE_COMPONENT,
  VIRTIO_RNG_COMPONENT,
  LINUX_HWRNG_COMPONENT,
  RDRAND_COMPONENT,
  SMM_DEVICE_COMPONENT,
  PFLASH_COMPONENT,
  SMRAM_COMPONENT,
  SMI_COMPONENT,
  RNG_DXE_COMPONENT,
  VIRTIO_RNG_DXE_COMPONENT,
  SMM_VARIABLE_COMPONENT,
  TLS_COMPONENT,
  COUNTER_RNGLIB_COMPONENT,
  TIMELINE_COMPONENT,
  TAP_COMPONENT,
  VIRTIO_SMM_SOURCE_COMPONENT,
  SMM_DEVICE_SOURCE_COMPONENT,
  RDRAND_SOURCE_COMPONENT,
  COUNTER_SOURCE_COMPONENT,
  SMM_MMIO_DEVICE_COMPONENT,
];

/**
 * Every component's table, keyed by component name (the keys of PlatformConfig.params).
 * Components without parameters (the privileged-source adapters) have no key: there is
 * nothing a scenario could set.
 */
export const COMPONENT_PARAMS: Record<string, ParamTable> = Object.fromEntries(COMPONENTS.filter((c) => c.params.length > 0).map((c) => [c.name, c.params]));

/** Names of the add-on components (ComponentDef.addOn): resolved and reported only in designs that pick them. */
export const ADD_ONS: ReadonlySet<string> = new Set(COMPONENTS.filter((c) => c.addOn === true).map((c) => c.name));

/**
 * Builds the component `name` and returns what it provides for `role`: the generic step of
 * assembling a platform (QEMU: `object_new(typename)` then realize; edk2: the DSC's library
 * class → instance mapping). Throws InputError when no such component exists, it cannot be
 * created, or it does not produce the role.
 */
export function provide<R extends RoleName>(role: R, name: string, deps: PlatformDeps): RoleValues[R] {
  const c = COMPONENTS.find((x) => x.name === name);
  if (c === undefined) throw new InputError(`role '${role}': unknown component '${name}', expected one of ${COMPONENTS.map((x) => x.name).join(', ')}`);
  if (c.create === undefined || !c.produces.includes(role)) throw new InputError(`role '${role}': component '${name}' does not produce it`);
  const v = c.create(deps)[role];
  if (v === undefined) throw new InputError(`role '${role}': component '${name}' declares it but did not build it`);
  return v;
}

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
