/**
 * The gate's optional configuration file (YAML or JSON), e.g.
 *
 * ```yaml
 * virtual:                     # deterministic virtual-time metrics
 *   relative: 1e-6             # default tolerance: |cur − base| ≤ absolute + relative·|base|
 *   rules:
 *     - { match: 'setVariable.latency.*', relative: 0.001 }
 *     - { match: 'events', relative: 0 }   # re-enable a default-ignored metric
 * wallClock:                   # distributions of per-process medians
 *   sideBySide: { effect: 0.05, confidence: 0.99 }   # vs the baseline build in the same job
 *   calibration: { effect: 0.25, confidence: 0.99 }  # fallback: ratios to calibration tasks
 *   references: { drbg: aes-256-ctr, smm: aes-256-gcm }
 *   rules:
 *     - { match: 'sts/FFT', effect: 0.1 }
 * icount: { relative: 0.05 }   # instruction counts: largest growth per call that passes
 * ```
 * Every key is optional; absent keys keep DEFAULT_GATE_CONFIG's values.
 * Unknown keys or wrong types → InputError naming the file and the JSON path.
 */
import { readInputText } from '../io/input.ts';
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { describeSchemaError } from './document.ts';
import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate.ts';
import type { ReportDocument } from './document.ts';

const NonNeg = Type.Number({ minimum: 0 });
const Confidence = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });
const Shift = Type.Object({ effect: Type.Optional(NonNeg), confidence: Type.Optional(Confidence) }, { additionalProperties: false });
const closed = { additionalProperties: false } as const;

export const GateConfigSchema = Type.Object(
  {
    virtual: Type.Optional(
      Type.Object(
        {
          relative: Type.Optional(NonNeg),
          absolute: Type.Optional(NonNeg),
          rules: Type.Optional(
            Type.Array(
              Type.Object(
                { match: Type.String({ minLength: 1 }), relative: Type.Optional(NonNeg), absolute: Type.Optional(NonNeg), ignore: Type.Optional(Type.Boolean()) },
                closed,
              ),
            ),
          ),
        },
        closed,
      ),
    ),
    icount: Type.Optional(Type.Object({ relative: Type.Optional(NonNeg) }, closed)),
    wallClock: Type.Optional(
      Type.Object(
        {
          sideBySide: Type.Optional(Shift),
          calibration: Type.Optional(Shift),
          references: Type.Optional(Type.Record(Type.String(), Type.String())),
          defaultReference: Type.Optional(Type.String()),
          rules: Type.Optional(
            Type.Array(
              Type.Object(
                { match: Type.String({ minLength: 1 }), effect: Type.Optional(NonNeg), confidence: Type.Optional(Confidence), ignore: Type.Optional(Type.Boolean()) },
                closed,
              ),
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

/** JSON path of the first number that is not finite (YAML `.inf`, `.nan`), if any. */
function nonFinite(data: unknown, path = ''): { path: string; value: number } | undefined {
  if (typeof data === 'number') return Number.isFinite(data) ? undefined : { path: path || '/', value: data };
  if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const hit = nonFinite(v, `${path}/${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Validates parsed config data and merges it over the defaults. */
export function parseGateConfig(data: unknown, file: string): GateConfig {
  const validate = new Ajv({ strict: false, allErrors: true, verbose: true }).compile(JSON.parse(JSON.stringify(GateConfigSchema)));
  if (data === null || data === undefined) data = {};
  // JSON Schema's `minimum: 0` accepts Infinity; a tolerance of .inf would turn every check into a
  // regression (ln(∞)) or hide every one, so a non-finite number is refused by name.
  const bad = nonFinite(data);
  if (bad) throw new InputError(`${file}: ${bad.path}: expected a finite number, found ${bad.value === Infinity ? '.inf' : bad.value === -Infinity ? '-.inf' : '.nan'}`);
  if (!validate(data)) throw new InputError(`${file}: ${describeSchemaError(validate.errors ?? [])}`);
  const d = data as {
    virtual?: Partial<GateConfig['virtual']>;
    icount?: Partial<GateConfig['icount']>;
    wallClock?: Partial<Omit<GateConfig['wallClock'], 'sideBySide' | 'calibration'>> & {
      sideBySide?: Partial<GateConfig['wallClock']['sideBySide']>;
      calibration?: Partial<GateConfig['wallClock']['calibration']>;
    };
  };
  const D = DEFAULT_GATE_CONFIG;
  return {
    virtual: {
      relative: d.virtual?.relative ?? D.virtual.relative,
      absolute: d.virtual?.absolute ?? D.virtual.absolute,
      // The defaults' rules come first; a file's rules are applied after them (later wins).
      rules: [...D.virtual.rules, ...(d.virtual?.rules ?? [])],
    },
    wallClock: {
      sideBySide: { ...D.wallClock.sideBySide, ...(d.wallClock?.sideBySide ?? {}) },
      calibration: { ...D.wallClock.calibration, ...(d.wallClock?.calibration ?? {}) },
      references: { ...D.wallClock.references, ...(d.wallClock?.references ?? {}) },
      defaultReference: d.wallClock?.defaultReference ?? D.wallClock.defaultReference,
      rules: [...D.wallClock.rules, ...(d.wallClock?.rules ?? [])],
    },
    icount: { ...D.icount, ...(d.icount ?? {}) },
  };
}

export function readGateConfig(path: string): GateConfig {
  const text = readInputText(path);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new InputError(`${path}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseGateConfig(data, path);
}

/**
 * Every calibration task the configuration makes a suite refer to
 * (wallClock.references, else defaultReference) must exist in each report that
 * has calibration tasks; otherwise the suite's ratio checks would silently
 * drop out of the comparison. Throws an InputError naming the file, the suite
 * and the tasks there are.
 */
export function checkGateReferences(config: GateConfig, docs: ReadonlyArray<{ doc: ReportDocument; file: string }>, configFile: string): void {
  for (const { doc, file } of docs) {
    const tasks = doc.benchmarks?.calibration?.tasks.map((t) => t.name);
    if (!doc.benchmarks || tasks === undefined) continue;
    for (const suite of doc.benchmarks.suites) {
      const own = config.wallClock.references[suite.name];
      const ref = own ?? config.wallClock.defaultReference;
      if (!tasks.includes(ref)) {
        const where = own !== undefined ? `/wallClock/references/${suite.name}` : '/wallClock/defaultReference';
        throw new InputError(`${configFile}: ${where}: calibration task '${ref}' (for suite '${suite.name}') does not exist in ${file}; it has ${tasks.join(', ')}`);
      }
    }
  }
}
