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
 * ```
 * Every key is optional; absent keys keep DEFAULT_GATE_CONFIG's values.
 * Unknown keys or wrong types → InputError naming the file and the JSON path.
 */
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { describeSchemaError } from './document.ts';
import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate.ts';

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

/** Validates parsed config data and merges it over the defaults. */
export function parseGateConfig(data: unknown, file: string): GateConfig {
  const validate = new Ajv({ strict: false, allErrors: true, verbose: true }).compile(JSON.parse(JSON.stringify(GateConfigSchema)));
  if (data === null || data === undefined) data = {};
  if (!validate(data)) throw new InputError(`${file}: ${describeSchemaError(validate.errors ?? [])}`);
  const d = data as {
    virtual?: Partial<GateConfig['virtual']>;
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
  };
}

export function readGateConfig(path: string): GateConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read gate config (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new InputError(`${path}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseGateConfig(data, path);
}
