import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { erfc } from '../../src/special/erfc.ts';
import { SPECIAL_DIR } from '../helpers/fixtures.ts';

const ref = JSON.parse(
  readFileSync(`${SPECIAL_DIR}reference-values.json`, 'utf8'),
) as { erfc: { x: number; erfc: string }[] };

test('erfc matches 20-digit reference values to 1e-13 relative (down to erfc(26) ≈ 5.7e-296)', () => {
  assert.ok(ref.erfc.length >= 18);
  for (const { x, erfc: s } of ref.erfc) {
    const want = Number(s);
    const got = erfc(x);
    const rel = Math.abs(got - want) / want;
    assert.ok(rel <= 1e-13, `erfc(${x}) = ${got}, want ${s} (rel ${rel.toExponential(2)})`);
  }
});

test('erfc: symmetry erfc(−x) = 2 − erfc(x) and limits', () => {
  for (const x of [0.3, 1.7, 4]) assert.ok(Math.abs(erfc(-x) - (2 - erfc(x))) <= 4e-16);
  assert.equal(erfc(0), 1);
  assert.equal(erfc(Infinity), 0);
  assert.equal(erfc(-Infinity), 2);
});
