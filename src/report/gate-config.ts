/**
 * The gate's optional configuration file (YAML or JSON), e.g.
 *
 * ```yaml
 * virtual:                     # deterministic virtual-time metrics
 *   relative: 1e-6             # default tolerance: |cur − base| ≤ absolute + relative·|base|
 *   rules:
 *     - { match: 'setVariable.latency.*', relative: 0.001 }
 *     - { match: 'events', relative: 0 }   # re-enable a default-ignored metric
 * wallClock:                   # ratios to same-run calibration tasks
 *   floor: 0.5                 # allowed drop beyond noise, ln units (0.5 ≈ 39 %)
 *   z: 3                       # plus z standard errors of the change
 *   references: { drbg: aes-256-ctr, smm: aes-256-gcm }
 *   rules:
 *     - { match: 'sts/*', floor: 0.3 }
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
          floor: Type.Optional(NonNeg),
          z: Type.Optional(NonNeg),
          references: Type.Optional(Type.Record(Type.String(), Type.String())),
          defaultReference: Type.Optional(Type.String()),
          rules: Type.Optional(
            Type.Array(
              Type.Object(
                { match: Type.String({ minLength: 1 }), floor: Type.Optional(NonNeg), z: Type.Optional(NonNeg), ignore: Type.Optional(Type.Boolean()) },
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
    wallClock?: Partial<GateConfig['wallClock']>;
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
      floor: d.wallClock?.floor ?? D.wallClock.floor,
      z: d.wallClock?.z ?? D.wallClock.z,
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
