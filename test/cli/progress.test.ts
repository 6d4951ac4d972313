/**
 * Long commands show progress on a terminal only (ctx.isTTY): estimate per
 * estimator, estimate --iid as shuffles done/total with the time left; with no
 * terminal stderr stays free of it (tested in each command's own tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.ts';
import { xorshiftBytes } from '../helpers/xorshift.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const file = join(tempDir('progress-'), 'noise.bin');
writeFileSync(file, xorshiftBytes(4000, 9, 4));

async function run(args: string[], isTTY: boolean): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(['node', 'entropy-bench', ...args], { out: () => {}, err: (s) => (err += s), isTTY });
  return { code, err };
}

test('estimate on a terminal: one progress line per estimator; none without a terminal', async () => {
  const tty = await run(['estimate', file, '4'], true);
  assert.ok(tty.code === 0 || tty.code === 1);
  for (const name of ['MCV', 'LZ78Y']) assert.match(tty.err, new RegExp(`estimate: (original|bitstring) ${name}[^\\n]* done \\(\\d+\\.\\d s\\)`));
  const plain = await run(['estimate', file, '4'], false);
  assert.doesNotMatch(plain.err, /done \(/);
});

test('estimate --iid on a terminal: shuffles done/total with the time left, ending at the total or earlier', async () => {
  const tty = await run(['estimate', file, '4', '--iid', '--shuffles', '300'], true);
  assert.ok(tty.code === 0 || tty.code === 1);
  const counts = [...tty.err.matchAll(/shuffles (\d+)\/300/g)].map((m) => Number(m[1]));
  assert.ok(counts.length >= 1, tty.err);
  assert.deepEqual([...counts].sort((a, b) => a - b), counts, 'counts only grow');
  assert.match(tty.err, /s left at most/);
  const plain = await run(['estimate', file, '4', '--iid', '--shuffles', '300'], false);
  assert.doesNotMatch(plain.err, /shuffles \d+\//);
});
