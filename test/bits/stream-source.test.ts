import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { readBits } from '../../src/bits/read.ts';
import { isInputError } from '../../src/errors.ts';
import { runBattery } from '../../src/sts/battery.ts';
import { binaryFileSource, copyBits, memorySource, sequentialSource } from '../../src/bits/stream-source.ts';
import { openInput } from '../../src/io/input.ts';
import { loadReference, STS_DATA_DIR } from '../sts/helpers.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SHA1 = `${STS_DATA_DIR}data.sha1`;

function sliceWords(bits: BitSequence, start: number, n: number): number[] {
  return [...bits.slice(start, n).words];
}

test('copyBits equals BitSequence.slice at every alignment, tail bits zero', () => {
  const bits = readBits(SHA1, 'binary', 20_000);
  for (const start of [0, 1, 7, 8, 31, 32, 33, 100, 4095]) {
    for (const n of [1, 8, 31, 32, 33, 1001, 9000]) {
      const into = new Uint32Array((n + 31) >>> 5).fill(0xffffffff);
      copyBits(bits.words, start, n, into);
      assert.deepEqual([...into], sliceWords(bits, start, n), `start ${start}, n ${n}`);
    }
  }
  assert.throws(() => copyBits(bits.words, 0, 33, new Uint32Array(1)), RangeError);
});

test('binaryFileSource reads the same bits as readBits, streams at any bit offset', () => {
  const whole = readBits(SHA1, 'binary');
  const src = binaryFileSource(SHA1);
  try {
    assert.equal(src.length, whole.length);
    for (const [start, n] of [[0, 1_000_000], [3, 1001], [1001, 1001], [999_000, 1000], [17, 64], [8, 8]] as const) {
      const into = new Uint32Array((n + 31) >>> 5);
      src.read(start, n, into);
      assert.deepEqual([...into], sliceWords(whole, start, n), `start ${start}, n ${n}`);
    }
    assert.throws(() => src.read(999_999, 2, new Uint32Array(1)), RangeError);
  } finally {
    src.close();
  }
  // maxBits caps the length as readBits does.
  const capped = binaryFileSource(SHA1, 5000);
  assert.equal(capped.length, 5000);
  capped.close();
});

test('binaryFileSource: a missing file is an InputError naming it', () => {
  assert.throws(
    () => binaryFileSource('/nonexistent/bits.bin'),
    (e: unknown) => isInputError(e) && /\/nonexistent\/bits\.bin: no such file/.test((e as Error).message),
  );
});

test('a file read stream by stream gives the results of the whole sequence in memory (1 and 2 jobs)', async () => {
  const dir = tempDir('sts-source-');
  const file = join(dir, 'pi.bin');
  const pi = loadReference('data.pi').bits;
  writeFileSync(file, pi.toBytes());
  const opts = { n: 100_003, streams: 6, tests: ['Frequency', 'Runs', 'FFT', 'LinearComplexity'] as const };
  const fromMemory = await runBattery(pi, { ...opts, tests: [...opts.tests] });
  const src = binaryFileSource(file);
  try {
    assert.deepEqual(await runBattery(src, { ...opts, tests: [...opts.tests] }), fromMemory);
    assert.deepEqual(await runBattery(src, { ...opts, tests: [...opts.tests], jobs: 2 }), fromMemory);
  } finally {
    src.close();
  }
  assert.deepEqual(await runBattery(memorySource(pi), { ...opts, tests: [...opts.tests], jobs: 2 }), fromMemory);
});

test('sequentialSource decodes ascii, hex and binary front to back, stream by stream, equal to readBits', () => {
  const dir = tempDir('seq-src-');
  const whole = readBits(SHA1, 'binary', 40_000);
  const bytes = whole.toBytes();
  // ascii with scattered whitespace, hex with line breaks: both must give the same bits.
  let ascii = '';
  for (let i = 0; i < whole.length; i++) ascii += String(whole.bit(i)) + (i % 97 === 0 ? '\n' : i % 13 === 0 ? ' ' : '');
  writeFileSync(join(dir, 'a.txt'), ascii);
  writeFileSync(join(dir, 'h.txt'), Buffer.from(bytes).toString('hex').replace(/(.{60})/g, '$1\n'));
  writeFileSync(join(dir, 'b.bin'), bytes);
  for (const [file, format] of [['a.txt', 'auto'], ['h.txt', 'hex'], ['b.bin', 'binary']] as const) {
    const n = 1001; // not a multiple of 8 or 32: streams start at every bit alignment
    const src = sequentialSource(openInput(join(dir, file)), format, 39 * n, 39 * n);
    for (let s = 0; s < 39; s++) {
      const into = new Uint32Array((n + 31) >>> 5);
      src.read(s * n, n, into);
      assert.deepEqual([...into], sliceWords(whole, s * n, n), `${file} stream ${s}`);
    }
    assert.throws(() => src.read(0, n, new Uint32Array(32)), /forward/);
    src.close();
  }
  // Asking past the end names the input and the bits it had.
  const short = sequentialSource(openInput(join(dir, 'b.bin')), 'binary', 50_000);
  assert.throws(() => short.read(0, 50_000, new Uint32Array(1563)), (e: unknown) => isInputError(e) && /b\.bin: ended after 40000 bits, but 50000 bits are needed/.test((e as Error).message));
  short.close();
});
