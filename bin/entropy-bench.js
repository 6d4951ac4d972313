#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run directly on Node 20
// (which has no type stripping), then hands over to the commander wiring.
import { register } from 'tsx/esm/api';

register();
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
  const { main } = await import('../src/cli/index.ts');
  process.exitCode = await main(process.argv);
} catch (e) {
  internalFailure(e);
}
