/**
 * CI performance gate: compares a current report document with a baseline.
 *
 * Two kinds of numbers (ARCHITECTURE.md, "Two kinds of numbers"):
 *
 * 1. Virtual-time metrics (every numeric leaf of each cell's CellMetrics but
 *    `events`, the
 *    cell's baselineRatio, its verdict, and each expectation's pass/fail) come
 *    from the deterministic model. They are compared with tight per-metric
 *    tolerances (|current − baseline| ≤ absolute + relative·|baseline|, default
 *    relative 1e-6): any drift, up or down, is a regression, because the same
 *    scenario + seed must reproduce the same numbers; an intended model change
 *    is accepted by re-baselining (`gate --update`).
 *
 * 2. Wall-clock throughput is never compared as absolute numbers (a slower
 *    machine is not a regression). The gate compares RATIOS measured within one
 *    run: each suite's declared ratios (e.g. CTR_DRBG / raw AES-256-CTR), and
 *    every task's throughput divided by a calibration task of the same run (raw
 *    AES-256-CTR for DRBGs, raw AES-256-GCM for SMM encryption, a plain JS scan
 *    loop for everything else). Noise model: tinybench's rme is the 95 % relative
 *    margin of a task's mean, so its relative standard error is s ≈ rme/1.96. For
 *    a ratio r = a/b, s_r = √(s_a² + s_b²) (log scale, independent tasks). The
 *    change d = ln(r_current / r_baseline) has s_d = √(s_r,base² + s_r,cur²).
 *    The ratio regresses when d < −(floor + z·s_d): z·s_d (default z = 3, i.e.
 *    ≈ 0.1 % false alarms from sampling noise) covers the dispersion both runs
 *    measured, and `floor` (default 0.5 in ln units, a 39 % drop) covers what
 *    within-run samples cannot see: V8 settles some functions into different
 *    code between processes (SP 800-22 CumulativeSums ran at 0.29 ms/call in
 *    some runs and 0.50 ms/call in others on one machine, each with rme < 4 %),
 *    frequency scaling, neighbours, and another CPU's mix of JS vs AES-NI speed.
 *    So the wall-clock gate catches a task that became ~1.7× slower relative to
 *    the machine, not a 10 % drift; tighten it per metric (--config) for tasks
 *    that prove stable.
 *    A task whose runs are so noisy that z·s_d dominates is reported with its
 *    wide limit rather than failing at random.
 */
import { InputError } from '../errors.ts';
import { globMatch, globMatcher } from '../glob.ts';
import type { CellResult } from '../scenario/result.ts';
import type { SuiteResult, TaskResult } from '../../bench/suite.ts';
import type { ReportDocument } from './document.ts';

export interface VirtualRule {
  /** Glob (`*` = any text) over 'metric.path' or 'cell-id:metric.path'. */
  match: string;
  relative?: number;
  absolute?: number;
  ignore?: boolean;
}
export interface WallClockRule {
  /** Glob over 'suite/task' or 'suite/ratio-name'. */
  match: string;
  floor?: number;
  z?: number;
  ignore?: boolean;
}
export interface GateConfig {
  virtual: { relative: number; absolute: number; rules: VirtualRule[] };
  wallClock: {
    /** Allowed drop beyond sampling noise, in ln units (0.5 ≈ 39 %). */
    floor: number;
    /** Multiples of the change's standard error allowed on top of `floor`. */
    z: number;
    /** Calibration task each suite's tasks are divided by. */
    references: Record<string, string>;
    defaultReference: string;
    rules: WallClockRule[];
  };
}

export const DEFAULT_GATE_CONFIG: GateConfig = {
  // `events` counts simulation events: an implementation detail (a kernel change that
  // saves an event per write changes it without changing behaviour), kept for events/s.
  virtual: { relative: 1e-6, absolute: 0, rules: [{ match: 'events', ignore: true }] },
  wallClock: {
    floor: 0.5,
    z: 3,
    references: { drbg: 'aes-256-ctr', smm: 'aes-256-gcm' },
    defaultReference: 'js-scan',
    rules: [],
  },
};

export type GateVerdict = 'regression' | 'missing' | 'below-bar' | 'improved' | 'new' | 'pass';

export interface GateCheck {
  /** 'cell-id: metric.path', 'suite/task ÷ calibration/ref', 'suite/ratio-name', 'expectation …'. */
  metric: string;
  kind: 'virtual' | 'verdict' | 'expectation' | 'ratio' | 'bar';
  baseline?: number | string;
  current?: number | string;
  /** Relative change (current/baseline − 1) when both are numbers and baseline ≠ 0. */
  change?: number;
  /** The tolerance in words, e.g. '±1e-6 rel' or '≥ −24.3 % (floor 18.1 % + 3σ 6.2 %)'. */
  limit: string;
  verdict: GateVerdict;
  /** Why, for failures (also the JUnit failure message). */
  message?: string;
}

export interface GateResult {
  scenario?: { name: string; sha256: string; seed: number };
  checks: GateCheck[];
  regressions: number;
  passed: boolean;
}

/** Fails the gate. */
export function isFailing(v: GateVerdict): boolean {
  return v === 'regression' || v === 'missing';
}

const ORDER: Record<GateVerdict, number> = { regression: 0, missing: 1, 'below-bar': 2, improved: 3, new: 4, pass: 5 };

/** Every numeric leaf of an object as 'a.b.c' → value. */
export function flattenNumbers(v: unknown, prefix = '', out: Map<string, number> = new Map()): Map<string, number> {
  if (typeof v === 'number') out.set(prefix, v);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flattenNumbers(x, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

function fmtNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3);
  return Number(v.toPrecision(6)).toString();
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Throws InputError when the two documents cannot be compared (exit 2). */
export function assertComparable(baseline: ReportDocument, current: ReportDocument, files = { baseline: 'baseline', current: 'current' }): void {
  const b = baseline.run;
  const c = current.run;
  if (b && !c) throw new InputError(`${files.current}: has no scenario run but the baseline ${files.baseline} has one ('${b.scenario.name}'); expected the same scenario`);
  if (b && c) {
    if (b.scenario.name !== c.scenario.name || b.scenario.sha256 !== c.scenario.sha256) {
      throw new InputError(
        `${files.baseline}: baseline is from scenario '${b.scenario.name}' (sha256 ${b.scenario.sha256.slice(0, 12)}…) but ${files.current} ran '${c.scenario.name}' (sha256 ${c.scenario.sha256.slice(0, 12)}…); re-baseline with --update if the scenario changed on purpose`,
      );
    }
    if (b.scenario.seed !== c.scenario.seed) throw new InputError(`${files.baseline}: baseline seed ${b.scenario.seed} differs from ${files.current} seed ${c.scenario.seed}; expected the same seed`);
    if ((b.scale ?? 'default') !== (c.scale ?? 'default')) {
      throw new InputError(`${files.baseline}: baseline scale '${b.scale ?? 'default'}' differs from ${files.current} scale '${c.scale ?? 'default'}'; compare --quick with --quick`);
    }
    if (b.shard || c.shard) throw new InputError(`${b.shard ? files.baseline : files.current}: is one shard of a run; merge the shards first (entropy-bench report merge)`);
  }
  const bb = baseline.benchmarks;
  const cb = current.benchmarks;
  if (bb && !cb) throw new InputError(`${files.current}: has no benchmark section but the baseline ${files.baseline} has one; expected the same kind of run`);
  if (bb && cb && (bb.clock ?? 'wall') !== (cb.clock ?? 'wall')) {
    throw new InputError(`${files.baseline}: baseline benchmarks timed with the ${bb.clock ?? 'wall'} clock but ${files.current} with the ${cb.clock ?? 'wall'} clock; re-baseline with --update`);
  }
  if (bb && cb && bb.quick !== cb.quick) {
    throw new InputError(`${files.baseline}: baseline benchmarks quick=${bb.quick} but ${files.current} quick=${cb.quick}; compare --quick with --quick`);
  }
}

function virtualRule(cfg: GateConfig, cell: string, metric: string): { relative: number; absolute: number; ignore: boolean } {
  let r = { relative: cfg.virtual.relative, absolute: cfg.virtual.absolute, ignore: false };
  for (const rule of cfg.virtual.rules) {
    const matches = globMatcher(rule.match);
    if (matches(metric) || matches(`${cell}:${metric}`)) {
      r = { relative: rule.relative ?? r.relative, absolute: rule.absolute ?? r.absolute, ignore: rule.ignore ?? false };
    }
  }
  return r;
}

function wallRule(cfg: GateConfig, name: string): { floor: number; z: number; ignore: boolean } {
  let r = { floor: cfg.wallClock.floor, z: cfg.wallClock.z, ignore: false };
  for (const rule of cfg.wallClock.rules) {
    if (globMatch(rule.match, name)) r = { floor: rule.floor ?? r.floor, z: rule.z ?? r.z, ignore: rule.ignore ?? false };
  }
  return r;
}

function compareCells(b: CellResult, c: CellResult, cfg: GateConfig, out: GateCheck[]): void {
  const bm = flattenNumbers(b.metrics);
  const cm = flattenNumbers(c.metrics);
  if (b.baselineRatio !== undefined) bm.set('baselineRatio', b.baselineRatio);
  if (c.baselineRatio !== undefined) cm.set('baselineRatio', c.baselineRatio);
  // bytesByConsumer keys may come and go: an absent consumer obtained 0 bytes.
  for (const k of new Set([...bm.keys(), ...cm.keys()])) {
    const rule = virtualRule(cfg, b.id, k);
    if (rule.ignore) continue;
    const isBytes = k.startsWith('bytesByConsumer.');
    const bv = bm.get(k) ?? (isBytes ? 0 : undefined);
    const cv = cm.get(k) ?? (isBytes ? 0 : undefined);
    const metric = `${b.id}: ${k}`;
    const limit = `±${fmtNum(rule.relative)} rel${rule.absolute > 0 ? ` + ${fmtNum(rule.absolute)}` : ''}`;
    if (bv === undefined) {
      out.push({ metric, kind: 'virtual', current: cv, limit, verdict: 'new' });
      continue;
    }
    if (cv === undefined) {
      out.push({ metric, kind: 'virtual', baseline: bv, limit, verdict: 'missing', message: `${metric}: in the baseline, absent now` });
      continue;
    }
    const diff = Math.abs(cv - bv);
    const ok = diff <= rule.absolute + rule.relative * Math.abs(bv);
    const change = bv !== 0 ? cv / bv - 1 : undefined;
    out.push({
      metric,
      kind: 'virtual',
      baseline: bv,
      current: cv,
      ...(change !== undefined ? { change } : {}),
      limit,
      verdict: ok ? 'pass' : 'regression',
      ...(ok ? {} : { message: `${metric} drifted from ${fmtNum(bv)} to ${fmtNum(cv)} (virtual time is deterministic; tolerance ${limit})` }),
    });
  }
  const verdictRule = virtualRule(cfg, b.id, 'verdict');
  if (!verdictRule.ignore) {
    const same = b.verdict === c.verdict;
    out.push({
      metric: `${b.id}: verdict`,
      kind: 'verdict',
      baseline: b.verdict,
      current: c.verdict,
      limit: 'equal',
      verdict: same ? 'pass' : 'regression',
      ...(same ? {} : { message: `${b.id}: verdict changed from ${b.verdict} to ${c.verdict}: ${c.verdictReasons.join('; ') || 'no reason given'}` }),
    });
  }
}

/** Relative standard error of a task's mean from tinybench's 95 % rme. */
function relSe(t: TaskResult): number {
  return t.rmePercent / 100 / 1.96;
}

function ratioCheck(
  name: string,
  base: { value: number; se: number },
  cur: { value: number; se: number },
  rule: { floor: number; z: number },
): GateCheck {
  const sd = Math.sqrt(base.se ** 2 + cur.se ** 2);
  const allowed = rule.floor + rule.z * sd;
  const d = Math.log(cur.value / base.value);
  const minChange = Math.exp(-allowed) - 1;
  const limit = `≥ ${pct(minChange)} (floor ${pct(1 - Math.exp(-rule.floor))} + ${rule.z}σ, σ = ${pct(sd)})`;
  const verdict: GateVerdict = d < -allowed ? 'regression' : d > allowed ? 'improved' : 'pass';
  return {
    metric: name,
    kind: 'ratio',
    baseline: base.value,
    current: cur.value,
    change: cur.value / base.value - 1,
    limit,
    verdict,
    ...(verdict === 'regression'
      ? { message: `${name}: ratio fell ${pct(1 - cur.value / base.value)} (from ${fmtNum(base.value)} to ${fmtNum(cur.value)}), beyond the allowed ${pct(-minChange)} (noise σ ${pct(sd)})` }
      : {}),
  };
}

function compareBenchmarks(baseline: ReportDocument, current: ReportDocument, cfg: GateConfig, out: GateCheck[]): void {
  const bb = baseline.benchmarks;
  const cb = current.benchmarks;
  if (!bb || !cb) return;
  const cur = new Map(cb.suites.map((s) => [s.name, s]));
  const bcal = new Map((bb.calibration?.tasks ?? []).map((t) => [t.name, t]));
  const ccal = new Map((cb.calibration?.tasks ?? []).map((t) => [t.name, t]));
  for (const bs of bb.suites) {
    const cs = cur.get(bs.name);
    if (!cs) {
      if (!wallRule(cfg, `${bs.name}/*`).ignore) {
        out.push({ metric: `${bs.name}/*`, kind: 'ratio', limit: 'present', verdict: 'missing', message: `benchmark suite ${bs.name}: in the baseline, absent now` });
      }
      continue;
    }
    compareSuite(bs, cs, bcal, ccal, cfg, out);
  }
  for (const cs of cb.suites) {
    if (!bb.suites.some((s) => s.name === cs.name)) out.push({ metric: `${cs.name}/*`, kind: 'ratio', limit: 'present', verdict: 'new' });
  }
}

function compareSuite(
  bs: SuiteResult,
  cs: SuiteResult,
  bcal: Map<string, TaskResult>,
  ccal: Map<string, TaskResult>,
  cfg: GateConfig,
  out: GateCheck[],
): void {
  const bt = new Map(bs.tasks.map((t) => [t.name, t]));
  const ct = new Map(cs.tasks.map((t) => [t.name, t]));
  // Declared ratios (numerator / denominator tasks of the same suite and run).
  for (const br of bs.ratios) {
    const name = `${bs.name}/${br.name}`;
    const rule = wallRule(cfg, name);
    if (rule.ignore) continue;
    const cr = cs.ratios.find((r) => r.name === br.name);
    if (!cr) {
      out.push({ metric: name, kind: 'ratio', baseline: br.value, limit: 'present', verdict: 'missing', message: `${name}: in the baseline, absent now` });
      continue;
    }
    const se = (s: Map<string, TaskResult>, r: { numerator: string; denominator: string }) => {
      const a = s.get(r.numerator);
      const b = s.get(r.denominator);
      return a && b ? Math.sqrt(relSe(a) ** 2 + relSe(b) ** 2) : 0;
    };
    out.push(ratioCheck(name, { value: br.value, se: se(bt, br) }, { value: cr.value, se: se(ct, cr) }, rule));
    if (cr.atLeast !== undefined) {
      // The issue's bar: fails only when the current ratio is below it beyond noise
      // and the baseline met it (a known shortfall stays visible as 'below-bar').
      const sd = se(ct, cr);
      const below = cr.value * Math.exp(rule.z * sd) < cr.atLeast;
      const baseBelow = br.value * Math.exp(rule.z * se(bt, br)) < cr.atLeast;
      const verdict: GateVerdict = !below ? 'pass' : baseBelow ? 'below-bar' : 'regression';
      out.push({
        metric: `${name} bar`,
        kind: 'bar',
        baseline: br.value,
        current: cr.value,
        limit: `≥ ${cr.atLeast}`,
        verdict,
        ...(verdict !== 'pass' ? { message: `${name} = ${fmtNum(cr.value)}, below the bar ${cr.atLeast}${baseBelow ? ' (as in the baseline)' : ''}` } : {}),
      });
    }
  }
  // Every task relative to its calibration task, measured in the same run.
  const ref = cfg.wallClock.references[bs.name] ?? cfg.wallClock.defaultReference;
  const bref = bcal.get(ref);
  const cref = ccal.get(ref);
  for (const [name, b] of bt) {
    const metric = `${bs.name}/${name} ÷ calibration/${ref}`;
    const rule = wallRule(cfg, `${bs.name}/${name}`);
    if (rule.ignore) continue;
    const c = ct.get(name);
    if (!c) {
      out.push({ metric, kind: 'ratio', limit: 'present', verdict: 'missing', message: `benchmark ${bs.name}/${name}: in the baseline, absent now` });
      continue;
    }
    if (!bref || !cref) continue; // no calibration in one run: only declared ratios are comparable
    out.push(
      ratioCheck(
        metric,
        { value: b.throughput / bref.throughput, se: Math.sqrt(relSe(b) ** 2 + relSe(bref) ** 2) },
        { value: c.throughput / cref.throughput, se: Math.sqrt(relSe(c) ** 2 + relSe(cref) ** 2) },
        rule,
      ),
    );
  }
}

/** Compares `current` against `baseline` (call assertComparable first for the exit-2 cases). */
export function compareReports(baseline: ReportDocument, current: ReportDocument, config: GateConfig = DEFAULT_GATE_CONFIG): GateResult {
  const checks: GateCheck[] = [];
  const b = baseline.run;
  const c = current.run;
  if (b && c) {
    const cur = new Map(c.cells.map((x) => [x.id, x]));
    for (const bc of b.cells) {
      const cc = cur.get(bc.id);
      if (!cc) checks.push({ metric: `${bc.id}: *`, kind: 'virtual', limit: 'present', verdict: 'missing', message: `cell ${bc.id}: in the baseline, absent now` });
      else compareCells(bc, cc, config, checks);
    }
    for (const cc of c.cells) if (!b.cells.some((x) => x.id === cc.id)) checks.push({ metric: `${cc.id}: *`, kind: 'virtual', limit: 'present', verdict: 'new' });
    const key = (e: { cell: string; expression: string }) => `${e.cell}: ${e.expression}`;
    const curExp = new Map(c.expectations.map((e) => [key(e), e]));
    for (const be of b.expectations) {
      const ce = curExp.get(key(be));
      const metric = `expectation ${key(be)}`;
      if (!ce) {
        checks.push({ metric, kind: 'expectation', baseline: be.passed ? 'pass' : 'fail', limit: 'present', verdict: 'missing', message: `${metric}: in the baseline, absent now` });
        continue;
      }
      const verdict: GateVerdict = be.passed && !ce.passed ? 'regression' : !be.passed && ce.passed ? 'improved' : 'pass';
      checks.push({
        metric,
        kind: 'expectation',
        baseline: be.passed ? 'pass' : 'fail',
        current: ce.passed ? 'pass' : 'fail',
        limit: 'no new failure',
        verdict,
        ...(verdict === 'regression' ? { message: `${metric}: passed in the baseline, fails now (actual ${fmtNum(ce.actual)} ${ce.op} ${fmtNum(ce.limit)})` } : {}),
      });
    }
  }
  compareBenchmarks(baseline, current, config, checks);
  // Regressions first; stable within a verdict (document order).
  const sorted = checks.map((x, i) => ({ x, i })).sort((p, q) => ORDER[p.x.verdict] - ORDER[q.x.verdict] || p.i - q.i).map((p) => p.x);
  const regressions = sorted.filter((x) => isFailing(x.verdict)).length;
  return {
    ...(c ? { scenario: { name: c.scenario.name, sha256: c.scenario.sha256, seed: c.scenario.seed } } : {}),
    checks: sorted,
    regressions,
    passed: regressions === 0,
  };
}

function cellText(v: number | string | undefined): string {
  return v === undefined ? '—' : typeof v === 'number' ? fmtNum(v) : v;
}

function changeText(c: GateCheck): string {
  if (c.change !== undefined) return `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(c.kind === 'virtual' ? 4 : 1)} %`;
  if (typeof c.baseline === 'number' && typeof c.current === 'number') return `${c.current - c.baseline >= 0 ? '+' : ''}${fmtNum(c.current - c.baseline)}`;
  return '';
}

/** Plain-text table of every check (regressions first) plus a one-line summary. */
export function formatGateTable(r: GateResult): string {
  const head = ['metric', 'baseline', 'current', 'change', 'limit', 'verdict'];
  const rows = r.checks.map((c) => [c.metric, cellText(c.baseline), cellText(c.current), changeText(c), c.limit, c.verdict.toUpperCase()]);
  const widths = head.map((h, i) => Math.min(i === 0 ? 70 : 60, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const line = (cells: string[]) => cells.map((s, i) => (i === 0 || i === 4 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const c of r.checks) if (c.message && isFailing(c.verdict)) out.push(`✗ ${c.message}`);
  out.push(summaryLine(r));
  return out.join('\n') + '\n';
}

export function summaryLine(r: GateResult): string {
  const n = (v: GateVerdict) => r.checks.filter((c) => c.verdict === v).length;
  return `gate: ${r.passed ? 'PASS' : 'FAIL'}: ${r.checks.length} checks, ${r.regressions} regression(s)` +
    `, ${n('improved')} improved, ${n('below-bar')} below bar, ${n('new')} new`;
}

/** Markdown version of the table (for $GITHUB_STEP_SUMMARY); long passing lists are folded. */
export function formatGateMarkdown(r: GateResult): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const row = (c: GateCheck) => `| ${esc(c.metric)} | ${cellText(c.baseline)} | ${cellText(c.current)} | ${changeText(c)} | ${esc(c.limit)} | ${c.verdict} |`;
  const head = '| metric | baseline | current | change | limit | verdict |\n|---|---:|---:|---:|---|---|';
  const notPass = r.checks.filter((c) => c.verdict !== 'pass');
  const pass = r.checks.filter((c) => c.verdict === 'pass');
  const parts = [`## Performance gate: ${r.passed ? '✅ pass' : '❌ FAIL'}`, '', summaryLine(r), ''];
  if (notPass.length) parts.push(head, ...notPass.map(row), '');
  if (pass.length) parts.push(`<details><summary>${pass.length} passing checks</summary>`, '', head, ...pass.map(row), '', '</details>', '');
  return parts.join('\n');
}
