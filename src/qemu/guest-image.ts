/**
 * The tiny guest `entropy-bench qemu capture` boots (docs/qemu-trace.md §Guest): the host's Debian
 * kernel (/boot/vmlinuz-*), an initramfs built here from the host's static busybox, the kernel's
 * virtio modules (Debian builds virtio and virtio-rng as modules), and the reader program
 * src/qemu/guest/hwread.c compiled with `gcc -static` on the user's machine. Nothing is
 * downloaded: every piece comes from installed Debian packages. The kernel is the newest one, or
 * the one `qemu capture --kernel` names (several linux-image packages can be installed side by side).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceAsset } from '../entry-points.ts';
import { newcArchive, type CpioEntry } from './cpio.ts';
import { initScript, VIRTIO_MODULES, type CapturePlan } from './plan.ts';

export const INSTALL_HINT =
  'install them (Debian/Ubuntu, as root: apt-get install qemu-system-x86 linux-image-amd64 busybox-static gcc libc6-dev)';

/** A tool or file the capture needs is missing: one line naming it and how to install it. */
export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

export interface HostGuestParts {
  qemu: string;
  kernel: string;
  /** Kernel release, e.g. '6.1.0-57-amd64'. */
  release: string;
  modulesDir: string;
  busybox: string;
  gcc: string;
  /** virtio-rng compiled into the kernel (no module to load or reload). */
  rngBuiltin: boolean;
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = join(dir, cmd);
    if (dir !== '' && existsSync(p)) return p;
  }
  return null;
}

/** A guest kernel on this host: /boot/vmlinuz-RELEASE with its /lib/modules/RELEASE tree. */
export interface HostKernel {
  release: string;
  kernel: string;
  modulesDir: string;
  /** Debian package version from the bzImage header, e.g. '6.1.176' (null: not readable). */
  version: string | null;
}

/**
 * The kernel version string of an x86 bzImage: setup header "HdrS", kernel_version at 0x20e
 * (an offset from 0x200), e.g. "6.1.0-50-amd64 (…) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (…)".
 * Returns the Debian upstream version (6.1.176) or null.
 */
export function bzImageVersion(head: Uint8Array): string | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < 0x210 || b.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const off = b.readUInt16LE(0x20e) + 0x200;
  if (off >= b.length) return null;
  const end = b.indexOf(0, off);
  const text = b.toString('latin1', off, end < 0 ? Math.min(b.length, off + 256) : end);
  return /Debian (\d+\.\d+\.\d+)/.exec(text)?.[1] ?? null;
}

/** Numeric-aware release order (6.1.0-9 < 6.1.0-10), newest first. */
function newestFirst(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

/** The guest kernels under `bootDir` with a modules.dep under `modulesRoot`, newest first. */
export function hostKernels(bootDir = '/boot', modulesRoot = '/lib/modules'): HostKernel[] {
  if (!existsSync(bootDir)) return [];
  const out: HostKernel[] = [];
  for (const f of readdirSync(bootDir).filter((x) => x.startsWith('vmlinuz-'))) {
    const release = f.slice('vmlinuz-'.length);
    const modulesDir = join(modulesRoot, release);
    if (!existsSync(join(modulesDir, 'modules.dep'))) continue;
    const kernel = join(bootDir, f);
    let version: string | null = null;
    try {
      const fd = openSync(kernel, 'r');
      try {
        const head = Buffer.alloc(0x10200); // kernel_version is a 16-bit offset from 0x200
        const n = readSync(fd, head, 0, head.length, 0);
        version = bzImageVersion(head.subarray(0, n));
      } finally {
        closeSync(fd);
      }
    } catch {
      version = null;
    }
    out.push({ release, kernel, modulesDir, version });
  }
  return out.sort((a, b) => newestFirst(a.release, b.release));
}

/**
 * The guest kernel to boot: `wanted` names a release (6.1.0-50-amd64, as in /boot/vmlinuz-RELEASE)
 * or a Debian kernel version (6.1.176); undefined = the newest. Throws MissingToolError, one line
 * listing the kernels that are there, when none matches.
 */
export function selectKernel(kernels: readonly HostKernel[], wanted?: string): HostKernel {
  if (kernels.length === 0) throw new MissingToolError(`no /boot/vmlinuz-* with its /lib/modules tree: ${INSTALL_HINT}`);
  if (wanted === undefined) return kernels[0]!;
  const k = findKernel(kernels, wanted);
  if (k !== undefined) return k;
  throw new MissingToolError(`--kernel ${wanted}: expected a release with /boot/vmlinuz-RELEASE and /lib/modules/RELEASE, or its Debian version; available: ${describeKernels(kernels)}`);
}

/** The installed kernel `wanted` names: by release first, else by Debian version. */
export function findKernel(kernels: readonly HostKernel[], wanted: string): HostKernel | undefined {
  return kernels.find((x) => x.release === wanted) ?? kernels.find((x) => x.version === wanted);
}

/** The installed kernels for a message: "6.1.0-57-amd64 (6.1.192), …". */
export function describeKernels(kernels: readonly HostKernel[]): string {
  return kernels.map((x) => (x.version === null ? x.release : `${x.release} (${x.version})`)).join(', ');
}

/**
 * Finds everything the capture needs on this host; the kernel is `kernel` (see selectKernel())
 * or the newest. Throws MissingToolError.
 */
export function findHostParts(kernel?: string): HostGuestParts {
  const qemu = which('qemu-system-x86_64');
  if (qemu === null) throw new MissingToolError(`qemu-system-x86_64 not found on PATH: ${INSTALL_HINT}`);
  const gcc = which('gcc');
  if (gcc === null) throw new MissingToolError(`gcc not found on PATH (the guest reader is compiled with gcc -static): ${INSTALL_HINT}`);
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p) && isStatic(p));
  if (busybox === undefined) throw new MissingToolError(`no statically linked /bin/busybox: ${INSTALL_HINT}`);
  const k = selectKernel(hostKernels(), kernel);
  const config = join(dirname(k.kernel), `config-${k.release}`);
  const rngBuiltin = existsSync(config) && /^CONFIG_HW_RANDOM_VIRTIO=y$/m.test(readFileSync(config, 'utf8'));
  return { qemu, kernel: k.kernel, release: k.release, modulesDir: k.modulesDir, busybox, gcc, rngBuiltin };
}

function isStatic(path: string): boolean {
  // A static ELF has no PT_INTERP program header; checking for the interpreter path string is
  // enough to tell Debian's busybox-static from the dynamic busybox.
  const head = readFileSync(path).subarray(0, 4096);
  return head[0] === 0x7f && !Buffer.from(head).includes('/lib64/ld-linux');
}

/** modules.dep paths of the virtio transport and virtio-rng, checked to exist uncompressed. */
function modulePaths(parts: HostGuestParts): Map<string, string> {
  const dep = readFileSync(join(parts.modulesDir, 'modules.dep'), 'utf8');
  const out = new Map<string, string>();
  const wanted = [...VIRTIO_MODULES, ...(parts.rngBuiltin ? [] : ['virtio-rng'])];
  for (const line of dep.split('\n')) {
    const path = line.split(':')[0] ?? '';
    const base = path.split('/').pop() ?? '';
    for (const m of wanted) if (base === `${m}.ko`) out.set(m, join(parts.modulesDir, path));
  }
  // A module missing from modules.dep is built in: fine for the virtio transport; a built-in
  // virtio-rng cannot be reloaded (reset steps are then skipped and noted in the trace).
  return out;
}

/** Compiles hwread.c statically into `outPath`. */
export function compileReader(parts: HostGuestParts, outPath: string): void {
  const src = fileURLToPath(sourceAsset('qemu/guest/hwread.c'));
  try {
    execFileSync(parts.gcc, ['-static', '-O2', '-o', outPath, src], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const msg = String((e as { stderr?: Buffer }).stderr ?? e).split('\n').find((l) => l.trim() !== '') ?? 'failed';
    throw new MissingToolError(`gcc -static could not build the guest reader (${msg.trim()}): ${INSTALL_HINT}`);
  }
}

/** The initramfs for `plan`: busybox, hwread, the virtio modules and a generated /init. */
export function buildInitramfs(parts: HostGuestParts, plan: CapturePlan, readerBinary: string, opts: { schedTrace?: boolean } = {}): Uint8Array {
  const mods = modulePaths(parts);
  const loaded = VIRTIO_MODULES.filter((m) => mods.has(m));
  const rngBuiltin = parts.rngBuiltin || !mods.has('virtio-rng');
  const entries: CpioEntry[] = [
    { path: 'bin', kind: 'dir', perm: 0o755 },
    { path: 'dev', kind: 'dir', perm: 0o755 },
    { path: 'dev/console', kind: 'char', perm: 0o600, rdevMajor: 5, rdevMinor: 1 },
    { path: 'proc', kind: 'dir', perm: 0o755 },
    { path: 'sys', kind: 'dir', perm: 0o755 },
    { path: 'tmp', kind: 'dir', perm: 0o1777 },
    { path: 'mod', kind: 'dir', perm: 0o755 },
    { path: 'bin/busybox', kind: 'file', perm: 0o755, data: readFileSync(parts.busybox) },
    { path: 'bin/sh', kind: 'symlink', perm: 0o777, data: 'busybox' },
    { path: 'bin/hwread', kind: 'file', perm: 0o755, data: readFileSync(readerBinary) },
    { path: 'init', kind: 'file', perm: 0o755, data: initScript(plan, loaded, rngBuiltin, opts) },
  ];
  for (const [m, p] of mods) entries.push({ path: `mod/${m}.ko`, kind: 'file', perm: 0o644, data: readFileSync(p) });
  return newcArchive(entries);
}
