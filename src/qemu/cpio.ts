/**
 * The initramfs archive format Linux unpacks at boot: cpio "newc" (SVR4, no CRC), as described in
 * the kernel's Documentation/driver-api/early-userspace/buffer-format.rst. Each entry is a 110-byte
 * ASCII header (magic "070701" and thirteen 8-digit hex fields), the NUL-terminated name padded to
 * a multiple of 4, then the data padded to a multiple of 4; the archive ends with "TRAILER!!!".
 * An uncompressed archive is accepted by every kernel, so no compressor is needed.
 */

export interface CpioEntry {
  /** Path inside the archive, without a leading '/', e.g. 'bin/busybox'. */
  path: string;
  /** 'dir' | 'file' | 'symlink' (data = link target) | 'char' (a device node, rdev given). */
  kind: 'dir' | 'file' | 'symlink' | 'char';
  /** Permission bits, e.g. 0o755. */
  perm: number;
  data?: Uint8Array | string;
  /** Device numbers for 'char' entries. */
  rdevMajor?: number;
  rdevMinor?: number;
}

const TYPE_BITS = { dir: 0o040000, file: 0o100000, symlink: 0o120000, char: 0o020000 } as const;

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** Builds a newc archive of `entries` (in order: parents before children). */
export function newcArchive(entries: readonly CpioEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let ino = 1;
  const add = (name: string, mode: number, data: Uint8Array, rdev: [number, number]): void => {
    const nameBytes = enc.encode(name + '\0');
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
    const header = '070701' + fields.map(hex8).join('');
    parts.push(enc.encode(header), nameBytes, new Uint8Array(pad4(110 + nameBytes.length)));
    parts.push(data, new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) {
    const raw = e.data === undefined ? new Uint8Array(0) : typeof e.data === 'string' ? enc.encode(e.data) : e.data;
    add(e.path, TYPE_BITS[e.kind] | (e.perm & 0o7777), e.kind === 'dir' ? new Uint8Array(0) : raw, [e.rdevMajor ?? 0, e.rdevMinor ?? 0]);
  }
  add('TRAILER!!!', 0, new Uint8Array(0), [0, 0]);
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
