/**
 * Typed getters over resolved parameter values (see ./spec.ts): a component reads its
 * parameters through these, never with casts.
 */
import type { ParamValues } from './spec.ts';

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
