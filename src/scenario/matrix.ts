/**
 * Matrix expansion: a loaded scenario → the ordered list of cells to run.
 * Order is designs × adversaries × parameter variants × seeds (design-major),
 * ids are deterministic (`smm-device/virtio-drain/seed=1`, with a parameter tag
 * when the matrix varies parameters), and every adversary cell gets a
 * no-adversary baseline cell with the same design, parameters and seed (added
 * automatically, marked `baseline`, just before the first cell that needs it) so
 * its SetVariable throughput ratio has a denominator.
 */
import { InputError } from '../errors.ts';
import { globMatch } from '../glob.ts';
import type { ParamValues } from '../params/spec.ts';
import { DESIGNS, type DesignName } from '../designs/platform.ts';
import { findWorkload } from '../workloads/index.ts';
import { resolveParamTable } from '../params/spec.ts';
import type { Expectation } from './expectation.ts';
import { SCENARIO_LIMITS, type LoadedScenario, type QualityRule, type WorkloadRef } from './load.ts';
import { parseDuration } from './units.ts';

export const DEFAULT_SEED = 1;
export const DEFAULT_RUNTIME = '1s';
export const DEFAULT_VCPUS = 2;
export const BACKGROUND_WORKLOAD = 'variable-churn';

export interface CellPlan {
  id: string;
  design: DesignName;
  /** Resolved workloads (every parameter present), background first. */
  workloads: Array<{ name: string; params: ParamValues }>;
  seed: number;
  runtimeNs: number;
  vcpus: number;
  /** Component overrides: scenario params, then the matrix variant, then fault workloads. */
  overrides: Record<string, ParamValues>;
  /** Adversary label ('none' for no adversary) and parameter-variant tag ('' when none). */
  adversary: string;
  variant: string;
  /** Id of the no-adversary cell this one is compared with (itself for a baseline). */
  baselineId: string;
  /** True when the runner added this cell only to serve as a baseline. */
  autoBaseline: boolean;
  expectations: Expectation[];
  quality: QualityRule[];
}

export interface ExpandOptions {
  seed?: number;
  scale?: 'default' | 'quick';
}

function designList(list: string[] | undefined): DesignName[] {
  // 'all' = the designs under comparison (a variant with compared=false runs only where named).
  const all = DESIGNS.filter((d) => d.compared).map((d) => d.name);
  if (!list) return all;
  const out: DesignName[] = [];
  for (const d of list) for (const x of d === 'all' ? all : [d as DesignName]) if (!out.includes(x)) out.push(x);
  return out;
}

function mergeOverrides(...layers: Array<Record<string, ParamValues> | undefined>): Record<string, ParamValues> {
  const out: Record<string, ParamValues> = {};
  for (const layer of layers) {
    for (const comp of Object.keys(layer ?? {}).sort()) out[comp] = { ...out[comp], ...layer![comp] };
  }
  return out;
}

function variantTag(v: Record<string, ParamValues>): string {
  const parts: string[] = [];
  for (const comp of Object.keys(v).sort()) for (const k of Object.keys(v[comp]!).sort()) parts.push(`${comp}.${k}=${String(v[comp]![k])}`);
  return parts.join(',');
}

function resolveRef(ref: WorkloadRef): { name: string; params: ParamValues } {
  const def = findWorkload(ref.name);
  if (!def) throw new InputError(`unknown workload "${ref.name}"`);
  return { name: def.name, params: resolveParamTable(def.name, def.params, ref.params) };
}

/** Expands a loaded scenario into its ordered cells. */
export function expandCells(loaded: LoadedScenario, opts: ExpandOptions = {}): CellPlan[] {
  const s = loaded.spec;
  const quick = opts.scale === 'quick' ? s.quick : undefined;
  const baseSeed = opts.seed ?? s.seed ?? DEFAULT_SEED;
  const runtimeNs = parseDuration(quick?.runtime ?? s.runtime ?? DEFAULT_RUNTIME)!;
  const vcpus = s.vcpus ?? DEFAULT_VCPUS;
  const designs = designList(quick?.designs ?? s.matrix?.designs ?? s.designs ?? (s.design !== undefined ? [s.design] : undefined));
  const adversaries: WorkloadRef[] = quick?.adversaries ?? s.matrix?.adversaries ?? [{ name: 'none' }];
  const variants = s.matrix?.params ?? [{}];
  const seedCount = quick?.seeds ?? s.matrix?.seeds ?? 1;
  const base = (s.workloads ?? []).map(resolveRef);
  if ((s.backgroundChurn ?? true) && !base.some((w) => w.name === BACKGROUND_WORKLOAD)) {
    base.unshift(resolveRef({ name: BACKGROUND_WORKLOAD }));
  }
  const baseAdversary = (s.workloads ?? []).filter((w) => findWorkload(w.name)?.role !== 'background');
  const labelOf = (ref: WorkloadRef): string => {
    const own = ref.name === 'none' ? (ref.label !== undefined ? [ref.label] : []) : [ref.label ?? ref.name];
    const names = [...baseAdversary.map((w) => w.label ?? w.name), ...own];
    return names.length ? names.join('+') : 'none';
  };
  const labels = adversaries.map(labelOf);
  labels.forEach((l, i) => {
    if (labels.indexOf(l) !== i) {
      throw new InputError(`${loaded.file}: /matrix/adversaries/${i}: duplicate cell label "${l}"; give this entry a distinct "label"`);
    }
  });
  const quality = s.quality ?? [];
  const planned = designs.length * adversaries.length * variants.length * seedCount;
  if (planned > SCENARIO_LIMITS.cells) {
    throw new InputError(
      `${loaded.file}: the matrix expands to ${planned} cells (${designs.length} designs × ${adversaries.length} adversaries × ` +
        `${variants.length} parameter sets × ${seedCount} seeds), more than the limit of ${SCENARIO_LIMITS.cells}`,
    );
  }
  const cells: CellPlan[] = [];
  const make = (design: DesignName, ref: WorkloadRef, label: string, variant: Record<string, ParamValues>, seed: number, auto: boolean): CellPlan => {
    const extra = ref.name === 'none' ? [] : [resolveRef(ref)];
    const workloads = [...base, ...extra];
    const faultOverrides = workloads.map((w) => findWorkload(w.name)!.platformOverrides?.(w.params));
    const tag = variantTag(variant);
    const key = `${design}/${tag ? `${tag}/` : ''}seed=${seed}`;
    const id = `${design}/${label}/${tag ? `${tag}/` : ''}seed=${seed}`;
    return {
      id,
      design,
      workloads,
      seed,
      runtimeNs,
      vcpus,
      overrides: mergeOverrides(s.params, variant, ...faultOverrides),
      adversary: label,
      variant: tag,
      baselineId: key,
      autoBaseline: auto,
      expectations: [],
      quality,
    };
  };
  for (const design of designs) {
    adversaries.forEach((ref, ai) => {
      for (const variant of variants) {
        for (let k = 0; k < seedCount; k++) cells.push(make(design, ref, labels[ai]!, variant, baseSeed + k, false));
      }
    });
  }
  // Baselines: a cell whose workloads are all background serves its key.
  const isBaseline = (c: CellPlan): boolean => c.workloads.every((w) => findWorkload(w.name)!.role === 'background');
  const baselineIdByKey = new Map<string, string>();
  for (const c of cells) if (isBaseline(c) && !baselineIdByKey.has(c.baselineId)) baselineIdByKey.set(c.baselineId, c.id);
  const out: CellPlan[] = [];
  for (const c of cells) {
    const key = c.baselineId;
    if (!baselineIdByKey.has(key)) {
      const [design] = key.split('/') as [DesignName];
      const variant = (s.matrix?.params ?? [{}]).find((v) => variantTag(v) === c.variant) ?? {};
      const b = make(design, { name: 'none' }, 'none', variant, c.seed, true);
      // Without base adversaries, the 'none' cell is background only.
      b.workloads = base.filter((w) => findWorkload(w.name)!.role === 'background');
      b.overrides = mergeOverrides(s.params, variant);
      b.id = `${design}/none/${c.variant ? `${c.variant}/` : ''}seed=${c.seed}`;
      baselineIdByKey.set(key, b.id);
      out.push(b);
    }
    out.push(c);
  }
  for (const c of out) {
    c.baselineId = baselineIdByKey.get(c.baselineId)!;
    c.expectations = loaded.expectations.filter((e) => globMatch(e.cells, c.id)).map((e) => e.expectation);
  }
  // An expectation whose pattern names no cell would silently check nothing (a typo such as
  // 'smm-devise/*' used to pass as "0/0"). A quick scale may leave cells out: then the pattern
  // must at least name a cell of the full expansion.
  for (const pattern of new Set(loaded.expectations.map((e) => e.cells))) {
    if (out.some((c) => globMatch(pattern, c.id))) continue;
    if (opts.scale === 'quick' && expandCells(loaded, { ...opts, scale: 'default' }).some((c) => globMatch(pattern, c.id))) continue;
    throw new InputError(`${loaded.file}: /expect/${pattern.replace(/~/g, '~0').replace(/\//g, '~1')}: pattern matches no cell (cell ids look like ${out.slice(0, 3).map((c) => c.id).join(', ')}${out.length > 3 ? ', …' : ''})`);
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.id)) throw new InputError(`${loaded.file}: two cells share the id "${c.id}"; give adversaries distinct labels`);
    seen.add(c.id);
  }
  return out;
}

/**
 * The deterministic slice `index`/`count` (1-based index) of the cells. Cells are
 * grouped with their baseline (same design, variant and seed) and whole groups are
 * dealt round-robin, so every shard can compute its own baseline ratios.
 */
export function shardCells(cells: CellPlan[], shard: { index: number; count: number }): CellPlan[] {
  const groups: string[] = [];
  for (const c of cells) if (!groups.includes(c.baselineId)) groups.push(c.baselineId);
  const mine = new Set(groups.filter((_, i) => i % shard.count === shard.index - 1));
  return cells.filter((c) => mine.has(c.baselineId));
}
