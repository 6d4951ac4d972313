import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComplexFFT, RealFFT, realFFT } from '../../src/kernels/fft.ts';

/** Direct O(n²) DFT with exact angle reduction (jk mod n). */
function naive(re: ArrayLike<number>, im: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = re.length;
  const R = new Float64Array(n);
  const I = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    R[k] = sr;
    I[k] = si;
  }
  return [R, I];
}

/** The bytes of a's first `count` values (all by default), wherever its buffer holds them. */
function bytes(a: Float64Array, count = a.length): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, 8 * count);
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
}

test('complex FFT equals the direct DFT for radix 2/3/4/5, other small primes, and Bluestein lengths', () => {
  const rnd = lcg(1);
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 25, 30, 49, 64, 97, 100, 101, 127, 243, 250, 256, 1000, 1009, 1001]) {
    const re = Array.from({ length: n }, rnd);
    const im = Array.from({ length: n }, rnd);
    const [R, I] = naive(re, im);
    const a = Float64Array.from(re);
    const b = Float64Array.from(im);
    new ComplexFFT(n).transform(a, b);
    let err = 0;
    for (let k = 0; k < n; k++) err = Math.max(err, Math.hypot(a[k]! - R[k]!, b[k]! - I[k]!));
    // The direct sum itself carries ~n·ε error; the FFT must be at least that good.
    assert.ok(err <= 4e-16 * n + 1e-15, `n = ${n}: max error ${err}`);
  }
});

test('real FFT equals the direct DFT (even and odd n) and X_{n-k} symmetry is not needed', () => {
  const rnd = lcg(2);
  for (const n of [2, 3, 10, 11, 100, 202, 1000, 1002]) {
    const x = Array.from({ length: n }, rnd);
    const [R, I] = naive(x, new Array<number>(n).fill(0));
    const { re, im } = realFFT(x);
    assert.equal(re.length, Math.floor(n / 2) + 1);
    for (let k = 0; k < re.length; k++) {
      assert.ok(Math.hypot(re[k]! - R[k]!, im[k]! - I[k]!) <= 4e-16 * n + 1e-15, `n = ${n}, k = ${k}`);
    }
  }
});

test('n = 10^6 (2^6·5^6): Parseval holds to 1e-13 and the spectrum of a pure tone is exact', () => {
  const n = 1_000_000;
  const plan = new RealFFT(n);
  const re = new Float64Array(plan.bins);
  const im = new Float64Array(plan.bins);
  const rnd = lcg(3);
  const x = Float64Array.from({ length: n }, () => (rnd() > 0 ? 1 : -1));
  plan.transform(x, re, im);
  // Σ|x|² = (1/n)·(|X_0|² + 2Σ_{0<k<n/2}|X_k|² + |X_{n/2}|²)
  let e = re[0]! ** 2 + re[n / 2]! ** 2;
  for (let k = 1; k < n / 2; k++) e += 2 * (re[k]! ** 2 + im[k]! ** 2);
  assert.ok(Math.abs(e / n - n) <= 1e-13 * n, `Parseval: ${e / n} vs ${n}`);
  // cos(2π·f·j/n) → X_f = n/2, all other bins ~0.
  const f = 12345;
  const tone = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * ((f * j) % n)) / n));
  plan.transform(tone, re, im);
  let off = 0;
  for (let k = 0; k < plan.bins; k++) if (k !== f) off = Math.max(off, Math.hypot(re[k]!, im[k]!));
  assert.ok(Math.abs(re[f]! - n / 2) <= 1e-15 * n * 10, `peak ${re[f]}`);
  assert.ok(off <= 1e-15 * Math.sqrt(n) * 1000, `leakage ${off}`);
});

test('the in-place path (digit-reversed input) is bit for bit the out-of-place path, so the spectral test is unchanged', () => {
  const rnd = lcg(4);
  for (const n of [2, 3, 4, 5, 6, 8, 12, 30, 60, 64, 100, 500, 1000, 2 ** 10, 3 ** 7, 2 * 3 * 5 * 16 * 25, 500_000]) {
    const plan = new ComplexFFT(n);
    assert.ok(plan.inPlace, `n = ${n}: 5-smooth lengths run in place`);
    const re = Float64Array.from({ length: n }, rnd);
    const im = Float64Array.from({ length: n }, rnd);
    const a = { re: re.slice(), im: im.slice() };
    plan.transform(a.re, a.im);
    const b = { re: new Float64Array(n), im: new Float64Array(n) };
    const seen = new Uint8Array(n);
    let last = -1;
    plan.digitReversal((j, pos) => {
      assert.equal(pos, last + 1, `n = ${n}: positions visited in order`);
      last = pos;
      seen[pos]!++;
      b.re[pos] = re[j]!;
      b.im[pos] = im[j]!;
    });
    assert.ok(seen.every((c) => c === 1), `n = ${n}: digitReversal is a permutation`);
    plan.transformInPlace(b.re, b.im);
    // Bitwise, not within a tolerance: any difference could move an |X_k| across the threshold.
    assert.ok(Buffer.from(b.re.buffer).equals(Buffer.from(a.re.buffer)), `n = ${n}: real parts`);
    assert.ok(Buffer.from(b.im.buffer).equals(Buffer.from(a.im.buffer)), `n = ${n}: imaginary parts`);
  }
  for (const n of [1, 7, 14, 101, 1001]) {
    const plan = new ComplexFFT(n);
    assert.equal(plan.inPlace, false, `n = ${n}`);
    assert.throws(() => plan.transformInPlace(new Float64Array(n), new Float64Array(n)), /no in-place transform/);
  }
});

test('halfSpectrumOfBits is bit for bit halfSpectrum of the ±1 values, on the in-place and out-of-place paths', () => {
  const rnd = lcg(11);
  // 2·(5-smooth) lengths run in place; 2·7·11·13 and 2·101 go through Stockham and Bluestein.
  for (const n of [2, 6, 64, 70, 1000, 2002, 202, 4096, 24_000, 1_000_000]) {
    const plan = new RealFFT(n);
    const words = Uint32Array.from({ length: Math.ceil(n / 32) }, () => (rnd() * 2 ** 32) >>> 0);
    const x = Float64Array.from({ length: n }, (_, i) => ((words[i >>> 5]! >>> (31 - (i & 31))) & 1) * 2 - 1);
    const a = plan.halfSpectrum(x);
    const ref = { re: a.re.slice(0, n / 2), im: a.im.slice(0, n / 2), nyquist: a.nyquist };
    const b = plan.halfSpectrumOfBits(words);
    assert.ok(bytes(b.re, n / 2).equals(bytes(ref.re)), `n = ${n}: real parts`);
    assert.ok(bytes(b.im, n / 2).equals(bytes(ref.im)), `n = ${n}: imaginary parts`);
    assert.equal(Object.is(b.nyquist, ref.nyquist), true, `n = ${n}: Nyquist bin`);
  }
});

test('a plan reused for a second input gives what a fresh plan gives (the loaders overwrite every position)', () => {
  const rnd = lcg(12);
  const n = 24_000;
  const words = (): Uint32Array => Uint32Array.from({ length: n / 32 }, () => (rnd() * 2 ** 32) >>> 0);
  const first = words();
  const second = words();
  const reused = new RealFFT(n);
  reused.halfSpectrumOfBits(first);
  const r = reused.halfSpectrumOfBits(second);
  const f = new RealFFT(n).halfSpectrumOfBits(second);
  assert.ok(bytes(r.re).equals(bytes(f.re)));
  assert.ok(bytes(r.im).equals(bytes(f.im)));
});

test('the WebAssembly SIMD stages are bit for bit the TypeScript stages (pairs, a lone last k, radix 3 between them, chunked twiddles)', () => {
  const rnd = lcg(13);
  // Half lengths: 4·4·2·5^6 (the spectral test's), 5^5 (odd l everywhere: every block ends
  // with a lone k), 3·5·4·2 (a radix-3 stage among SIMD ones), 2^16 and 4·5^7 (stages
  // without a table, twiddles in chunks), 2 and 4 (one stage).
  // 3^10: a radix-3 stage without a table (the gathered twiddles are not used; TypeScript runs it).
  for (const h of [500_000, 3125, 120, 65_536, 312_500, 59_049, 2, 4]) {
    const n = 2 * h;
    const x = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
    const simd = new RealFFT(n);
    assert.equal(simd.simd, true, `n = ${n}: WebAssembly SIMD runs here`);
    const a = simd.halfSpectrum(x);
    const b = new RealFFT(n, { simd: false }).halfSpectrum(x);
    assert.ok(bytes(a.re).equals(bytes(b.re)), `n = ${n}: real parts`);
    assert.ok(bytes(a.im).equals(bytes(b.im)), `n = ${n}: imaginary parts`);
    assert.ok(Object.is(a.nyquist, b.nyquist), `n = ${n}: Nyquist bin`);
  }
});

test('halfSpectrumOfBits counts the bins below a threshold as the direct count does, with and without WebAssembly', () => {
  const rnd = lcg(14);
  // Half lengths 1..9 (no bin pair, or pairs whose mirrors come close), 5^5 (odd), 2^11, and
  // the spectral test's 500,000 (the untangling's pairs end next to the middle bins).
  for (const n of [2, 4, 6, 8, 10, 12, 16, 18, 6250, 4096, 1_000_000]) {
    const words = Uint32Array.from({ length: Math.ceil(n / 32) }, () => (rnd() * 2 ** 32) >>> 0);
    // The test's threshold, and one that every bin but a few is below, so that both branches are taken.
    for (const t2 of [2.995732274 * n, 1.5 * n * n]) {
      const counts = [true, false].map((simd) => {
        const r = new RealFFT(n, { simd }).halfSpectrumOfBits(words, t2);
        let direct = 0;
        for (let k = 0; k < n / 2; k++) if (r.re[k]! * r.re[k]! + r.im[k]! * r.im[k]! < t2) direct++;
        assert.equal(r.below, direct, `n = ${n}, t2 = ${t2}, simd ${simd}: counted as made = counted after`);
        return r.below;
      });
      assert.equal(counts[0], counts[1], `n = ${n}: both paths count the same`);
    }
    assert.equal(new RealFFT(n).halfSpectrumOfBits(words).below, -1, `n = ${n}: no threshold, no count`);
  }
});
