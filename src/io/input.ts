/**
 * Reading the user's input files, or standard input when the path is `-`
 * (the Unix convention every command that reads a file follows). Every
 * failure is an InputError naming the path and the problem, so the CLI prints
 * one line and exits 2.
 *
 * Reads go through readSync on a descriptor rather than readFileSync because
 * (1) standard input may be an endless pipe (`cat /dev/urandom | …`) or a
 * character device such as /dev/zero, which readFileSync would try to hold
 * whole, and (2) a non-blocking standard input answers EAGAIN, which
 * readFileSync turns into an exception instead of waiting.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';

/** How a path is named in messages: `-` is "standard input". */
export function inputName(path: string): string {
  return path === '-' ? 'standard input' : path;
}

/** One line for an errno from opening or reading `path`. */
export function describeInputError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const what = inputName(path);
  if (code === 'ENOENT') return new InputError(`${what}: no such file`);
  if (code === 'EISDIR') return new InputError(`${what}: is a directory, expected a file`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${what}: permission denied (cannot read)`);
  if (code === 'ENOTDIR') return new InputError(`${what}: a component of the path is not a directory`);
  return new InputError(`${what}: cannot read (${code ?? String(e)})`);
}

/** An open input: a file or standard input, read front to back. */
export interface InputFile {
  readonly path: string;
  /** The name for messages. */
  readonly name: string;
  readonly fd: number;
  /** Size in bytes of a regular file; undefined for pipes, terminals and devices. */
  readonly size: number | undefined;
  close(): void;
}

/** Opens `path` (`-` = standard input) for reading; a directory is refused here, not at the first read. */
export function openInput(path: string): InputFile {
  let fd: number;
  if (path === '-') fd = 0;
  else {
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw describeInputError(path, e);
    }
  }
  let size: number | undefined;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.isFile() ? st.size : undefined;
  } catch (e) {
    if (path !== '-') closeSync(fd);
    throw describeInputError(path, e);
  }
  let open = true;
  return {
    path,
    name: inputName(path),
    fd,
    size,
    close() {
      if (open && path !== '-') closeSync(fd);
      open = false;
    },
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads up to `length` bytes into `buf` at `offset`; 0 means end of input.
 * Waits (10 ms at a time) while a non-blocking descriptor has nothing yet.
 */
export function readChunk(input: InputFile, buf: Uint8Array, offset = 0, length = buf.length - offset): number {
  for (;;) {
    try {
      return readSync(input.fd, buf, offset, length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        Atomics.wait(sleeper, 0, 0, 10);
        continue;
      }
      if (code === 'EOF') return 0; // Windows' closed pipe
      throw describeInputError(input.path, e);
    }
  }
}

/** Default ceiling of readInput: a whole-file read beyond it is almost surely a mistake (/dev/zero, an endless pipe). */
export const MAX_WHOLE_INPUT_BYTES = 1 << 30;

/**
 * Reads all of `path` (`-` = standard input) into memory. Refuses more than
 * `maxBytes` (default 1 GiB) with a message instead of exhausting memory on an
 * endless source.
 */
export function readInput(path: string, maxBytes = MAX_WHOLE_INPUT_BYTES): Uint8Array {
  const input = openInput(path);
  try {
    if (input.size !== undefined) {
      if (input.size > maxBytes) throw new InputError(`${input.name}: ${input.size} bytes, more than the ${maxBytes} this command reads whole`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    let chunk = new Uint8Array(input.size !== undefined ? Math.max(1, input.size + 1) : 1 << 16);
    let used = 0;
    for (;;) {
      if (used === chunk.length) {
        chunks.push(chunk);
        chunk = new Uint8Array(Math.min(1 << 24, chunk.length * 2));
        used = 0;
      }
      const r = readChunk(input, chunk, used);
      if (r === 0) break;
      used += r;
      total += r;
      if (total > maxBytes) {
        throw new InputError(`${input.name}: more than ${maxBytes} bytes (an endless source such as /dev/zero or a pipe that never closes?); this command reads its input whole`);
      }
    }
    chunks.push(chunk.subarray(0, used));
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    input.close();
  }
}

/** readInput as text (latin1 keeps every byte, utf8 for JSON/YAML). */
export function readInputText(path: string, encoding: 'utf8' | 'latin1' = 'utf8', maxBytes = MAX_WHOLE_INPUT_BYTES): string {
  return Buffer.from(readInput(path, maxBytes)).toString(encoding);
}

/**
 * Reads a file that must be a regular file of at most `maxBytes`: for paths
 * written into configuration (a scenario's host-source file), where a FIFO
 * would block the open forever and a device such as /dev/zero never ends.
 * `what` names the setting in messages, e.g. `host-source.file`.
 */
export function readRegularFile(path: string, maxBytes: number, what: string): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(`${what}: '${path}': ${describeInputError(path, e).message.slice(path.length + 2)}`);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a FIFO' : 'not a regular file';
    throw new InputError(`${what}: '${path}' is ${kind}; expected a regular file (it is read whole, before the run)`);
  }
  if (st.size > maxBytes) throw new InputError(`${what}: '${path}' has ${st.size} bytes, more than the limit of ${maxBytes}`);
  try {
    return readInput(path, maxBytes);
  } catch (e) {
    throw new InputError(`${what}: ${(e as Error).message}`);
  }
}
