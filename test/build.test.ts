/**
 * The shipped program: `npm run build` (scripts/build.js) compiles src/ into a
 * flat dist/ that bin/entropy-bench.js runs with plain node. The rest of the
 * suite tests the sources through tsx; this file builds a fresh dist/ into a
 * temporary copy of the package layout and checks that the compiled CLI and
 * each of its worker threads (src/entry-points.ts) give byte-for-byte the
 * sources' output, that nothing compiled still needs tsx, and that a missing
 * build is one clear line.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/temp-dir.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = tempDir('entropy-bench-dist-');
const OUT = tempDir('entropy-bench-dist-out-');
const BARE = tempDir('entropy-bench-nodist-');
after(() => {
  for (const d of [PKG, OUT, BARE]) rmSync(d, { recursive: true, force: true });
});

// The package as a user's clone has it after `npm ci`: package.json, bin/, node_modules/, dist/.
mkdirSync(join(PKG, 'bin'));
copyFileSync(join(ROOT, 'package.json'), join(PKG, 'package.json'));
copyFileSync(join(ROOT, 'bin', 'entropy-bench.js'), join(PKG, 'bin', 'entropy-bench.js'));
symlinkSync(join(ROOT, 'node_modules'), join(PKG, 'node_modules'), 'dir');
const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--outdir', join(PKG, 'dist')], { encoding: 'utf8', timeout: 120_000 });

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '', ...env },
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const compiled = (args: string[]): Run => run(join(PKG, 'bin', 'entropy-bench.js'), args);
const source = (args: string[]): Run => run(join(ROOT, 'bin', 'entropy-bench.js'), args, { ENTROPY_BENCH_FROM_SOURCE: '1' });

/** The compiled CLI (`args`) and the sources (`reference`, default the same) print the same. */
function sameAsSource(args: string[], reference: string[] = args): void {
  const a = compiled(args);
  const b = source(reference);
  assert.ok(a.code === 0 || a.code === 1, `compiled: exit ${a.code}: ${a.err}`);
  assert.equal(a.code, b.code, `compiled exit ${a.code} (${a.err}), sources exit ${b.code} (${b.err})`);
  assert.equal(a.out, b.out);
}

test('npm run build compiles without errors', () => {
  assert.equal(build.status, 0, build.stderr);
  const files = readdirSync(join(PKG, 'dist'));
  for (const entry of ['cli.js', 'sts-battery-worker.js', 'iid-permutation-worker.js', 'scenario-cell-worker.js']) {
    assert.ok(files.includes(entry), `dist/${entry} missing: ${files.join(' ')}`);
  }
});

test('nothing compiled loads tsx or a TypeScript file', () => {
  for (const f of readdirSync(join(PKG, 'dist')).filter((f) => f.endsWith('.js'))) {
    const js = readFileSync(join(PKG, 'dist', f), 'utf8');
    // (The '--import', 'tsx' arguments src/entry-points.ts gives workers of the TypeScript tree are data, not an import.)
    assert.doesNotMatch(js, /(\bimport\s*\(|\bfrom)\s*["']tsx(\/[^"']*)?["']/, `dist/${f} imports tsx`);
    assert.doesNotMatch(js, /(\bimport\s*\(|\bfrom)\s*["'][^"']*\.ts["']/, `dist/${f} imports a .ts file`);
  }
});

test('only src/entry-points.ts locates files from its own place (the compiled code lives in dist/)', () => {
  // A chunk of dist/ is not where its source was: `new URL('./x', import.meta.url)` elsewhere would
  // name a file that does not exist once compiled. Package resolution (createRequire) is fine, and so
  // is worker-code.ts, whose paths serve only the TypeScript tree.
  const allowed = new Set(['entry-points.ts', 'workers/worker-code.ts']);
  const offenders: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.name.endsWith('.ts') && !allowed.has(r)) {
        const code = readFileSync(join(dir, e.name), 'utf8');
        if (/import\.meta\.url/.test(code.replaceAll(/createRequire\(import\.meta\.url\)/g, ''))) offenders.push(r);
      }
    }
  };
  walk(join(ROOT, 'src'), '');
  assert.deepEqual(offenders, [], 'use workerEntry / sourceAsset / packageVersion from src/entry-points.ts');
});

test('--version prints the package version with plain node', () => {
  const r = compiled(['--version']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
});

test('sts: compiled battery workers (--jobs 2) give the sources\' single-thread result', () => {
  const args = ['sts', join(ROOT, 'test/fixtures/nist-sts/data.e'), '--bits', '100000', '--streams', '4', '--tests', 'frequency,runs,serial,fft', '--json'];
  sameAsSource([...args, '--jobs', '2'], args);
});

test('estimate --iid: compiled permutation workers give the sources\' result', () => {
  const args = ['estimate', join(ROOT, 'test/fixtures/sp800-90b/truerand_8bit.bin'), '8', '--iid', '--samples', '5000', '--seed', '7'];
  sameAsSource([...args, '--jobs', '2'], [...args, '--jobs', '1']);
});

test('run: compiled scenario-cell workers give the sources\' result', () => {
  const args = ['run', join(ROOT, 'scenarios/baseline.yaml'), '--scale', 'quick', '--json', '--out', OUT];
  sameAsSource([...args, '--jobs', '2'], [...args, '--jobs', '1']);
});

test('without dist/ the executable says to build, in one line, exit 3', () => {
  mkdirSync(join(BARE, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'entropy-bench.js'), join(BARE, 'bin', 'entropy-bench.js'));
  const r = run(join(BARE, 'bin', 'entropy-bench.js'), ['--version']);
  assert.equal(r.code, 3);
  assert.equal(r.out, '');
  assert.match(r.err, /^entropy-bench: [^\n]*npm run build[^\n]*\n$/);
});
