import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInputError } from '../../src/errors.ts';
import { allTestOptionSpecs, checkTestOption, parseTestList, STS_REGISTRY, testSpec } from '../../src/sts/registry.ts';
import { STS_TEST_NAMES } from '../../src/sts/types.ts';
import { loadReference } from './helpers.ts';

test('the registry holds all 15 tests in the reference order, each returning its own name', () => {
  assert.deepEqual(
    STS_REGISTRY.map((t) => t.name),
    [...STS_TEST_NAMES],
  );
  const bits = loadReference('data.sha1').bits;
  for (const t of STS_REGISTRY) {
    const r = t.run(bits, {});
    assert.equal(r.test, t.name);
    assert.ok(r.section.endsWith(t.section), `${t.name}: section ${r.section} vs ${t.section}`);
  }
});

test('parameter defaults equal the reference defaults recorded with the expected outputs', () => {
  // expected/*.json "parameters": BlockFrequency_M 128, NonOverlappingTemplate_m 9, OverlappingTemplate_m 9,
  // ApproximateEntropy_m 10, Serial_m 16, LinearComplexity_M 500.
  const def = (test: string, key: string) => testSpec(test as never).params.find((p) => p.key === key)!.default;
  assert.equal(def('BlockFrequency', 'M'), 128);
  assert.equal(def('NonOverlappingTemplate', 'm'), 9);
  assert.equal(def('OverlappingTemplate', 'm'), 9);
  assert.equal(def('ApproximateEntropy', 'm'), 10);
  assert.equal(def('Serial', 'm'), 16);
  assert.equal(def('LinearComplexity', 'M'), 500);
  const flags = allTestOptionSpecs().map((p) => p.spec.flag);
  assert.equal(new Set(flags).size, flags.length, 'flags are unique');
  for (const f of ['block-frequency-m', 'template-m', 'serial-m', 'apen-m', 'linear-complexity-m']) assert.ok(flags.includes(f), f);
});

test('parseTestList: case-insensitive, reference order, unknown names rejected with the list', () => {
  assert.deepEqual(parseTestList('runs, FREQUENCY,fft'), ['Frequency', 'Runs', 'FFT']);
  assert.throws(
    () => parseTestList('frequency,bogus'),
    (e: unknown) => isInputError(e) && /unknown test 'bogus'.*Frequency, BlockFrequency/.test((e as Error).message),
  );
  assert.throws(() => parseTestList(' , '), (e: unknown) => isInputError(e));
});

test('checkTestOption: ranges and types, errors name the flag', () => {
  const serialM = testSpec('Serial').params[0]!;
  assert.equal(checkTestOption(serialM, 16), 16);
  assert.throws(() => checkTestOption(serialM, 25), (e: unknown) => isInputError(e) && /--serial-m 25: expected an integer in 2\.\.24/.test((e as Error).message));
  assert.throws(() => checkTestOption(serialM, 2.5), (e: unknown) => isInputError(e));
});
