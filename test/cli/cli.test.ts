import { test } from 'node:test';
import assert from 'node:assert/strict';
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
