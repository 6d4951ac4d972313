/**
 * What a CLI command needs besides its arguments: where to write, and a way to
 * report the exit status. Commands write through `out`/`err` (not
 * console.log) so tests can run them in-process and capture the text.
 *
 * Exit codes (README): 0 = ran and everything passed; 1 = ran and something
 * failed its criterion; 2 = bad usage or bad input; 3 = the tool itself failed (a bug or an
 * exhausted resource), so no verdict was reached — a crash must never read as "failed" (1).
 */
export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: progress lines are shown only then. */
  isTTY: boolean;
  /** Highest exit status set so far; the CLI exits with it. */
  exitCode: number;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** Raises the context's exit status (never lowers it). */
export function setExit(ctx: CliContext, code: number): void {
  if (code > ctx.exitCode) ctx.exitCode = code;
}
