/**
 * Every file the tool writes goes through here, so that
 * - a problem with the location (a directory that cannot be written, a path
 *   under an existing regular file, /proc, a device such as /dev/full) is found
 *   BEFORE the work starts (checkOutputFile / prepareOutputDir), and
 * - a file is never left half-written: the bytes go to a temporary file in the
 *   same directory, are flushed to disk (fsync), and only then renamed over
 *   the target (rename within one directory is atomic on POSIX file systems).
 *   A full disk, a crash or Ctrl-C leaves the previous file as it was and at
 *   most a `.<name>.<pid>.tmp` file, which is removed when we can.
 *
 * Failures are InputErrors (the CLI prints one line, exit 2) naming the path
 * and the problem.
 */
import { closeSync, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../errors.ts';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a component of the path is a file, not a directory',
  ENOENT: 'no such directory',
  EISDIR: 'is a directory',
  EEXIST: 'exists',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  ENAMETOOLONG: 'name too long',
  EXDEV: 'not on the same file system',
};

/** One line for an errno while writing `path`. */
export function outputError(path: string, e: unknown, doing = 'cannot write'): InputError {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why = code !== undefined ? `${REASONS[code] ?? code} (${code})` : String((e as Error).message ?? e);
  return new InputError(`${path}: ${doing}: ${why}`);
}

let counter = 0;
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

/** Pseudo file systems whose files are not ordinary files (writing there is never what the user meant). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * The existing target must be a regular file (it will be replaced) or absent;
 * a directory, a device (/dev/full, /dev/null), a FIFO or a socket is refused.
 */
function checkTargetKind(path: string, flag: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw outputError(prefix(path, flag), e);
  }
  if (st.isDirectory()) throw new InputError(`${prefix(path, flag)}: is a directory, expected a file name`);
  if (!st.isFile()) {
    const kind = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new InputError(`${prefix(path, flag)}: is ${kind}; expected a regular file (it is written to a temporary file and renamed into place)`);
  }
}

function prefix(path: string, flag: string): string {
  return flag === '' ? path : `${flag} ${path}`;
}

function refusePseudo(path: string, flag: string): void {
  const abs = resolve(path);
  for (const root of PSEUDO_ROOTS) {
    if (abs === root || abs.startsWith(root + sep)) {
      throw new InputError(`${prefix(path, flag)}: is under ${root}, a kernel pseudo file system; choose a path on a real file system`);
    }
  }
}

/** Creates a probe file in `dir` and removes it: proves that files can be created there. */
function probe(dir: string, target: string, flag: string): void {
  const tmp = tempName(join(dir, basename(target) || 'out'));
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw outputError(prefix(target, flag), e, `cannot create files in ${dir}`);
  }
  closeSync(fd);
  rmSync(tmp, { force: true });
}

/**
 * Throws an InputError unless a file can be written at `path`: its directory
 * exists and files can be created in it, and `path` is absent or a regular
 * file. `flag` (e.g. '--out') prefixes the message. Call before the work.
 */
export function checkOutputFile(path: string, flag = ''): void {
  if (path === '') throw new InputError(`${flag || 'output'}: empty path`);
  refusePseudo(path, flag);
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw outputError(prefix(path, flag), e, `directory ${dir} is not usable`);
  }
  if (!st.isDirectory()) throw new InputError(`${prefix(path, flag)}: ${dir} is not a directory`);
  checkTargetKind(path, flag);
  probe(dir, path, flag);
}

/**
 * Creates directory `dir` (and its parents) if needed and checks that files
 * can be created in it. Unlike mkdirSync's recursive mode (which loops forever
 * under /proc on Node 20), each level is created and checked in turn.
 */
export function prepareOutputDir(dir: string, flag = ''): void {
  refusePseudo(dir, flag);
  const abs = resolve(dir);
  const parts = abs.split(sep).filter((p) => p !== '');
  let at: string = sep;
  for (const part of parts) {
    at = join(at, part);
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(prefix(dir, flag), e, `cannot use ${at}`);
      try {
        mkdirSync(at);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(prefix(dir, flag), e2, `cannot create directory ${at}`);
      }
      continue;
    }
    if (!st.isDirectory()) throw new InputError(`${prefix(dir, flag)}: ${at} is a file, not a directory`);
  }
  probe(abs, join(abs, 'out'), flag);
}

/** A file being written: `write` chunks, then `commit` (rename into place) or `abort` (remove). */
export interface AtomicFile {
  readonly path: string;
  write(chunk: string | Uint8Array): void;
  /** Flushes to disk and closes the temporary file (commit does it too). */
  flush(): void;
  /** Flushes if needed and renames over the target. */
  commit(): void;
  /** Closes and removes the temporary file (does nothing after commit). */
  abort(): void;
}

/** Temporary files not yet committed, removed if the process is interrupted. */
const pending = new Set<string>();
let hooked = false;
function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = (): void => {
    for (const t of pending) rmSync(t, { force: true });
    pending.clear();
  };
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanup();
      // Re-raise so the exit status says "killed by signal", as it would without the handler.
      process.kill(process.pid, sig);
    });
  }
}

/** Opens `path` for an atomic replacement (see the module comment). */
export function openAtomic(path: string, flag = ''): AtomicFile {
  refusePseudo(path, flag);
  checkTargetKind(path, flag);
  hookSignals();
  const tmp = tempName(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw outputError(prefix(path, flag), e);
  }
  pending.add(tmp);
  let flushed = false;
  // Replacing a file keeps its permission bits.
  let mode: number | undefined;
  try {
    mode = lstatSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  const fail = (e: unknown): never => {
    file.abort();
    throw outputError(prefix(path, flag), e);
  };
  const file: AtomicFile = {
    path,
    write(chunk) {
      if (fd === undefined || flushed) throw new Error(`openAtomic(${path}): write after flush`);
      try {
        if (typeof chunk === 'string') chunk = Buffer.from(chunk, 'utf8');
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (e) {
        fail(e);
      }
    },
    flush() {
      if (flushed) return;
      if (fd === undefined) throw new Error(`openAtomic(${path}): flush after abort`);
      try {
        if (mode !== undefined && (fstatSync(fd).mode & 0o7777) !== mode) fchmodSync(fd, mode);
        fsyncSync(fd);
        closeSync(fd);
        fd = undefined;
        flushed = true;
      } catch (e) {
        fail(e);
      }
    },
    commit() {
      file.flush();
      if (!pending.has(tmp)) throw new Error(`openAtomic(${path}): commit after commit/abort`);
      try {
        renameSync(tmp, path);
        pending.delete(tmp);
      } catch (e) {
        fail(e);
      }
    },
    abort() {
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          // already failing: removing the file matters more
        }
        fd = undefined;
      }
      if (pending.delete(tmp)) rmSync(tmp, { force: true });
    },
  };
  return file;
}

/** Writes `data` to `path` atomically (temporary file in the same directory, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array, flag = ''): void {
  const f = openAtomic(path, flag);
  f.write(data);
  f.commit();
}

/**
 * Writes several files so that they are replaced together or not at all: each
 * file is written and flushed to its temporary name first; only when every one
 * is on disk are they renamed into place (a rename needs no space, so the
 * failures that matter, a full disk or a bad location, happen before any
 * target changes). If any write fails, every temporary file is removed.
 */
export function writeFilesTogether(files: ReadonlyArray<readonly [path: string, data: string | Uint8Array]>, flag = ''): void {
  const opened: AtomicFile[] = [];
  try {
    for (const [path, data] of files) {
      const f = openAtomic(path, flag);
      opened.push(f);
      f.write(data);
      f.flush();
    }
  } catch (e) {
    for (const f of opened) f.abort();
    throw e;
  }
  for (const f of opened) f.commit();
}
