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
 * ONE entry `{ name, term, summary, load: () => import('./<name>.ts') }`, with the
 * name the module registers. (A plain `register` function is still accepted
 * and is always imported.)
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** A command whose module is imported on demand; `name` must be the command it registers. */
export interface LazyCommand {
  name: string;
  /**
   * What the top-level `--help` lists for the command without importing it: the
   * term after the name and the one-line summary. test/cli/startup.test.ts checks
   * that they equal what the module itself registers.
   */
  term: string;
  summary: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

export const COMMANDS: Array<LazyCommand | RegisterCommand> = [
  // Statistics on any RNG output first, then DRBGs, then the platform model and its reports.
  { name: 'sts', term: '[options] [file]', summary: 'NIST SP 800-22 battery (15 tests) on a bit file, one or many streams', load: () => import('./sts.ts') },
  { name: 'estimate', term: '[options] <file> [bits_per_symbol]', summary: 'SP 800-90B min-entropy of a sample file (non-IID estimators, or --iid)', load: () => import('./estimate.ts') },
  { name: 'health', term: '[options] <file>', summary: 'SP 800-90B continuous health tests (RCT + APT) over a sample file', load: () => import('./health.ts') },
  { name: 'restart', term: '[options] <file> <bits> <H_I>', summary: 'SP 800-90B restart tests on 1000 restarts × 1000 samples', load: () => import('./restart.ts') },
  { name: 'drbg', term: '', summary: 'SP 800-90A DRBGs (CTR_DRBG AES, Hash_DRBG, HMAC_DRBG): CAVP known-answer runs and output streams', load: () => import('./drbg.ts') },
  { name: 'run', term: '[options] <scenario>', summary: 'Run a scenario file in the deterministic QEMU/KVM/edk2 model and report SMM throughput, starvation, isolation and entropy quality per cell', load: () => import('./run.ts') },
  { name: 'power-cut', term: '[options]', summary: 'power-loss fault injection on the SMM variable store (crash consistency)', load: () => import('./power-cut.ts') },
  { name: 'list', term: '[options] [what]', summary: 'List designs, workloads, device/firmware parameters (with defaults and sources) or expectation metrics', load: () => import('./list.ts') },
  { name: 'qemu', term: '', summary: 'capture real QEMU virtio-rng runs and compare them with the model', load: () => import('./qemu.ts') },
  { name: 'report', term: '[options] <file>', summary: 'Re-render a saved report document (report.json) as Markdown, HTML, JUnit XML or benchmark JSON, or merge shard reports.', load: () => import('./report.ts') },
  { name: 'gate', term: '[options]', summary: 'Compare a report against a baseline: virtual-time metrics exactly, wall-clock speed as distributions over fresh processes (side by side with the baseline build, or as ratios to calibration tasks).', load: () => import('./gate.ts') },
];
