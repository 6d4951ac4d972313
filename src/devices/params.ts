/**
 * Parameter tables, QEMU property-table style: every rate, cost and behaviour of the
 * platform model is a named parameter declared once beside its component, with its unit,
 * its default and where the default comes from (a docs/model.md row/section, or "estimate: …"
 * when no source backs it). The scenario schema, the defaults and the report's
 * "parameters used" section all derive from these tables.
 *
 * @example
 * resolveParams('virtio-rng', { 'max-bytes': 1024, period: 1000 })['period']   // 1000
 * resolveParams('virtio-rng', undefined)['period']                              // 65536 (docs/model.md §0 row 2)
 * resolveParams('virtio-rng', { period: 0 })   // throws InputError: virtio-rng.period: 0 is below the minimum 1 (ms)
 */
import { InputError } from '../errors.ts';
import { HOST_SOURCE_PARAMS } from './host-source.ts';
import { VIRTIO_RNG_PARAMS } from './virtio-rng.ts';
import { RDRAND_PARAMS } from './rdrand.ts';
import { SMM_DEVICE_PARAMS } from './smm-entropy-device.ts';
import { PFLASH_PARAMS } from './pflash.ts';
import { SMRAM_PARAMS } from './smram.ts';
import { SMI_PARAMS } from './smi.ts';
import { RNG_DXE_PARAMS } from '../firmware/rng-dxe.ts';
import { VIRTIO_RNG_DXE_PARAMS } from '../firmware/virtio-rng-dxe.ts';
import { SMM_VARIABLE_PARAMS } from '../firmware/smm-variable.ts';
import { TLS_PARAMS } from '../firmware/tls-client.ts';
import { COUNTER_RNGLIB_PARAMS } from '../firmware/counter-rnglib.ts';
import { TIMELINE_PARAMS } from '../firmware/boot.ts';
import { TAP_PARAMS } from '../taps/tap.ts';
import { LINUX_HWRNG_PARAMS } from '../workloads/linux-hwrng.ts';

export interface ParamSpec {
  /** e.g. 'max-bytes', 'period' */
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'string';
  /** 'bytes', 'ms', 'ns', 'B/s', ... */
  unit?: string;
  default: number | boolean | string;
  enum?: readonly string[];
  min?: number;
  max?: number;
  description: string;
  /** Where the default comes from: 'docs/model.md §0 row 2 (QEMU hw/virtio/virtio-rng.c)' or 'estimate: ...'. */
  source: string;
}
export type ParamTable = readonly ParamSpec[];
export type ParamValues = Record<string, number | boolean | string>;

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

/** Validates one value against its spec; returns the value (integers stay integers). */
export function checkParam(component: string, spec: ParamSpec, value: unknown): number | boolean | string {
  const where = `${component}.${spec.name}`;
  const unit = spec.unit !== undefined ? ` (${spec.unit})` : '';
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new InputError(`${where}: expected true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new InputError(`${where}: expected a string, got ${JSON.stringify(value)}`);
      if (spec.enum !== undefined && !spec.enum.includes(value)) {
        throw new InputError(`${where}: ${JSON.stringify(value)} is not one of ${spec.enum.map((e) => `'${e}'`).join(', ')}`);
      }
      return value;
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InputError(`${where}: expected a finite ${spec.type}${unit}, got ${JSON.stringify(value)}`);
      }
      if (spec.type === 'integer' && !Number.isInteger(value)) {
        throw new InputError(`${where}: expected an integer${unit}, got ${value}`);
      }
      if (spec.min !== undefined && value < spec.min) throw new InputError(`${where}: ${value} is below the minimum ${spec.min}${unit}`);
      if (spec.max !== undefined && value > spec.max) throw new InputError(`${where}: ${value} is above the maximum ${spec.max}${unit}`);
      return value;
    }
  }
}

/**
 * Fills a component's defaults and validates overrides; throws InputError naming
 * component.param, the value and what was expected (unknown names too).
 */
export function resolveParams(component: string, overrides: ParamValues | undefined): ParamValues {
  const table = COMPONENT_PARAMS[component];
  if (table === undefined) {
    throw new InputError(`params: unknown component '${component}', expected one of ${Object.keys(COMPONENT_PARAMS).join(', ')}`);
  }
  const out: ParamValues = {};
  for (const spec of table) out[spec.name] = spec.default;
  if (overrides !== undefined) {
    for (const [name, value] of Object.entries(overrides)) {
      const spec = table.find((s) => s.name === name);
      if (spec === undefined) {
        throw new InputError(`${component}.${name}: unknown parameter, expected one of ${table.map((s) => s.name).join(', ')}`);
      }
      out[name] = checkParam(component, spec, value);
    }
  }
  return out;
}

// Components read resolved values with the typed getters in ./param-get.ts; they never import
// this file at run time (only its types), because this file imports every component's table.
