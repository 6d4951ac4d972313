import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HEAP = fileURLToPath(new URL('../../src/cli/heap.ts', import.meta.url));

/**
 * The young generation's size after a workload where a few KB survive each round among
 * short-lived garbage, as `sts` keeps each stream's P-values: V8 doubles the semi-spaces
 * when survivors pile up, unless keepYoungGenerationSmall() ran first.
 */
function youngGenerationAfterWork(keepSmall: boolean): { before: number; after: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(HEAP)};
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = young();
    if (${keepSmall}) keepYoungGenerationSmall();
    const kept = [];
    for (let round = 0; round < 4000; round++) {
      let junk = [];
      for (let i = 0; i < 400; i++) junk.push({ i, v: [i, i + 1, i + 2] });
      kept.push(junk.slice(0, 40).map((o) => o.v));
      junk = null;
    }
    process.stdout.write(before + ' ' + young() + ' ' + kept.length);
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const [before, after, kept] = out.split(' ').map(Number);
  assert.equal(kept, 4000);
  return { before: before!, after: after! };
}

test('keepYoungGenerationSmall: the young generation stays at its first size where it would otherwise grow', () => {
  const grown = youngGenerationAfterWork(false);
  assert.ok(grown.after >= 2 * grown.before, `without: ${grown.before} → ${grown.after} bytes`);
  const kept = youngGenerationAfterWork(true);
  assert.ok(kept.after <= kept.before, `with: ${kept.before} → ${kept.after} bytes`);
  assert.ok(grown.after >= 2 * kept.after, `without: ${grown.after} bytes, with: ${kept.after} bytes`);
});
