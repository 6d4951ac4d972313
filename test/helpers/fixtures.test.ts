/**
 * The reference data is what test/fixtures/README.md says it is: every file matches
 * test/fixtures/SHA256SUMS (so a checkout that converted line ends or a truncated
 * copy fails here, by name, rather than as 200 wrong P-values), every file is listed,
 * and the inputs the tests rebuild equal NIST's files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { FIXTURES_DIR, sp80090bSamples, sqrtBits } from './fixtures.ts';

const sums = new Map(
  readFileSync(`${FIXTURES_DIR}SHA256SUMS`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(l);
      assert.ok(m, `SHA256SUMS: bad line '${l}'`);
      return [m[2]!, m[1]!] as const;
    }),
);

test('every fixture file matches SHA256SUMS, and every file is listed', () => {
  const files = readdirSync(FIXTURES_DIR, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => `${d.parentPath ?? d.path}/${d.name}`.slice(FIXTURES_DIR.length).replace(/^\/+/, ''))
    .filter((f) => f !== 'README.md' && f !== 'SHA256SUMS')
    .sort();
  assert.deepEqual(files, [...sums.keys()].sort(), 'files on disk vs SHA256SUMS (a new fixture: see test/fixtures/README.md)');
  const bad = files.filter((f) => createHash('sha256').update(readFileSync(FIXTURES_DIR + f)).digest('hex') !== sums.get(f));
  assert.deepEqual(bad, [], 'files whose SHA-256 differs from SHA256SUMS');
});

test('rebuilt inputs equal NIST files: data.sqrt2, data.sqrt3 (first 10^6 bits), data.pi.bin', () => {
  // Each rebuild checks itself against the SHA-256 of NIST's file and throws when it differs.
  assert.equal(sqrtBits(2).length, 1_000_000);
  assert.equal(sqrtBits(3).length, 1_000_000);
  const pi = sp80090bSamples('data.pi');
  assert.equal(pi.length, 1_165_666);
  assert.equal(pi[0], 1, 'the leading spaces of data.pi count as ones');
});
