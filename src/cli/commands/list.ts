/**
 * `entropy-bench list [designs|workloads|params]`: what a scenario may name —
 * the platform designs, the workloads with their parameters, and every
 * device/firmware parameter with its default, unit and the source of the default.
 * `--schema` prints the scenario JSON Schema (scenarios/scenario.schema.json).
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { COMPONENT_PARAMS } from '../../designs/components.ts';
import type { ParamSpec } from '../../params/spec.ts';
import { DESIGNS } from '../../designs/platform.ts';
import { WORKLOADS } from '../../workloads/index.ts';
import { scenarioSchemaText } from '../../scenario/schema.ts';
import { BYTES_PREFIX, METRICS, metricNames } from '../../scenario/metrics.ts';
import type { CliContext } from '../context.ts';

const WHAT = ['designs', 'workloads', 'params', 'metrics'] as const;

function paramLine(p: ParamSpec): string {
  const range = p.enum ? ` one of ${p.enum.join('|')}` : `${p.min !== undefined ? ` ≥ ${p.min}` : ''}${p.max !== undefined ? ` ≤ ${p.max}` : ''}`;
  return `    ${p.name} = ${String(p.default)}${p.unit ? ` ${p.unit}` : ''}  (${p.type}${range}) ${p.description}\n      source: ${p.source}`;
}

export function listData(what: string): unknown {
  switch (what) {
    case 'designs':
      return DESIGNS.map((d) => ({ name: d.name, description: d.description }));
    case 'workloads':
      return WORKLOADS.map((w) => ({ name: w.name, role: w.role, description: w.description, params: w.params }));
    case 'params':
      return Object.keys(COMPONENT_PARAMS).sort().map((c) => ({ component: c, params: COMPONENT_PARAMS[c] }));
    default:
      return metricNames();
  }
}

function listText(what: string): string {
  const out: string[] = [];
  if (what === 'designs') {
    out.push('Designs:');
    for (const d of DESIGNS) out.push(`  ${d.name.padEnd(26)} ${d.description}`);
  } else if (what === 'workloads') {
    out.push('Workloads (role: background = in every cell, adversary, fault = host-side condition):');
    for (const w of WORKLOADS) {
      out.push(`  ${w.name} [${w.role}]: ${w.description}`);
      for (const p of w.params) out.push(paramLine(p));
    }
  } else if (what === 'params') {
    out.push('Device/firmware parameters (override in a scenario under params: <component>: <name>: value):');
    for (const c of Object.keys(COMPONENT_PARAMS).sort()) {
      out.push(`  ${c}:`);
      for (const p of COMPONENT_PARAMS[c]!) out.push(paramLine(p));
    }
  } else {
    out.push('Metrics for expectations (`<metric> <op> <value>`; times take ns/us/ms/s, ratios take %):');
    for (const m of metricNames()) {
      const def = METRICS[m];
      out.push(def ? `  ${m.padEnd(24)} (${def.kind}) ${def.description}` : `  ${m.padEnd(24)} (count) bytes of entropy obtained by that consumer (${BYTES_PREFIX}drainer, ${BYTES_PREFIX}smm-variable, …)`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('List designs, workloads, device/firmware parameters (with defaults and sources) or expectation metrics')
    .argument('[what]', `one of ${WHAT.join(', ')} (default: all)`)
    .option('--json', 'print as JSON')
    .option('--schema', 'print the scenario file JSON Schema instead')
    .addHelpText(
      'after',
      `
Examples:
  entropy-bench list designs
  entropy-bench list params --json
  entropy-bench list --schema > scenarios/scenario.schema.json`,
    )
    .action((what: string | undefined, flags: { json?: boolean; schema?: boolean }) => {
      if (flags.schema) {
        ctx.out(scenarioSchemaText());
        return;
      }
      if (what !== undefined && !(WHAT as readonly string[]).includes(what)) {
        throw new InputError(`list: unknown topic ${JSON.stringify(what)}, expected one of ${WHAT.join(', ')}`);
      }
      const topics = what !== undefined ? [what] : [...WHAT];
      if (flags.json) {
        const data = Object.fromEntries(topics.map((t) => [t, listData(t)]));
        ctx.out(`${JSON.stringify(what !== undefined ? data[what] : data, null, 2)}\n`);
      } else {
        ctx.out(topics.map(listText).join('\n'));
      }
    });
}
