/**
 * `entropy-bench health FILE --entropy H`: runs the SP 800-90B §4.4 continuous health tests
 * (Repetition Count and Adaptive Proportion, src/entropy/health/) over a sample file and
 * reports where a device running them would have raised alarms.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { readInput } from '../../bits/read.ts';
import { openInput, readChunk } from '../../io/input.ts';
import { HealthMonitor, type HealthReport } from '../../entropy/health/index.ts';
import { checkWidth, inferBitsPerSymbol } from '../../entropy/samples.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';

interface HealthOptions {
  entropy: string;
  bits?: string;
  binary?: boolean;
  alphaExponent?: string;
  show?: string;
  json?: boolean;
}

function parseNumber(value: string, flag: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new InputError(`${flag}: expected a number, found '${value}'`);
  return n;
}

function parseWhole(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new InputError(`${flag}: expected a whole number, found '${value}'`);
  const n = Number(value.trim());
  if (n < min || n > max) throw new InputError(`${flag}: expected ${min}..${max}, found ${n}`);
  return n;
}

function formatReport(file: string, bits: number, binary: boolean, r: HealthReport, show: number): string {
  const idx = (list: number[], total: number): string =>
    total === 0 ? '—' : list.slice(0, show).join(', ') + (total > Math.min(show, list.length) ? `, … (${total} in all)` : '');
  let t = `${file}: ${r.samples} samples, ${bits}-bit${binary ? ' (binary source)' : ''}; ` +
    `claimed H = ${r.entropyPerSample} bits/sample, α = 2^-${r.alphaExponent}\n\n`;
  t += `  Repetition Count Test (§4.4.1): cutoff C = ${r.rct.cutoff} identical samples in a row\n`;
  t += `    alarms: ${r.rct.alarms}; first at sample ${r.rct.firstAlarmIndex < 0 ? '—' : r.rct.firstAlarmIndex}\n`;
  t += `    at samples: ${idx(r.rct.alarmIndices, r.rct.alarms)}\n`;
  t += `  Adaptive Proportion Test (§4.4.2): window W = ${r.apt.window}, cutoff C = ${r.apt.cutoff} of the window's first value\n`;
  t += `    alarms: ${r.apt.alarms}; first at sample ${r.apt.firstAlarmIndex < 0 ? '—' : r.apt.firstAlarmIndex}\n`;
  t += `    at samples: ${idx(r.apt.alarmIndices, r.apt.alarms)}\n\n`;
  t += r.pass
    ? 'No alarm: a device running these tests would have accepted every sample.\n'
    : `ALARM: first at sample ${r.firstAlarmIndex}; a device must treat the source as failed from there.\n`;
  return t;
}

const CHUNK = 1 << 20;

/** Size of a regular file, undefined for standard input, pipes and devices. */
function regularFileSize(file: string): number | undefined {
  if (file === '-') return undefined;
  const input = openInput(file);
  try {
    return input.size;
  } finally {
    input.close();
  }
}

/** Calls `f` on consecutive pieces of the input (views of one reused buffer). */
function forEachChunk(file: string, f: (chunk: Uint8Array) => void | boolean): void {
  const input = openInput(file);
  try {
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      let used = 0;
      while (used < buf.length) {
        const r = readChunk(input, buf, used);
        if (r === 0) break;
        used += r;
      }
      if (used === 0) return;
      if (f(buf.subarray(0, used)) === false || used < buf.length) return;
    }
  } finally {
    input.close();
  }
}

/** inferBitsPerSymbol over a file read in pieces, stopping once the top bit has been seen. */
function streamedWidth(file: string): number {
  let or = 0;
  forEachChunk(file, (chunk) => {
    or |= (1 << inferBitsPerSymbol(chunk)) >> 1;
    return or < 0x80;
  });
  return inferBitsPerSymbol(Uint8Array.of(or));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('health')
    .summary('SP 800-90B continuous health tests (RCT + APT) over a sample file')
    .description(
      'Run the two continuous health tests of NIST SP 800-90B §4.4 over raw noise samples, as an\n' +
        'entropy source must run them on every sample it produces, and report where they alarm.\n\n' +
        '  Repetition Count Test: alarms when one value repeats C = 1 + ⌈20/H⌉ times in a row.\n' +
        '  Adaptive Proportion Test: in windows of W = 1024 (binary) or 512 samples, alarms when the\n' +
        '  window\'s first value occurs C = 1 + CRITBINOM(W, 2^-H, 1 - 2^-20) times.\n\n' +
        'H is the min-entropy per sample the source is claimed to have: the cutoffs are set so that a\n' +
        'source that really has H bits per sample alarms with probability at most 2^-20 per test.\n' +
        'FILE holds one sample per byte (its low --bits bits; "-" reads standard input).',
    )
    .argument('<file>', 'sample file, one sample per byte ("-" for stdin)')
    .requiredOption('--entropy <H>', 'claimed min-entropy per sample, in bits (0 < H ≤ bits)')
    .option('--bits <n>', 'bits per sample, 1..8 (default: the highest bit set in the data)')
    .option('--binary', 'binary source: APT window 1024 (default when bits = 1)')
    .option('--alpha-exponent <e>', 'false-alarm rate α = 2^-e per test (default 20)')
    .option('--show <n>', 'alarm indices to print per test (default 20)')
    .option('--json', 'print the report (cutoffs, counts, first 1000 alarm indices per test) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench health test/fixtures/sp800-90b/truerand_8bit.bin --entropy 7\n' +
        '  entropy-bench health test/fixtures/sp800-90b/truerand_1bit.bin --bits 1 --entropy 0.5 --json\n' +
        '  head -c 100000 /dev/zero | entropy-bench health - --bits 8 --entropy 4   # alarms at sample 5\n' +
        '\nExit status: 0 = no alarm, 1 = at least one alarm, 2 = bad input (e.g. a byte wider than\n' +
        '--bits: the message names its offset and value) or bad options.',
    )
    .exitOverride()
    .action((file: string, opts: HealthOptions) => {
      const h = parseNumber(opts.entropy, '--entropy');
      const name = file === '-' ? 'standard input' : file;
      const alphaExponent = opts.alphaExponent === undefined ? 20 : parseNumber(opts.alphaExponent, '--alpha-exponent');
      const show = opts.show === undefined ? 20 : parseWhole(opts.show, '--show', 0, 1000);
      let bits = opts.bits !== undefined ? parseWhole(opts.bits, '--bits', 1, 8) : undefined;
      // A regular file streams through a reused 1 MiB buffer (no copy of the whole file in
      // memory); without --bits a first pass infers the width, stopping at the first byte
      // with the top bit set. Standard input and pipes are read whole once.
      const size = regularFileSize(file);
      const whole = size === undefined ? readInput(file) : null;
      if ((whole ? whole.length : size) === 0) throw new InputError(`${name}: empty, expected one sample per byte`);
      if (bits === undefined) bits = Math.max(1, whole ? inferBitsPerSymbol(whole) : streamedWidth(file));
      if (!(h > 0 && h <= bits)) {
        throw new InputError(`--entropy: expected a min-entropy in (0, ${bits}] bits per ${bits}-bit sample, found ${opts.entropy}`);
      }
      const binary = opts.binary === true || bits === 1;
      const monitor = new HealthMonitor({ entropyPerSample: h, binary, alphaExponent });
      const check = opts.bits !== undefined;
      if (whole) {
        if (check) checkWidth(whole, bits, name);
        monitor.feedAll(whole);
      } else {
        let total = 0;
        forEachChunk(file, (chunk) => {
          if (check) checkWidth(chunk, bits, name, total);
          monitor.feedAll(chunk);
          total += chunk.length;
        });
        if (total === 0) throw new InputError(`${name}: empty, expected one sample per byte`);
      }
      const report = monitor.report();
      ctx.out(
        opts.json
          ? JSON.stringify({ file: name, bitsPerSymbol: bits, binary, ...report }, null, 2) + '\n'
          : formatReport(name, bits, binary, report, show),
      );
      if (!report.pass) setExit(ctx, EXIT_FAILED);
    });
}
