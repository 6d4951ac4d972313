import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { runTests, type StreamTask, type WorkerReply } from '../../src/sts/battery.ts';
import { bundledWorkerCode, tsxWorkerCode } from '../../src/workers/worker-code.ts';
import type { StsTestName } from '../../src/sts/types.ts';
import { loadReference } from '../sts/helpers.ts';

test('the bundled worker (plain JavaScript, no tsx) and the tsx fallback give this thread’s results', async () => {
  const bits = loadReference('data.e').bits.slice(0, 200_000);
  const tests: StsTestName[] = ['Frequency', 'Runs', 'FFT', 'Serial', 'LinearComplexity'];
  const expected = runTests(bits, tests);
  const bundled = await bundledWorkerCode('sts-battery-worker');
  assert.deepEqual(bundled.execArgv, [], 'esbuild bundled the worker');
  assert.match(bundled.filename, /\.mjs$/);
  for (const code of [bundled, tsxWorkerCode('sts-battery-worker')]) {
    const pool = new Piscina({ filename: code.filename, execArgv: code.execArgv, minThreads: 1, maxThreads: 1 });
    try {
      const words = new Uint32Array(new SharedArrayBuffer(4 * bits.words.length));
      words.set(bits.words);
      const task: StreamTask = { words, n: bits.length, tests, params: {} };
      const reply = (await pool.run(task)) as WorkerReply;
      assert.ok('results' in reply);
      assert.deepEqual(reply.results, expected, code.filename);
    } finally {
      await pool.destroy();
    }
  }
  bundled.dispose();
  const path = fileURLToPath(bundled.filename);
  // A bundle from the cache stays for the next run; a fresh one in a temporary directory is removed.
  assert.equal(existsSync(path), path.includes('/node_modules/.cache/'), path);
});

test('unchanged sources: the bundle comes from the cache (node_modules/.cache), without esbuild', async () => {
  // The first two calls make sure a manifest and a bundle built with no input changing exist.
  for (let i = 0; i < 2; i++) (await bundledWorkerCode('sts-battery-worker')).dispose();
  const code = await bundledWorkerCode('sts-battery-worker');
  assert.match(fileURLToPath(code.filename), /\/node_modules\/\.cache\/entropy-bench-sts-battery-worker\/[0-9a-f]{32}\.mjs$/);
  code.dispose();
  assert.ok(existsSync(fileURLToPath(code.filename)));
});
