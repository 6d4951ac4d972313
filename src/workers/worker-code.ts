/**
 * The code a worker thread runs (one of ../entry-points.ts's workers; the STS
 * battery's, ../sts/battery-worker.ts, is the one started bundled), as plain
 * JavaScript when possible.
 *
 * Compiled (dist/, what the `entropy-bench` executable runs) that is simply
 * dist/<name>.js (see ../entry-points.ts). What follows is for the
 * TypeScript tree that tests and `npm run bench` run through tsx. Why: a worker loaded through tsx (`--import tsx`) compiles nothing once the
 * cache is warm but still starts the tsx loader and, on Node 20, a separate
 * module-hooks thread: ~0.7-1 s and ~20 MB more per worker than plain
 * JavaScript. So the worker's module graph (for the battery: the 15 tests, the FFT, the special
 * functions: no npm packages) is bundled in memory with esbuild, which tsx
 * itself runs on, and written to a temporary .mjs file that the worker imports
 * directly (~0.2 s). The bundle is cached by the hash of its sources' contents
 * (node_modules/.cache), so unchanged sources skip esbuild (~0.3 s) next time.
 * If bundling fails for any reason the worker falls back to the TypeScript
 * file through tsx: slower to start, same results.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMPILED, workerEntry, type WorkerName } from '../entry-points.ts';

export interface WorkerCode {
  /** File URL of the worker module. */
  filename: string;
  /** execArgv for the worker thread. */
  execArgv: string[];
  /** Removes the temporary bundle, if one was written. */
  dispose(): void;
}

/** The worker as the running tree has it: the TypeScript file through tsx, or the compiled one. */
export function tsxWorkerCode(name: WorkerName): WorkerCode {
  return { ...workerEntry(name), dispose() {} };
}

/**
 * Where bundles are kept between runs (keyed by a hash of the contents of every
 * file they were built from), so that a run with unchanged sources starts its
 * workers without esbuild: project-local like other tools' caches, not in a
 * world-writable temporary directory.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The cache directory of worker `name`'s bundles. */
const cacheDir = (name: WorkerName): string => join(ROOT, 'node_modules', '.cache', `entropy-bench-${name}`);
/** Bundles of other source versions older than this are removed when a new one is written. */
const KEEP_MS = 3_600_000;

function contentHash(files: readonly string[]): string | undefined {
  const h = createHash('sha256');
  try {
    for (const f of files) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  } catch {
    return undefined;
  }
  return h.digest('hex').slice(0, 32);
}

function readManifest(dir: string): string[] | undefined {
  try {
    const files = (JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as { files?: unknown }).files;
    return Array.isArray(files) && files.every((f) => typeof f === 'string') ? (files as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Stores a bundle built while no input changed (before = after), and the input list. */
function store(dir: string, code: Uint8Array, files: string[], before: string | undefined, previous: string[] | undefined): void {
  try {
    mkdirSync(dir, { recursive: true });
    const after = contentHash(files);
    if (after !== undefined && after === before && JSON.stringify(files) === JSON.stringify(previous)) {
      const name = `${after}.mjs`;
      writeAtomically(join(dir, name), code);
      for (const f of readdirSync(dir)) {
        const path = join(dir, f);
        if (f.endsWith('.mjs') && f !== name && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { force: true });
      }
    }
    writeAtomically(join(dir, 'inputs.json'), JSON.stringify({ files }));
  } catch {
    // No cache (read-only tree, full disk): the next run bundles again.
  }
}

/** The worker bundled to one JavaScript file, or the tsx worker when bundling is not possible. */
export async function bundledWorkerCode(name: WorkerName): Promise<WorkerCode> {
  if (COMPILED) return { ...workerEntry(name), dispose() {} };
  const cache = cacheDir(name);
  const previous = readManifest(cache);
  const before = previous ? contentHash(previous) : undefined;
  if (before !== undefined) {
    const cached = join(cache, `${before}.mjs`);
    if (existsSync(cached)) return { filename: pathToFileURL(cached).href, execArgv: [], dispose() {} };
  }
  let dir: string | undefined;
  try {
    const esbuild = await import('esbuild');
    try {
      const out = await esbuild.build({
        entryPoints: [fileURLToPath(workerEntry(name).filename)],
        absWorkingDir: ROOT,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        write: false,
        metafile: true,
        logLevel: 'silent',
        // Only reached on the main thread (pool start), never in the worker.
        external: ['piscina', 'esbuild'],
      });
      const code = out.outputFiles[0]!.contents;
      store(cache, code, Object.keys(out.metafile.inputs).map((f) => resolve(ROOT, f)), before, previous);
      dir = mkdtempSync(join(tmpdir(), `entropy-bench-${name}-`));
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, code);
      const made = dir;
      return {
        filename: pathToFileURL(file).href,
        execArgv: [],
        dispose() {
          rmSync(made, { recursive: true, force: true });
        },
      };
    } finally {
      // The esbuild service is a child process: stop it now, not at exit.
      await esbuild.stop();
    }
  } catch {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    return tsxWorkerCode(name);
  }
}
