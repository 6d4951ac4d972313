/**
 * The layer rules of docs/architecture.md, checked over the real import graph of src/ and bench/
 * by dependency-cruiser with the rules of .dependency-cruiser.cjs: no import cycles, no import of
 * a folder from a layer at or above the importer's. There is no list of tolerated violations any
 * more (the last one, report/document.ts ↔ gate-icount.ts, went with issue 13): every violation
 * fails the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ICruiseOptions, ICruiseResult, IForbiddenRuleType } from 'dependency-cruiser';
import { tempDir } from './helpers/temp-dir.ts';

const root = new URL('../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const config = require(join(root, '.dependency-cruiser.cjs')) as { forbidden: IForbiddenRuleType[]; options: ICruiseOptions; LAYERS: string[][] };

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: Array<{ name: string }>;
}
const key = (v: Violation): string => `${v.rule.name}: ${v.from} → ${v.to}`;

/**
 * dependency-cruiser's violations of our rules over `paths` (relative to `dir`, where it runs).
 * It runs in its own plain-node process: under the tsx loader, its `import('@swc/core/Visitor.js')`
 * gets the class itself as the default export and it would silently parse no imports.
 */
function violationsIn(dir: string, paths: string[]): { violations: Violation[]; modules: number; dependencies: number } {
  const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const args = [bin, ...paths, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'];
  // Exit status 1..n = number of violations; the JSON on stdout is the answer either way.
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  if (run.error !== undefined || run.stdout === '') throw new Error(`dependency-cruiser failed: ${run.error?.message ?? run.stderr}`);
  const { summary } = JSON.parse(run.stdout) as ICruiseResult;
  return { violations: summary.violations as Violation[], modules: summary.totalCruised, dependencies: summary.totalDependenciesCruised ?? 0 };
}

test('imports: no cycles and no upward folder imports', (t) => {
  const { violations, modules, dependencies } = violationsIn(root, ['src', 'bench']);
  // A checker that parses nothing (no TypeScript parser available) would find no violations.
  assert.ok(modules > 150 && dependencies > 500, `only ${modules} modules and ${dependencies} dependencies seen`);
  const cycles = violations.filter((v) => v.rule.name === 'no-circular').length;
  t.diagnostic(`${modules} modules, ${dependencies} dependencies: ${cycles} dependencies on an import cycle, ${violations.length - cycles} upward folder imports`);
  const describe = (v: Violation): string => (v.cycle !== undefined ? `${key(v)} (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : key(v));
  assert.deepEqual(violations.map(describe), [], 'violations of the layer rules in docs/architecture.md: fix the import');
  // No list of tolerated violations: `npm run deps` and this test see the same graph.
  assert.ok(!existsSync(join(root, '.dependency-cruiser-known-violations.json')), 'a known-violations list is back: fix the imports instead');
});

test('imports: the rules catch a planted cycle and upward import, and allow a downward one', () => {
  const dir = tempDir('eb-layers-');
  try {
    const file = (path: string, text: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('src/devices/a.ts', "import { b } from '../firmware/b.ts';\nexport const a = (): number => b;\n");
    file('src/firmware/b.ts', "import { a } from '../devices/a.ts';\nexport const b = 1;\nexport const c = a;\n");
    file('src/firmware/c.ts', "import { s } from '../sim/s.ts';\nexport const c = s;\n");
    file('src/sim/s.ts', 'export const s = 1;\n');
    const { violations } = violationsIn(dir, ['src']);
    assert.ok(violations.some((v) => key(v) === 'layer-devices: src/devices/a.ts → src/firmware/b.ts'), 'upward import devices → firmware not caught');
    const cycle = violations.find((v) => v.rule.name === 'no-circular');
    assert.deepEqual(cycle?.cycle?.map((c) => c.name).sort(), ['src/devices/a.ts', 'src/firmware/b.ts'], 'cycle a ↔ b not caught');
    assert.deepEqual(
      violations.filter((v) => v.from === 'src/firmware/c.ts'),
      [],
      'firmware → sim is downward and allowed',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imports: every src/ folder has a layer, and docs/architecture.md lists the layers in the checked order', () => {
  const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const layered = new Set(config.LAYERS.flat());
  assert.deepEqual(
    folders.filter((f) => !layered.has(f)),
    [],
    'src/ folders without a layer in .dependency-cruiser.cjs',
  );
  // The doc's layer table: rows "| N | `a/`, `b/` | ...", bottom layer first.
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => ({ n: Number(m[1]), names: [...m[2]!.matchAll(/`([^`]+?)\/?`/g)].map((f) => f[1]!) }));
  assert.deepEqual(
    rows.map((r) => r.n),
    config.LAYERS.map((_, i) => i),
    'docs/architecture.md layer table numbering',
  );
  assert.deepEqual(
    rows.map((r) => r.names),
    config.LAYERS,
    'docs/architecture.md layer table vs .dependency-cruiser.cjs',
  );
});
