/**
 * Errors that users cause (bad files, bad flags, bad scenario fields) are thrown
 * as `InputError`: the CLI prints `message` on one line and exits 2, never a
 * stack trace. The message must name the file, field or byte offset and say what
 * was expected, e.g. `data.txt: byte 1234 is 'x', expected '0', '1' or whitespace`.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Exit status the CLI uses for this error (2 = bad usage or bad input). */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
  }
}

/** True for errors that carry a user-facing message and an exit code. */
export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
