/**
 * Typed getters over resolved parameter values (see ./params.ts). Kept apart from params.ts
 * so components can use them without an import cycle (params.ts imports every table).
 */
import type { ParamValues } from './params.ts';

/** Typed getters over resolved values (the design resolved and validated them). */
export function num(values: ParamValues, name: string): number {
  const v = values[name];
  if (typeof v !== 'number') throw new Error(`parameter ${name}: expected a number, got ${String(v)}`);
  return v;
}
export function bool(values: ParamValues, name: string): boolean {
  const v = values[name];
  if (typeof v !== 'boolean') throw new Error(`parameter ${name}: expected a boolean, got ${String(v)}`);
  return v;
}
export function str(values: ParamValues, name: string): string {
  const v = values[name];
  if (typeof v !== 'string') throw new Error(`parameter ${name}: expected a string, got ${String(v)}`);
  return v;
}
