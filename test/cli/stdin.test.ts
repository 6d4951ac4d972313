/**
 * `-` reads standard input in every command that reads a file, with the same
 * result as the file itself. These spawn the real CLI (bin/entropy-bench.js, on
 * the sources: ENTROPY_BENCH_FROM_SOURCE=1):
 * standard input is file descriptor 0 of a process, not something an
 * in-process call can fake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xorshiftBytes } from '../helpers/xorshift.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/entropy-bench.js', import.meta.url));
const dir = tempDir('stdin-cli-');

function cli(args: string[], input?: Uint8Array | string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: input ?? '', env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1' }, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs `args` once on `file` and once on `-` fed from it; both must agree. */
function sameOnStdin(args: (f: string) => string[], file: string, bytes: Uint8Array | string): void {
  const a = cli(args(file));
  const b = cli(args('-'), bytes);
  assert.equal(b.code, a.code, `exit status: file ${a.code} (${a.err}), stdin ${b.code} (${b.err})`);
  assert.ok(a.code === 0 || a.code === 1, a.err);
  assert.equal(b.out.replaceAll('standard input', '-'), a.out.replaceAll(file, '-'));
}

test('sts -: ascii streamed from a pipe gives the file\'s results', () => {
  const bytes = xorshiftBytes(4000, 11, 8);
  const ascii = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('\n');
  const file = join(dir, 'bits.txt');
  writeFileSync(file, ascii);
  sameOnStdin((f) => ['sts', f, '--bits', '1000', '--streams', '32', '--tests', 'frequency,runs', '--json'], file, ascii);
});

test('sts -: standard input redirected from a regular binary file (< file) gives the file\'s results', () => {
  const file = join(dir, 'bits.bin');
  writeFileSync(file, xorshiftBytes(5000, 12, 8));
  const args = (f: string): string[] => ['sts', f, '--format', 'binary', '--bits', '10000', '--streams', '4', '--tests', 'frequency,runs', '--json'];
  const a = cli(args(file));
  const fd = openSync(file, 'r');
  try {
    const r = spawnSync(process.execPath, [BIN, ...args('-')], { stdio: [fd, 'pipe', 'pipe'], env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1' }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, a.code, r.stderr);
    assert.equal(r.stdout.replaceAll('standard input', '-'), a.out.replaceAll(file, '-'));
  } finally {
    closeSync(fd);
  }
});

test('health - and estimate - read standard input', () => {
  const bytes = xorshiftBytes(20_000, 5, 4);
  const file = join(dir, 'noise.bin');
  writeFileSync(file, bytes);
  sameOnStdin((f) => ['health', f, '--bits', '4', '--entropy', '3'], file, bytes);
  sameOnStdin((f) => ['estimate', f, '4', '--json'], file, bytes);
});

test('drbg kat - and report - read standard input', () => {
  // One case in CAVP layout whose ReturnedBits is made up (not a NIST vector): kat
  // reports it failed (exit 1) either way; what matters here is that both ways agree.
  const rsp = [
    '# CAVS 14.3',
    '# DRBG800-90A information for "drbg_pr"',
    '[SHA-256]',
    '[PredictionResistance = False]',
    '[EntropyInputLen = 256]',
    '[NonceLen = 128]',
    '[PersonalizationStringLen = 0]',
    '[AdditionalInputLen = 0]',
    '[ReturnedBitsLen = 1024]',
    '',
    'COUNT = 0',
    'EntropyInput = 06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d',
    'Nonce = 0e66f71edc43e42a45ad3c6fc6cdc4df',
    'PersonalizationString = ',
    'EntropyInputReseed = 01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552',
    'AdditionalInputReseed = ',
    'AdditionalInput = ',
    'AdditionalInput = ',
    'ReturnedBits = 76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb2b1bc215000209208cd506cb28da2a51bdb03826aaf2bd2335d576d519160842e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a80225422918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124',
    '',
  ].join('\n');
  const file = join(dir, 'Hash_DRBG.rsp');
  writeFileSync(file, rsp);
  sameOnStdin((f) => ['drbg', 'kat', f, '--mechanism', 'hash'], file, rsp);
  const report = fileURLToPath(new URL('../../reports/baseline.json', import.meta.url));
  sameOnStdin((f) => ['report', f, '--format', 'md'], report, readFileSync(report, 'utf8'));
});
