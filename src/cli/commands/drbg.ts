/**
 * `entropy-bench drbg`: SP 800-90A DRBGs from the command line.
 *   drbg kat FILE.rsp       replay a NIST CAVP DRBGVS response file (src/drbg/cavp.ts)
 *   drbg generate …         a deterministic (seeded) or OS-seeded DRBG output stream
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { readInputText } from '../../io/input.ts';
import { openAtomic, outputError } from '../../io/write.ts';
import { parseCavpDrbg, runCavpFile, type CavpMechanism } from '../../drbg/cavp.ts';
import { createDrbg, MECHANISM_NAMES, usesNonce } from '../../drbg/mechanisms.ts';
import { OsEntropySource } from '../../drbg/os-source.ts';
import { SeedDerivedSource } from '../../drbg/seed-source.ts';
import { generateStream } from '../../drbg/stream.ts';
import { DrbgError, type Drbg, type EntropySource } from '../../drbg/types.ts';
import { EXIT_FAILED, setExit, type CliContext } from '../context.ts';

function parseHex(value: string, flag: string): Uint8Array {
  const s = value.trim().replace(/^0x/i, '');
  const bad = /[^0-9a-fA-F]/.exec(s);
  if (bad !== null) throw new InputError(`${flag}: character ${bad.index + 1} is '${bad[0]}', expected a hex digit 0-9a-f`);
  if (s.length % 2 !== 0) throw new InputError(`${flag}: ${s.length} hex digits, expected an even number (whole bytes)`);
  return Buffer.from(s, 'hex');
}

function parseCount(value: string, flag: string, min: number): number {
  if (!/^\d+$/.test(value.trim())) throw new InputError(`${flag}: expected a whole number, found '${value}'`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < min) throw new InputError(`${flag}: expected a whole number ≥ ${min} (below 2^53), found '${value}'`);
  return n;
}

const KAT_MECH: Record<string, CavpMechanism> = { ctr: 'CTR_DRBG', hash: 'Hash_DRBG', hmac: 'HMAC_DRBG' };

function registerKat(drbg: Command, ctx: CliContext): void {
  drbg
    .command('kat')
    .summary('replay a NIST CAVP DRBGVS .rsp file; passed/failed counts per option')
    .description(
      'Replay a NIST CAVP DRBGVS response file (.rsp: CTR_DRBG, Hash_DRBG or HMAC_DRBG; modes no_reseed,\n' +
        'pr_false, pr_true) through this package\'s SP 800-90A DRBGs and count passed/failed cases per option.\n' +
        'Each case: instantiate, [reseed], generate, generate; the 2nd output must equal ReturnedBits.\n' +
        '3KeyTDEA options are skipped.',
    )
    .argument('<file>', "the .rsp file (CRLF or LF), or '-' for standard input")
    .option('--json', 'print the summary as JSON')
    .option('--mechanism <ctr|hash|hmac>', 'mechanism, if neither the header comment nor the file name says')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench drbg kat test/fixtures/cavp-drbg/drbgvectors_pr_false/CTR_DRBG.rsp\n' +
        '  entropy-bench drbg kat test/fixtures/cavp-drbg/drbgvectors_pr_true/HMAC_DRBG.rsp --json > hmac-kat.json\n' +
        '\nExit status: 0 = every case passed, 1 = a case failed, 2 = unreadable or malformed file\n' +
        '(the message names the line and what was expected).',
    )
    .exitOverride()
    .action((file: string, opts: { json?: boolean; mechanism?: string }) => {
      let mech: CavpMechanism | undefined;
      if (opts.mechanism !== undefined) {
        mech = KAT_MECH[opts.mechanism];
        if (mech === undefined) throw new InputError(`--mechanism: expected ctr, hash or hmac, found '${opts.mechanism}'`);
      }
      const text = readInputText(file, 'latin1');
      const parsed = parseCavpDrbg(text, file, mech);
      if (parsed.cases.length === 0) throw new InputError(`${file}: no cases found, expected 'COUNT = <n>' blocks after an option line`);
      const s = runCavpFile(parsed);
      const modes = [...new Set(parsed.cases.map((c) => c.mode))];
      if (opts.json) {
        ctx.out(JSON.stringify({ file, mechanism: s.mechanism, modes, passed: s.passed, failed: s.failed, skipped: s.skipped, options: s.options }, null, 2) + '\n');
      } else {
        const w = Math.max(8, ...s.options.map((o) => o.option.length));
        const row = (a: string, p: string, f: string, k: string): string =>
          `  ${a.padEnd(w)}  ${p.padStart(6)}  ${f.padStart(6)}  ${k.padStart(7)}\n`;
        let t = `${file}: ${s.mechanism}, ${modes.join('/')}\n` + row('option', 'passed', 'failed', 'skipped');
        for (const o of s.options) t += row(o.option, String(o.passed), String(o.failed), String(o.skipped));
        t += row('total', String(s.passed), String(s.failed), String(s.skipped));
        for (const o of s.options) {
          for (const f of o.failures.slice(0, 10)) {
            t += `  FAIL [${o.option}] group ${f.group} COUNT = ${f.count} (line ${f.line}): ` +
              (f.error !== undefined ? f.error : `expected ${f.expected}, got ${f.got ?? ''}`) + '\n';
          }
          if (o.failures.length > 10) t += `  … and ${o.failures.length - 10} more failures in [${o.option}]\n`;
        }
        ctx.out(t);
      }
      if (s.failed > 0) setExit(ctx, EXIT_FAILED);
    });
}

interface GenerateOpts {
  mech?: string;
  seedHex?: string;
  bytes?: string;
  nonceHex?: string;
  personalizationHex?: string;
  out?: string;
  entropy: string;
  reseedInterval?: string;
  requestBytes?: string;
  hex?: boolean;
}

/** DrbgErrors caused by the user's seed/nonce/personalization become InputError (exit 2). */
function asInput(e: unknown, what: string): never {
  if (e instanceof DrbgError && e.code !== 'source-failed') throw new InputError(`${what}: ${e.message}`);
  throw e;
}

function registerGenerate(drbg: Command, ctx: CliContext): void {
  drbg
    .command('generate')
    .summary('write a seeded (deterministic) or OS-seeded DRBG output stream')
    .description(
      'Write a DRBG output stream: instantiate the mechanism with the seed as entropy input, then generate\n' +
        'in requests of at most 65536 bytes (2^19 bits, SP 800-90A Tables 2/3). With --seed-hex the stream is\n' +
        'deterministic: the nonce (if not given) and every reseed at the reseed interval come from a source\n' +
        'derived from the seed (SHA-512 in counter mode, src/drbg/seed-source.ts). --entropy os seeds from the\n' +
        'operating system instead (not reproducible).',
    )
    .option('--mech <name>', `mechanism: ${MECHANISM_NAMES.join(', ')}`)
    .option('--seed-hex <hex>', 'entropy input for instantiate (≥ the security strength; exactly seedlen for *-nodf)')
    .option('--bytes <n>', 'number of bytes to write (default: an endless stream to standard output, until the reader closes it)')
    .option('--nonce-hex <hex>', 'nonce (≥ strength/2 bits); default: from the seed-derived or OS source; none for *-nodf')
    .option('--personalization-hex <hex>', 'personalization string')
    .option('--entropy <seed|os>', "where entropy comes from: 'seed' (--seed-hex) or 'os'", 'seed')
    .option('--reseed-interval <n>', 'generate requests between reseeds (1 .. 2^48; default 2^48)')
    .option('--request-bytes <n>', 'bytes per generate request (1 .. 65536; default 65536)')
    .option('--out <file>', "write to FILE, or '-' for stdout even if it is a terminal")
    .option('--hex', 'write lowercase hex text instead of binary')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench drbg generate --mech ctr-aes256 --seed-hex 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \\\n' +
        '      --bytes 1000000 --out ctr.bin\n' +
        '  entropy-bench drbg generate --mech hmac-sha256 --seed-hex $(head -c32 /dev/urandom | xxd -p -c64) --bytes 64 --hex\n' +
        '  entropy-bench drbg generate --mech ctr-aes256-nodf --entropy os --bytes 125000 | entropy-bench sts -\n' +
        '\nBinary output goes to stdout by default, but not to a terminal unless --out - is given.\n' +
        'Exit status: 0 = written, 2 = bad flag, bad hex or a seed the mechanism refuses (the reason is printed).',
    )
    .exitOverride()
    .action(async (opts: GenerateOpts) => {
      if (opts.mech === undefined) throw new InputError(`--mech is required, one of ${MECHANISM_NAMES.join(', ')}`);
      if (!MECHANISM_NAMES.includes(opts.mech)) throw new InputError(`--mech: unknown mechanism '${opts.mech}', expected one of ${MECHANISM_NAMES.join(', ')}`);
      // Without --bytes the stream is endless: it ends when the reader closes the pipe.
      const total = opts.bytes === undefined ? undefined : parseCount(opts.bytes, '--bytes', 0);
      const reseedInterval = opts.reseedInterval === undefined ? undefined : parseCount(opts.reseedInterval, '--reseed-interval', 1);
      const requestBytes = opts.requestBytes === undefined ? undefined : parseCount(opts.requestBytes, '--request-bytes', 1);
      if (requestBytes !== undefined && requestBytes > 65536) throw new InputError(`--request-bytes: at most 65536 (2^19 bits per request), found ${requestBytes}`);
      let seed: Uint8Array | null;
      let source: EntropySource;
      if (opts.entropy === 'os') {
        if (opts.seedHex !== undefined) throw new InputError('--seed-hex and --entropy os exclude each other');
        seed = null;
        source = new OsEntropySource();
      } else if (opts.entropy === 'seed') {
        if (opts.seedHex === undefined) throw new InputError('--seed-hex is required (or --entropy os)');
        seed = parseHex(opts.seedHex, '--seed-hex');
        source = new SeedDerivedSource(seed);
      } else {
        throw new InputError(`--entropy: expected 'seed' or 'os', found '${opts.entropy}'`);
      }
      const nonce = opts.nonceHex === undefined ? null : parseHex(opts.nonceHex, '--nonce-hex');
      if (nonce !== null && !usesNonce(opts.mech)) throw new InputError(`--nonce-hex: ${opts.mech} takes no nonce (CTR_DRBG without df, SP 800-90A §10.2.1.3.1)`);
      const pers = opts.personalizationHex === undefined ? undefined : parseHex(opts.personalizationHex, '--personalization-hex');
      let d: Drbg;
      try {
        d = createDrbg(opts.mech, { source, ...(reseedInterval !== undefined ? { reseedInterval } : {}) });
      } catch (e) {
        asInput(e, '--reseed-interval');
      }
      try {
        d.instantiate(seed, nonce, pers);
      } catch (e) {
        asInput(e, seed !== null ? '--seed-hex' : '--entropy os');
      }

      const toStdout = opts.out === undefined || opts.out === '-';
      if (opts.out === undefined && !opts.hex && process.stdout.isTTY) {
        throw new InputError('refusing to write binary to a terminal: use --out FILE, --out - or --hex, or pipe the output');
      }
      if (total === undefined && !toStdout) {
        throw new InputError(`--out ${opts.out}: an endless stream (no --bytes) goes to standard output only; give --bytes to write a file`);
      }
      // A file is written to a temporary name and renamed when complete (src/io/write.ts).
      const file = toStdout ? undefined : openAtomic(opts.out!, '--out');
      if (toStdout && total === undefined) watchStdout();
      const req = requestBytes ?? 65536;
      // Whole requests per batch, so the request sequence (and so the bytes) do not depend on batching.
      const batch = req * Math.max(1, Math.floor((1 << 20) / req));
      const encode = (chunk: Uint8Array): Uint8Array | string => (opts.hex ? Buffer.from(chunk).toString('hex') : chunk);
      let written = 0;
      let closed = false;
      try {
        while (!closed && (total === undefined || written < total)) {
          const n = total === undefined ? batch : Math.min(batch, total - written);
          const parts: Uint8Array[] = [];
          generateStream(d, n, (c) => parts.push(c), requestBytes !== undefined ? { requestBytes } : {});
          const chunk = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          if (file) {
            file.write(encode(chunk));
            // Let signals through (Ctrl-C removes the temporary file, src/io/write.ts).
            await new Promise((r) => setImmediate(r));
          } else closed = !(await writeStdout(encode(chunk), ctx));
          written += n;
        }
        if (opts.hex && !closed) {
          if (file) file.write('\n');
          else ctx.out('\n');
        }
        file?.commit();
      } finally {
        file?.abort();
        d.uninstantiate();
      }
      if (file) ctx.err(`wrote ${written} bytes of ${d.mechanism} output to ${opts.out}\n`);
    });
}

/**
 * Writes to standard output and lets the event loop turn, so an endless
 * stream advances at the reader's pace (a pipe on Linux is written
 * synchronously) and a closed pipe is noticed. Returns false when the reader
 * has closed it (EPIPE): that ends an endless stream normally, exit 0.
 * Text (--hex) goes through ctx.out, so in-process tests capture it.
 */
function writeStdout(data: Uint8Array | string, ctx: CliContext): Promise<boolean> {
  if (typeof data === 'string') {
    ctx.out(data);
    return new Promise((resolve) => setImmediate(() => resolve(!stdoutClosed)));
  }
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (e) => {
      if (!e) resolve(true);
      else if ((e as NodeJS.ErrnoException).code === 'EPIPE') resolve(false);
      else reject(outputError('standard output', e));
    });
  });
}

/** Set once standard output reports EPIPE (the reader went away). */
let stdoutClosed = false;
function watchStdout(): void {
  process.stdout.once('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') stdoutClosed = true;
  });
}

export function register(program: Command, ctx: CliContext): void {
  const drbg = program
    .command('drbg')
    .description('SP 800-90A DRBGs (CTR_DRBG AES, Hash_DRBG, HMAC_DRBG): CAVP known-answer runs and output streams')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench drbg kat test/fixtures/cavp-drbg/drbgvectors_no_reseed/Hash_DRBG.rsp\n' +
        '  entropy-bench drbg generate --mech ctr-aes256 --seed-hex <64 hex digits> --bytes 4096 --out out.bin',
    )
    .exitOverride();
  registerKat(drbg, ctx);
  registerGenerate(drbg, ctx);
}
