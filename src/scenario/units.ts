/**
 * Durations and quantities as scenario files write them: `2s`, `500ms`, `250us`
 * (or `250µs`), `100ns`, and ratios as `99%`. Everything converts to the model's
 * base units: virtual nanoseconds for times, plain numbers for ratios.
 *
 * @example
 * parseDuration('1.5ms')   // 1_500_000
 * parseQuantity('99%')     // { value: 0.99, kind: 'ratio' }
 */

/** Nanoseconds per unit. */
export const TIME_UNITS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };

/** JSON Schema pattern of a duration string (kept beside the parser so both agree). */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*(ns|us|µs|ms|s)$';

const QUANTITY = /^(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*(ns|us|µs|ms|s|%)?$/i;

/** Parses `2s` → 2e9 ns; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const q = parseQuantity(text);
  return q && q.kind === 'time' ? q.value : undefined;
}

/** A number with an optional unit: time units give ns, `%` gives a ratio, none gives a plain number. */
export function parseQuantity(text: string): { value: number; kind: 'time' | 'ratio' | 'plain' } | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const unit = m[2];
  if (unit === undefined) return { value: n, kind: 'plain' };
  if (unit === '%') return { value: n / 100, kind: 'ratio' };
  const scale = TIME_UNITS[unit.toLowerCase() === 'µs' ? 'µs' : unit.toLowerCase()];
  if (scale === undefined) return undefined;
  // Round to whole nanoseconds: the model's clock is integral.
  return { value: Math.round(n * scale), kind: 'time' };
}

/** Formats ns for people: 1500000 → '1.5ms'. */
export function formatDuration(ns: number): string {
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${trim(ns / 1e9)}s`;
  if (abs >= 1e6) return `${trim(ns / 1e6)}ms`;
  if (abs >= 1e3) return `${trim(ns / 1e3)}us`;
  return `${trim(ns)}ns`;
}

function trim(x: number): string {
  return String(Number(x.toPrecision(4)));
}
