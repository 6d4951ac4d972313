/**
 * Every subcommand registers itself here, one line each, in the order `--help`
 * lists them. A command module exports `register(program, ctx)` and keeps its
 * action thin: parse options, call library functions, format their data.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { register as registerDrbg } from './drbg.ts';
import { register as registerEstimate } from './estimate.ts';
import { register as registerRun } from './run.ts';
import { register as registerList } from './list.ts';
import { register as registerHealth } from './health.ts';
import { register as registerRestart } from './restart.ts';
import { register as registerReport } from './report.ts';
import { register as registerGate } from './gate.ts';
import { register as registerSts } from './sts.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerDrbg,
  registerEstimate,
  registerRun,
  registerList,
  registerHealth,
  registerRestart,
  registerReport,
  registerGate,
  registerSts,
];
