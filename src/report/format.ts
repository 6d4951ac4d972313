/**
 * Small text helpers shared by the renderers: number and duration formatting,
 * the design × adversary grouping, and escaping. Every formatter maps a
 * non-finite number to '—' so no output ever shows NaN or Infinity.
 */
import type { CellResult, RunResult } from '../scenario/result.ts';
import { VERDICTS as VERDICT_LEVELS, verdictRank, worseVerdict } from '../scenario/verdict.ts';
import { METRICS, type MetricDef } from '../scenario/metrics.ts';
import type { ReportDocument } from './document.ts';

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

/**
 * How each cell verdict (src/scenario/verdict.ts, which classifies and orders them)
 * is shown. Every renderer reads this one table (symbols, colours, the legend), so a
 * new verdict is one entry here; `Record<CellVerdict, …>` makes the compiler ask for it.
 */
export interface VerdictStyle {
  /** Emoji for Markdown (GitHub renders them); distinct per verdict. */
  mark: string;
  /** Plain glyph for HTML, present in common fonts (DejaVu), so no emoji font is needed; distinct per verdict. */
  glyph: string;
  /** Light background of a table cell. */
  background: string;
  /** Strong fill of a chart mark (the heatmap), and whether its label needs white text. */
  fill: string;
  darkFill: boolean;
  /** One line for the legend. */
  meaning: string;
}

export const VERDICTS: Record<CellResult['verdict'], VerdictStyle> = {
  insecure: { mark: '🔓', glyph: '⚠', background: '#ecd5f5', fill: '#7b3294', darkFill: true, meaning: 'secrets exposed or keyed from a stream that fails its tests' },
  broken: { mark: '❌', glyph: '✗', background: '#fde2e2', fill: '#d62728', darkFill: true, meaning: 'something stopped working (lost variables, failed calls, denied handshakes, #UD)' },
  starved: { mark: '⏳', glyph: '∅', background: '#ffe3c7', fill: '#f58518', darkFill: false, meaning: 'SMM throughput collapsed or SMM waited long for entropy' },
  degraded: { mark: '⚠️', glyph: '◐', background: '#fff4d6', fill: '#eeca3b', darkFill: false, meaning: 'smaller loss, a weak or alarming source, or an unsafe fallback' },
  ok: { mark: '✅', glyph: '✓', background: '#e7f6e7', fill: '#54a24b', darkFill: false, meaning: 'unaffected' },
};

/** Verdicts worst first, in the scenario layer's order (src/scenario/verdict.ts VERDICTS lists them best first). */
export const VERDICT_LIST: readonly CellResult['verdict'][] = [...VERDICT_LEVELS].reverse();

/** The worst of the given verdicts ('ok' for none). */
export function worstVerdict(vs: Iterable<CellResult['verdict']>): CellResult['verdict'] {
  let w: CellResult['verdict'] = 'ok';
  for (const v of vs) w = worseVerdict(w, v);
  return w;
}

/** One design's worst verdict over every adversary, the adversaries that gave it and their reasons of that class. */
export interface DesignSummary {
  design: string;
  verdict: CellResult['verdict'];
  adversaries: string[];
  /** Distinct reasons of the worst class (without the 'verdict: ' prefix), in cell order; reasons differing only in their numbers count once. */
  reasons: string[];
  cells: number;
  /** Every adversary the design ran against (to say 'every adversary'). */
  allAdversaries: string[];
}

/** The 'why' column of a design summary: at most `max` reasons, then how many more. */
export function summaryWhy(d: DesignSummary, max = 3): string {
  if (d.reasons.length === 0) return d.verdict === 'ok' ? `unaffected in all ${d.cells} cell(s)` : '—';
  const shown = d.reasons.slice(0, max).join('; ');
  return d.reasons.length > max ? `${shown}; … ${d.reasons.length - max} more` : shown;
}

/** For each design (first-appearance order): its worst verdict over all its cells and why. */
export function designSummaries(cells: readonly CellResult[]): DesignSummary[] {
  const out = new Map<string, DesignSummary>();
  for (const c of cells) {
    let d = out.get(c.design);
    if (!d) out.set(c.design, (d = { design: c.design, verdict: c.verdict, adversaries: [], reasons: [], cells: 0, allAdversaries: [] }));
    d.cells++;
    const adv = adversaryOf(c);
    if (!d.allAdversaries.includes(adv)) d.allAdversaries.push(adv);
    if (verdictRank(c.verdict) > verdictRank(d.verdict)) {
      d.verdict = c.verdict;
      d.adversaries = [];
      d.reasons = [];
    }
    if (c.verdict !== d.verdict) continue;
    if (!d.adversaries.includes(adv)) d.adversaries.push(adv);
    for (const r of c.verdictReasons) {
      if (!r.startsWith(`${c.verdict}: `)) continue;
      const text = r.slice(c.verdict.length + 2);
      const shape = text.replace(/[0-9][0-9.,]*/g, '#');
      if (!d.reasons.some((x) => x.replace(/[0-9][0-9.,]*/g, '#') === shape)) d.reasons.push(text);
    }
  }
  return [...out.values()];
}

/** The 'under' column of a design summary: which adversaries gave the worst verdict. */
export function summaryUnder(d: DesignSummary): string {
  if (d.verdict === 'ok') return 'every adversary';
  if (d.adversaries.length === d.allAdversaries.length && d.allAdversaries.length > 1) {
    return d.adversaries.includes('none') ? `every cell, even with no adversary` : `every adversary`;
  }
  return d.adversaries.join(', ');
}

export interface MatrixGroup {
  design: string;
  adversary: string;
  cells: CellResult[];
  /** Worst verdict among the group's cells (several seeds or parameter points). */
  verdict: CellResult['verdict'];
  minRatio?: number;
  maxRatio?: number;
  /**
   * Verdict classes this group's reasons show and its design's no-adversary group's do not,
   * other than the group's own verdict, worst first: what the adversary added that the worst
   * verdict alone hides (issue 14:
   * every shared-virtio cell reads 'broken' even with no adversary: the shared device is
   * reset at ExitBootServices and SMM writes before the OS's driver brings it back fail, so
   * a drainer's starvation did not show).
   * Undefined for the no-adversary group itself and when the design has none.
   */
  added?: CellResult['verdict'][];
}

/** The verdict classes named by a cell's reasons (each reason reads `class: why`). */
export function reasonClasses(c: Pick<CellResult, 'verdictReasons'>): Set<CellResult['verdict']> {
  const out = new Set<CellResult['verdict']>();
  for (const r of c.verdictReasons) {
    const cls = r.slice(0, r.indexOf(':')) as CellResult['verdict'];
    if (VERDICT_LEVELS.includes(cls)) out.add(cls);
  }
  return out;
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
    g.verdict = worstVerdict([g.verdict, c.verdict]);
    if (c.baselineRatio !== undefined && Number.isFinite(c.baselineRatio)) {
      g.minRatio = Math.min(g.minRatio ?? Infinity, c.baselineRatio);
      g.maxRatio = Math.max(g.maxRatio ?? -Infinity, c.baselineRatio);
    }
  }
  // 'none' (the baseline column) first.
  adversaries.sort((a, b) => (a === 'none' ? -1 : b === 'none' ? 1 : 0));
  for (const g of groups.values()) {
    const base = groups.get(matrixKey(g.design, 'none'));
    if (base === undefined || g === base) continue;
    const had = new Set(base.cells.flatMap((c) => [...reasonClasses(c)]));
    const now = new Set(g.cells.flatMap((c) => [...reasonClasses(c)]));
    g.added = [...now].filter((v) => !had.has(v) && v !== g.verdict).sort((a, b) => verdictRank(b) - verdictRank(a));
  }
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

/**
 * The per-cell metric columns that the Markdown and HTML cell tables share: every metric
 * with a `column` in the metric table (src/metrics/table.ts) or among the scenario's
 * derived metrics (src/scenario/metrics.ts), in column order.
 */
const CELL_METRIC_COLUMNS = Object.entries(METRICS)
  .filter((e): e is [string, MetricDef & { column: NonNullable<MetricDef['column']> }] => e[1].column !== undefined)
  .sort((x, y) => x[1].column.order - y[1].column.order);

/** Headers of the per-cell metric columns, in column order. */
export const CELL_METRIC_HEADERS = CELL_METRIC_COLUMNS.map(([, d]) => d.column.header);

/** One value as its unit shows it ('—' when the cell has none). */
function fmtMetric(v: number | undefined, d: MetricDef): string {
  if (v === undefined) return '—';
  if (d.unit === 'ns') return fmtNs(v);
  if (d.unit === '×') return `${fmt(v, d.column?.digits)}×`;
  if (d.kind === 'count') return String(v);
  return fmt(v, d.column?.digits);
}

/** One cell's metric columns, in the order of CELL_METRIC_HEADERS. */
export function cellMetricColumns(c: CellResult): string[] {
  const src = { metrics: c.metrics, quality: c.quality, verdict: c.verdict, ...(c.baselineRatio !== undefined ? { baselineRatio: c.baselineRatio } : {}) };
  return CELL_METRIC_COLUMNS.map(([, d]) => {
    const v = (d.read ?? d.get)(src);
    const ofPath = d.column.of;
    if (ofPath === undefined || v === undefined) return fmtMetric(v, d);
    // `value/of (share %)`: e.g. SMM writes keyed from a bad DRBG epoch of all SMM writes (issue 14).
    const of = METRICS[ofPath]!.get(src) ?? 0;
    return `${v}/${of}${of > 0 ? ` (${((v / of) * 100).toFixed(1)} %)` : ''}`;
  });
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

/** One sentence on how the benchmarks were measured (processes, runner settings, clock, side by side). */
export function benchmarkMethod(b: NonNullable<ReportDocument['benchmarks']>): string {
  const r = b.runner;
  const how = r
    ? `each task timed by ${r.clock === 'cpu' ? 'process CPU time' : 'the wall clock'} after ≥ ${r.warmupIterations} warm-up call(s) and ≥ ${r.warmupTime} ms, then ≥ ${r.iterations} calls and ≥ ${r.time} ms`
    : `timed by ${b.clock === 'cpu' ? 'process CPU time' : 'the wall clock'}`;
  const rounds = b.rounds ? `Median of ${b.rounds} fresh processes, ${how}` : `One process, ${how}`;
  const side = b.sideBySide ? `; the baseline commit ${b.sideBySide.commit.slice(0, 12)} ran alternating processes in the same job` : '';
  return `${rounds}${side}.`;
}

/** How many windows' bytes the summary row lists before "…" (the details list more). */
const WINDOW_BYTES_SHOWN = 8;
/** Windows listed per cell in the details. */
export const WINDOW_ROWS_SHOWN = 16;

/**
 * One row per cell with a virtio-rng device: the rate limiter's windows and bytes per window,
 * the device log's size, each /dev/hwrng reader (reads, bytes, and whether it hung: its read
 * can never complete — the Linux 6.1.192 short-completion hang, docs/model.md §6.5), and the
 * bytes the kernel itself took (khwrngd, add_early_randomness). The run result keeps the first
 * `trace-limit` windows and events; the counts are totals.
 */
export interface VirtioRngSummary {
  cell: string;
  windows: string;
  bytesPerWindow: string;
  events: string;
  readers: string;
  hung: string[];
  kernelBytes: string;
  /** Per window: index, refill, start, timer expiry (virtual time) and bytes. */
  windowRows: string[][];
}

function fmtMs3(ns: number): string {
  return Number.isFinite(ns) ? `${(ns / 1e6).toFixed(3)} ms` : '—';
}

export function virtioRngSummaries(cells: readonly CellResult[]): VirtioRngSummary[] {
  return cells.flatMap((c) => {
    const v = c.virtioRng;
    if (v === undefined) return [];
    const kept = v.windows.length;
    const listed = v.windows.slice(0, WINDOW_BYTES_SHOWN).map((w) => String(w.bytes));
    const more = v.windowCount > listed.length ? ` … (${v.windowCount} windows${kept < v.windowCount ? `, first ${kept} kept` : ''})` : '';
    const hung = v.readers.filter((r) => r.hung).map((r) => r.reader);
    return [
      {
        cell: c.id,
        windows: String(v.windowCount),
        bytesPerWindow: listed.join(' ') + more,
        events: `${v.eventCount}${v.events.length < v.eventCount ? ` (first ${v.events.length} kept)` : ''}`,
        readers:
          v.readers.length === 0
            ? '—'
            : v.readers
                .map((r) => `${r.reader}: ${r.count} reads, ${r.bytes} B${r.hung ? `, HUNG since ${fmtNs(r.pendingSinceNs ?? undefined)}` : r.pendingSinceNs !== null ? `, pending since ${fmtNs(r.pendingSinceNs)}` : ''}`)
                .join('; '),
        hung,
        kernelBytes: String(v.kernelBytes),
        // Window edges in virtual ms to the µs: QEMU's timer works on the whole-ms grid.
        windowRows: v.windows.slice(0, WINDOW_ROWS_SHOWN).map((w, i) => [
          String(i),
          w.refillAt === null ? 'initial quota' : fmtMs3(w.refillAt),
          w.start === null ? 'never opened' : fmtMs3(w.start),
          w.expiresAt === null ? '—' : fmtMs3(w.expiresAt),
          String(w.bytes),
        ]),
      },
    ];
  });
}

export const VIRTIO_RNG_INTRO =
  'Per cell with a virtio-rng device: the rate limiter’s windows (each refill gives max-bytes; a window opens at the first request after it) and the bytes charged per window, ' +
  'the device log (requests and pushes), every /dev/hwrng reader and whether it hung (a read that can never complete: Linux 6.1.192 after a short completion of more than 32 bytes), ' +
  'and the bytes the guest kernel took itself (khwrngd, add_early_randomness). Compare a run with a real QEMU trace window by window with `entropy-bench qemu compare`.';
export const VIRTIO_RNG_HEADERS = ['cell', 'windows', 'bytes per window', 'device events', '/dev/hwrng readers', 'kernel bytes'];
export const VIRTIO_RNG_WINDOW_HEADERS = ['window', 'refill at', 'opened at', 'timer expires', 'bytes'];

/**
 * A quality row's tap, and for the quality tap of a stream SMM consumed what it is
 * (docs/model.md §7.5): which source and which of its output bytes.
 */
export function tapLabel(q: CellResult['quality'][number]): string {
  const st = q.stream;
  if (st === undefined) return q.tap;
  const inRun = Math.min(st.producedInRun, q.bytes);
  return `${q.tap}: ${q.source ?? 'source'} output bytes 0–${q.bytes - 1} (${inRun} produced in the run, of which SMM obtained ${st.consumedInRun}; ${st.drawnAfterRun} drawn from the same source after it; ${st.keyedWrites} write(s) keyed from it; SHA-256 ${st.sha256.slice(0, 12)}…)`;
}

/**
 * Crash consistency per design (src/scenario/crash-consistency.ts): the distinct power-cut
 * campaigns of the design's cells (cells with the same store parameters and seed share one),
 * summed. A campaign passes when no acknowledged value was lost, nothing was half-visible and
 * every store recovered.
 */
export interface CrashSummary {
  design: string;
  campaigns: number;
  cuts: number;
  cutsInReclaim: number;
  ackedChecked: number;
  ackedLost: number;
  halfVisible: number;
  unreadable: number;
  pendingVisible: number;
  ftwRedone: number;
  recoveryReclaims: number;
  passed: boolean;
  /** What the campaigns ran on, e.g. '60 SetVariable calls on 6 names, 4096-byte store, 512-byte blocks, seed 1'. */
  setup: string[];
}

export const CRASH_INTRO =
  'Power cut at seeded points of the pflash program/erase sequence of SetVariable calls and reclaims (the fault-tolerant write), then reboot, recovery and read-back, on each design’s own store parameters. Bar: every acknowledged write reads back exactly, no unacknowledged write is half-visible, the store never becomes unreadable.';
export const CRASH_HEADERS = ['design', 'result', 'cuts (in reclaim)', 'acknowledged values checked / lost', 'half-visible', 'unreadable stores', 'in-flight writes visible', 'recovery: FTW redone / dirty store reclaimed', 'campaign'];

export function crashSummaries(cells: readonly CellResult[]): CrashSummary[] {
  const byDesign = new Map<string, Map<string, NonNullable<CellResult['crashConsistency']>>>();
  for (const c of cells) {
    if (c.crashConsistency === undefined) continue;
    const m = byDesign.get(c.design) ?? new Map();
    m.set(JSON.stringify(c.crashConsistency), c.crashConsistency);
    byDesign.set(c.design, m);
  }
  return [...byDesign].map(([design, m]) => {
    const rs = [...m.values()];
    const sum = (f: (r: (typeof rs)[number]) => number) => rs.reduce((a, r) => a + f(r), 0);
    const s = {
      design,
      campaigns: rs.length,
      cuts: sum((r) => r.cuts),
      cutsInReclaim: sum((r) => r.cutsInReclaim),
      ackedChecked: sum((r) => r.ackedChecked),
      ackedLost: sum((r) => r.ackedLost),
      halfVisible: sum((r) => r.halfVisible),
      unreadable: sum((r) => r.unreadable),
      pendingVisible: sum((r) => r.pendingVisible),
      ftwRedone: sum((r) => r.ftwRedone),
      recoveryReclaims: sum((r) => r.recoveryReclaims),
      setup: [...new Set(rs.map((r) => `${r.writes} SetVariable calls (${r.deletes ?? 0} of them deletes) on ${r.variables} names, ${r.storeBytes}-byte store, ${r.blockBytes}-byte blocks, ${r.sequenceOps} flash operations, ${r.reclaims} reclaims, seed ${r.seed}`))],
    };
    return { ...s, passed: s.ackedLost === 0 && s.halfVisible === 0 && s.unreadable === 0 };
  });
}

/** One table row of a CrashSummary (CRASH_HEADERS order, after the design and result). */
export function crashColumns(s: CrashSummary): string[] {
  return [
    `${s.cuts} (${s.cutsInReclaim})`,
    `${s.ackedChecked} / ${s.ackedLost}`,
    String(s.halfVisible),
    String(s.unreadable),
    String(s.pendingVisible),
    `${s.ftwRedone} / ${s.recoveryReclaims}`,
    s.setup.join('; '),
  ];
}
