/**
 * SP 800-90B non-IID estimator throughput (Msamples/s of source samples) on
 * NIST's shipped samples: truerand_8bit.bin (10^6 8-bit samples, 256 symbols)
 * and truerand_1bit.bin (10^6 bits). One task per estimator on each, and one
 * for the whole assessment (both tracks, as ea_non_iid). Collision, Markov
 * and Compression apply to binary data only, so on the 8-bit file they run on
 * its 8×10^6-bit bitstring (as the assessment does). `quick` uses the first
 * 10^5 1-bit and 2·10^4 8-bit samples (MultiMMC and LZ78Y on 10^5 8-bit samples
 * take ~1 s per call, too long for the several fresh processes the gate runs).
 *
 * The IID track's compression statistic (§5.1.11, the costliest of its permutation rounds) is
 * timed on the 8-bit samples' text both ways: computed (src/entropy/iid/bzip2-decimal.ts) and
 * by libbzip2 itself, which gives the same number.
 *
 * Bars (ISSUE): whole assessment of 10^6 8-bit samples ≤ 10 s of one core
 * (0.1 Msamples/s), of 10^6 1-bit samples ≤ 0.45 s (2.2 Msamples/s); the
 * reference ea_non_iid 1.1.7 takes ~18 s and ~0.75 s.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assessNonIid } from '../src/entropy/assess.ts';
import { prepareSamples, toBitstring } from '../src/entropy/samples.ts';
import { mostCommonValue } from '../src/entropy/estimators/mcv.ts';
import { collisionEstimate } from '../src/entropy/estimators/collision.ts';
import { markovEstimate } from '../src/entropy/estimators/markov.ts';
import { compressionEstimate } from '../src/entropy/estimators/compression.ts';
import { tTupleEstimate } from '../src/entropy/estimators/t-tuple.ts';
import { lrsEstimate } from '../src/entropy/estimators/lrs.ts';
import { multiMcwEstimate } from '../src/entropy/estimators/multi-mcw.ts';
import { lagEstimate } from '../src/entropy/estimators/lag.ts';
import { multiMmcEstimate } from '../src/entropy/estimators/multi-mmc.ts';
import { lz78yEstimate } from '../src/entropy/estimators/lz78y.ts';
import { DecimalBzip2 } from '../src/entropy/iid/bzip2-decimal.ts';
import { bzip2Length, decimalText, loadBzip2, type Bz2Module } from '../src/entropy/iid/compression.ts';
import type { BenchSuite, BenchTask } from './suite.ts';

const DATA = fileURLToPath(new URL('../test/fixtures/sp800-90b/', import.meta.url));

let inputs: { b8: Uint8Array; b1: Uint8Array; bz: Bz2Module } | undefined;

function compressionTasks(data: Uint8Array, bz: Bz2Module): BenchTask[] {
  const values = Array.from({ length: 256 }, (_, v) => v);
  const text = decimalText(data, values);
  const computed = new DecimalBzip2();
  const t = (name: string, fn: () => unknown): BenchTask => ({ name: `8-bit IID compression statistic, ${name}`, fn, unitsPerCall: data.length });
  return [t('computed', () => computed.length(text)), t('libbzip2', () => bzip2Length(bz, text))];
}

function estimatorTasks(label: string, data: Uint8Array, bits: number): BenchTask[] {
  const p = prepareSamples(data, bits);
  const { symbols, k } = p;
  const n = data.length;
  // Binary-only estimators see the bitstring of multi-bit data, as in the assessment.
  const binary = k <= 2 ? symbols : toBitstring(p.masked, bits);
  const t = (name: string, fn: () => unknown): BenchTask => ({ name: `${label} ${name}`, fn, unitsPerCall: n });
  return [
    t('MCV', () => mostCommonValue(symbols, k)),
    t('Collision', () => collisionEstimate(binary)),
    t('Markov', () => markovEstimate(binary)),
    t('Compression', () => compressionEstimate(binary)),
    t('tTuple', () => tTupleEstimate(symbols)),
    t('LRS', () => lrsEstimate(symbols)),
    t('MultiMCW', () => multiMcwEstimate(symbols, k)),
    t('Lag', () => lagEstimate(symbols, k)),
    t('MultiMMC', () => multiMmcEstimate(symbols, k)),
    t('LZ78Y', () => lz78yEstimate(symbols, k)),
    t('assessment (both tracks)', () => assessNonIid(data, { bitsPerSymbol: bits })),
  ];
}

export const suite: BenchSuite = {
  name: 'entropy',
  unit: 'Msamples/s',
  scale: 1e6,
  setup: async ({ quick }) => {
    const n1 = quick ? 100_000 : 1_000_000;
    const n8 = quick ? 20_000 : 1_000_000;
    inputs = {
      b8: new Uint8Array(readFileSync(`${DATA}truerand_8bit.bin`)).subarray(0, n8),
      b1: new Uint8Array(readFileSync(`${DATA}truerand_1bit.bin`)).subarray(0, n1),
      bz: await loadBzip2(),
    };
  },
  tasks: () => {
    if (!inputs) throw new Error('bench entropy: setup did not run');
    return [...estimatorTasks('8-bit', inputs.b8, 8), ...estimatorTasks('1-bit', inputs.b1, 1), ...compressionTasks(inputs.b8, inputs.bz)];
  },
};
