/**
 * The `entropy-bench` command line: commander wiring only. Each subcommand
 * lives in ./commands/ and calls library functions; errors that users cause
 * (InputError, commander usage errors) become one line on stderr and exit 2; any other
 * error is the tool's own failure and becomes one line and exit 3 (never 1, which is a verdict).
 * Only the invoked command's module is imported (see ./commands/index.ts), so
 * start-up costs what that command needs and no more.
 */
import { Command, CommanderError, Help } from 'commander';
import { isInputError } from '../errors.ts';
import { COMMANDS, type RegisterCommand } from './commands/index.ts';
import { EXIT_INTERNAL, EXIT_USAGE, type CliContext } from './context.ts';
import { packageVersion } from '../entry-points.ts';

export const VERSION: string = packageVersion();

/** Commands registered only for the top-level help listing, with the term shown after their name. */
const STUB_TERMS = new WeakMap<Command, string>();

/**
 * The registrations `argv` needs: when its first argument names a command, that
 * command alone (its help and errors do not mention the others); anything else
 * (no argument, --help, --version, `help <cmd>`, an unknown name, which commander
 * answers with suggestions) gets every command, in order; `--version` alone needs none.
 */
async function registrations(argv: readonly string[] | undefined): Promise<RegisterCommand[]> {
  const first = argv?.[2];
  if (argv?.length === 3 && (first === '--version' || first === '-V')) return [];
  // The top-level help lists the commands from their table entries (name, term,
  // summary) without importing any: `entropy-bench --help` starts in a fraction of a second.
  if (argv !== undefined && (argv.length === 2 || (argv.length === 3 && (first === '--help' || first === '-h')))) {
    return COMMANDS.map((c) => (typeof c === 'function' ? c : (program: Command) => void STUB_TERMS.set(program.command(c.name).summary(c.summary), c.term)));
  }
  const wanted = COMMANDS.some((c) => typeof c !== 'function' && c.name === first) ? first : undefined;
  const out: RegisterCommand[] = [];
  for (const c of COMMANDS) {
    if (typeof c === 'function') out.push(c);
    else if (wanted === undefined || c.name === wanted) out.push((await c.load()).register);
  }
  return out;
}

/**
 * Builds the program; `ctx` receives output and the exit status. With `argv`
 * (process.argv layout) only the commands it can reach are imported.
 */
export async function buildProgram(ctx: CliContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command('entropy-bench');
  program
    .description(
      // One paragraph: commander wraps it to the terminal width itself.
      'Measure whether privileged VM firmware gets good entropy under attack: NIST SP 800-22 and ' +
        'SP 800-90B tests for any RNG output, SP 800-90A DRBGs, and a deterministic model of the ' +
        'QEMU/KVM/edk2 entropy stack with adversarial workloads.',
    )
    .version(VERSION, '-V, --version', 'print the version and exit')
    // A usage error is one line: the hint goes on the error's own line.
    .configureOutput({ outputError: (str, write) => write(`${str.replace(/\n+$/, '')} (run with --help for usage)\n`) })
    // Command descriptions are laid out in lines of up to ~96 characters; wrapping them at 80
    // would break every line in two. Subcommands inherit this setting.
    .configureHelp({
      helpWidth: Math.max(100, process.stdout.columns ?? 0),
      subcommandTerm(cmd: Command): string {
        const stub = STUB_TERMS.get(cmd);
        return stub === undefined ? Help.prototype.subcommandTerm.call(this, cmd) : `${cmd.name()}${stub ? ` ${stub}` : ''}`;
      },
    })
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) })
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench sts test/fixtures/nist-sts/data.e                     SP 800-22 on NIST\'s 10^6 bits of e\n' +
        '  entropy-bench estimate test/fixtures/sp800-90b/truerand_8bit.bin 8  SP 800-90B min-entropy of 8-bit samples\n' +
        '  entropy-bench run scenarios/design-matrix.yaml                      every design against every adversary\n' +
        '\nExit status: 0 = ran and everything passed, 1 = ran and something failed its criterion,\n' +
        '2 = bad usage or bad input, 3 = internal failure (no verdict was reached; please report it).\n\nRun `entropy-bench <command> --help` for the options of each command.',
    );
  for (const register of await registrations(argv)) register(program, ctx);
  // commander's own usage errors (unknown option, missing argument) must exit 2, not 1.
  program.exitOverride();
  // Nested commands (`report merge`, `drbg kat`) too, else commander exits 1 itself.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the CLI on `argv` (process.argv layout) and returns the exit status. */
export async function main(argv: string[], ctx?: Partial<CliContext>): Promise<number> {
  const context: CliContext = {
    out: ctx?.out ?? ((s) => process.stdout.write(s)),
    err: ctx?.err ?? ((s) => process.stderr.write(s)),
    isTTY: ctx?.isTTY ?? Boolean(process.stderr.isTTY),
    exitCode: 0,
  };
  const program = await buildProgram(context, argv);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with a CommanderError whose exitCode is 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isInputError(e)) {
      context.err(`entropy-bench: ${e.message}\n`);
      return EXIT_USAGE;
    }
    context.err(`${internalFailureLine(e)}\n`);
    return EXIT_INTERNAL;
  }
  return context.exitCode;
}

/**
 * One line for an error the user did not cause (a bug, wasm or heap exhaustion, a worker that
 * died): its first message line, never a stack trace. Exit 3 tells scripts that no verdict exists.
 */
export function internalFailureLine(e: unknown): string {
  const raw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const first = raw.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return `entropy-bench: internal failure (exit 3, no verdict): ${first.trim()}`;
}
