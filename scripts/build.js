#!/usr/bin/env node
/**
 * `npm run build` (also run by `npm ci` / `npm install` through `prepare`):
 * compiles src/ to plain JavaScript in dist/, so that the `entropy-bench`
 * executable and its worker threads start with plain node instead of
 * transpiling TypeScript at run time (tsx's loader cost ~0.4 s per process).
 *
 * esbuild bundles one file per entry point (the CLI and each worker thread,
 * names as in src/entry-points.ts) and splits the modules they share into
 * chunks, all side by side in dist/ (flat: see src/entry-points.ts); the
 * command modules the CLI imports lazily stay separate chunks, so start-up
 * loads only what the invoked command needs. npm packages load from
 * node_modules as before, except the few in BUNDLED: pure JavaScript that every
 * `sts` or `estimate` run needs and that node would otherwise load as hundreds
 * of small CommonJS files (@stdlib's special functions alone are ~290, ~0.1 s
 * of start-up). Type checking is `npm run typecheck`.
 *
 * Usage: node scripts/build.js [--outdir DIR]   (default: dist/ beside src/)
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Output name → source file. Worker names must match WORKER_SOURCES in src/entry-points.ts. */
const ENTRIES = {
  'cli': 'src/cli/index.ts',
  'sts-battery-worker': 'src/sts/battery-worker.ts',
  'iid-permutation-worker': 'src/entropy/iid/permutation-worker.ts',
  'scenario-cell-worker': 'src/scenario/worker.ts',
};

/**
 * Dependencies compiled into dist/ instead of loaded from node_modules: pure JavaScript, no files
 * of their own read at run time. Every other dependency stays external (workers, wasm, large
 * report-only libraries), so a new dependency is safe by default.
 */
const BUNDLED = ['@stdlib/math-base-special-erfc', '@stdlib/math-base-special-gammaln', 'commander', 'picomatch', 'simple-statistics'];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => !BUNDLED.includes(d));

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  process.stderr.write(`build: cannot load esbuild (${e.message.split('\n')[0]}); run npm ci first\n`);
  process.exit(3);
}
// Chunk names change with their contents: start empty so no stale chunk is left behind.
rmSync(resolve(ROOT, values.outdir), { recursive: true, force: true });
try {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: values.outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // CommonJS code bundled into ES modules still calls require() for node's built-in modules.
    banner: { js: "import { createRequire as __ebCreateRequire } from 'node:module'; const require = __ebCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} catch {
  // esbuild has already printed what failed, file and line.
  process.exit(1);
}
