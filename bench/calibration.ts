/**
 * Calibration tasks: the machine's own limits, measured in the same run as
 * every other suite so the gate can compare ratios instead of absolute speed
 * (ARCHITECTURE.md, "Two kinds of numbers"):
 *
 * - `js-scan`: a plain JavaScript integer loop over a Uint32Array (xorshift
 *   mixing + SWAR popcount): what V8 does per byte for our pure-JS statistics;
 *   the reference for the SP 800-22 / 800-90B / health / simulation suites;
 * - `aes-256-ctr`: raw node:crypto AES-256-CTR keystream, 16 KiB per update()
 *   (ECOSYSTEM.md: the fast path), the physical limit of a CTR_DRBG;
 * - `aes-256-gcm`: raw AES-256-GCM with 32 KiB updates, the limit of the SMM
 *   variable driver's encryption;
 * - `sha-256`: raw node:crypto SHA-256, the limit of Hash_DRBG/HMAC_DRBG.
 *
 * All in MB/s (10^6 bytes per second) over 1 MiB per call.
 */
import { createCipheriv, createHash, type Cipher } from 'node:crypto';
import type { BenchSuite } from './suite.ts';

const BYTES = 1 << 20;
let data = new Uint8Array(0);
let words = new Uint32Array(0);
let ctr: Cipher | undefined;
const key = new Uint8Array(32).fill(7);
const iv = new Uint8Array(16).fill(1);

/** Integer mixing + SWAR popcount over every word (kept live through the return value). */
function jsScan(w: Uint32Array): number {
  let acc = 0;
  let x = 0x9e3779b9;
  for (let i = 0; i < w.length; i++) {
    x ^= w[i]!;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    let v = x >>> 0;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    acc += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return acc;
}

function chunks(bytes: Uint8Array, size: number, f: (b: Uint8Array) => void): void {
  for (let o = 0; o < bytes.length; o += size) f(bytes.subarray(o, o + size));
}

export const suite: BenchSuite = {
  name: 'calibration',
  unit: 'MB/s',
  scale: 1e6,
  setup: () => {
    data = new Uint8Array(BYTES);
    // Deterministic filler (content does not change the speed of these tasks).
    for (let i = 0; i < BYTES; i++) data[i] = (i * 131 + (i >>> 8)) & 0xff;
    words = new Uint32Array(data.buffer);
    ctr = createCipheriv('aes-256-ctr', key, iv);
  },
  tasks: () => [
    { name: 'js-scan', fn: () => jsScan(words), unitsPerCall: BYTES },
    {
      name: 'aes-256-ctr',
      fn: () => {
        let n = 0;
        chunks(data, 16384, (b) => (n += ctr!.update(b).length));
        return n;
      },
      unitsPerCall: BYTES,
    },
    {
      name: 'aes-256-gcm',
      fn: () => {
        const c = createCipheriv('aes-256-gcm', key, iv.subarray(0, 12));
        let n = 0;
        chunks(data, 32768, (b) => (n += c.update(b).length));
        c.final();
        return c.getAuthTag().length + n;
      },
      unitsPerCall: BYTES,
    },
    { name: 'sha-256', fn: () => createHash('sha256').update(data).digest(), unitsPerCall: BYTES },
  ],
};
