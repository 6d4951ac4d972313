#!/usr/bin/env node
// Entry point: runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci` runs) with
// plain node. ENTROPY_BENCH_FROM_SOURCE=1 runs the TypeScript in src/ through tsx instead, as
// the tests do, so that they exercise the sources as they are and not the last build.
import { existsSync } from 'node:fs';

const FROM_SOURCE = process.env.ENTROPY_BENCH_FROM_SOURCE === '1';
const COMPILED = new URL('../dist/cli.js', import.meta.url);
if (!FROM_SOURCE && !existsSync(COMPILED)) {
  process.stderr.write('entropy-bench: dist/cli.js not found: the JavaScript is not built; run `npm run build` (npm ci does it too)\n');
  process.exit(3);
}
// `entropy-bench ... | head` closes the pipe early: that is the reader's choice, not an error,
// so end quietly instead of printing a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
// Anything that escapes main (an error thrown in a callback or a worker, a failed import) is the
// tool's own failure: one line and exit 3, so that a crash never reads as a verdict (exit 1).
const internalFailure = (e) => {
  const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const first = raw.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  process.stderr.write(`entropy-bench: internal failure (exit 3, no verdict): ${first.trim()}\n`);
  process.exit(3);
};
process.on('uncaughtException', internalFailure);
process.on('unhandledRejection', internalFailure);
try {
  let main;
  if (FROM_SOURCE) {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../src/cli/index.ts'));
  } else {
    ({ main } = await import(COMPILED.href));
  }
  process.exitCode = await main(process.argv);
} catch (e) {
  internalFailure(e);
}
