/**
 * Scenario expectations: `metric op value`, e.g. `smm.setvariable.p99 < 5ms`,
 * `isolation.violations == 0`, `setvariable.ratio >= 0.99` (or `>= 99%`).
 * Parsed once when the file is loaded (unknown metric or unit → InputError naming
 * the valid ones), evaluated per cell after the run.
 *
 * @example
 * parseExpectation('setvariable.p99 < 5ms')
 * // { expression: 'setvariable.p99 < 5ms', metric: 'setvariable.p99', op: '<', limit: 5_000_000 }
 */
import { lookupMetric, metricNames, type MetricSource } from './metrics.ts';
import { parseQuantity } from './units.ts';
import type { CellVerdict, ExpectationOutcome } from './result.ts';
import { VERDICTS, verdictRank } from './verdict.ts';

export type ExpectationOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export interface Expectation {
  expression: string;
  metric: string;
  op: ExpectationOp;
  /** In the metric's base unit (ns for times). */
  limit: number;
}

const FORM = /^\s*([A-Za-z0-9_.\-/]+)\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$/;

/** Parses one expectation; `where` prefixes error messages (file and JSON path). Throws Error with a message. */
export function parseExpectation(text: string): Expectation {
  const m = FORM.exec(text);
  if (!m) throw new Error(`expected "<metric> <op> <value>" with op one of < <= > >= == !=, found ${JSON.stringify(text)}`);
  const [, rawMetric, op, rawValue] = m as unknown as [string, string, ExpectationOp, string];
  const found = lookupMetric(rawMetric);
  if (!found) {
    throw new Error(`unknown metric "${rawMetric}" in ${JSON.stringify(text)}; valid metrics: ${metricNames().join(', ')}`);
  }
  if (found.def.kind === 'verdict') {
    if (!VERDICTS.includes(rawValue as CellVerdict)) throw new Error(`expected a verdict (${VERDICTS.join(', ')}) after "${op}", found ${JSON.stringify(rawValue)}`);
    return { expression: text.trim(), metric: found.path, op, limit: verdictRank(rawValue as CellVerdict) };
  }
  const q = parseQuantity(rawValue);
  if (!q) throw new Error(`expected a number with optional unit (ns, us, ms, s, %) after "${op}", found ${JSON.stringify(rawValue)}`);
  const kind = found.def.kind;
  if (q.kind === 'time' && kind !== 'time') throw new Error(`metric "${rawMetric}" is a ${kind}, not a time: drop the unit in ${JSON.stringify(text)}`);
  if (q.kind === 'ratio' && kind !== 'ratio') throw new Error(`metric "${rawMetric}" is a ${kind}, not a ratio: "%" is not allowed in ${JSON.stringify(text)}`);
  if (q.kind === 'plain' && kind === 'time' && q.value !== 0) {
    throw new Error(`metric "${rawMetric}" is a time: give a unit (ns, us, ms, s) in ${JSON.stringify(text)}`);
  }
  return { expression: text.trim(), metric: found.path, op, limit: q.value };
}

/** Evaluates an expectation on one cell. A metric with no value (e.g. ratio without a baseline) fails with actual 0. */
export function evaluateExpectation(e: Expectation, cell: string, source: MetricSource): ExpectationOutcome {
  const found = lookupMetric(e.metric);
  const v = found?.def.get(source);
  const actual = v !== undefined && Number.isFinite(v) ? v : 0;
  const passed = v !== undefined && Number.isFinite(v) && compare(actual, e.op, e.limit);
  return { cell, expression: e.expression, metric: e.metric, actual, op: e.op, limit: e.limit, passed };
}

function compare(a: number, op: ExpectationOp, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}
