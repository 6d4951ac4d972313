/**
 * `entropy-bench qemu capture`: boots the tiny guest (guest-image.ts) under a real
 * qemu-system-x86_64 with a virtio-rng-pci device, QEMU's own `virtio_rng_*` trace events on,
 * and turns QEMU's trace log plus the guest's serial output into a trace directory (trace.ts,
 * docs/qemu-trace.md).
 *
 * Time alignment: QEMU's log backend stamps each trace line with the host's wall clock (µs).
 * Under TCG without icount, QEMU_CLOCK_VIRTUAL runs at host speed from 0 at the moment the VM
 * starts running (the `vm_state_notify running 1` event), so virtual ns = (stamp − that stamp).
 * The guest's CLOCK_MONOTONIC is mapped onto it through marks: the guest brackets a PCI config
 * read that QEMU traces (pci_cfg_read at offset 0xfc of 00:00.0), and times between marks are
 * interpolated linearly.
 */
import { spawn, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgdServer, type EgdServer } from './egd-server.ts';
import { buildInitramfs, compileReader, findHostParts, type HostGuestParts } from './guest-image.ts';
import { checkPlan, maxBytesArg, planGuestMs, type CapturePlan } from './plan.ts';
import { guestOffsetNs, TRACE_FORMAT, TRACE_VERSION, writeTrace, type DeviceEvent, type ReaderTrace, type TraceMark, type TraceParams } from './trace.ts';
import { JIFFIES_PHASE_GRID, JIFFY_NS } from '../os/linux-hwrng.ts';

export interface CaptureOptions {
  /** Force an accelerator; default: KVM when /dev/kvm opens and boots, TCG otherwise. */
  accel?: 'tcg' | 'kvm';
  /** Keep the raw serial and trace logs in the output directory (raw/). */
  keepRaw?: boolean;
  /** Guest kernel: a release (/boot/vmlinuz-RELEASE) or Debian version (6.1.176); default the newest. */
  kernel?: string;
  /** Also record the guest's scheduler events (ftrace) into sched.txt. */
  schedTrace?: boolean;
  log?: (line: string) => void;
}

export interface CaptureResult {
  dir: string;
  params: TraceParams;
  device: DeviceEvent[];
  readers: ReaderTrace[];
  wallMs: number;
}

function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function qemuVersion(qemu: string): string {
  const out = execFileSync(qemu, ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(out)?.[1] ?? 'unknown';
}

function backendArgs(plan: CapturePlan, egdPath: string): string[] {
  if (plan.backend === 'builtin') return ['-object', 'rng-builtin,id=rng0'];
  if (plan.backend === 'random') return ['-object', 'rng-random,id=rng0,filename=/dev/urandom'];
  return ['-chardev', `socket,id=egd0,path=${egdPath}`, '-object', 'rng-egd,id=rng0,chardev=egd0'];
}

/**
 * How long a KVM guest may stay silent on its serial port before the capture gives KVM up and
 * boots the plan under TCG. /dev/kvm can open and still not boot: under nested KVM on the VMs
 * this runs on, QEMU read the chipset's PCI configuration and then nothing more happened (the
 * serial log still empty after 90 s), where the same guest under TCG ran its whole plan in ~8 s.
 * Waiting for the plan's timeout instead cost ~2.5 min per capture.
 */
export const KVM_SILENCE_MS = 20_000;

/** Runs QEMU (exported for tests): killed after `timeoutMs`, or after `silence.ms` if `silence.file` is still empty. */
export function runQemu(
  args: string[],
  qemu: string,
  timeoutMs: number,
  silence?: { file: string; ms: number },
): Promise<{ code: number | null; timedOut: boolean; silent: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(qemu, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    // QEMU's own complaints (e.g. no KVM), kept short for the log line.
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString('utf8');
    });
    let timedOut = false;
    let silent = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // A guest that has written nothing to its serial port by then is not booting.
    const quiet =
      silence === undefined
        ? undefined
        : setTimeout(() => {
            if (!existsSync(silence.file) || statSync(silence.file).size === 0) {
              silent = true;
              child.kill('SIGKILL');
            }
          }, silence.ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (quiet !== undefined) clearTimeout(quiet);
      resolve({ code, timedOut, silent, stderr });
    });
  });
}

/** Captures one plan into `outDir`. Throws MissingToolError when the host lacks a piece. */
export async function capture(planIn: CapturePlan, outDir: string, opts: CaptureOptions = {}): Promise<CaptureResult> {
  const plan = checkPlan('plan', planIn);
  const log = opts.log ?? (() => {});
  const parts = findHostParts(opts.kernel);
  const work = mkdtempSync(join(tmpdir(), 'eb-qemu-'));
  let egd: EgdServer | null = null;
  try {
    const reader = join(work, 'hwread');
    compileReader(parts, reader);
    const initrd = join(work, 'initrd.cpio');
    writeFileSync(initrd, buildInitramfs(parts, plan, reader, { schedTrace: opts.schedTrace === true }));
    const egdPath = join(work, 'egd.sock');
    if (plan.backend === 'egd') egd = await startEgdServer(egdPath);
    const accels: Array<'kvm' | 'tcg'> = opts.accel !== undefined ? [opts.accel] : kvmUsable() ? ['kvm', 'tcg'] : ['tcg'];
    const serial = join(work, 'serial.log');
    const traceLog = join(work, 'trace.log');
    const timeoutMs = 120_000 + 6 * planGuestMs(plan);
    for (const accel of accels) {
      rmSync(serial, { force: true });
      rmSync(traceLog, { force: true });
      const args = [
        '-M', 'q35', '-accel', accel, '-m', '256', '-smp', '1',
        '-display', 'none', '-monitor', 'none', '-serial', `file:${serial}`, '-no-reboot',
        '-kernel', parts.kernel, '-initrd', initrd, '-append', 'console=ttyS0 quiet panic=-1',
        ...backendArgs(plan, egdPath),
        '-device', `virtio-rng-pci,rng=rng0,max-bytes=${maxBytesArg(plan.maxBytes)},period=${plan.periodMs}`,
        '-trace', 'virtio_rng_*', '-trace', 'vm_state_notify', '-trace', 'pci_cfg_read',
        '-msg', 'timestamp=on', '-D', traceLog,
      ];
      log(`qemu: ${plan.name}: booting (${accel}, kernel ${parts.release}, ${plan.backend}, max-bytes ${plan.maxBytes}, period ${plan.periodMs} ms)`);
      const t0 = Date.now();
      const r = await runQemu(args, parts.qemu, timeoutMs, accel === 'kvm' ? { file: serial, ms: KVM_SILENCE_MS } : undefined);
      const wallMs = Date.now() - t0;
      const serialText = existsSync(serial) ? readFileSync(serial, 'utf8') : '';
      if (!serialText.includes('EB done')) {
        const said = r.stderr.trim().split('\n').filter((l) => l !== '').slice(0, 2).join(' / ');
        const why = r.silent ? `, nothing on the serial port after ${KVM_SILENCE_MS / 1000} s` : r.timedOut ? ', timed out' : '';
        log(`qemu: ${plan.name}: ${accel} run did not finish (exit ${r.code}${why})${said === '' ? '' : `: ${said}`}`);
        continue;
      }
      const traceText = readFileSync(traceLog, 'utf8');
      const parsed = parseCapture(plan, parts, qemuVersion(parts.qemu), accel, serialText, traceText);
      writeTrace(outDir, parsed.params, parsed.device, parsed.readers);
      if (opts.schedTrace === true) writeFileSync(join(outDir, 'sched.txt'), schedSection(serialText));
      if (opts.keepRaw === true) {
        writeFileSync(join(outDir, 'raw-serial.log'), serialText);
        writeFileSync(join(outDir, 'raw-trace.log'), traceText);
      }
      return { dir: outDir, ...parsed, wallMs };
    }
    throw new Error(`qemu: ${plan.name}: the guest did not finish its plan (see the QEMU messages above)`);
  } finally {
    if (egd !== null) await egd.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const TRACE_LINE = /^\d+@(\d+)\.(\d{6}):(\S+) (.*)$/;

/** The guest's ftrace output between the EB sched-begin and EB sched-end lines, as it printed it. */
export function schedSection(serialText: string): string {
  const lines = serialText.replace(/\r/g, '').split('\n');
  const a = lines.indexOf('EB sched-begin');
  const b = lines.indexOf('EB sched-end');
  if (a < 0 || b < a) return '';
  return lines.slice(a + 1, b).join('\n') + '\n';
}

/**
 * Turns the raw logs into the trace directory's contents. Exported for tests (the parser is
 * the part of capture that can be checked without QEMU).
 */
export function parseCapture(
  plan: CapturePlan,
  parts: Pick<HostGuestParts, 'release' | 'rngBuiltin'>,
  qemuVer: string,
  accel: 'tcg' | 'kvm',
  serialText: string,
  traceText: string,
): { params: TraceParams; device: DeviceEvent[]; readers: ReaderTrace[] } {
  let startUs: number | null = null;
  const device: DeviceEvent[] = [];
  const cfgReads: number[] = [];
  for (const line of traceText.split('\n')) {
    const m = TRACE_LINE.exec(line);
    if (m === null) continue;
    const us = Number(m[1]) * 1e6 + Number(m[2]);
    const name = m[3]!;
    const rest = m[4]!;
    if (name === 'vm_state_notify') {
      if (startUs === null && /running 1/.test(rest)) startUs = us;
      continue;
    }
    if (startUs === null) continue;
    const t = (us - startUs) * 1000;
    if (name === 'virtio_rng_request') {
      const r = /(\d+) bytes requested, (\d+) bytes quota left/.exec(rest);
      if (r !== null) device.push({ t, kind: 'request', size: Number(r[1]), quota: Number(r[2]) });
    } else if (name === 'virtio_rng_pushed') {
      const r = /(\d+) bytes pushed/.exec(rest);
      if (r !== null) device.push({ t, kind: 'push', size: Number(r[1]), quota: null });
    } else if (name === 'pci_cfg_read' && /@0xfc\b/.test(rest) && /\b00:0?0?[.:]0\b|00:00\.0|00:0:0/.test(rest)) {
      cfgReads.push(t);
    }
  }
  if (startUs === null) throw new Error('qemu trace log: no "vm_state_notify running 1" line (tracing not enabled?)');

  const marks: TraceMark[] = [];
  const readers: ReaderTrace[] = [];
  const notes: string[] = [];
  let tick: { jiffiesPhase: number; tickOffsetNs: number } | undefined;
  let uname = '';
  let step = -1;
  const byTag = new Map<string, ReaderTrace>();
  for (const raw of serialText.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const i = line.indexOf('EB ');
    if (i < 0) continue;
    const f = line.slice(i + 3).trim().split(/\s+/);
    const kind = f[0];
    if (kind === 'uname') uname = f.slice(1).join(' ');
    else if (kind === 'mark') {
      marks.push({ label: f[1]!, guestBeforeNs: Number(f[2]), guestAfterNs: Number(f[3]), virtualNs: f[4] === 'nosync' ? null : 0 });
      const s = /^step(\d+)$/.exec(f[1]!);
      if (s !== null) step = Number(s[1]);
    } else if (kind === 'note' || kind === 'quality') notes.push(f.join(' '));
    else if (kind === 'tick' && f.slice(1, 4).every((x) => /^\d+$/.test(x))) tick = tickGrid(f[1]!, f[2]!, f[3]!);
    else if (kind === 'start') {
      const r: ReaderTrace = { tag: f[1]!, step, size: Number(f[3]), total: Number(f[4]), startNs: Number(f[2]), reads: [], end: { t: 0, status: 'pending', pendingSinceNs: null } };
      byTag.set(`${step}/${r.tag}`, r);
      readers.push(r);
    } else if (kind === 'r') byTag.get(`${step}/${f[1]}`)?.reads.push({ t: Number(f[2]), n: Number(f[3]) });
    else if (kind === 'end') {
      const r = byTag.get(`${step}/${f[1]}`);
      if (r !== undefined) r.end = { t: Number(f[2]), status: f[3] as 'done' | 'pending' | 'cut' | 'error', pendingSinceNs: f[6] !== undefined ? Number(f[6]) : null };
    }
  }
  // Pair the synced marks with the last config reads at 0xfc (boot-time probing comes first).
  const synced = marks.filter((m) => m.virtualNs !== null);
  const tail = cfgReads.slice(Math.max(0, cfgReads.length - synced.length));
  if (tail.length !== synced.length || synced.length === 0) throw new Error(`qemu trace log: ${synced.length} guest marks but ${cfgReads.length} traced config reads`);
  synced.forEach((m, k) => (m.virtualNs = tail[k]!));
  const toVirtual = guestToVirtual(marks);
  const half = Math.max(...synced.map((m) => (m.guestAfterNs - m.guestBeforeNs) / 2));
  for (const r of readers) {
    r.startNs = toVirtual(r.startNs);
    for (const x of r.reads) x.t = toVirtual(x.t);
    r.end.t = toVirtual(r.end.t);
    if (r.end.pendingSinceNs !== null) r.end.pendingSinceNs = toVirtual(r.end.pendingSinceNs);
  }
  const markAt = (label: string): number => {
    const m = marks.find((x) => x.label === label);
    return m === undefined ? 0 : toVirtual(m.guestBeforeNs);
  };
  const version = /Debian (\d+\.\d+\.\d+)/.exec(uname)?.[1] ?? parts.release;
  const params: TraceParams = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    plan,
    qemu: { version: qemuVer, accel, machine: 'q35' },
    kernel: { release: parts.release, version, rngBuiltin: parts.rngBuiltin },
    alignment: { guestOffsetNs: guestOffsetNs(synced)!, uncertaintyNs: Math.round(half), marks },
    stepStartsNs: plan.steps.map((_, i) => markAt(`step${i}`)),
    probeNs: marks.some((m) => m.label === 'probe') ? markAt('probe') : markAt('probed'),
    endNs: markAt('end'),
    notes,
    ...(tick === undefined ? {} : tick),
  };
  return { params, device, readers };
}

/** include/linux/jiffies.h INITIAL_JIFFIES on 64-bit: (unsigned long)(unsigned int)(-300 * HZ), HZ 250. */
const INITIAL_JIFFIES = 2n ** 32n - 300n * 250n;

/**
 * The guest's tick grid from `hwread jiffies`: jiffies became J at a tick between the monotonic
 * times LO and HI (ns). Taking the tick at their midpoint T, the grid sits `tickOffsetNs` = T mod
 * 4 ms into each 4 ms of CLOCK_MONOTONIC, and `jiffiesPhase` = J − INITIAL_JIFFIES − ⌊T / 4 ms⌋
 * mod 512 (the coarsest grid khwrngd's sleeps use). BigInt: jiffies are near 2^32 and T is ns.
 */
export function tickGrid(loNs: string, hiNs: string, jiffies: string): { jiffiesPhase: number; tickOffsetNs: number } {
  const grid = BigInt(JIFFIES_PHASE_GRID);
  const jiffy = BigInt(JIFFY_NS);
  const t = (BigInt(loNs) + BigInt(hiNs)) / 2n;
  const p = (BigInt(jiffies) - INITIAL_JIFFIES - t / jiffy) % grid;
  return { jiffiesPhase: Number(p < 0n ? p + grid : p), tickOffsetNs: Number(t % jiffy) };
}

/** Guest CLOCK_MONOTONIC → virtual ns, piecewise linear between synced marks, constant offset outside. */
export function guestToVirtual(marks: readonly TraceMark[]): (g: number) => number {
  const pts = marks
    .filter((m) => m.virtualNs !== null)
    .map((m) => ({ g: (m.guestBeforeNs + m.guestAfterNs) / 2, v: m.virtualNs! }))
    .sort((a, b) => a.g - b.g);
  return (g: number): number => {
    if (pts.length === 0) return g;
    if (g <= pts[0]!.g) return Math.round(g + pts[0]!.v - pts[0]!.g);
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      if (g <= b.g) return Math.round(a.v + ((g - a.g) * (b.v - a.v)) / (b.g - a.g || 1));
    }
    const z = pts[pts.length - 1]!;
    return Math.round(g + z.v - z.g);
  };
}
