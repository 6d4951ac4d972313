/**
 * SP 800-90A DRBG throughput (MiB/s of output) against raw node:crypto measured
 * in the same run (ECOSYSTEM.md, "node:crypto throughput").
 *
 * - CTR_DRBG AES-256 (use df) generate of 4 KiB and 64 KiB vs a long-lived raw
 *   AES-256-CTR cipher fed 16 KiB updates over the same number of bytes. Bars:
 *   ctr4k/raw ≥ 0.5, ctr64k/raw ≥ 0.6.
 * - Hash_DRBG and HMAC_DRBG SHA-256 generate vs raw SHA-256 / HMAC-SHA256 of the
 *   same number of bytes. Bar ≥ 1/3. Note the arithmetic: Hashgen spends one
 *   compression per 32 output bytes, bulk SHA-256 one per 64 input bytes, so even
 *   a free loop reaches at most 1/2; HMAC_DRBG spends two sequential compressions
 *   (inner, outer HMAC) per 32 bytes, so at most 1/4. Over node:crypto each of
 *   those blocks also costs a native call (~1–3 µs), which dominates.
 * - "percall" tasks do the same number of node:crypto calls as the DRBG loops
 *   (one-shot SHA-256 of seedlen bytes; HMAC-SHA256 of 32 bytes), the floor of any
 *   loop built on node:crypto; the *-vs-percall ratios show the DRBG's own overhead.
 */
import { createCipheriv, createHash, createHmac, hash as digest } from 'node:crypto';
import { CtrDrbg } from '../src/drbg/ctr-drbg.ts';
import { HashDrbg } from '../src/drbg/hash-drbg.ts';
import { HmacDrbg } from '../src/drbg/hmac-drbg.ts';
import type { BenchSuite, BenchTask } from './suite.ts';

const SIZES: Array<[string, number]> = [
  ['4k', 4096],
  ['64k', 65536],
];
const CHUNK = 16384;

/** Fixed, arbitrary inputs (benchmarks need no entropy, only determinism). */
const pattern = (n: number, mul: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * mul + 7) & 0xff));

export const suite: BenchSuite = {
  name: 'drbg',
  unit: 'MiB/s',
  scale: 2 ** 20,
  tasks: () => {
    const key = pattern(32, 13);
    const nonce = pattern(16, 29);
    const zeros = Buffer.alloc(65536);
    const aes = createCipheriv('aes-256-ctr', key, nonce);
    // Reseed interval 2^48 (default): a run never reaches it.
    const ctr = new CtrDrbg({ keyBits: 256, derivationFunction: true });
    ctr.instantiate(key, nonce);
    const hashDrbg = new HashDrbg({ hash: 'sha256' });
    hashDrbg.instantiate(key, nonce);
    const hmacDrbg = new HmacDrbg({ hash: 'sha256' });
    hmacDrbg.instantiate(key, nonce);
    const seed55 = pattern(55, 31);
    const v32 = pattern(32, 37);
    const tasks: BenchTask[] = [];
    for (const [tag, n] of SIZES) {
      const data = zeros.subarray(0, n);
      tasks.push(
        {
          name: `raw-aes256ctr-${tag}`,
          fn: () => {
            for (let off = 0; off < n; off += CHUNK) aes.update(zeros.subarray(0, Math.min(CHUNK, n - off)));
          },
          unitsPerCall: n,
        },
        { name: `ctr-aes256-${tag}`, fn: () => ctr.generate(n), unitsPerCall: n },
        { name: `raw-sha256-${tag}`, fn: () => createHash('sha256').update(data).digest(), unitsPerCall: n },
        { name: `hash-sha256-${tag}`, fn: () => hashDrbg.generate(n), unitsPerCall: n },
        { name: `raw-hmac-sha256-${tag}`, fn: () => createHmac('sha256', key).update(data).digest(), unitsPerCall: n },
        { name: `hmac-sha256-${tag}`, fn: () => hmacDrbg.generate(n), unitsPerCall: n },
      );
    }
    const blocks = 4096 / 32;
    tasks.push(
      {
        name: 'percall-sha256-4k',
        fn: () => {
          for (let i = 0; i < blocks; i++) digest('sha256', seed55, 'buffer');
        },
        unitsPerCall: 4096,
      },
      {
        name: 'percall-hmac-sha256-4k',
        fn: () => {
          for (let i = 0; i < blocks; i++) createHmac('sha256', key).update(v32).digest();
        },
        unitsPerCall: 4096,
      },
    );
    return tasks;
  },
  ratios: [
    { name: 'ctr4k/raw', numerator: 'ctr-aes256-4k', denominator: 'raw-aes256ctr-4k', atLeast: 0.5 },
    { name: 'ctr64k/raw', numerator: 'ctr-aes256-64k', denominator: 'raw-aes256ctr-64k', atLeast: 0.6 },
    { name: 'hash4k/rawsha', numerator: 'hash-sha256-4k', denominator: 'raw-sha256-4k', atLeast: 1 / 3 },
    { name: 'hash64k/rawsha', numerator: 'hash-sha256-64k', denominator: 'raw-sha256-64k', atLeast: 1 / 3 },
    { name: 'hmac4k/rawhmac', numerator: 'hmac-sha256-4k', denominator: 'raw-hmac-sha256-4k', atLeast: 1 / 3 },
    { name: 'hmac64k/rawhmac', numerator: 'hmac-sha256-64k', denominator: 'raw-hmac-sha256-64k', atLeast: 1 / 3 },
    { name: 'hash4k/percall', numerator: 'hash-sha256-4k', denominator: 'percall-sha256-4k' },
    { name: 'hmac4k/percall', numerator: 'hmac-sha256-4k', denominator: 'percall-hmac-sha256-4k' },
  ],
};
