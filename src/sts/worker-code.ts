/**
 * The code a battery worker thread runs (./battery-worker.ts), as plain
 * JavaScript when possible.
 *
 * Why: a worker loaded through tsx (`--import tsx`) compiles nothing once the
 * cache is warm but still starts the tsx loader and, on Node 20, a separate
 * module-hooks thread: ~0.7-1 s and ~20 MB more per worker than plain
 * JavaScript. So the worker's module graph (the 15 tests, the FFT, the special
 * functions: no npm packages) is bundled in memory with esbuild, which tsx
 * itself runs on, and written to a temporary .mjs file that the worker imports
 * directly (~0.2 s). If bundling fails for any reason the worker falls back to
 * the TypeScript file through tsx: slower to start, same results.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerCode {
  /** File URL of the worker module. */
  filename: string;
  /** execArgv for the worker thread. */
  execArgv: string[];
  /** Removes the temporary bundle, if one was written. */
  dispose(): void;
}

const ENTRY = new URL('./battery-worker.ts', import.meta.url);

/** The TypeScript worker, loaded through tsx. */
export function tsxWorkerCode(): WorkerCode {
  return { filename: ENTRY.href, execArgv: ['--import', 'tsx'], dispose() {} };
}

/** The worker bundled to one JavaScript file, or the tsx worker when bundling is not possible. */
export async function bundledWorkerCode(): Promise<WorkerCode> {
  let dir: string | undefined;
  try {
    const esbuild = await import('esbuild');
    try {
      const out = await esbuild.build({
        entryPoints: [fileURLToPath(ENTRY)],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        // Only reached from runBattery on the main thread, never in the worker.
        external: ['piscina', 'esbuild'],
      });
      const code = out.outputFiles[0]!.contents;
      dir = mkdtempSync(join(tmpdir(), 'entropy-bench-sts-'));
      const file = join(dir, 'battery-worker.mjs');
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
    return tsxWorkerCode();
  }
}
