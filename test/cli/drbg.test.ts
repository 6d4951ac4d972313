import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.test.ts';
import { parseCavpDrbg } from '../../src/drbg/cavp.ts';
import { CAVP_DRBG_DIR } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const DIR = CAVP_DRBG_DIR;
const rsp = (mode: string, mech: string): string => join(DIR, `drbgvectors_${mode}`, `${mech}.rsp`);
const tmp = tempDir('drbg-cli-');
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** First no_reseed case of `option` with empty personalization and additional inputs. */
function plainCase(mech: string, option: string) {
  const f = parseCavpDrbg(readFileSync(rsp('no_reseed', mech), 'latin1'), mech);
  const c = f.cases.find(
    (x) => x.option === option && x.personalization.length === 0 && x.additionalInput.every((a) => a.length === 0),
  );
  assert.ok(c, `a plain ${option} case exists`);
  return c;
}

test('drbg kat: a NIST file passes, with counts per option; --json gives the same counts', async () => {
  const r = await runCli(['drbg', 'kat', rsp('pr_false', 'HMAC_DRBG')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /HMAC_DRBG, pr_false/);
  assert.match(r.out, /SHA-512\/256\s+240\s+0\s+0/);
  assert.match(r.out, /SHA-256\s+216\s+0\s+0/);
  assert.match(r.out, /total\s+1632\s+0\s+0/);
  const j = await runCli(['drbg', 'kat', rsp('no_reseed', 'CTR_DRBG'), '--json']);
  assert.equal(j.code, 0);
  const s = JSON.parse(j.out) as { passed: number; failed: number; skipped: number; modes: string[]; options: Array<{ option: string; passed: number }> };
  assert.deepEqual([s.passed, s.failed, s.skipped], [1392, 0, 30]); // 2 × 15 3KeyTDEA cases kept, skipped
  assert.deepEqual(s.modes, ['no_reseed']);
  assert.equal(s.options.find((o) => o.option === 'AES-192 no df')?.passed, 240);
});

test('drbg kat: a wrong ReturnedBits fails with exit 1 and names the case and its line', async () => {
  const text = readFileSync(rsp('no_reseed', 'Hash_DRBG'), 'latin1');
  const lines = text.split('\r\n');
  const i = lines.findIndex((l) => l.startsWith('ReturnedBits = '));
  const last = lines[i]!.slice(-1);
  lines[i] = lines[i]!.slice(0, -1) + (last === '0' ? '1' : '0');
  const p = join(tmp, 'Hash_DRBG-bad.rsp');
  writeFileSync(p, lines.join('\n')); // LF line ends are accepted too
  const r = await runCli(['drbg', 'kat', p]);
  assert.equal(r.code, 1);
  assert.match(r.out, /SHA-1\s+239\s+1\s+0/);
  assert.match(r.out, /FAIL \[SHA-1\] group 1 COUNT = 0 \(line \d+\): expected [0-9a-f]+, got [0-9a-f]+/);
});

test('drbg kat: malformed files exit 2 naming the line and what was expected', async () => {
  const text = readFileSync(rsp('pr_true', 'CTR_DRBG'), 'latin1').split('\r\n');
  const cases: Array<[string, (l: string[]) => void, RegExp]> = [
    ['bad hex', (l) => { const i = l.findIndex((x) => x.startsWith('Nonce = ')); l[i] = 'Nonce = 12zz'; }, /:\d+: Nonce: expected an even number of hex digits/],
    ['missing field', (l) => { const i = l.findIndex((x) => x.startsWith('EntropyInputPR = ')); l.splice(i, 1); }, /:\d+: expected 'EntropyInputPR = <hex>', found 'AdditionalInput'/],
    ['unknown option', (l) => { const i = l.findIndex((x) => x.startsWith('[AES-128 use df]')); l[i] = '[AES-512 use df]'; }, /:\d+: unknown CTR_DRBG option \[AES-512 use df\]/],
    ['garbage line', (l) => { l.splice(20, 0, 'hello world'); }, /:21: expected 'Name = value'/],
  ];
  for (const [what, damage, msg] of cases) {
    const l = [...text];
    damage(l);
    const p = join(tmp, `bad-${what.replace(/ /g, '-')}-CTR_DRBG.rsp`);
    writeFileSync(p, l.join('\r\n'));
    const r = await runCli(['drbg', 'kat', p]);
    assert.equal(r.code, 2, `${what}: ${r.err}`);
    assert.match(r.err, msg, what);
  }
  const noMech = join(tmp, 'vectors.rsp');
  writeFileSync(noMech, '[SHA-256]\n[ReturnedBitsLen = 1024]\n');
  const r = await runCli(['drbg', 'kat', noMech]);
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot tell the mechanism/);
  const missing = await runCli(['drbg', 'kat', join(tmp, 'nope.rsp')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.rsp: no such file/);
});

test('drbg generate reproduces CAVP no_reseed outputs (2 requests, the 2nd = ReturnedBits)', async () => {
  for (const [mech, cli, option] of [
    ['CTR_DRBG', 'ctr-aes256-nodf', 'AES-256 no df'],
    ['CTR_DRBG', 'ctr-aes128', 'AES-128 use df'],
    ['HMAC_DRBG', 'hmac-sha256', 'SHA-256'],
    ['Hash_DRBG', 'hash-sha512-224', 'SHA-512/224'],
  ] as const) {
    const c = plainCase(mech, option);
    const n = c.returnedBitsLen / 8;
    const args = ['drbg', 'generate', '--mech', cli, '--seed-hex', hex(c.entropyInput), '--bytes', String(2 * n), '--request-bytes', String(n), '--hex'];
    if (c.nonce.length > 0) args.push('--nonce-hex', hex(c.nonce));
    const r = await runCli(args);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().slice(2 * n), hex(c.returnedBits), `${cli} line ${c.line}`);
  }
});

test('drbg generate: deterministic; --out writes the same bytes; reseeds from the seed-derived source', async () => {
  const seed = '00'.repeat(31) + '01';
  const base = ['drbg', 'generate', '--mech', 'ctr-aes256', '--seed-hex', seed, '--bytes', '200000'];
  const a = await runCli([...base, '--hex']);
  const b = await runCli([...base, '--hex']);
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out, b.out);
  assert.equal(a.out.trim().length, 400000);
  const p = join(tmp, 'out.bin');
  const f = await runCli([...base, '--out', p]);
  assert.equal(f.code, 0, f.err);
  assert.equal(readFileSync(p).toString('hex'), a.out.trim());
  // With a reseed every request, the first 65536-byte request is unchanged and the rest differs.
  const r = await runCli([...base, '--hex', '--reseed-interval', '1']);
  assert.equal(r.code, 0, r.err);
  const x = a.out.trim();
  const y = r.out.trim();
  assert.equal(y.slice(0, 131072), x.slice(0, 131072));
  assert.notEqual(y.slice(131072, 131200), x.slice(131072, 131200));
  // A different personalization string changes the stream from the first byte.
  const q = await runCli([...base, '--hex', '--personalization-hex', 'abcd']);
  assert.notEqual(q.out.slice(0, 64), x.slice(0, 64));
});

test('drbg generate: bad input exits 2 with the reason', async () => {
  const g = ['drbg', 'generate', '--bytes', '16', '--hex'];
  const cases: Array<[string[], RegExp]> = [
    [['--mech', 'hash-sha256', '--seed-hex', '0g' + '00'.repeat(31)], /--seed-hex: character 2 is 'g', expected a hex digit/],
    [['--mech', 'hash-sha256', '--seed-hex', '000'], /--seed-hex: 3 hex digits, expected an even number/],
    [['--mech', 'hash-sha256', '--seed-hex', '00'.repeat(16)], /--seed-hex: Hash_DRBG SHA-256: entropy input is 16 bytes, at least 32 bytes \(256 bits\) required/],
    [['--mech', 'ctr-aes256-nodf', '--seed-hex', '00'.repeat(32)], /exactly 48 bytes/],
    [['--mech', 'ctr-aes256-nodf', '--seed-hex', '00'.repeat(48), '--nonce-hex', '00'], /takes no nonce/],
    [['--mech', 'hmac-sha256', '--seed-hex', '00'.repeat(32), '--nonce-hex', '00'.repeat(4)], /nonce is 4 bytes, at least 16/],
    [['--mech', 'ctr-des', '--seed-hex', '00'.repeat(32)], /unknown mechanism 'ctr-des'/],
    [['--mech', 'hash-sha256'], /--seed-hex is required/],
    [['--mech', 'hash-sha256', '--entropy', 'os', '--seed-hex', '00'.repeat(32)], /exclude each other/],
    [['--mech', 'hash-sha256', '--seed-hex', '00'.repeat(32), '--request-bytes', '65537'], /at most 65536/],
  ];
  for (const [extra, msg] of cases) {
    const r = await runCli([...g, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
  }
  const neg = await runCli(['drbg', 'generate', '--mech', 'hash-sha256', '--seed-hex', '00'.repeat(32), '--bytes', '-5']);
  assert.equal(neg.code, 2);
});

test('drbg generate: --entropy os works and is not reproducible', async () => {
  const a = await runCli(['drbg', 'generate', '--mech', 'hmac-sha512', '--entropy', 'os', '--bytes', '32', '--hex']);
  const b = await runCli(['drbg', 'generate', '--mech', 'hmac-sha512', '--entropy', 'os', '--bytes', '32', '--hex']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /^[0-9a-f]{64}\n$/);
  assert.notEqual(a.out, b.out);
});

test('drbg generate refuses binary output to a terminal unless --out -', async () => {
  const saved = process.stdout.isTTY;
  process.stdout.isTTY = true;
  try {
    const r = await runCli(['drbg', 'generate', '--mech', 'ctr-aes128', '--seed-hex', '00'.repeat(16), '--nonce-hex', '00'.repeat(8), '--bytes', '4']);
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to write binary to a terminal/);
  } finally {
    process.stdout.isTTY = saved;
  }
});

test('drbg --help teaches with examples', async () => {
  for (const sub of ['kat', 'generate']) {
    const r = await runCli(['drbg', sub, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Examples:\n\s+entropy-bench drbg /);
  }
});
