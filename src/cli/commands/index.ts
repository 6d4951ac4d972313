/**
 * Every subcommand registers itself here, one entry each, in the order `--help`
 * lists them. A command module exports `register(program, ctx)` and keeps its
 * action thin: parse options, call library functions, format their data.
 *
 * Entries are lazy (`{ name, load }`): a module is imported only when its
 * command is the one invoked, or when all are needed (top-level `--help`, an
 * unknown command). Importing every module at start-up pulled in vega, ajv,
 * typebox and the scenario engine for every command, ~75 MB of RSS that a
 * 100-stream `sts` run cannot afford under its 200 MB budget. To add a command:
 * ONE entry `{ name: '<name>', load: () => import('./<name>.ts') }`, with the
 * name the module registers. (A plain `register` function is still accepted
 * and is always imported.)
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** A command whose module is imported on demand; `name` must be the command it registers. */
export interface LazyCommand {
  name: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

export const COMMANDS: Array<LazyCommand | RegisterCommand> = [
  // Statistics on any RNG output first, then DRBGs, then the platform model and its reports.
  { name: 'sts', load: () => import('./sts.ts') },
  { name: 'estimate', load: () => import('./estimate.ts') },
  { name: 'health', load: () => import('./health.ts') },
  { name: 'restart', load: () => import('./restart.ts') },
  { name: 'drbg', load: () => import('./drbg.ts') },
  { name: 'run', load: () => import('./run.ts') },
  { name: 'power-cut', load: () => import('./power-cut.ts') },
  { name: 'list', load: () => import('./list.ts') },
  { name: 'qemu', load: () => import('./qemu.ts') },
  { name: 'report', load: () => import('./report.ts') },
  { name: 'gate', load: () => import('./gate.ts') },
];
