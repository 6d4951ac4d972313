/**
 * The report document: one versioned JSON object that is the single source of
 * truth for a run. Markdown, HTML, JUnit, the benchmark export and the gate all
 * read it; nothing renders from anything else.
 *
 * Layout (schema in ./schema.ts, published as reports/report.schema.json):
 * - `schemaVersion`, `tool`, `environment` (Node version, platform, CPU model);
 * - `run`: the scenario run (scenario name, file, sha256 digest and seed; per
 *   cell: design, workloads, every parameter used with its source, metrics,
 *   quality verdicts with P-values and estimates; every expectation outcome).
 *   Deterministic for a scenario + seed;
 * - `benchmarks`: wall-clock figures (tinybench suites plus the calibration tasks
 *   measured in the same run);
 * - `timing`: wall-clock ms the run and each cell took (JUnit's `time`).
 * The wall-clock parts are kept apart, like `generatedAt`, so that
 * `deterministicPart()` can drop them and compare the rest byte for byte.
 */
import os from 'node:os';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { packageVersion } from '../entry-points.ts';
import { InputError } from '../errors.ts';
import { inputName, readInputText } from '../io/input.ts';
import type { RunResult, CellResult } from '../scenario/result.ts';
import type { IcountSection, RunnerSettings, SuiteResult } from './benchmark-result.ts';
import { REPORT_SCHEMA_VERSION, ReportDocumentSchema, reportJsonSchema, type BenchmarkSection, type ReportDocumentShape } from './schema.ts';

export { REPORT_SCHEMA_VERSION } from './schema.ts';

export type { BenchmarkSection, TimingSection } from './schema.ts';

/** The document: the shape of its schema (./schema.ts); `run` is the scenario's RunResult. */
export type ReportDocument = ReportDocumentShape;

const TOOL_NAME = 'entropy-bench';

function toolVersion(): string {
  return packageVersion();
}

/** Where the document was produced (same machine → same values). */
export function describeEnvironment(): ReportDocument['environment'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: (cpus[0]?.model ?? 'unknown').trim().replace(/\s+/g, ' '),
    cpus: cpus.length,
  };
}

/**
 * Builds a document. Deterministic: it never reads the clock; pass
 * `generatedAt` to stamp one. A suite named 'calibration' among `benchmarks`
 * becomes the calibration section when `calibration` is not given.
 * Throws (a programming error, not user input) when any number is NaN or
 * infinite, naming the path: no output ever carries one.
 */
export function createReportDocument(input: {
  run?: RunResult;
  benchmarks?: SuiteResult[];
  calibration?: SuiteResult;
  quick?: boolean;
  clock?: 'cpu' | 'wall';
  runner?: RunnerSettings;
  rounds?: number;
  sideBySide?: BenchmarkSection['sideBySide'];
  icount?: IcountSection;
  source?: ReportDocument['source'];
  generatedAt?: string;
  /** Wall ms of the whole run and of each cell (cells are put in the run's order). */
  timing?: { totalMs: number; cellMs: ReadonlyMap<string, number> };
}): ReportDocument {
  const doc: ReportDocument = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion() },
    environment: describeEnvironment(),
  };
  if (input.generatedAt !== undefined) doc.generatedAt = input.generatedAt;
  if (input.source !== undefined) doc.source = input.source;
  if (input.run !== undefined) doc.run = input.run;
  if (input.benchmarks !== undefined || input.calibration !== undefined) {
    const suites = (input.benchmarks ?? []).filter((s) => !(input.calibration === undefined && s.name === 'calibration'));
    const calibration = input.calibration ?? input.benchmarks?.find((s) => s.name === 'calibration');
    doc.benchmarks = {
      wallClock: true,
      quick: input.quick ?? false,
      ...(input.clock !== undefined ? { clock: input.clock } : {}),
      ...(calibration !== undefined ? { calibration } : {}),
      suites,
      ...(input.runner !== undefined ? { runner: input.runner } : {}),
      ...(input.rounds !== undefined ? { rounds: input.rounds } : {}),
      ...(input.sideBySide !== undefined ? { sideBySide: input.sideBySide } : {}),
      ...(input.icount !== undefined ? { icount: input.icount } : {}),
    };
  }
  if (input.timing !== undefined) {
    const ms = input.timing.cellMs;
    const ids = input.run ? input.run.cells.map((c) => c.id).filter((id) => ms.has(id)) : [...ms.keys()];
    doc.timing = { wallClock: true, totalMs: input.timing.totalMs, cells: ids.map((id) => ({ id, ms: ms.get(id)! })) };
  }
  assertFinite(doc, '');
  return doc;
}

function assertFinite(v: unknown, path: string): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`report document: ${path || '/'} is ${v}; every number must be finite`);
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => assertFinite(x, `${path}/${i}`));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) assertFinite(x, `${path}/${k}`);
  }
}

/** The document as written to disk: 2-space JSON with a trailing newline. */
export function serializeReportDocument(doc: ReportDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The document without its wall-clock and provenance parts (generatedAt, source, benchmarks, timing): byte-identical for the same scenario + seed. */
export function deterministicPart(doc: ReportDocument): ReportDocument {
  const { generatedAt: _g, benchmarks: _b, source: _s, timing: _t, ...rest } = doc;
  return rest;
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    validator = ajv.compile(reportJsonSchema());
  }
  return validator;
}

function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** One line for the most useful ajv error: `<json path>: expected …`. */
export function describeSchemaError(errors: ErrorObject[]): string {
  if (errors.length === 0) return '/: does not match the report schema';
  // The deepest path is the most specific complaint (a union's branches report at the same path).
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  const first = errors.find((e) => depth(e) === deepest)!;
  const at = errors.filter((e) => e.instancePath === first.instancePath);
  const where = first.instancePath === '' ? '/' : first.instancePath;
  const consts = at.filter((e) => e.keyword === 'const').map((e) => JSON.stringify(e.params.allowedValue));
  if (consts.length > 0) return `${where}: expected one of ${consts.join(', ')}`;
  switch (first.keyword) {
    case 'required':
      return `${where}: missing required property '${String(first.params.missingProperty)}'`;
    case 'additionalProperties':
      return `${where}: unexpected property '${String(first.params.additionalProperty)}'`;
    case 'type':
      return `${where}: expected ${String(first.params.type)}, found ${describeValue(first.data)}`;
    case 'minimum':
    case 'maximum':
      return `${where}: expected a number ${first.keyword === 'minimum' ? '≥' : '≤'} ${String(first.params.limit)}, found ${describeValue(first.data)}`;
    default:
      return `${where}: ${first.message ?? 'does not match the report schema'}`;
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 37) + '...' : s}`;
}

/**
 * Validates parsed JSON as a report document. `file` names the source in
 * messages. Throws InputError for: a document from a newer schema (major or
 * minor), an older incompatible major, or anything the schema rejects (the
 * message names the JSON path and what was expected).
 */
export function checkReportDocument(data: unknown, file: string): ReportDocument {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`${file}: expected a report document (a JSON object), found ${describeValue(data)}`);
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'string') {
    throw new InputError(`${file}: /schemaVersion: missing; expected an entropy-bench report document (schema ${REPORT_SCHEMA_VERSION})`);
  }
  const theirs = parseVersion(version);
  const ours = parseVersion(REPORT_SCHEMA_VERSION)!;
  if (!theirs) throw new InputError(`${file}: /schemaVersion: expected MAJOR.MINOR.PATCH, found ${JSON.stringify(version)}`);
  if (theirs[0] > ours[0] || (theirs[0] === ours[0] && theirs[1] > ours[1])) {
    throw new InputError(
      `${file}: written with report schema ${version}, newer than this entropy-bench reads (${ours[0]}.${ours[1]}.x); upgrade entropy-bench`,
    );
  }
  if (theirs[0] < ours[0]) {
    throw new InputError(`${file}: report schema ${version} is an older major version; this entropy-bench reads ${ours[0]}.x`);
  }
  const v = validate();
  if (!v(data)) throw new InputError(`${file}: not a valid report document: ${describeSchemaError(v.errors ?? [])}`);
  return data as ReportDocument;
}

/** Parses report JSON text (see checkReportDocument). Truncated or malformed JSON → InputError with the offset. */
export function parseReportDocument(text: string, file: string): ReportDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const trimmed = text.trimEnd();
    const truncated = /Unexpected end of JSON input/.test(msg) || (pos !== null && Number(pos[1]) >= trimmed.length);
    throw new InputError(
      `${file}: ${truncated ? 'truncated JSON (the file ends early' : 'not valid JSON (' + (pos ? `byte offset ${pos[1]}` : msg)}${truncated ? ` at byte ${trimmed.length}` : ''}); expected a complete report document`,
    );
  }
  return checkReportDocument(data, file);
}

/** Reads and validates a report document from disk. */
export function readReportDocument(path: string): ReportDocument {
  return parseReportDocument(readInputText(path), inputName(path));
}

/**
 * The group a cell was sharded with: the scenario runner deals whole groups
 * (a cell and its no-adversary baseline: same design, variant and seed)
 * round-robin to shards (src/scenario/matrix.ts shardCells). The group key is
 * the id without its adversary label: `<design>[/<variant>]/seed=<n>`.
 */
function shardGroup(id: string): string {
  const parts = id.split('/');
  return parts.length >= 3 ? [parts[0], ...parts.slice(2)].join('/') : id;
}

/**
 * Joins shard documents of one scenario run into one document. Requires the
 * same scenario digest, name and seed (else InputError naming the mismatch).
 * Cells are de-duplicated by id and put back in expansion order: `order` (the
 * full expansion's ids, e.g. from re-expanding the scenario file) when given;
 * otherwise from the sharding rule: the j-th group of shard k of n is group
 * j·n + k − 1 of the expansion, cells keep their order within a group.
 * Benchmarks: the first document's section is kept (shards do not usually run them).
 */
/**
 * The documents must be the complete set of shards of one run: one scale, one
 * shard count n, every index 1..n exactly once (or a single unsharded run).
 * A missing or repeated shard would otherwise give a report that looks
 * complete ("4 cells, all passed" for 40 of 60).
 */
function checkShardSet(docs: ReadonlyArray<{ doc: ReportDocument; file: string }>): void {
  const first = docs[0]!;
  const run0 = first.doc.run!;
  const scale0 = run0.scale ?? 'default';
  for (const d of docs.slice(1)) {
    const scale = d.doc.run!.scale ?? 'default';
    if (scale !== scale0) throw new InputError(`report merge: ${d.file}: scale '${scale}' differs from ${first.file}: scale '${scale0}'; expected shards of one run`);
  }
  const unsharded = docs.filter((d) => d.doc.run!.shard === undefined);
  if (unsharded.length > 0) {
    if (docs.length === 1) return;
    throw new InputError(`report merge: ${unsharded[0]!.file}: is a whole run (no --shard), expected only shards of one run`);
  }
  const n = run0.shard!.count;
  const byIndex = new Map<number, string>();
  for (const d of docs) {
    const sh = d.doc.run!.shard!;
    if (sh.count !== n) throw new InputError(`report merge: ${d.file}: shard ${sh.index}/${sh.count} differs in shard count from ${first.file}: shard ${run0.shard!.index}/${n}`);
    const other = byIndex.get(sh.index);
    if (other !== undefined) throw new InputError(`report merge: shard ${sh.index}/${n} given twice: ${other} and ${d.file}`);
    byIndex.set(sh.index, d.file);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new InputError(`report merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${n}`).join(', ')} (given: ${[...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${n}`).join(', ')})`);
  }
}

export function mergeReports(
  input: ReadonlyArray<ReportDocument | { doc: ReportDocument; file: string }>,
  opts: { order?: readonly string[] } = {},
): ReportDocument {
  // Plain documents are named by position in messages ('report #2').
  const docs = input.map((d, i) => ('schemaVersion' in d ? { doc: d, file: `report #${i + 1}` } : d));
  if (docs.length === 0) throw new InputError('report merge: expected at least one report document');
  const withRun = docs.filter((d) => d.doc.run !== undefined);
  if (withRun.length === 0) throw new InputError(`report merge: ${docs[0]!.file}: has no run section to merge`);
  const first = withRun[0]!;
  const s0 = first.doc.run!.scenario;
  for (const d of withRun.slice(1)) {
    const s = d.doc.run!.scenario;
    if (s.sha256 !== s0.sha256 || s.name !== s0.name) {
      throw new InputError(
        `report merge: ${d.file}: scenario '${s.name}' (sha256 ${s.sha256.slice(0, 12)}…) differs from ${first.file}: '${s0.name}' (sha256 ${s0.sha256.slice(0, 12)}…); expected shards of one scenario file`,
      );
    }
    if (s.seed !== s0.seed) {
      throw new InputError(`report merge: ${d.file}: seed ${s.seed} differs from ${first.file}: seed ${s0.seed}; expected shards of one run`);
    }
  }
  checkShardSet(withRun);
  const given = opts.order ? new Map(opts.order.map((id, i) => [id, i])) : undefined;
  const indexed: Array<{ group: number; pos: number; cell: CellResult }> = [];
  for (const d of withRun) {
    const run = d.doc.run!;
    const groups: string[] = [];
    run.cells.forEach((cell, pos) => {
      const g = shardGroup(cell.id);
      if (!groups.includes(g)) groups.push(g);
      const j = groups.indexOf(g);
      const group = given ? (given.get(cell.id) ?? given.size + pos) : run.shard ? j * run.shard.count + run.shard.index - 1 : j;
      indexed.push({ group, pos, cell });
    });
  }
  indexed.sort((a, b) => a.group - b.group || a.pos - b.pos);
  const seen = new Set<string>();
  const cells: CellResult[] = [];
  for (const { cell } of indexed) {
    if (seen.has(cell.id)) continue;
    seen.add(cell.id);
    cells.push(cell);
  }
  const order = new Map(cells.map((c, i) => [c.id, i]));
  const expSeen = new Set<string>();
  const expectations = withRun
    .flatMap((d) => d.doc.run!.expectations)
    .filter((e) => {
      const k = `${e.cell}\u0000${e.expression}\u0000${e.metric}`;
      if (expSeen.has(k)) return false;
      expSeen.add(k);
      return true;
    })
    // Stable sort keeps each cell's expectations in file order.
    .sort((a, b) => (order.get(a.cell) ?? cells.length) - (order.get(b.cell) ?? cells.length));
  const { shard: _shard, ...runRest } = first.doc.run!;
  const run: RunResult = { ...runRest, cells, expectations };
  const merged: ReportDocument = { ...first.doc, run };
  const bench = docs.find((d) => d.doc.benchmarks !== undefined)?.doc.benchmarks;
  if (bench) merged.benchmarks = bench;
  else delete merged.benchmarks;
  // Shards ran one after another or on other machines: their times add up.
  const timed = withRun.filter((d) => d.doc.timing !== undefined);
  if (timed.length > 0) {
    const ms = new Map(timed.flatMap((d) => d.doc.timing!.cells.map((c) => [c.id, c.ms] as const)));
    merged.timing = { wallClock: true, totalMs: timed.reduce((a, d) => a + d.doc.timing!.totalMs, 0), cells: cells.filter((c) => ms.has(c.id)).map((c) => ({ id: c.id, ms: ms.get(c.id)! })) };
  } else delete merged.timing;
  return merged;
}
