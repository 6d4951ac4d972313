import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { aperiodicTemplates, isAperiodic, referenceTemplates, templateLabel } from '../../src/sts/templates.ts';
import { InputError } from '../../src/errors.ts';
import { STS_DATA_DIR } from './helpers.ts';

// sts-2.1.2 nonOverlappingTemplateMatchings.c `numOfTemplates[m]`, m = 2..21.
const REFERENCE_COUNTS = [2, 4, 6, 12, 20, 40, 74, 148, 284, 568, 1116, 2232, 4424, 8848, 17622, 35244, 70340, 140680, 281076, 562152];

test('m = 9: the 148 templates in the order of the reference file template9', () => {
  const file = readFileSync(`${STS_DATA_DIR}template9`, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ''))
    .filter((l) => l.length > 0);
  assert.equal(file.length, 148);
  const ours = Array.from(aperiodicTemplates(9), (v) => templateLabel(v, 9));
  assert.deepEqual(ours, file);
  assert.deepEqual(Array.from(referenceTemplates(9), (v) => templateLabel(v, 9)), file);
});

test('template counts for m = 2..21 equal the reference numOfTemplates table', () => {
  for (let m = 2; m <= 21; m++) assert.equal(aperiodicTemplates(m).length, REFERENCE_COUNTS[m - 2], `m = ${m}`);
});

test('isAperiodic agrees with the definition on strings (no proper border), m ≤ 10', () => {
  for (let m = 2; m <= 10; m++) {
    for (let v = 0; v < 1 << m; v++) {
      const s = templateLabel(v, m);
      let bordered = false;
      for (let k = 1; k < m; k++) if (s.slice(0, m - k) === s.slice(k)) bordered = true;
      assert.equal(isAperiodic(v, m), !bordered, s);
    }
  }
  assert.deepEqual(Array.from(aperiodicTemplates(3), (v) => templateLabel(v, 3)), ['001', '011', '100', '110']);
});

test('reference selection: m = 10 keeps the first 148 of 284, m = 11 every 3rd', () => {
  const all10 = aperiodicTemplates(10);
  assert.deepEqual(Array.from(referenceTemplates(10)), Array.from(all10.slice(0, 148)));
  const all11 = aperiodicTemplates(11);
  const ref11 = referenceTemplates(11);
  assert.equal(ref11.length, 148);
  for (let j = 0; j < 148; j++) assert.equal(ref11[j], all11[3 * j]);
  assert.equal(referenceTemplates(4).length, 6);
});

test('m outside 2..21 is an InputError naming m', () => {
  assert.throws(() => aperiodicTemplates(1), (e) => e instanceof InputError && /m = 1/.test(e.message));
  assert.throws(() => aperiodicTemplates(22), InputError);
  assert.throws(() => aperiodicTemplates(9.5), InputError);
});
