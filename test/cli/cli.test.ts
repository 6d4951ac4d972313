import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { main, VERSION } from '../../src/cli/index.ts';

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'entropy-bench', ...args], {
    out: (s) => (out += s),
    err: (s) => (err += s),
    isTTY: false,
  });
  return { code, out, err };
}

test('--version prints the package version and exits 0', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.out.trim(), VERSION);
});

test('--help explains exit codes', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Exit status: 0 = ran and everything passed/);
  assert.match(r.out, /3 = internal failure/);
});

test('an internal failure is exit 3 and one line, never exit 1 (a verdict) or a stack trace', async () => {
  let err = '';
  // The command's own output channel failing is not the user's doing: an internal failure.
  const code = await main(['node', 'entropy-bench', 'list', 'designs'], {
    out: () => {
      throw new Error('write failed\n    at somewhere (file.ts:1:1)');
    },
    err: (s) => (err += s),
    isTTY: false,
  });
  assert.equal(code, 3);
  assert.equal(err, 'entropy-bench: internal failure (exit 3, no verdict): Error: write failed\n');
});

test('the executable turns an error that escapes main into exit 3 and one line', () => {
  // A wasm abort is thrown as a bare multi-line string, here from a callback after main returned
  // (as from a worker or a timer); the bin's process-level handler takes it.
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "process.argv.splice(1, 0, 'entropy-bench'); await import(process.env.BIN); setTimeout(() => { throw 'abort(\"OOM\")\\nBuild with ASSERTIONS'; }, 0);",
      'list',
      'designs',
    ],
    { encoding: 'utf8', env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1', BIN: new URL('../../bin/entropy-bench.js', import.meta.url).href }, timeout: 60_000 },
  );
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stderr, 'entropy-bench: internal failure (exit 3, no verdict): abort("OOM")\n');
});

test('an unknown command is a usage error (exit 2)', async () => {
  const r = await runCli(['no-such-command']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^error: (unknown command|too many arguments)/);
});

test('every lazy command entry registers exactly the command it is named after', async () => {
  const { Command } = await import('commander');
  const { COMMANDS } = await import('../../src/cli/commands/index.ts');
  const ctx = { out: () => {}, err: () => {}, isTTY: false, exitCode: 0 };
  for (const c of COMMANDS) {
    if (typeof c === 'function') continue;
    const program = new Command('x');
    (await c.load()).register(program, ctx);
    assert.deepEqual(
      program.commands.map((cmd) => cmd.name()),
      [c.name],
      `${c.name}: its module must register the command '${c.name}' and nothing else`,
    );
  }
});

test('a command runs with only its own module registered, and --help still lists every command', async () => {
  const help = await runCli(['--help']);
  for (const name of ['drbg', 'estimate', 'run', 'list', 'health', 'restart', 'report', 'gate', 'sts']) {
    assert.match(help.out, new RegExp(`^  ${name}\\b`, 'm'), `--help lists ${name}`);
  }
  const sts = await runCli(['sts', '--help']);
  assert.equal(sts.code, 0);
  assert.match(sts.out, /^Usage: entropy-bench sts /m);
});
