/**
 * Loading a scenario file: YAML or JSON text → schema validation (ajv, strict,
 * unknown keys are errors) → semantic checks (expectations, durations) → a
 * LoadedScenario. Every problem is an InputError naming the file, the JSON path
 * of the bad field, what was found and what was expected, e.g.
 * `scenarios/x.yaml: /workloads/0/params/rate: expected number ≥ 0, found "fast"`;
 * YAML/JSON syntax errors name the line and column.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { InputError } from '../errors.ts';
import { readInputText } from '../io/input.ts';
import type { ParamValues } from '../params/spec.ts';
import { buildScenarioSchema } from './schema.ts';
import type { CrashConsistencySpec } from './crash-consistency.ts';
import { parseExpectation, type Expectation } from './expectation.ts';
import { DURATION_PATTERN, parseDuration } from './units.ts';

export interface WorkloadRef {
  name: string;
  label?: string;
  params?: ParamValues;
}

export interface QualityRule {
  tap: string;
  checks: Array<'sts' | 'entropy' | 'health'>;
  maxSamples?: number;
  maxBits?: number;
}

/** The scenario file as written (after schema validation). */
export interface ScenarioFile {
  name: string;
  description?: string;
  seed?: number;
  runtime?: string;
  vcpus?: number;
  design?: string;
  designs?: string[];
  params?: Record<string, ParamValues>;
  workloads?: WorkloadRef[];
  backgroundChurn?: boolean;
  quality?: QualityRule[];
  crashConsistency?: CrashConsistencySpec;
  expect?: Record<string, string[]>;
  matrix?: { designs?: string[]; adversaries?: WorkloadRef[]; params?: Array<Record<string, ParamValues>>; seeds?: number };
  quick?: { runtime?: string; seeds?: number; designs?: string[]; adversaries?: WorkloadRef[] };
}

export interface LoadedScenario {
  file: string;
  sha256: string;
  spec: ScenarioFile;
  /** Parsed expectations with the cell-id glob they apply to, in file order. */
  expectations: Array<{ cells: string; expectation: Expectation }>;
}

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ strict: true, allErrors: false, verbose: true });
    validator = ajv.compile(buildScenarioSchema());
  }
  return validator;
}

/**
 * Limits on what one scenario may ask for, refused at once with a message
 * (documented in README "Scenario limits"). The shipped scenarios are a few KB
 * with tens of cells; a file far beyond these is a mistake or an attack (a
 * 54 MB file with 2 million expectations ran V8 out of heap after 149 s).
 */
export const SCENARIO_LIMITS = {
  /** Bytes of scenario text. */
  bytes: 1 << 20,
  /** Expectation strings over all cell patterns. */
  expectations: 10_000,
  /** Cells after matrix expansion (designs × adversaries × parameter variants × seeds). */
  cells: 10_000,
  /** YAML alias expansions (the `yaml` package's resource-exhaustion guard). */
  aliases: 100,
  /**
   * Virtual run time of one cell, in seconds: the model simulates every event, and one
   * virtual second costs 1–4 s of CPU (measured: a 10 s cell took 38 s on a loaded
   * 2-CPU machine), so 60 s is minutes per cell; the shipped scenarios use at most 5 s.
   */
  runtimeSeconds: 60,
} as const;

/** Reads and validates a scenario file. */
export function loadScenario(path: string): LoadedScenario {
  const text = readInputText(path, 'utf8', SCENARIO_LIMITS.bytes);
  return parseScenarioText(text, path);
}

/** Parses and validates scenario text; `file` names it in error messages. */
export function parseScenarioText(text: string, file: string): LoadedScenario {
  if (text.length > SCENARIO_LIMITS.bytes) {
    throw new InputError(`${file}: ${text.length} characters, more than the ${SCENARIO_LIMITS.bytes} a scenario may have`);
  }
  const data = /\.json$/i.test(file) ? parseJson(text, file) : parseYaml(text, file);
  const validate = getValidator();
  if (!validate(data)) throw new InputError(`${file}: ${describeAjvError(validate.errors ?? [])}`);
  const spec = data as ScenarioFile;
  if (spec.design !== undefined && spec.designs !== undefined) {
    throw new InputError(`${file}: /design: give either design or designs, not both`);
  }
  const runtimes: Array<[string, string | undefined]> = [['/runtime', spec.runtime], ['/quick/runtime', spec.quick?.runtime]];
  for (const [where, r] of runtimes) {
    if (r !== undefined && !(parseDuration(r)! > 0)) throw new InputError(`${file}: ${where}: expected a duration > 0, found ${JSON.stringify(r)}`);
    if (r !== undefined && parseDuration(r)! > SCENARIO_LIMITS.runtimeSeconds * 1e9) {
      throw new InputError(`${file}: ${where}: ${JSON.stringify(r)} is longer than the ${SCENARIO_LIMITS.runtimeSeconds} s of virtual time a cell may run`);
    }
  }
  const expectationCount = Object.values(spec.expect ?? {}).reduce((n, list) => n + list.length, 0);
  if (expectationCount > SCENARIO_LIMITS.expectations) {
    throw new InputError(`${file}: /expect: ${expectationCount} expectations, more than the limit of ${SCENARIO_LIMITS.expectations}`);
  }
  const expectations: LoadedScenario['expectations'] = [];
  for (const [cells, list] of Object.entries(spec.expect ?? {})) {
    list.forEach((text, i) => {
      try {
        expectations.push({ cells, expectation: parseExpectation(text) });
      } catch (e) {
        throw new InputError(`${file}: /expect/${pointerToken(cells)}/${i}: ${(e as Error).message}`);
      }
    });
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { file, sha256, spec, expectations };
}

function parseYaml(text: string, file: string): unknown {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    throw new InputError(`${file}: YAML syntax error at ${where}: ${err.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: SCENARIO_LIMITS.aliases }) as unknown;
  } catch (e) {
    // The yaml package throws a ReferenceError when aliases expand too much (an "alias bomb").
    throw new InputError(`${file}: YAML aliases expand too much (more than ${SCENARIO_LIMITS.aliases} expansions, an alias bomb?): ${(e as Error).message.split('\n')[0]}`);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!;
    const m = /position (\d+)/.exec(msg);
    let pos: { line: number; col: number } | undefined;
    if (m) {
      const before = text.slice(0, Number(m[1])).split('\n');
      pos = { line: before.length, col: before[before.length - 1]!.length + 1 };
    } else {
      // Node 20 omits the offset for some errors; JSON is YAML flow syntax, so the YAML
      // parser (JSON scalars only) finds where it breaks.
      const lines = new YAML.LineCounter();
      const doc = YAML.parseDocument(text, { schema: 'json', lineCounter: lines });
      const err = doc.errors[0];
      if (err) pos = lines.linePos(err.pos[0]);
    }
    throw new InputError(`${file}: JSON syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${msg}`);
  }
}

/** RFC 6901 escaping of one path segment. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function found(data: unknown): string {
  const s = data === undefined ? 'nothing' : JSON.stringify(data);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function typeName(t: unknown): string {
  return Array.isArray(t) ? t.join(' or ') : String(t);
}

function rangeText(s: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof s.minimum === 'number') parts.push(`≥ ${s.minimum}`);
  if (typeof s.maximum === 'number') parts.push(`≤ ${s.maximum}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** One line for the first real ajv error: `<json path>: expected …, found …`. */
export function describeAjvError(errors: ErrorObject[]): string {
  // `if` errors only say "must match then schema"; the useful error precedes them.
  const e = errors.find((x) => x.keyword !== 'if' && x.keyword !== 'allOf') ?? errors[0];
  if (!e) return 'invalid scenario';
  const path = e.instancePath || '/';
  const ps = (e.parentSchema ?? {}) as Record<string, unknown>;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((ps.properties as Record<string, unknown> | undefined) ?? {}).filter((k) => k !== '$schema');
      const where = `${e.instancePath}/${pointerToken(key)}`;
      return allowed.length
        ? `${where}: unknown key "${key}", expected one of: ${allowed.join(', ')}`
        : `${where}: unknown key "${key}" (no keys are allowed here)`;
    }
    case 'required':
      return `${path}: missing required key "${String(p.missingProperty)}"`;
    case 'type':
      return `${path}: expected ${typeName(p.type)}${rangeText(ps)}, found ${found(e.data)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path}: expected ${typeName(ps.type)}${rangeText(ps)}, found ${found(e.data)}`;
    case 'enum':
      return `${path}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${found(e.data)}`;
    case 'pattern':
      return ps.pattern === DURATION_PATTERN
        ? `${path}: expected a duration like "2s", "500ms" or "250us", found ${found(e.data)}`
        : `${path}: expected a string matching /${String(p.pattern)}/, found ${found(e.data)}`;
    case 'minItems':
      return `${path}: expected at least ${String(p.limit)} item(s), found ${found(e.data)}`;
    case 'uniqueItems':
      return `${path}: expected no duplicates, found items ${String(p.j)} and ${String(p.i)} equal`;
    case 'minLength':
      return `${path}: expected a non-empty string, found ${found(e.data)}`;
    default:
      return `${path}: ${e.message ?? 'invalid'}, found ${found(e.data)}`;
  }
}
