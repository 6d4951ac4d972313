/**
 * `entropy-bench power-cut`: power-loss fault injection on the SMM variable store
 * (src/firmware/power-cut.ts): seeded cuts in the pflash program/erase sequence of a
 * SetVariable workload, reboot, recovery, read-back of every acknowledged write.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { DEFAULT_POWER_CUT, runPowerCuts, type PowerCutResult } from '../../firmware/power-cut.ts';
import { DEFAULT_DELETE_EVERY } from '../../scenario/crash-consistency.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';

interface PowerCutCliOptions {
  cuts?: string;
  seed?: string;
  writes?: string;
  deleteEvery?: string;
  json?: boolean;
}

function whole(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new InputError(`${flag}: expected a whole number, found '${value}'`);
  const n = Number(value.trim());
  if (n < min || n > max) throw new InputError(`${flag}: expected ${min}..${max}, found ${n}`);
  return n;
}

function summary(r: PowerCutResult): string {
  const bad = r.ackedLost + r.halfVisible + r.unreadable;
  return (
    `${r.cuts} power cuts in a ${r.sequenceOps}-operation pflash sequence (${r.reclaims} reclaims; ${r.cutsInReclaim} cuts inside one)\n` +
    `  recovery: ${r.ftwRedone} FTW writes finished from the spare, ${r.recoveryReclaims} dirty stores reclaimed\n` +
    `  acknowledged values checked: ${r.ackedChecked}, lost: ${r.ackedLost}\n` +
    `  unacknowledged writes fully visible: ${r.pendingVisible}; half-visible records: ${r.halfVisible}\n` +
    `  stores that could not be recovered, read or written: ${r.unreadable}\n` +
    (bad === 0 ? 'PASS: nothing acknowledged lost, nothing half-visible, every store readable.\n' : 'FAIL\n')
  );
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('power-cut')
    .summary('power-loss fault injection on the SMM variable store (crash consistency)')
    .description(
      'Cut the power at seeded points of the pflash program/erase sequence of a SetVariable\n' +
        'workload (small store, so reclaims are frequent), reboot, let the SMM variable driver\n' +
        "recover (edk2's variable state bits and FTW journal) and read every variable back.",
    )
    .option('--cuts <n>', `seeded cut points (default ${DEFAULT_POWER_CUT.cuts})`)
    .option('--seed <n>', `seed of the workload and the cut points (default ${DEFAULT_POWER_CUT.seed})`)
    .option('--writes <n>', `SetVariable calls in the workload (default ${DEFAULT_POWER_CUT.writes})`)
    .option('--delete-every <n>', `every n-th call of the workload deletes its variable (DataSize 0); 0 = no deletes (default ${DEFAULT_DELETE_EVERY}, as the design matrix)`)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  entropy-bench power-cut\n  entropy-bench power-cut --cuts 200 --seed 7 --json\n  entropy-bench power-cut --delete-every 0   (writes only)\n\nExit status: 0 = every cut recovered cleanly, 1 = a value was lost or half-visible, 2 = bad options.')
    .exitOverride()
    .action((opts: PowerCutCliOptions) => {
      const r = runPowerCuts({
        cuts: whole(opts.cuts, '--cuts', 1, 1_000_000, DEFAULT_POWER_CUT.cuts),
        seed: whole(opts.seed, '--seed', 0, 4294967295, DEFAULT_POWER_CUT.seed),
        writes: whole(opts.writes, '--writes', 1, 100_000, DEFAULT_POWER_CUT.writes),
        deleteEvery: whole(opts.deleteEvery, '--delete-every', 0, 100_000, DEFAULT_DELETE_EVERY),
      });
      ctx.out(opts.json ? JSON.stringify(r, null, 2) + '\n' : summary(r));
      if (r.ackedLost + r.halfVisible + r.unreadable > 0) setExit(ctx, EXIT_FAILED);
    });
}
