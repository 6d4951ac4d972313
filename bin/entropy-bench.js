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
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv);
