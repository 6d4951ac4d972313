/**
 * The `--help` examples name files a fresh clone has: every test/fixtures/… or
 * scenarios/… path they print must exist, and none may point outside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.test.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HELPS = [
  [],
  ['sts'],
  ['estimate'],
  ['health'],
  ['restart'],
  ['drbg'],
  ['drbg', 'kat'],
  ['drbg', 'generate'],
  ['run'],
  ['report'],
  ['gate'],
  ['list'],
];

test('every file a --help example names exists in the repository', async () => {
  const named = new Set<string>();
  for (const args of HELPS) {
    const r = await runCli([...args, '--help']);
    assert.equal(r.code, 0, `${args.join(' ')} --help: ${r.err}`);
    assert.doesNotMatch(r.out, /\.\.\//, `${args.join(' ')} --help names a path outside the repository`);
    for (const m of r.out.matchAll(/\b(?:test\/fixtures|scenarios)\/[\w./-]+/g)) named.add(m[0]);
  }
  // sts, estimate, health, restart, drbg kat and run all show a repository file.
  assert.ok(named.size >= 10, `only ${named.size} repository files named: ${[...named].join(', ')}`);
  const missing = [...named].filter((p) => !existsSync(ROOT + p));
  assert.deepEqual(missing, [], 'help examples name files a clone does not have');
});
