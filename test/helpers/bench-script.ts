/**
 * Runs one of bench/'s scripts as users do (`node --import tsx bench/NAME.ts ...`) after
 * building the CLI it measures (the benches time the compiled dist/, not the sources).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function runBenchScript(script: string, args: string[], env: Record<string, string>): { code: number | null; out: string; err: string } {
  const b = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(b.status, 0, b.stderr);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${script}`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
