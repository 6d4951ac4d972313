/**
 * Small text helpers shared by the renderers: number and duration formatting,
 * the design × adversary grouping, and escaping. Every formatter maps a
 * non-finite number to '—' so no output ever shows NaN or Infinity.
 */
import type { CellResult, RunResult } from '../scenario/result.ts';

/** A number with `digits` significant digits, thousands left as is. */
export function fmt(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9 || a < 1e-4) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** Virtual nanoseconds as ns / µs / ms / s. */
export function fmtNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '—';
  const a = Math.abs(ns);
  if (a === 0) return '0';
  if (a < 1e3) return `${fmt(ns)} ns`;
  if (a < 1e6) return `${fmt(ns / 1e3)} µs`;
  if (a < 1e9) return `${fmt(ns / 1e6)} ms`;
  return `${fmt(ns / 1e9)} s`;
}

export function fmtPct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)} %`;
}

/**
 * The adversary side of a cell. The scenario runner's ids are
 * `<design>/<adversary label>[/<variant>]/seed=<n>` (src/scenario/matrix.ts), and
 * the label is what the scenario file calls the adversary (two entries of one
 * workload can differ only in their label), so the label is read from the id;
 * ids of another shape fall back to the non-baseline workloads' names.
 */
export function adversaryOf(cell: CellResult): string {
  const prefix = `${cell.design}/`;
  if (cell.id.startsWith(prefix)) {
    const rest = cell.id.slice(prefix.length).replace(/\/seed=\d+$/, '');
    if (rest.length > 0) return rest;
  }
  return cell.workloads.length === 0 ? 'none' : cell.workloads.map((w) => w.name).join(' + ');
}

export const VERDICT_ORDER: Record<CellResult['verdict'], number> = { insecure: 0, broken: 1, starved: 2, degraded: 3, ok: 4 };
/** Emoji for Markdown (GitHub renders them). */
export const VERDICT_MARK: Record<CellResult['verdict'], string> = { ok: '✅', degraded: '⚠️', starved: '❌', broken: '❌', insecure: '🔓' };
/** Plain glyphs for HTML: present in common fonts (DejaVu), so no emoji font is needed. */
export const VERDICT_GLYPH: Record<CellResult['verdict'], string> = { ok: '✓', degraded: '⚠', starved: '✗', broken: '✗', insecure: '⚠' };

export interface MatrixGroup {
  design: string;
  adversary: string;
  cells: CellResult[];
  /** Worst verdict among the group's cells (several seeds or parameter points). */
  verdict: CellResult['verdict'];
  minRatio?: number;
  maxRatio?: number;
}

/** Groups cells by design × adversary, keeping first-appearance order of both axes. */
export function designMatrix(cells: readonly CellResult[]): { designs: string[]; adversaries: string[]; groups: Map<string, MatrixGroup> } {
  const designs: string[] = [];
  const adversaries: string[] = [];
  const groups = new Map<string, MatrixGroup>();
  for (const c of cells) {
    const adv = adversaryOf(c);
    if (!designs.includes(c.design)) designs.push(c.design);
    if (!adversaries.includes(adv)) adversaries.push(adv);
    const key = `${c.design}\u0000${adv}`;
    let g = groups.get(key);
    if (!g) {
      g = { design: c.design, adversary: adv, cells: [], verdict: c.verdict };
      groups.set(key, g);
    }
    g.cells.push(c);
    if (VERDICT_ORDER[c.verdict] < VERDICT_ORDER[g.verdict]) g.verdict = c.verdict;
    if (c.baselineRatio !== undefined && Number.isFinite(c.baselineRatio)) {
      g.minRatio = Math.min(g.minRatio ?? Infinity, c.baselineRatio);
      g.maxRatio = Math.max(g.maxRatio ?? -Infinity, c.baselineRatio);
    }
  }
  // 'none' (the baseline column) first.
  adversaries.sort((a, b) => (a === 'none' ? -1 : b === 'none' ? 1 : 0));
  return { designs, adversaries, groups };
}

export function matrixKey(design: string, adversary: string): string {
  return `${design}\u0000${adversary}`;
}

/** Escapes text for a Markdown table cell. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Escapes text for XML/HTML content and attribute values; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Headers of the per-cell metric columns that the Markdown and HTML cell tables share. */
export const CELL_METRIC_HEADERS = ['SetVariable/s', 'ratio', 'p50', 'p99', 'max', 'starvation', 'quota exh.', 'violations', '#UD non-SMM', 'lost vars'];

/** One cell's metric columns, in the order of CELL_METRIC_HEADERS. */
export function cellMetricColumns(c: CellResult): string[] {
  const x = c.metrics;
  return [
    fmt(x.setVariable.perVirtualSecond, 4),
    c.baselineRatio === undefined ? '—' : `${fmt(c.baselineRatio)}×`,
    fmtNs(x.setVariable.latency.p50Ns),
    fmtNs(x.setVariable.latency.p99Ns),
    fmtNs(x.setVariable.latency.maxNs),
    fmtNs(x.starvation.totalNs),
    String(x.quotaExhaustionEvents),
    String(x.isolation.violations),
    String(x.udFaults.nonSmm),
    String(x.variables.lost),
  ];
}

/** One distinct (component, parameter, value) of a run and how many cells used it. */
export interface ParameterUse {
  p: CellResult['parametersUsed'][number];
  cells: number;
}

/**
 * The parameters of a run, one entry per distinct (component, name, value) in
 * first-seen order: most cells share the defaults, so the reports list each once.
 */
export function distinctParameters(run: RunResult): ParameterUse[] {
  const seen = new Map<string, ParameterUse>();
  for (const c of run.cells) {
    for (const p of c.parametersUsed) {
      const k = `${p.component}\u0000${p.name}\u0000${String(p.value)}`;
      const e = seen.get(k);
      if (e) e.cells++;
      else seen.set(k, { p, cells: 1 });
    }
  }
  return [...seen.values()];
}
