/**
 * A runnable checkout of the baseline commit for the side-by-side gate: a detached
 * `git worktree` under .bench-baseline/<commit> (git-ignored). node_modules is a
 * link to ours when the commit's package-lock.json is byte-identical to ours (the
 * same packages, no install needed), else `npm ci` installs the commit's own.
 *
 * The benchmark inputs (NIST's reference data) are in the repository's own
 * test/fixtures, so the baseline checkout reads the very same bytes from its tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/errors.ts';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The checkout's commit and whether tracked files differ from it (`git status`, ignored files aside). */
export function sourceState(root: string): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = git(root, ['rev-parse', 'HEAD']);
    const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']) !== '';
    return { commit, dirty };
  } catch {
    return undefined; // not a git checkout (e.g. an npm-installed copy)
  }
}

/** Full id of `ref` in the repository at `root`, or an InputError naming what is missing. */
export function resolveCommit(root: string, ref: string, what: string): string {
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new InputError(`${what}: commit ${ref} is not in this clone's history; fetch it (git fetch --unshallow) or re-baseline`);
  }
}

/** Creates (or reuses) the baseline checkout and returns its directory. */
export function prepareBaselineBuild(root: string, commit: string, log: (msg: string) => void): string {
  const base = join(root, '.bench-baseline', commit.slice(0, 12));
  const dir = join(base, 'repo');
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(base, { recursive: true });
    git(root, ['worktree', 'prune']);
    git(root, ['worktree', 'add', '--force', '--detach', dir, commit]);
    log(`baseline ${commit.slice(0, 12)}: git worktree at ${dir}`);
  }
  if (!existsSync(join(dir, 'bench', 'sample.ts'))) {
    throw new InputError(`baseline commit ${commit.slice(0, 12)} has no bench/sample.ts (it predates the side-by-side runner); re-baseline with npm run rebaseline`);
  }
  if (!existsSync(join(dir, 'node_modules'))) {
    const ours = readFileSync(join(root, 'package-lock.json'));
    const theirs = readFileSync(join(dir, 'package-lock.json'));
    if (ours.equals(theirs) && existsSync(join(root, 'node_modules'))) {
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      log(`baseline ${commit.slice(0, 12)}: same package-lock.json, sharing node_modules`);
    } else {
      log(`baseline ${commit.slice(0, 12)}: package-lock.json differs, npm ci`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  return dir;
}
