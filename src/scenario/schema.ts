/**
 * The scenario file format, defined once with TypeBox. The same definitions
 * (1) validate every file with ajv (strict; `additionalProperties: false` at
 * every level, so an unknown key is an error) and (2) generate the published
 * JSON Schema `scenarios/scenario.schema.json` (`entropy-bench list --schema`).
 *
 * Component parameter overrides and workload parameters are not spelled out by
 * hand: they are generated from PLATFORM's COMPONENT_PARAMS and from each
 * WorkloadDef.params (type, unit, min/max, enum, default, source), so a default
 * or range is written in exactly one place.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { COMPONENT_PARAMS } from '../designs/components.ts';
import type { ParamSpec, ParamTable } from '../params/spec.ts';
import { DESIGNS } from '../designs/platform.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { DURATION_PATTERN } from './units.ts';

export const SCHEMA_ID = 'https://entropy-bench.dev/schemas/scenario.schema.json';
export const QUALITY_CHECKS = ['sts', 'entropy', 'health'] as const;

/** JSON Schema of one parameter, from its ParamSpec. */
export function paramSchema(spec: ParamSpec): TSchema {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const opts = {
    description: `${spec.description} Default ${String(spec.default)}${unit} (source: ${spec.source}).`,
    default: spec.default,
    ...(spec.min !== undefined ? { minimum: spec.min } : {}),
    ...(spec.max !== undefined ? { maximum: spec.max } : {}),
  };
  switch (spec.type) {
    case 'integer':
      return Type.Integer(opts);
    case 'number':
      return Type.Number(opts);
    case 'boolean':
      return Type.Boolean({ description: opts.description, default: spec.default });
    case 'string':
      return spec.enum
        ? Type.Unsafe<string>({ type: 'string', enum: [...spec.enum], description: opts.description, default: spec.default })
        : Type.String({ description: opts.description, default: spec.default });
  }
}

/** An object whose keys are exactly the table's parameter names (all optional). */
export function paramTableSchema(table: ParamTable, description: string): TSchema {
  const props: Record<string, TSchema> = {};
  for (const spec of table) props[spec.name] = Type.Optional(paramSchema(spec));
  return Type.Object(props, { additionalProperties: false, description });
}

/** `params:` overrides keyed by component, then by parameter. */
export function overridesSchema(description: string): TSchema {
  const props: Record<string, TSchema> = {};
  for (const component of Object.keys(COMPONENT_PARAMS).sort()) {
    props[component] = Type.Optional(paramTableSchema(COMPONENT_PARAMS[component]!, `Overrides of ${component} parameters.`));
  }
  return Type.Object(props, { additionalProperties: false, description });
}

/** A workload reference `{ name, params?, label? }`; params are checked against the named workload's table. */
function workloadSpecSchema(allowNone: boolean, description: string): TSchema {
  const names = WORKLOADS.map((w) => w.name);
  return Type.Object(
    {
      name: Type.Unsafe<string>({
        type: 'string',
        enum: allowNone ? ['none', ...names] : names,
        description: allowNone ? "A workload name, or 'none' for the no-adversary cell." : 'A workload name (see `entropy-bench list workloads`).',
      }),
      label: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.+=-]*$', description: 'Name used in cell ids instead of the workload name.' })),
      params: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Workload parameters (checked against the workload named).' })),
    },
    {
      additionalProperties: false,
      description,
      // Per-workload parameter tables: if name == X then params must match X's table.
      allOf: WORKLOADS.map((w) => ({
        if: { type: 'object', properties: { name: { const: w.name } }, required: ['name'] },
        then: { type: 'object', properties: { params: paramTableSchema(w.params, `Parameters of ${w.name}.`) } },
      })),
    },
  );
}

const Duration = (description: string): TSchema =>
  Type.String({ pattern: DURATION_PATTERN, description: `${description} A virtual duration like "2s", "500ms", "250us".` });

function designListSchema(description: string): TSchema {
  return Type.Array(
    Type.Unsafe<string>({ type: 'string', enum: ['all', ...DESIGNS.map((d) => d.name)], description: "A design name, or 'all' (every compared design; a variant runs only where named)." }),
    { minItems: 1, uniqueItems: true, description },
  );
}

/** Builds the scenario schema (a fresh object each call; deterministic). */
export function buildScenarioSchema(): TSchema {
  const seeds = Type.Integer({ minimum: 1, maximum: 1000, description: 'Number of seeds per cell: seed, seed+1, ….' });
  const quality = Type.Array(
    Type.Object(
      {
        tap: Type.String({ minLength: 1, description: "Tap name or glob ('*' matches any run of characters), e.g. 'smm-variable/*'." }),
        checks: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...QUALITY_CHECKS] }), {
          uniqueItems: true,
          description: "sts = SP 800-22 battery (conditioned taps); entropy = SP 800-90B non-IID estimate and health = SP 800-90B §4.4 health tests (raw taps). Empty list = skip the tap.",
        }),
        maxSamples: Type.Optional(Type.Integer({ minimum: 1000, maximum: 1_000_000, description: 'Cap on samples given to the SP 800-90B estimators (default 100000).' })),
        maxBits: Type.Optional(Type.Integer({ minimum: 1000, maximum: 8_000_000, description: 'Cap on bits given to the SP 800-22 battery (default 1000000).' })),
      },
      { additionalProperties: false },
    ),
    { description: 'Which taps get which quality checks; first matching rule wins. Taps no rule names get the default: sts on conditioned taps, entropy + health on raw taps.' },
  );
  return Type.Object(
    {
      $schema: Type.Optional(Type.String({ description: 'Path or URL of this schema (ignored).' })),
      name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'Scenario name (lower-case, digits, dashes).' }),
      description: Type.Optional(Type.String()),
      seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Base seed (default 1); `--seed` overrides it.' })),
      runtime: Type.Optional(Duration('Length of the OS-runtime phase after ExitBootServices (default 1s).')),
      vcpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'vCPUs of the guest (default 2).' })),
      design: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: DESIGNS.map((d) => d.name), description: 'A single design under test (or use designs).' })),
      designs: Type.Optional(designListSchema("Designs under test (default: all)." )),
      params: Type.Optional(overridesSchema('Device/firmware parameter overrides for every cell.')),
      workloads: Type.Optional(Type.Array(workloadSpecSchema(false, 'A workload present in every cell.'), { description: 'Workloads present in every cell.' })),
      backgroundChurn: Type.Optional(Type.Boolean({ description: 'Add variable-churn with its defaults to every cell that lacks it (default true), so SMM throughput is measured everywhere.' })),
      quality: Type.Optional(quality),
      crashConsistency: Type.Optional(
        Type.Object(
          {
            cuts: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Seeded power cuts per campaign (each replays the workload up to its cut).' }),
            writes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'SetVariable calls in the campaign workload (default 60).' })),
            deleteEvery: Type.Optional(
              Type.Integer({ minimum: 0, maximum: 10_000, description: 'Every n-th call of the workload is a delete (DataSize 0) of its name; 0: no deletes (default 5).' }),
            ),
          },
          {
            additionalProperties: false,
            description:
              "Power-loss fault injection on every cell's SMM variable store (its pflash and driver parameters, its seed): cuts during SetVariable and reclaim, reboot, read-back; results per cell and design, metrics crash.*.",
          },
        ),
      ),
      expect: Type.Optional(
        Type.Record(Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 })), {
          description: "Expectations keyed by a cell-id glob ('*' = every cell): strings like 'setvariable.p99 < 5ms'.",
        }),
      ),
      matrix: Type.Optional(
        Type.Object(
          {
            designs: Type.Optional(designListSchema('Designs to cross (overrides top-level designs).')),
            adversaries: Type.Optional(Type.Array(workloadSpecSchema(true, "One adversary per cell ('none' = no adversary)."), { minItems: 1 })),
            params: Type.Optional(Type.Array(overridesSchema('One parameter variant.'), { minItems: 1, description: 'Parameter variants to cross.' })),
            seeds: Type.Optional(seeds),
          },
          { additionalProperties: false, description: 'Cross product designs × adversaries × params × seeds, in that order.' },
        ),
      ),
      quick: Type.Optional(
        Type.Object(
          {
            runtime: Type.Optional(Duration('Runtime at quick scale.')),
            seeds: Type.Optional(seeds),
            designs: Type.Optional(designListSchema('Designs at quick scale.')),
            adversaries: Type.Optional(Type.Array(workloadSpecSchema(true, 'Adversaries at quick scale.'), { minItems: 1 })),
          },
          { additionalProperties: false, description: 'Smaller settings used with `--scale quick` (CI).' },
        ),
      ),
    },
    {
      $id: SCHEMA_ID,
      title: 'entropy-bench scenario',
      description: 'A scenario: designs, workloads, parameters and expectations for a deterministic entropy-stack experiment.',
      additionalProperties: false,
    },
  );
}

/** The published schema text (what `scenarios/scenario.schema.json` must contain). */
export function scenarioSchemaText(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(buildScenarioSchema())) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
