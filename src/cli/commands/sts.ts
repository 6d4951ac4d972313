/**
 * `entropy-bench sts [file|-]`: the NIST SP 800-22 Rev 1a battery (15 tests, as
 * sts-2.1.2 computes them) over one or many streams of a bit file, with the
 * second-level analysis of §4.2 and a battery verdict that accounts for the
 * multiple testing (src/sts/verdict.ts). Thin: parse and validate options,
 * call src/sts, format the data.
 */
import type { Command } from 'commander';
import { BIT_FORMATS, type BitFormat } from '../../bits/read.ts';
import { inputName } from '../../io/input.ts';
import { InputError } from '../../errors.ts';
import { runBatteryDocument } from '../../sts/battery-document.ts';
import { allTestOptionSpecs, checkTestOption, parseTestList, STS_REGISTRY, testSpec, type TestParams } from '../../sts/registry.ts';
import { SECOND_LEVEL_RULES, type SecondLevelRule } from '../../sts/second-level.ts';
import { finalAnalysisReport } from '../../sts/final-analysis-report.ts';
import { openStreamSource, type StreamSource } from '../../bits/stream-source.ts';
import type { StsTestName, TestResult } from '../../sts/types.ts';
import type { BatteryVerdict } from '../../sts/verdict.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';
import { keepYoungGenerationSmall } from '../heap.ts';
import { boundJobs } from '../jobs.ts';
import { compileLoopsInline } from '../osr.ts';

const DEFAULT_BITS = 1_000_000;

/** commander's camelCase key for a flag like 'block-frequency-m'. */
function optionKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function parseWhole(value: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const t = value.trim();
  if (!/^\d+$/.test(t)) throw new InputError(`${flag}: expected a whole number, found '${value}'`);
  const v = Number(t);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new InputError(`${flag} ${value}: expected a whole number in ${min}..${max}`);
  return v;
}

function parseAlpha(value: string, flag: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !(v > 0 && v < 1)) throw new InputError(`${flag} ${value}: expected a number in (0, 1)`);
  return v;
}

interface StsOptions {
  format: string;
  bits?: string;
  streams: string;
  tests?: string;
  alpha: string;
  familyAlpha: string;
  jobs: string;
  secondLevel: string;
  json?: boolean;
  [flag: string]: string | boolean | undefined;
}

/** Per-test parameters from the flags; every value checked against the registry's range. */
function collectParams(opts: StsOptions, tests: readonly StsTestName[]): Partial<Record<StsTestName, TestParams>> {
  const params: Partial<Record<StsTestName, TestParams>> = {};
  for (const { test, spec } of allTestOptionSpecs()) {
    const raw = opts[optionKey(spec.flag)];
    let value: number | boolean | undefined;
    if (spec.kind === 'boolean') value = raw === true ? true : undefined;
    else if (typeof raw === 'string') {
      const t = raw.trim();
      if (!/^-?\d+$/.test(t)) throw new InputError(`--${spec.flag} ${raw}: expected an integer in ${spec.min}..${spec.max} (${spec.description})`);
      value = Number(t);
    }
    if (value === undefined) continue;
    checkTestOption(spec, value);
    if (!tests.includes(test)) continue; // accepted but unused: the test is not selected
    (params[test] ??= {})[spec.key] = value;
  }
  return params;
}

function fmtP(p: number): string {
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(3);
  return p.toFixed(6);
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Text report for one stream: one line per test (multi-valued tests summarised). */
function streamTable(results: readonly TestResult[], alpha: number): string {
  const lines = [`${pad('Test', 26)}${pad('P-value', 14)}${pad('Result', 8)}Notes`];
  for (const r of results) {
    if (r.status !== 'ok') {
      lines.push(`${pad(r.test, 26)}${pad('—', 14)}${pad('n/a', 8)}${r.reason ?? 'not applicable'}`);
      continue;
    }
    if (r.pValues.length <= 2) {
      r.pValues.forEach((p, i) => {
        const note = r.labels?.[i] ?? '';
        lines.push(`${pad(i === 0 ? r.test : '', 26)}${pad(fmtP(p), 14)}${pad(p >= alpha ? 'pass' : 'FAIL', 8)}${note}`);
      });
      continue;
    }
    let min = Infinity;
    let at = 0;
    let below = 0;
    r.pValues.forEach((p, i) => {
      if (p < min) {
        min = p;
        at = i;
      }
      if (p < alpha) below++;
    });
    const where = r.labels?.[at] !== undefined ? ` at ${r.labels[at]}` : '';
    lines.push(
      `${pad(r.test, 26)}${pad(`min ${fmtP(min)}`, 14)}${pad(below === 0 ? 'pass' : `${below} < α`, 8)}` +
        `${r.pValues.length} P-values, ${below} below α = ${alpha} (expected ${(r.pValues.length * alpha).toFixed(2)}); smallest${where}`,
    );
  }
  return lines.join('\n') + '\n';
}

function verdictText(v: BatteryVerdict): string {
  const word = v.verdict === 'pass' ? 'PASS' : v.verdict === 'fail' ? 'FAIL' : 'INSUFFICIENT DATA';
  let s = `\nVerdict: ${word} (${v.method}, α = ${v.alpha}, family α = ${v.familyAlpha})\n  ${v.reason}\n`;
  if (v.notApplicable.length > 0) s += `  not applicable: ${v.notApplicable.join('; ')}\n`;
  for (const w of v.warnings ?? []) s += `  Warning: ${w}\n`;
  if (v.verdict === 'insufficient-data') {
    s += '  Note: no test could be applied, so nothing was judged: this is not a pass and not a FAIL\n' +
      '  (exit status 0). Give more bits or streams to get a verdict.\n';
  }
  return s;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('sts')
    .summary('NIST SP 800-22 battery (15 tests) on a bit file, one or many streams')
    .description(
      'Run the NIST SP 800-22 Rev 1a statistical tests on a bit sequence, reproducing the P-values of\n' +
        'NIST sts-2.1.2 (checked against its outputs for data.e, data.pi, data.sqrt2, data.sqrt3, data.sha1).\n' +
        'With --streams K the input is split into K consecutive sequences of --bits bits each; the\n' +
        'second-level analysis of §4.2 (proportion of passing sequences, uniformity of P-values) is\n' +
        'then computed per test. The verdict accounts for testing ~188 P-values at once (see\n' +
        'src/sts/verdict.ts): one P-value below α is expected by chance and does not fail a stream.\n' +
        'Tests that cannot run (too few bits, too few cycles, failed pre-test) are reported as not\n' +
        'applicable with the reason, never as P = 0 (only the default second-level table counts them as\n' +
        'sts-2.1.2 does; see below).',
    )
    .argument('[file]', "input file, or '-' for standard input", '-')
    .option('--format <fmt>', `input format: ${BIT_FORMATS.join(', ')} (auto: ascii if the first 4 KiB are only 0/1/whitespace)`, 'auto')
    .option('--bits <n>', `bits per stream (default ${DEFAULT_BITS}, or all bits when the input is shorter and --streams is 1)`)
    .option('--streams <K>', 'number of consecutive streams of --bits bits each', '1')
    .option('--tests <list>', `comma-separated reference test names, case-insensitive (default all): ${STS_REGISTRY.map((t) => t.name).join(', ')}`)
    .option('--alpha <a>', 'significance level of each test', '0.01')
    .option('--family-alpha <a>', 'family-wise level of the battery verdict', '0.001')
    .option(
      '--second-level <rule>',
      'second-level table over many streams: sts-2.1.2 = exactly as NIST sts-2.1.2\'s finalAnalysisReport.txt; ' +
        'sp800-22 = the formulas of SP 800-22 §4.2 as written (see below)',
      'sts-2.1.2',
    )
    .option('--jobs <N>', 'threads for multiple streams: this one and N−1 workers started once per run (results do not depend on N)', '1')
    .option('--json', 'print the full result as JSON (every stream, every test, P-values in the reference order)');
  for (const { test, spec } of allTestOptionSpecs()) {
    if (spec.kind === 'boolean') cmd.option(`--${spec.flag}`, `${test}: ${spec.description}`);
    else {
      const def = spec.default !== undefined ? `default ${spec.default}, ` : '';
      cmd.option(`--${spec.flag} <v>`, `${test}: ${spec.description} (${def}${spec.min}..${spec.max})`);
    }
  }
  cmd
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench sts test/fixtures/nist-sts/data.e\n' +
        '  entropy-bench drbg generate --mech ctr-aes256 --entropy os --bytes 12500000 | entropy-bench sts - --format binary --streams 100 --jobs 2\n' +
        '  entropy-bench sts test/fixtures/nist-sts/data.pi --tests frequency,runs,fft --json > pi.json\n' +
        '  head -c 125000 /dev/urandom | entropy-bench sts - --format binary --serial-m 14\n' +
        '\nMinimum bits per stream (SP 800-22 §2.x.7): ' +
        STS_REGISTRY.map((t) => `${t.name} ${t.minN}`).join('; ') +
        '.\nThe full battery needs 1,000,000 bits per stream; choose --tests for shorter inputs.\n' +
        '\nSecond level (--streams K > 1), one row per P-value index: C1..C10 = P-values per tenth of\n' +
        '[0, 1], P-VALUE = uniformity P_T (* below 0.0001), PROPORTION = passing streams (* outside the\n' +
        'bounds). By default (sts-2.1.2) the rows equal sts-2.1.2\'s finalAnalysisReport.txt: it reads each\n' +
        'P-value back as 6-decimal text into a float, the excursion tests count only the streams with\n' +
        'J >= 500 cycles (and P > 0), other tests count a not-applicable stream as P = 0, the expected\n' +
        'count per bin is the integer K/10, and a proportion is flagged below the rounded-down minimum\n' +
        'pass count floor((0.99 - 3*sqrt(0.99*0.01/K))*K), 96 of 100, so 96/100 passes. --second-level\n' +
        'sp800-22 uses the doubles, excludes not-applicable streams, E = K/10, P_T only from K >= 55, and\n' +
        'the unrounded interval 0.99 +- 3*sqrt(0.0099/K), so 96/100 (< 0.96015) is flagged. The verdict\n' +
        'does not depend on this choice (it uses the exact binomial tail of the failures).\n' +
        '\nExit status: 0 = the verdict passes, or no test could produce a P-value (the output then says\n' +
        'INSUFFICIENT DATA, the JSON verdict "insufficient-data"), 1 = the verdict fails,\n' +
        '2 = bad input: missing or empty file, a bad character (the message gives its byte offset),\n' +
        'fewer bits than --bits × --streams, an unknown test or a parameter out of range.',
    )
    .exitOverride()
    .action(async (file: string, opts: StsOptions) => {
      compileLoopsInline();
      await runSts(file, opts, ctx);
    });
}

async function runSts(file: string, opts: StsOptions, ctx: CliContext): Promise<void> {
  if (!(BIT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new InputError(`--format ${opts.format}: expected one of ${BIT_FORMATS.join(', ')}`);
  }
  const format = opts.format as BitFormat;
  const streams = parseWhole(opts.streams, '--streams', 1, 1_000_000);
  const jobs = boundJobs(parseWhole(opts.jobs, '--jobs', 1, 256), ctx, 'sts');
  const alpha = parseAlpha(opts.alpha, '--alpha');
  const familyAlpha = parseAlpha(opts.familyAlpha, '--family-alpha');
  if (!(SECOND_LEVEL_RULES as readonly string[]).includes(opts.secondLevel)) {
    throw new InputError(`--second-level ${opts.secondLevel}: expected one of ${SECOND_LEVEL_RULES.join(', ')}`);
  }
  const tests = opts.tests !== undefined ? parseTestList(opts.tests) : STS_REGISTRY.map((t) => t.name);
  const params = collectParams(opts, tests);
  const explicitBits = opts.bits !== undefined ? parseWhole(opts.bits, '--bits', 1) : undefined;
  const source = inputName(file);

  // Read only what is needed; a shorter result tells exactly how many bits there are.
  const want = (explicitBits ?? DEFAULT_BITS) * streams;
  const bits = openStreamSource(file, format, want, explicitBits ?? DEFAULT_BITS);
  // Memory that does not grow with the number of streams (./heap.ts).
  keepYoungGenerationSmall();
  try {
    await report({ bits, source, format, streams, explicitBits, tests, params, jobs, alpha, familyAlpha, secondLevel: opts.secondLevel as SecondLevelRule, json: opts.json === true }, ctx);
  } finally {
    bits.close();
  }
}

/** What `sts` runs on: the parsed options and the opened input. */
interface StsRun {
  bits: StreamSource;
  source: string;
  format: BitFormat;
  streams: number;
  explicitBits: number | undefined;
  tests: StsTestName[];
  params: Partial<Record<StsTestName, TestParams>>;
  jobs: number;
  alpha: number;
  familyAlpha: number;
  secondLevel: SecondLevelRule;
  json: boolean;
}

/** Checks the input is long enough, runs the battery (src/sts/battery-document.ts) and prints its document. */
async function report(run: StsRun, ctx: CliContext): Promise<void> {
  const { bits, source, streams, explicitBits, tests, alpha } = run;
  const want = (explicitBits ?? DEFAULT_BITS) * streams;
  let n: number;
  if (bits.length >= want) n = explicitBits ?? DEFAULT_BITS;
  else if (explicitBits === undefined && streams === 1) n = bits.length;
  else {
    throw new InputError(
      `${source}: has ${bits.length} bits, but ${streams} stream(s) of ${explicitBits ?? DEFAULT_BITS} bits need ${want}` +
        (explicitBits === undefined ? ' (give --bits)' : ''),
    );
  }
  const short = tests.filter((t) => testSpec(t).minBits > n);
  if (short.length > 0) {
    throw new InputError(
      `${source}: ${n} bits per stream is too few for ${short.map((t) => `${t} (needs ${testSpec(t).minBits})`).join(', ')}; ` +
        'give more bits or choose tests with --tests',
    );
  }
  const minBits = Math.max(...tests.map((t) => testSpec(t).minBits));

  const progress = ctx.isTTY && streams > 1 ? (done: number, total: number) => ctx.err(`\rsts: stream ${done}/${total}`) : undefined;
  const { perStream, verdict, secondLevel: entries } = await runBatteryDocument({
    bits,
    source,
    format: run.format,
    n,
    streams,
    tests,
    params: run.params,
    jobs: run.jobs,
    alpha,
    familyAlpha: run.familyAlpha,
    minBits,
    secondLevel: run.secondLevel,
    ...(progress !== undefined ? { onProgress: progress } : {}),
    ...(run.json ? { json: ctx.out } : {}),
  });
  if (progress) ctx.err('\n');

  for (const w of verdict.warnings ?? []) ctx.err(`entropy-bench sts: warning: ${w}\n`);
  if (!run.json) {
    ctx.out(`NIST SP 800-22 Rev 1a battery: ${source}, ${streams} stream(s) × ${n} bits, α = ${alpha}\n\n`);
    if (streams === 1) ctx.out(streamTable(perStream[0]!, alpha));
    else {
      ctx.out(finalAnalysisReport(entries!, source, alpha));
      // The rows carry no labels (as in the reference): name the flagged ones here.
      const flagged = entries!
        .filter((e) => !e.proportionPass || e.uniformityPass === false)
        .map((e) => `${e.test}${e.label !== undefined ? `[${e.label}]` : ''} ${e.passed}/${e.sampleSize}` +
          (e.uniformityPass === false ? ` P_T ${e.uniformityP!.toFixed(6)}` : ''));
      ctx.out(`Flagged rows (*): ${flagged.length === 0 ? 'none' : flagged.join('; ')}\n`);
      if (entries!.some((e) => e.uniformityStatus === 'not-applicable')) {
        ctx.out("'----' under P-VALUE: the uniformity check does not apply, the test's P-values are too discrete at this size (see the warnings).\n");
      }
      ctx.out(
        run.secondLevel === 'sts-2.1.2'
          ? "Rows as NIST sts-2.1.2's finalAnalysisReport.txt computes them (--second-level sp800-22 for §4.2 as written);\n" +
              'multi-valued tests in the reference order (--json labels each row). Informational: the verdict decides.\n'
          : 'Rows by SP 800-22 §4.2 as written (not-applicable streams excluded). Informational: the verdict decides.\n',
      );
    }
    ctx.out(verdictText(verdict));
  }
  // Exit 1 means "ran and something failed the test's criterion". Insufficient data
  // (nothing applicable) failed nothing: it is reported as such, never as FAIL.
  if (verdict.verdict === 'fail') setExit(ctx, EXIT_FAILED);
}
