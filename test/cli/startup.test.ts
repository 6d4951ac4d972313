/**
 * `entropy-bench --help` lists the commands from their table entries
 * (src/cli/commands/index.ts: name, term, summary) without importing any
 * command module, so it starts fast. That listing must be exactly what the
 * modules themselves register: compared here with the help of a program that
 * imported them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/index.ts';
import type { CliContext } from '../../src/cli/context.ts';

const ctx: CliContext = { out: () => {}, err: () => {}, isTTY: false, exitCode: 0 };

test('top-level --help from the command table equals the help with every command module loaded', async () => {
  const fast = await buildProgram(ctx, ['node', 'entropy-bench', '--help']);
  // `help` is no command name, so every module is imported (see registrations()).
  const full = await buildProgram(ctx, ['node', 'entropy-bench', 'help']);
  assert.equal(fast.helpInformation(), full.helpInformation());
  assert.equal(fast.commands.length, full.commands.length);
});
