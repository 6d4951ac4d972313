/**
 * `entropy-bench restart FILE bits H_I`: the SP 800-90B §3.1.4 restart tests
 * (src/entropy/restart.ts) on 1000 restarts × 1000 samples.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { readInput } from '../../bits/read.ts';
import { restartTest, type RestartResult } from '../../entropy/restart.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';

interface RestartCliOptions {
  iid?: boolean;
  standardCutoff?: boolean;
  json?: boolean;
}

const f6 = (x: number | null): string => (x === null ? '—' : x.toFixed(6));

function formatRestart(file: string, r: RestartResult): string {
  let t = `${file}: 1000 restarts × 1000 samples, ${r.bitsPerSymbol}-bit, ${r.distinctSymbols} distinct symbols; ` +
    `H_I = ${r.hI}; ${r.iid ? 'IID (MCV)' : 'non-IID estimators'}\n\n`;
  const rule = r.cutoffRule === 'standard'
    ? 'CRITBINOM(1000, 2^-H_I, 1 - 0.01/2000), the standard\'s single-symbol bound'
    : 'ea_restart\'s: largest count under the worst case for H_I, α = 1 - 0.99^(1/2000)';
  t += `  Sanity check (§3.1.4.3): largest count of one value, cutoff U = ${r.cutoff} (${rule})\n`;
  t += `    rows:    ${r.rowMax.count} (value ${r.rowMax.value} in restart ${r.rowMax.row})\n`;
  t += `    columns: ${r.colMax.count} (value ${r.colMax.value} at sample ${r.colMax.column} after restart)\n`;
  t += `    ${r.sanityPass ? 'pass' : `FAIL: ${r.xMax} > ${r.cutoff}`}\n`;
  if (r.rows && r.columns) {
    t += `  Validation (§3.1.4.2): min(H_r, H_c) must be at least H_I/2 = ${f6(r.hI / 2)}\n`;
    t += `    H_r (row dataset)    = ${f6(r.hR)}\n    H_c (column dataset) = ${f6(r.hC)}\n`;
    t += `    ${r.validationPass ? 'pass' : 'FAIL'}\n`;
  }
  t += '\n';
  t += r.pass
    ? `Restart tests passed: validated min-entropy min(H_r, H_c, H_I) = ${f6(r.validatedEntropy)} bits per sample.\n`
    : 'Restart tests FAILED: the source does not deliver the claimed entropy after a restart.\n';
  return t;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('restart')
    .summary('SP 800-90B restart tests on 1000 restarts × 1000 samples')
    .description(
      'Check that a noise source delivers its claimed entropy right after power-on (NIST SP 800-90B\n' +
        '§3.1.4). Restart the source 1000 times and record the first 1000 samples after each restart;\n' +
        'FILE holds them row-major (restart 0\'s samples, then restart 1\'s, ...), one sample per byte:\n' +
        'exactly 1,000,000 bytes.\n\n' +
        '  Sanity check: no value may be too frequent in any restart (row) or at any position across\n' +
        '  restarts (column): the largest count must not exceed U. By default U is the one NIST\'s\n' +
        '  ea_restart uses: the 1 - α quantile (α = 1 - 0.99^(1/2000)) of the largest count in 1000\n' +
        '  samples when floor(2^H_I) symbols have probability 2^-H_I, computed exactly where ea_restart\n' +
        '  simulates it (its U varies by a count or so between runs; ours is the median of its values).\n' +
        '  --standard-cutoff uses the standard\'s text instead, CRITBINOM(1000, 2^-H_I, 1 - 0.01/2000),\n' +
        '  which bounds one symbol\'s count and is 3-5 counts stricter at H_I >= 2.\n' +
        '  Validation: the row dataset and the column dataset are assessed (non-IID estimators, or the\n' +
        '  MCV estimate with --iid); both must reach H_I/2.',
    )
    .argument('<file>', 'restart data, 10^6 samples, one per byte ("-" for stdin)')
    .argument('<bits>', 'bits per sample, 1..8')
    .argument('<H_I>', 'initial entropy estimate being validated, bits per sample')
    .option('--iid', 'the source was assessed IID: use the MCV estimate for rows and columns')
    .option('--standard-cutoff', 'sanity check with the standard\'s single-symbol CRITBINOM bound, not ea_restart\'s')
    .option('--json', 'print the full result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench restart test/fixtures/sp800-90b/truerand_8bit.bin 8 6.5   (10^6 samples read as 1000 restarts × 1000)\n' +
        '  entropy-bench restart test/fixtures/sp800-90b/truerand_1bit.bin 1 0.8 --iid --json\n' +
        '\nExit status: 0 = passed, 1 = the sanity check or the validation failed, 2 = bad input\n' +
        '(not exactly 10^6 samples, a byte wider than bits: the message names its offset) or options.',
    )
    .exitOverride()
    .action((file: string, bitsArg: string, hArg: string, opts: RestartCliOptions) => {
      if (!/^[1-8]$/.test(bitsArg.trim())) throw new InputError(`bits: expected 1..8, found '${bitsArg}'`);
      const bits = Number(bitsArg);
      const hI = Number(hArg.trim());
      if (hArg.trim() === '' || !Number.isFinite(hI)) throw new InputError(`H_I: expected a number, found '${hArg}'`);
      const name = file === '-' ? 'standard input' : file;
      const data = readInput(file);
      const r = restartTest(data, {
        bitsPerSymbol: bits,
        hI,
        iid: opts.iid ?? false,
        cutoff: opts.standardCutoff ? 'standard' : 'reference',
        source: name,
      });
      ctx.out(opts.json ? JSON.stringify({ file: name, ...r }, null, 2) + '\n' : formatRestart(name, r));
      if (!r.pass) setExit(ctx, EXIT_FAILED);
    });
}
