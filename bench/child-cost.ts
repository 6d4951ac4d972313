/**
 * What one command costs as a whole process, for the side-by-side benches against C
 * programs (bench/sts-versus-c.ts, bench/estimate-versus-c.ts): CPU seconds (user + sys of
 * the process and its children, so start-up and every thread count), wall seconds, and the
 * peak resident set when GNU time is installed (Debian package `time`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ChildCost {
  /** User + system CPU seconds; undefined when the command failed. */
  cpu?: number;
  wall?: number;
  /** Peak resident set in KiB (GNU time's %M), when /usr/bin/time exists. */
  rssKb?: number;
  /** Why there are no figures: the exit status, or output that could not be read. */
  error?: string;
}

const GNU_TIME = '/usr/bin/time';

export const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * Runs `command` with /bin/sh in `cwd`, its output discarded (stderr kept in
 * `scratch`/stderr.log for a failure's message); an exit status outside `okStatus` is a
 * failure. CPU comes from GNU time when it is
 * installed, else from the shell's `times` (its second line is the children's).
 */
export function childCost(command: string, cwd: string, scratch: string, env: NodeJS.ProcessEnv = {}, okStatus: readonly number[] = [0]): ChildCost {
  const errLog = join(scratch, 'stderr.log');
  const timeLog = join(scratch, 'time.log');
  rmSync(timeLog, { force: true });
  const gnu = existsSync(GNU_TIME);
  const script = gnu
    ? `${GNU_TIME} -o "$TIMELOG" -f '%U %S %M' /bin/sh -c ${shellQuote(command)} >/dev/null 2>"$ERRLOG"`
    : `${command} >/dev/null 2>"$ERRLOG"; s=$?; times; exit $s`;
  const t0 = performance.now();
  const r = spawnSync('/bin/sh', ['-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env, ERRLOG: errLog, TIMELOG: timeLog },
    timeout: 3_600_000,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status === null || !okStatus.includes(r.status)) {
    const why = existsSync(errLog) ? readFileSync(errLog, 'utf8').trim().split('\n').pop() : '';
    return { error: `exit ${r.status ?? r.signal}${why ? `: ${why.slice(0, 80)}` : ''}` };
  }
  if (gnu) {
    const last = readFileSync(timeLog, 'utf8').trim().split('\n').pop() ?? '';
    const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(last);
    return m ? { cpu: Number(m[1]) + Number(m[2]), wall, rssKb: Number(m[3]) } : { error: `cannot read GNU time's line: '${last}'` };
  }
  const children = r.stdout.trim().split('\n').pop() ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return secs.length === 2 ? { cpu: secs[0]! + secs[1]!, wall } : { error: `cannot read times: '${children}'` };
}

/**
 * The cheaper of two runs of one command (the one the rest of the machine disturbed less), for
 * best-of-R figures; a failure wins, so that it is reported rather than hidden by a success.
 */
export function cheaper(kept: ChildCost | undefined, run: ChildCost): ChildCost {
  if (kept === undefined || run.cpu === undefined) return run;
  if (kept.cpu === undefined) return kept;
  return run.cpu < kept.cpu ? run : kept;
}

/** "1.23" or the failure, for a table cell. */
export const cell = (x: number | undefined, error: string | undefined, digits = 3): string => (x !== undefined ? x.toFixed(digits) : (error ?? '—'));

/** ours / theirs as "0.52×", or a dash when either is missing. */
export const ratio = (ours: number | undefined, theirs: number | undefined): string =>
  ours !== undefined && theirs !== undefined && theirs > 0 ? `${(ours / theirs).toFixed(2)}×` : '—';

/** A whole-number option ≥ 1 of a side-by-side bench, or one line naming it and exit 2. */
export function wholeOption(bench: string, name: string, value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) {
    process.stderr.write(`${bench}: --${name} ${value}: expected a whole number ≥ 1\n`);
    process.exit(2);
  }
  return x;
}
