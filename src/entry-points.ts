/**
 * Where the program's entry points are, in whichever tree is running: the
 * TypeScript sources under src/ (tests and `npm run bench`, through tsx) or the
 * compiled JavaScript in dist/ that `npm run build` (scripts/build.js) makes and
 * the `entropy-bench` executable runs with plain node.
 *
 * Why one place: a worker thread is started from a file, not from a module
 * already loaded, so the code that starts one must name a file that exists in
 * the tree it runs from. dist/ is flat (entry files and shared chunks side by
 * side), so from any compiled chunk `./<entry>.js` is the entry itself.
 */
import { readFileSync } from 'node:fs';

/** True when this code was compiled into dist/ (plain node), false when tsx runs src/. */
export const COMPILED: boolean = !import.meta.url.endsWith('.ts');

/** The worker threads and the source file each runs; scripts/build.js builds `dist/<name>.js` from the same files. */
const WORKER_SOURCES = {
  'sts-battery-worker': './sts/battery-worker.ts',
  'iid-permutation-worker': './entropy/iid/permutation-worker.ts',
  'scenario-cell-worker': './scenario/worker.ts',
} as const;

export type WorkerName = keyof typeof WORKER_SOURCES;

/** What a worker thread (piscina `filename` and `execArgv`) needs to run `name` in the current tree. */
export function workerEntry(name: WorkerName): { filename: string; execArgv: string[] } {
  return COMPILED
    ? { filename: new URL(`./${name}.js`, import.meta.url).href, execArgv: [] }
    : { filename: new URL(WORKER_SOURCES[name], import.meta.url).href, execArgv: ['--import', 'tsx'] };
}

/**
 * A file other than TypeScript kept beside the sources (e.g. 'qemu/guest/hwread.c'), path
 * relative to src/: src/ ships with the package, and dist/ sits beside it.
 */
export function sourceAsset(path: string): URL {
  return new URL(COMPILED ? `../src/${path}` : `./${path}`, import.meta.url);
}

/** The package's version, from package.json one level above both src/ and dist/. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
