/**
 * The reference data of the tests (test/fixtures/, where each file comes from is in
 * its README.md), and the two NIST inputs the tests rebuild instead of storing:
 *
 * - data.sqrt2 / data.sqrt3 of sts-2.1.2: the binary expansions of √2 and √3. Only
 *   their first 10^6 bits are used, and those are ⌊√k · 2^(10^6 − 1)⌋ exactly, so an
 *   integer square root gives them (2.3 MB less in the repository).
 * - data.pi.bin of SP800-90B_EntropyAssessment: NIST made it from sts-2.1.2's ASCII
 *   data.pi, one sample per byte, 0 for a '0' character and 1 for every other byte
 *   ('1', but also the spaces and newlines), so it follows from nist-sts/data.pi.
 *
 * Each rebuilt input is checked against the SHA-256 of NIST's file before use, so a
 * wrong rebuild fails loudly instead of shifting every expected value.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BitSequence } from '../../src/bits/bit-sequence.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** sts-2.1.2 sample inputs, its template file and its P-values (trailing slash). */
export const STS_DIR = `${FIXTURES_DIR}nist-sts/`;
/** SP 800-90B samples and the ea_non_iid / ea_iid 1.1.7 outputs (trailing slash). */
export const SP800_90B_DIR = `${FIXTURES_DIR}sp800-90b/`;
/** CAVP DRBGVS response files (trailing slash). */
export const CAVP_DRBG_DIR = `${FIXTURES_DIR}cavp-drbg/`;
/** High-precision erfc / igamc values (trailing slash). */
export const SPECIAL_DIR = `${FIXTURES_DIR}special/`;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function verified<T extends Uint8Array>(bytes: T, digest: string, what: string): T {
  const got = sha256(bytes);
  if (got !== digest) throw new Error(`${what}: rebuilt input has SHA-256 ${got}, NIST's file ${digest}`);
  return bytes;
}

/** ⌊√n⌋: the root of the top half of n (precision doubling), then one Newton step and a final ±1. */
function isqrt(n: bigint): bigint {
  const bits = n.toString(16).length * 4;
  if (bits <= 48) return BigInt(Math.floor(Math.sqrt(Number(n))));
  const half = BigInt(bits >> 2);
  let x = isqrt(n >> (2n * half)) << half;
  x = (x + n / x) >> 1n;
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** SHA-256 of the first 10^6 bits of NIST's data.sqrt2 / data.sqrt3, packed MSB first (125,000 bytes). */
const SQRT_DIGESTS = {
  2: '5de671f07b9fefe7c0ff7d9ca2146944157c17aa6032c3338d1b9c2ae8658a87',
  3: '4c75e3c54dd821f70215e1e016744a74bd8cfb76cbd9be35a37964ae57443cf2',
} as const;

/** The first 10^6 bits of sts-2.1.2's data.sqrt2 (k = 2) or data.sqrt3 (k = 3). */
export function sqrtBits(k: 2 | 3): BitSequence {
  const n = 1_000_000;
  // √k is in [1, 2), so ⌊√(k·4^(n−1))⌋ has exactly n bits: "1." and the first n − 1 fraction bits.
  const root = isqrt(BigInt(k) << BigInt(2 * (n - 1)));
  const bytes = new Uint8Array(Buffer.from(root.toString(16).padStart(n / 4, '0'), 'hex'));
  return BitSequence.fromBytes(verified(bytes, SQRT_DIGESTS[k], `data.sqrt${k}`), n);
}

/** SHA-256 of NIST's data.pi.bin (SP800-90B_EntropyAssessment bin/), 1,165,666 bytes. */
const PI_BIN_DIGEST = 'd9a7de4e1f170f363bcb2a85570e4b6ed2320d5500abc5795bc4bfadcb93b928';

/**
 * The bytes of an SP 800-90B sample file `<name>.bin`: read from the fixtures, or
 * for data.pi rebuilt from nist-sts/data.pi (see the top of this file).
 */
export function sp80090bSamples(name: string): Uint8Array {
  if (name !== 'data.pi') return new Uint8Array(readFileSync(`${SP800_90B_DIR}${name}.bin`));
  const ascii = readFileSync(`${STS_DIR}data.pi`);
  const out = new Uint8Array(ascii.length);
  for (let i = 0; i < ascii.length; i++) out[i] = ascii[i] === 0x30 ? 0 : 1;
  return verified(out, PI_BIN_DIGEST, 'data.pi.bin');
}
