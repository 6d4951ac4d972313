import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './cli.test.ts';

test('power-cut: a small seeded campaign passes with exit 0, --json carries the counts; bad options exit 2 with one line', async () => {
  const r = await runCli(['power-cut', '--cuts', '40', '--seed', '3']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^40 power cuts in a \d+-operation pflash sequence/);
  assert.match(r.out, /acknowledged values checked: \d+, lost: 0\n/);
  assert.match(r.out, /PASS: nothing acknowledged lost/);
  const j = await runCli(['power-cut', '--cuts', '40', '--seed', '3', '--json']);
  const doc = JSON.parse(j.out) as { cuts: number; ackedLost: number; halfVisible: number; unreadable: number };
  assert.deepEqual([doc.cuts, doc.ackedLost, doc.halfVisible, doc.unreadable], [40, 0, 0, 0]);
  // Deletes (every fifth call by default, as the design matrix) change the flash sequence.
  const plain = await runCli(['power-cut', '--cuts', '40', '--seed', '3', '--delete-every', '0', '--json']);
  assert.equal(plain.code, 0, plain.err);
  assert.notEqual((JSON.parse(plain.out) as { sequenceOps: number }).sequenceOps, (JSON.parse(j.out) as { sequenceOps: number }).sequenceOps);
  const every = await runCli(['power-cut', '--delete-every', 'x']);
  assert.equal(every.code, 2);
  assert.equal(every.err.trim(), "entropy-bench: --delete-every: expected a whole number, found 'x'");
  const bad = await runCli(['power-cut', '--cuts', '0']);
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim(), 'entropy-bench: --cuts: expected 1..1000000, found 0');
});
