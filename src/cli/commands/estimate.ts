/**
 * `entropy-bench estimate FILE [bits_per_symbol]`: the SP 800-90B min-entropy
 * assessment of a sample file, like NIST's ea_non_iid / ea_iid 1.1.7.
 * Non-IID track (default): the ten §6.3 estimators on the symbols and on the
 * bitstring (src/entropy/assess.ts). `--iid`: the IID track (§5 tests + MCV,
 * src/entropy/iid/assess-iid.ts).
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { inputName, readInput } from '../../io/input.ts';
import { assessNonIid, MIN_SAMPLES, type NonIidAssessment } from '../../entropy/assess.ts';
import { assessIid, type IidAssessment } from '../../entropy/iid/assess-iid.ts';
import { checkWidth, inferBitsPerSymbol, unpackBits } from '../../entropy/samples.ts';
import { ESTIMATOR_NAMES, type EntropyEstimate } from '../../entropy/types.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';
import { boundJobs } from '../jobs.ts';
import { compileLoopsInline } from '../osr.ts';

interface EstimateOptions {
  iid?: boolean;
  conditioned?: boolean;
  truncate?: boolean;
  offset?: string;
  samples?: string;
  packedBits?: boolean;
  bits?: string;
  json?: boolean;
  verbose?: boolean;
  claimed?: string;
  seed?: string;
  jobs?: string;
  shuffles?: string;
}

function parseWhole(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InputError(`${flag}: expected a whole number, found '${value}'`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw new InputError(`${flag}: expected a whole number below 2^53, found '${value}'`);
  return n;
}

function parsePositive(value: string, flag: string): number {
  const n = parseWhole(value, flag);
  if (n < 1) throw new InputError(`${flag}: expected at least 1, found '${value}'`);
  return n;
}

/** Reads the samples the options select: one per byte, or unpacked bits; then the block. */
export function readSamples(file: string, opts: EstimateOptions): Uint8Array {
  const bytes = readInput(file);
  if (bytes.length === 0) throw new InputError(`${inputName(file)}: empty input, expected one sample per byte`);
  let samples = opts.packedBits ? unpackBits(bytes) : bytes;
  const offset = opts.offset === undefined ? 0 : parseWhole(opts.offset, '--offset');
  const count = opts.samples === undefined ? undefined : parseWhole(opts.samples, '--samples');
  if (count === 0) throw new InputError('--samples: expected at least 1');
  if (offset > 0 || count !== undefined) {
    if (offset >= samples.length) {
      throw new InputError(`--offset: ${offset} is past the end of ${file} (${samples.length} samples)`);
    }
    samples = samples.subarray(offset, count === undefined ? undefined : Math.min(samples.length, offset + count));
  }
  return samples;
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(6));

function formatIntermediates(e: EntropyEstimate): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'name' || k === 'section' || k === 'hMin' || v === undefined) continue;
    parts.push(`${k}=${String(v)}`);
  }
  return parts.join(' ');
}

function formatNonIid(file: string, r: NonIidAssessment, verbose: boolean, times: Map<string, number>): string {
  let t = `${file}: ${r.samples} samples, ${r.bitsPerSymbol}-bit, ${r.k} distinct symbols; ` +
    `SP 800-90B non-IID track${r.conditioned ? ' (conditioned sequential dataset, §3.1.5.2)' : ''}\n`;
  if (r.bitstring !== null) t += `bitstring: ${r.bitstringLength} bits${r.truncated ? ' (truncated to the first 10^6)' : ''}\n`;
  if (r.original === null && r.bitstring === null) {
    t += `Assessed min-entropy: ${fmt(r.assessed)} bits per ${r.bitsPerSymbol}-bit sample\n`;
    return t;
  }
  t += `\n  ${'estimator'.padEnd(12)} ${'section'.padEnd(8)} ${'original'.padStart(10)} ${'bitstring'.padStart(10)}\n`;
  const find = (list: EntropyEstimate[] | null, n: string): EntropyEstimate | undefined => list?.find((e) => e.name === n);
  for (const name of ESTIMATOR_NAMES) {
    const o = find(r.original, name);
    const b = find(r.bitstring, name);
    if (!o && !b) continue;
    const sec = (o ?? b)!.section;
    const cell = (e: EntropyEstimate | undefined): string => (e === undefined ? '' : e.hMin === null ? 'n/a' : fmt(e.hMin));
    t += `  ${name.padEnd(12)} ${sec.padEnd(8)} ${cell(o).padStart(10)} ${cell(b).padStart(10)}\n`;
  }
  t += '\n';
  if (r.hOriginal !== null) t += `H_original  = ${fmt(r.hOriginal)} bits per sample\n`;
  if (r.hBitstring !== null) {
    t += `H_bitstring = ${fmt(r.hBitstring)} bits per bit (× ${r.bitsPerSymbol} = ${fmt(r.hBitstring * r.bitsPerSymbol)} per sample)\n`;
  }
  t += `Assessed min-entropy: ${fmt(r.assessed)} bits per ${r.bitsPerSymbol}-bit sample\n`;
  if (verbose) {
    t += '\nIntermediate values (n/a = not applicable to this input):\n';
    for (const [track, list] of [['original', r.original], ['bitstring', r.bitstring]] as const) {
      for (const e of list ?? []) {
        const ms = times.get(`${track}:${e.name}`);
        t += `  ${track} ${e.name} (§${e.section}): H = ${e.hMin === null ? 'n/a' : String(e.hMin)}` +
          `${ms === undefined ? '' : `, ${ms.toFixed(0)} ms`}\n    ${formatIntermediates(e)}\n`;
      }
    }
  }
  return t;
}

function formatIid(file: string, r: IidAssessment): string {
  const v = (p: boolean): string => (p ? 'pass' : 'FAIL');
  let t = `${file}: ${r.samples} samples, ${r.bitsPerSymbol}-bit, ${r.distinctSymbols} distinct symbols; SP 800-90B IID track\n\n`;
  t += `  chi-square tests (§5.2.1-5.2.2): ${v(r.chiSquare.pass)}\n`;
  t += `  LRS test (§5.2.3):               ${v(r.lrs.pass)}\n`;
  t += `  permutation tests (§5.1):        ${v(r.permutation.pass)}\n`;
  t += `  IID assumption: ${r.iid ? 'not rejected' : 'REJECTED (use the non-IID track)'}\n\n`;
  t += `H_original  = ${fmt(r.H_original)} (MCV, §6.3.1)\n`;
  if (r.H_bitstring !== null) t += `H_bitstring = ${fmt(r.H_bitstring)} per bit\n`;
  t += `Assessed min-entropy: ${fmt(r.minEntropy)} bits per ${r.bitsPerSymbol}-bit sample\n`;
  return t;
}

/**
 * Progress of the IID permutation rounds on a terminal: rounds done of the
 * maximum and an estimated time left (from the rate so far; the test may also
 * stop early once every statistic has settled). At most five updates a second.
 */
function shuffleProgress(ctx: CliContext): (done: number, total: number) => void {
  const t0 = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    const eta = done > 0 ? ((now - t0) / done) * (total - done) / 1000 : NaN;
    ctx.err(`\restimate --iid: shuffles ${done}/${total}${Number.isFinite(eta) ? `, about ${eta.toFixed(0)} s left at most` : ''}   `);
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('estimate')
    .summary('SP 800-90B min-entropy of a sample file (non-IID estimators, or --iid)')
    .description(
      'Assess the min-entropy of raw noise samples as NIST SP 800-90B and its reference tool\n' +
        '(ea_non_iid / ea_iid 1.1.7) do. FILE holds one sample per byte; the symbol is the low\n' +
        'bits_per_symbol bits (inferred from the highest bit set when omitted). The non-IID track runs\n' +
        'the ten estimators of §6.3 on the symbols and, for more than two distinct symbols, on the\n' +
        'bitstring of the samples (MSB first); the assessed entropy is\n' +
        'min(bits, H_original, bits × H_bitstring). SP 800-90B asks for at least 10^6 samples; fewer\n' +
        'runs with a warning.',
    )
    .argument('<file>', 'sample file (one sample per byte, or packed bits with --packed-bits)')
    .argument('[bits_per_symbol]', 'bits per sample, 1..8 (default: inferred from the data)')
    .option('--bits <n>', 'the same as bits_per_symbol (as `health --bits` takes it)')
    .option('--iid', 'IID track instead: chi-square, LRS and permutation tests, MCV estimate')
    .option('--conditioned', 'conditioned sequential dataset (§3.1.5.2): bitstring estimators only (h\')')
    .option('--truncate', 'use only the first 10^6 bits for the bitstring track')
    .option('--offset <n>', 'skip the first n samples (with --samples: assess one block)')
    .option('--samples <m>', 'assess at most m samples')
    .option('--packed-bits', 'FILE holds a 1-bit source packed 8 samples per byte, MSB first')
    .option('--claimed <h>', 'exit 1 when the assessed min-entropy is below h bits per sample')
    .option('--seed <n>', 'seed of the IID permutation shuffles (with --iid)')
    .option('--jobs <n>', 'worker threads for the IID permutation tests (with --iid; default 1)')
    .option(
      '--shuffles <n>',
      'permutation rounds of the IID tests (with --iid; default 10000 as SP 800-90B §5.1;\n' +
        'fewer is a deviation from the standard: quicker, but the verdict is less certain)',
    )
    .option('--json', 'print the full result (every estimator and intermediate value) as JSON')
    .option('--verbose', 'also print every intermediate value and each estimator\'s time')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench estimate test/fixtures/sp800-90b/truerand_8bit.bin 8\n' +
        '  entropy-bench estimate test/fixtures/sp800-90b/truerand_4bit.bin 4 --truncate --claimed 2.5\n' +
        '  entropy-bench estimate test/fixtures/sp800-90b/normal.bin --offset 500000 --samples 500000 --json > half2.json\n' +
        '  entropy-bench estimate test/fixtures/nist-sts/data.sha1 --packed-bits --iid\n' +
        '  entropy-bench estimate test/fixtures/sp800-90b/rand8_short.bin 8 --iid --jobs 2 --shuffles 1000   (quick look; not §5.1)\n' +
        '\nExit status: 0 = assessed (and at least --claimed when given), 1 = assessed below --claimed,\n' +
        '2 = missing/empty file, a sample wider than bits_per_symbol (the message names its offset),\n' +
        'or bad options.',
    )
    .exitOverride()
    .action(async (file: string, bitsArg: string | undefined, opts: EstimateOptions) => {
      compileLoopsInline();
      if (opts.iid && opts.conditioned) throw new InputError('--iid and --conditioned: choose one track');
      const claimed = opts.claimed === undefined ? undefined : Number(opts.claimed);
      if (claimed !== undefined && !(Number.isFinite(claimed) && claimed >= 0 && claimed <= 8)) {
        throw new InputError(`--claimed: expected a number of bits 0..8, found '${opts.claimed}'`);
      }
      if (bitsArg !== undefined && opts.bits !== undefined && bitsArg.trim() !== opts.bits.trim()) {
        throw new InputError(`bits_per_symbol ${bitsArg} and --bits ${opts.bits}: give the width once`);
      }
      const width = bitsArg ?? opts.bits;
      const widthName = bitsArg !== undefined ? 'bits_per_symbol' : '--bits';
      let bits: number | undefined;
      if (width !== undefined) {
        bits = parseWhole(width, widthName);
        if (bits < 1 || bits > 8) throw new InputError(`${widthName}: expected 1..8, found ${width}`);
        if (opts.packedBits && bits !== 1) throw new InputError(`${widthName}: --packed-bits is a 1-bit source, found ${bits}`);
      }
      const data = readSamples(file, opts);
      if (bits === undefined) bits = opts.packedBits ? 1 : Math.max(1, inferBitsPerSymbol(data));
      // The reference refuses data that does not fit the declared width; name the first offending byte.
      const base = opts.offset === undefined ? 0 : parseWhole(opts.offset, '--offset');
      try {
        checkWidth(data, bits, file);
      } catch (e) {
        if (e instanceof InputError && base > 0) {
          throw new InputError(e.message.replace(/byte (\d+)/, (_, i: string) => `byte ${base + Number(i)}`));
        }
        throw e;
      }
      if (data.length < MIN_SAMPLES) {
        ctx.err(`entropy-bench: warning: ${file}: ${data.length} samples, SP 800-90B asks for at least ${MIN_SAMPLES}\n`);
      }
      let assessed: number;
      if (opts.iid) {
        if (opts.shuffles !== undefined && parsePositive(opts.shuffles, '--shuffles') < 10_000) {
          ctx.err(`entropy-bench: warning: --shuffles ${opts.shuffles}: SP 800-90B §5.1 asks for 10,000 permutations; this verdict deviates from the standard\n`);
        }
        const r = await assessIid(data, {
          bitsPerSymbol: bits,
          source: file,
          ...(opts.seed !== undefined ? { seed: parseWhole(opts.seed, '--seed') } : {}),
          ...(opts.jobs !== undefined ? { jobs: boundJobs(parsePositive(opts.jobs, '--jobs'), ctx, 'estimate') } : {}),
          ...(opts.shuffles !== undefined ? { shuffles: parsePositive(opts.shuffles, '--shuffles') } : {}),
          ...(ctx.isTTY ? { onProgress: shuffleProgress(ctx) } : {}),
        });
        if (ctx.isTTY) ctx.err('\n');
        assessed = r.minEntropy;
        ctx.out(opts.json ? JSON.stringify({ file, track: 'iid', ...r }, null, 2) + '\n' : formatIid(file, r));
      } else {
        const times = new Map<string, number>();
        const r = assessNonIid(data, {
          bitsPerSymbol: bits,
          conditioned: opts.conditioned ?? false,
          truncate: opts.truncate ?? false,
          onEstimate: (track, e, ms) => {
            times.set(`${track}:${e.name}`, ms);
            // Progress on a terminal only: one line per estimator as it finishes.
            if (ctx.isTTY) ctx.err(`estimate: ${track} ${e.name} done (${(ms / 1000).toFixed(1)} s)\n`);
          },
        });
        assessed = r.assessed;
        for (const w of r.warnings) if (!/less than/.test(w)) ctx.err(`entropy-bench: warning: ${file}: ${w}\n`);
        ctx.out(opts.json ? JSON.stringify({ file, track: 'non-iid', ...r }, null, 2) + '\n' : formatNonIid(file, r, opts.verbose ?? false, times));
      }
      if (claimed !== undefined && assessed < claimed) {
        ctx.err(`entropy-bench: ${file}: assessed min-entropy ${fmt(assessed)} is below the claimed ${claimed}\n`);
        setExit(ctx, EXIT_FAILED);
      }
    });
}
