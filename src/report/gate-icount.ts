/**
 * The gate's instruction-count comparison (icount mode, README "Gate").
 *
 * bench/icount.ts counts, under valgrind's callgrind and `node --predictable`, the
 * instructions of one call of each hot kernel (SP 800-22 tests, SP 800-90B
 * estimators and health tests, DRBG generate, SMM SetVariable, the simulation
 * kernel), less V8's just-in-time work inside it (compiling, deoptimising: where it lands
 * moved one kernel's count by 38 % between two machines, README "Gate"). Those counts do not
 * depend on the machine's load; what moves them is
 * what else ran in the process (the heap, V8's compile work, node:crypto's
 * allocations): in 10 runs of unchanged code on the loaded 2-core CI VM the
 * JavaScript kernels' counts stayed within ±0.25 % and Hash_DRBG 64 KiB (mostly
 * node:crypto calls) within 2.3 % (README "Gate"). So a kernel fails when its
 * count grew by more than `relative` over the baseline report's: default 5 %,
 * twice the widest spread seen and half the 10 % slowdown the gate must catch.
 *
 * The counts are comparable only from the same valgrind, Node and CPU model (V8
 * and OpenSSL pick their code by CPU features) and the same kernel inputs (quick
 * or not); otherwise, or when either report has no counts, the comparison is
 * skipped with a one-line reason and the wall-clock gate alone decides.
 */
import type { IcountSection } from './benchmark-result.ts';
import type { ReportDocument } from './document.ts';

/** How many valgrind processes (kernel groups) bench/icount-kernels.ts has. */
export const ICOUNT_GROUP_COUNT = 2;

export interface IcountRule {
  /** Largest growth of a count that passes (0.05 = 5 %). */
  relative: number;
}

export interface IcountCheck {
  metric: string;
  baseline?: number;
  current?: number;
  change?: number;
  limit: string;
  verdict: 'regression' | 'improved' | 'pass' | 'missing' | 'new';
  message?: string;
}

/** Why the two reports' counts cannot be compared, or undefined when they can. */
export function icountSkipReason(baseline: ReportDocument, current: ReportDocument, files = { baseline: 'baseline', current: 'current' }): string | undefined {
  const b = baseline.benchmarks?.icount;
  const c = current.benchmarks?.icount;
  if (!c) return `${files.current} has no instruction counts (measured without icount)`;
  if (c.skipped) return `${files.current}: ${c.skipped}`;
  if (!b) return `${files.baseline} has no instruction counts (re-baseline with npm run rebaseline where valgrind is installed)`;
  if (b.skipped) return `${files.baseline}: ${b.skipped}`;
  for (const [field, x, y] of [
    ['valgrind', b.valgrind, c.valgrind],
    ['node', b.node, c.node],
    ['heap', b.heap, c.heap],
    ['counted', b.counted, c.counted],
    ['cpuModel', baseline.environment.cpuModel, current.environment.cpuModel],
  ] as const) {
    const shown = (v: string | undefined): string => (v === undefined ? 'not recorded' : `'${v}'`);
    if (x !== y) return `${field} ${shown(x)} in ${files.baseline}, ${shown(y)} in ${files.current}: instruction counts are comparable only from the same valgrind, Node, heap set-up, counting rule and CPU model`;
  }
  // Both reports have counts here, so both have a benchmarks section.
  const [qb, qc] = [baseline.benchmarks!.quick, current.benchmarks!.quick];
  if (qb !== qc) return `quick=${qb} in ${files.baseline}, ${qc} in ${files.current}: different kernel inputs`;
  return undefined;
}

/** A growth as a percentage (the allowance and a regression's growth are never negative). */
function plusPct(x: number): string {
  return `+${(x * 100).toFixed(2)} %`;
}

/** Compares per-call instruction counts (call icountSkipReason first). */
export function compareIcount(baseline: IcountSection, current: IcountSection, rule: IcountRule): IcountCheck[] {
  const out: IcountCheck[] = [];
  const cur = new Map((current.kernels ?? []).map((k) => [k.name, k.instructions]));
  const limit = `instructions ≤ ${plusPct(rule.relative)}`;
  for (const k of baseline.kernels ?? []) {
    const metric = `icount ${k.name}`;
    const cv = cur.get(k.name);
    if (cv === undefined) {
      out.push({ metric, baseline: k.instructions, limit: 'present', verdict: 'missing', message: `${metric}: counted in the baseline, not now` });
      continue;
    }
    const change = k.instructions > 0 ? cv / k.instructions - 1 : cv > 0 ? Infinity : 0;
    // Compared as differences of integers against the allowance (a ratio would round 1.02 − 1 above 0.02).
    const allowed = rule.relative * k.instructions;
    const verdict = cv - k.instructions > allowed ? 'regression' : k.instructions - cv > allowed ? 'improved' : 'pass';
    out.push({
      metric,
      baseline: k.instructions,
      current: cv,
      change,
      limit,
      verdict,
      ...(verdict === 'regression'
        ? { message: `${metric}: ${cv} instructions per call, ${plusPct(change)} over the baseline's ${k.instructions} (callgrind, deterministic; allowed ${plusPct(rule.relative)})` }
        : {}),
    });
  }
  const base = new Set((baseline.kernels ?? []).map((k) => k.name));
  for (const k of current.kernels ?? []) if (!base.has(k.name)) out.push({ metric: `icount ${k.name}`, current: k.instructions, limit: 'present', verdict: 'new' });
  return out;
}
