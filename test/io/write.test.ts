import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInputError } from '../../src/errors.ts';
import { checkOutputFile, openAtomic, prepareOutputDir, writeFileAtomic, writeFilesTogether } from '../../src/io/write.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fresh = (): string => tempDir('atomic-');
const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('writeFileAtomic replaces a file and keeps its permission bits; no temporary file is left', () => {
  const dir = fresh();
  const f = join(dir, 'report.json');
  writeFileSync(f, 'old', { mode: 0o600 });
  writeFileAtomic(f, 'new');
  assert.equal(readFileSync(f, 'utf8'), 'new');
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.deepEqual(temps(dir), []);
});

test('an aborted write leaves the previous file as it was', () => {
  const dir = fresh();
  const f = join(dir, 'out.bin');
  writeFileSync(f, 'old');
  const a = openAtomic(f);
  a.write('partial');
  a.abort();
  assert.equal(readFileSync(f, 'utf8'), 'old');
  assert.deepEqual(temps(dir), []);
});

test('writeFilesTogether: one file that cannot be written → none of them changes', () => {
  const dir = fresh();
  for (const n of ['a', 'b']) writeFileSync(join(dir, n), 'old');
  assert.throws(() => writeFilesTogether([[join(dir, 'a'), 'new'], [join(dir, 'b'), 'new'], [join(dir, 'no-dir', 'c'), 'new']]), isInputError);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'old');
  assert.equal(readFileSync(join(dir, 'b'), 'utf8'), 'old');
  assert.deepEqual(temps(dir), []);
});

/** Runs a script under a file-size limit (ulimit -f, in KiB): writes beyond it fail with EFBIG, as on a full disk. */
function underSizeLimit(kib: number, script: string): { status: number | null; stderr: string } {
  const r = spawnSync('bash', ['-c', `ulimit -f ${kib}; exec "${process.execPath}" --import tsx -e "$0"`, script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stderr: r.stderr };
}

test('disk full while writing the bench\'s five outputs (file-size limit): all five keep their previous content', () => {
  const dir = fresh();
  const names = ['report.json', 'report.md', 'report.html', 'junit.xml', 'benchmark.json'];
  for (const n of names) writeFileSync(join(dir, n), 'old');
  const files = names.map((n, i) => [join(dir, n), i === 2 ? 'x'.repeat(64 * 1024) : 'new'] as const);
  const r = underSizeLimit(
    16,
    `import('./src/io/write.ts').then((m) => { try { m.writeFilesTogether(${JSON.stringify(files)}); } catch (e) { console.error(e.message); process.exit(2); } })`,
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /report\.html: cannot write: file too large \(EFBIG\)/);
  for (const n of names) assert.equal(readFileSync(join(dir, n), 'utf8'), 'old', n);
  assert.deepEqual(temps(dir), []);
});

test('CLI: report --out when the disk fills (file-size limit) → exit 2, one line, the previous report intact', () => {
  const dir = fresh();
  const out = join(dir, 'report.html');
  writeFileSync(out, 'old');
  const r = spawnSync('bash', ['-c', `ulimit -f 8; exec "${process.execPath}" bin/entropy-bench.js report reports/baseline.json --format html --out "$0"`, out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1' } });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^entropy-bench: --out .*report\.html: cannot write: file too large \(EFBIG\)\n$/);
  assert.equal(readFileSync(out, 'utf8'), 'old');
  assert.deepEqual(temps(dir), []);
});

test('Ctrl-C while drbg generate writes a file: the previous file stays, the temporary file is removed', async () => {
  const dir = fresh();
  const out = join(dir, 'stream.bin');
  writeFileSync(out, 'old');
  const child = spawn(process.execPath, ['bin/entropy-bench.js', 'drbg', 'generate', '--mech', 'ctr-aes256', '--seed-hex', '00'.repeat(32), '--bytes', String(4e9), '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1' } });
  child.stdout.resume();
  child.stderr.resume();
  // Wait until the temporary file is there and growing, then interrupt.
  const t0 = Date.now();
  while (temps(dir).length === 0 || statSync(join(dir, temps(dir)[0]!)).size < 1 << 20) {
    if (Date.now() - t0 > 60_000) {
      child.kill('SIGKILL');
      assert.fail('no temporary file appeared within 60 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
  assert.equal(signal, 'SIGINT');
  assert.equal(readFileSync(out, 'utf8'), 'old');
  assert.deepEqual(temps(dir), []);
});

test('locations are checked before any work: /proc, a device, a path under a file, a directory', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'f'), '');
  const msg = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      assert.ok(isInputError(e), String(e));
      return (e as Error).message;
    }
    return assert.fail('no error');
  };
  assert.match(msg(() => checkOutputFile('/proc/x', '--out')), /^--out \/proc\/x: is under \/proc, a kernel pseudo file system/);
  assert.match(msg(() => prepareOutputDir('/proc/x/y', '--out')), /pseudo file system/);
  assert.match(msg(() => checkOutputFile(join(dir, 'f', 'x'), '--junit')), /not a directory/);
  assert.match(msg(() => prepareOutputDir(join(dir, 'f', 'x'), '--out')), /is a file, not a directory/);
  assert.match(msg(() => checkOutputFile(dir, '--out')), /is a directory/);
  prepareOutputDir(join(dir, 'new', 'deeper'));
  assert.ok(existsSync(join(dir, 'new', 'deeper')));
  assert.deepEqual(temps(join(dir, 'new', 'deeper')), []);
});
