/**
 * Parameter tables, QEMU property-table style: every rate, cost and behaviour of the
 * platform model is a named parameter declared once beside its component, with its unit,
 * its default and where the default comes from (a docs/model.md row/section, or "estimate: …"
 * when no source backs it). The scenario schema, the defaults and the report's
 * "parameters used" section all derive from these tables.
 *
 * This file is the leaf every component imports (devices, firmware, the guest OS, taps,
 * workloads); the registry of every component's table is designs/components.ts.
 *
 * @example
 * resolveParamTable('virtio-rng', VIRTIO_RNG_PARAMS, { 'max-bytes': 1024, period: 1000 })['period']   // 1000
 * resolveParamTable('virtio-rng', VIRTIO_RNG_PARAMS, undefined)['period']                            // 65536 (docs/model.md §0 row 2)
 * resolveParamTable('virtio-rng', VIRTIO_RNG_PARAMS, { period: 0 })   // throws InputError: virtio-rng.period: 0 is below the minimum 1 (ms)
 */
import { InputError } from '../errors.ts';

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
 * Fills the defaults of `table` (in table order) and validates overrides; throws InputError naming
 * component.param, the value and what was expected (unknown names too).
 */
export function resolveParamTable(component: string, table: ParamTable, overrides: ParamValues | undefined): ParamValues {
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

