/**
 * `npm run rebaseline`: writes reports/baseline.json from a clean checkout of HEAD.
 *
 * The baseline must describe a commit that CI can rebuild (the side-by-side gate
 * checks out `source.commit`) and must not carry uncommitted edits, so this never
 * measures the working tree: it checks HEAD out into .bench-baseline/<commit>/repo
 * (bench/baseline-build.ts: node_modules shared when package-lock.json is the same,
 * else `npm ci`), runs the quick bench there (`npm run bench -- --quick`: the
 * runner's rounds of fresh processes and the design-matrix scenario at quick scale)
 * and copies its report.json here. Commit the file afterwards; from then on the
 * gate compares with that commit. A missed bar (bench exit 1) is reported but the
 * baseline is still written (bars are judged on each current run, not against
 * the baseline); a crash or bad input (no report.json, exit 2) writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareBaselineBuild, resolveCommit, sourceState } from './baseline-build.ts';
import { isInputError } from '../src/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function main(): number {
  const state = sourceState(ROOT);
  if (!state) throw new Error('rebaseline: not a git checkout; the baseline must name a commit');
  const commit = resolveCommit(ROOT, 'HEAD', 'rebaseline');
  if (state.dirty) process.stderr.write(`rebaseline: uncommitted changes are NOT measured; the baseline is commit ${commit.slice(0, 12)}\n`);
  const dir = prepareBaselineBuild(ROOT, commit, (m) => process.stderr.write(`rebaseline: ${m}\n`));
  const out = join(dir, 'reports', 'latest');
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', '--quick', '--out', join('reports', 'latest'), ...process.argv.slice(2)], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (r.status !== 0 && !(r.status === 1 && existsSync(join(out, 'report.json')))) {
    process.stderr.write(`rebaseline: the quick bench of ${commit.slice(0, 12)} exited ${r.status}; reports/baseline.json left unchanged\n`);
    return r.status === 2 ? 2 : 1;
  }
  if (r.status === 1) process.stderr.write('rebaseline: the quick bench reported a missed bar or expectation (above); the baseline is written anyway, CI will report it on every run until fixed\n');
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  copyFileSync(join(out, 'report.json'), join(ROOT, 'reports', 'baseline.json'));
  process.stdout.write(`rebaseline: wrote reports/baseline.json from commit ${commit.slice(0, 12)}; commit it (git add reports/baseline.json && git commit)\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`${isInputError(e) ? '' : 'rebaseline: '}${(e as Error).message}\n`);
  process.exitCode = isInputError(e) ? 2 : 1;
}
