#!/usr/bin/env node
// Entry point: runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci` runs) with
// plain node. ENTROPY_BENCH_FROM_SOURCE=1 runs the TypeScript in src/ through tsx instead, as
// the tests do, so that they exercise the sources as they are and not the last build.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';

const FROM_SOURCE = process.env.ENTROPY_BENCH_FROM_SOURCE === '1';
const COMPILED = new URL('../dist/cli.js', import.meta.url);
if (!FROM_SOURCE && !existsSync(COMPILED)) {
  process.stderr.write('entropy-bench: dist/cli.js not found: the JavaScript is not built; run `npm run build` (npm ci does it too)\n');
  process.exit(3);
}
/**
 * True when the caller closed standard output (`>&-`). Node.js then puts /dev/null,
 * opened read-write, in its place at start-up, so everything printed would vanish with
 * exit 0. A shell redirection to /dev/null opens it write-only, which this tells apart
 * (Linux only: /proc/self/fdinfo shows the open flags; O_RDWR = 2).
 */
function stdoutClosedAtStart() {
  if (process.platform !== 'linux') return false;
  try {
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    return flags !== null && (parseInt(flags[1], 8) & 3) === 2 && readlinkSync('/proc/self/fd/1') === '/dev/null';
  } catch {
    return false;
  }
}

if (stdoutClosedAtStart()) {
  process.stderr.write('entropy-bench: standard output: closed (nothing could be written); redirect it to a file or /dev/null instead\n');
  process.exit(2);
}

// `entropy-bench ... | head` closes the pipe early: that is the reader's choice, not an
// error, so end quietly with the status so far. Any other failure to write (a full disk,
// /dev/full) is one line and exit 2, never a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`entropy-bench: standard output: cannot write (${e.code ?? e.message})\n`);
  process.exit(2);
});
process.stderr.on('error', () => process.exit(process.exitCode || 2));

// `--version` alone needs nothing but package.json: answer before loading any code.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
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
