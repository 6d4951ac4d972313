/**
 * Filling and checking workload parameters against a WorkloadDef's table (the
 * same ParamSpec shape and the same per-value check, `checkParam`, the devices
 * use). The scenario loader already validated files against the generated
 * schema; this guards programmatic callers and fills defaults.
 */
import { InputError } from '../errors.ts';
import { checkParam, type ParamTable, type ParamValues } from '../devices/params.ts';

/** Every parameter of `table`, from `values` or its default, in table order. */
export function resolveTable(owner: string, table: ParamTable, values: ParamValues | undefined): ParamValues {
  const given = values ?? {};
  for (const key of Object.keys(given)) {
    if (!table.some((s) => s.name === key)) {
      throw new InputError(`${owner}.${key}: unknown parameter, expected one of ${table.map((s) => s.name).join(', ')}`);
    }
  }
  const out: ParamValues = {};
  for (const spec of table) out[spec.name] = checkParam(owner, spec, given[spec.name] ?? spec.default);
  return out;
}
