/**
 * Shared helpers for the SP 800-22 known-answer tests: the NIST sample inputs
 * and the P-values that unmodified sts-2.1.2 reports for their first 1,000,000
 * bits (test/fixtures/nist-sts/expected/<input>.json, printed with %.17g).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { readBits } from '../../src/bits/read.ts';
import { STS_DIR, sqrtBits } from '../helpers/fixtures.ts';

export const STS_DATA_DIR = STS_DIR;

/** The five inputs with reference outputs, and how sts-2.1.2 reads each (data.sqrt2/3 are rebuilt, see helpers/fixtures.ts). */
export const REFERENCE_INPUTS = {
  'data.e': 'ascii',
  'data.pi': 'ascii',
  'data.sqrt2': 'ascii',
  'data.sqrt3': 'ascii',
  'data.sha1': 'binary',
} as const;
export type ReferenceInput = keyof typeof REFERENCE_INPUTS;
export const REFERENCE_NAMES = Object.keys(REFERENCE_INPUTS) as ReferenceInput[];

export interface Reference {
  /** First 1,000,000 bits of the input. */
  bits: BitSequence;
  /** P-values per reference test name, in the reference's order. */
  expected: Record<string, number[]>;
  /** Labels of multi-valued tests (`labels` of the JSON). */
  labels: Record<string, (string | number)[]>;
  /** Notes where the reference wrote a placeholder (e.g. excursions not applicable). */
  status: Record<string, string>;
}

const cache = new Map<string, Reference>();

/** Loads (once per process) the bits and reference P-values of one NIST sample input. */
export function loadReference(name: ReferenceInput): Reference {
  const hit = cache.get(name);
  if (hit) return hit;
  const json = JSON.parse(readFileSync(`${STS_DATA_DIR}expected/${name}.json`, 'utf8')) as {
    tests: Record<string, number[]>;
    labels?: Record<string, (string | number)[]>;
    status?: Record<string, string>;
  };
  const bits =
    name === 'data.sqrt2' ? sqrtBits(2) : name === 'data.sqrt3' ? sqrtBits(3) : readBits(`${STS_DATA_DIR}${name}`, REFERENCE_INPUTS[name], 1_000_000);
  assert.equal(bits.length, 1_000_000, `${name}: expected 1,000,000 bits`);
  const ref: Reference = { bits, expected: json.tests, labels: json.labels ?? {}, status: json.status ?? {} };
  cache.set(name, ref);
  return ref;
}

/**
 * Asserts P-values equal the reference: |Δ| ≤ 1e-9 absolute, and for expected
 * values below 1e-6 a relative error ≤ 1e-6 (tiny P-values differ absolutely by
 * nothing, so they are compared relatively).
 */
export function assertPValues(actual: number[], expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} P-values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Number.isFinite(a), `${label}[${i}]: ${a} is not finite`);
    const ok = e < 1e-6 ? (e === 0 ? a === 0 : Math.abs(a - e) <= 1e-6 * e) : Math.abs(a - e) <= 1e-9;
    assert.ok(ok, `${label}[${i}]: got ${a}, expected ${e} (Δ ${(a - e).toExponential(3)})`);
  }
}

/** Bits from a '0'/'1' string (whitespace ignored), for the worked examples of SP 800-22. */
export function bitsOf(s: string): BitSequence {
  const clean = s.replace(/\s+/g, '');
  if (!/^[01]*$/.test(clean)) throw new Error(`bitsOf: not a bit string: ${s.slice(0, 40)}`);
  return BitSequence.fromBitArray(Array.from(clean, (c) => (c === '1' ? 1 : 0)));
}

/** The 100-bit ε used by the worked examples of SP 800-22 §2.1.8, §2.2.8, §2.3.8, §2.6.8, §2.13.8 (π's expansion). */
export const EXAMPLE_100 =
  '1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000';

/** |actual − expected| ≤ tol, with a readable message. */
export function assertClose(actual: number, expected: number, tol: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: got ${actual}, expected ${expected} ± ${tol}`);
}
