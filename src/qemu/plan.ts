/**
 * What one `entropy-bench qemu capture` run does inside the guest (docs/qemu-trace.md): the QEMU
 * device settings (backend, max-bytes, period) and a list of steps the guest's /init runs after
 * loading the virtio-rng driver: concurrent readers of /dev/hwrng, idle sleeps, and a device
 * reset (rmmod + insmod of virtio-rng, a new probe of the same QEMU device).
 *
 * The same plan drives the model in `entropy-bench qemu compare`, so a capture and its replay run
 * the same guest program.
 */
import { InputError } from '../errors.ts';

export type RngBackend = 'builtin' | 'random' | 'egd';

export interface ReaderSpec {
  /** Name of the reader in the trace (letters and digits). */
  tag: string;
  /** Bytes per read(2) call. */
  size: number;
  /** Stop after this many bytes. */
  total: number;
  /** Give up (report the read in progress as pending) this long after starting, ms. */
  deadlineMs: number;
  /** Sleep pauseMs after every pauseEvery reads (0 = never). */
  pauseEvery: number;
  pauseMs: number;
  /** Start this long after the step begins, ms (0 = at once). */
  startDelayMs: number;
}

export type PlanStep = { op: 'read'; readers: ReaderSpec[] } | { op: 'sleep'; ms: number } | { op: 'reset' };

export interface CapturePlan {
  name: string;
  backend: RngBackend;
  maxBytes: number;
  periodMs: number;
  steps: PlanStep[];
}

const TAG = /^[a-z][a-z0-9]{0,15}$/;

/** QEMU's max-bytes default (INT64_MAX, "unlimited"); as a JS number it reads 2^63. */
export const INT64_MAX = 9223372036854775807;

/** max-bytes as QEMU's command line must spell it (2^63 as a double would be rejected). */
export function maxBytesArg(maxBytes: number): string {
  return maxBytes >= INT64_MAX ? '9223372036854775807' : String(maxBytes);
}

function intIn(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(`${where}: ${JSON.stringify(v)} is not an integer in [${min}, ${max}]`);
  }
  return v;
}

/** Checks a plan read from JSON (params.json `plan`); throws InputError naming the field. */
export function checkPlan(where: string, raw: unknown): CapturePlan {
  if (typeof raw !== 'object' || raw === null) throw new InputError(`${where}: expected an object`);
  const p = raw as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name === '') throw new InputError(`${where}.name: expected a non-empty string`);
  if (p.backend !== 'builtin' && p.backend !== 'random' && p.backend !== 'egd') {
    throw new InputError(`${where}.backend: ${JSON.stringify(p.backend)}, expected builtin, random or egd`);
  }
  const maxBytes = intIn(`${where}.maxBytes`, p.maxBytes, 1, INT64_MAX);
  const periodMs = intIn(`${where}.periodMs`, p.periodMs, 1, 0xffffffff);
  if (!Array.isArray(p.steps)) throw new InputError(`${where}.steps: expected an array`);
  const steps: PlanStep[] = p.steps.map((s: unknown, i: number): PlanStep => {
    const w = `${where}.steps[${i}]`;
    const o = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    if (o.op === 'sleep') return { op: 'sleep', ms: intIn(`${w}.ms`, o.ms, 0, 600_000) };
    if (o.op === 'reset') return { op: 'reset' };
    if (o.op !== 'read') throw new InputError(`${w}.op: ${JSON.stringify(o.op)}, expected read, sleep or reset`);
    if (!Array.isArray(o.readers) || o.readers.length === 0) throw new InputError(`${w}.readers: expected a non-empty array`);
    return {
      op: 'read',
      readers: o.readers.map((r: unknown, j: number): ReaderSpec => {
        const rw = `${w}.readers[${j}]`;
        const q = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
        if (typeof q.tag !== 'string' || !TAG.test(q.tag)) throw new InputError(`${rw}.tag: expected a short lower-case name`);
        return {
          tag: q.tag,
          size: intIn(`${rw}.size`, q.size, 1, 1 << 20),
          total: intIn(`${rw}.total`, q.total, 1, 1 << 30),
          deadlineMs: intIn(`${rw}.deadlineMs`, q.deadlineMs, 1, 600_000),
          pauseEvery: intIn(`${rw}.pauseEvery`, q.pauseEvery ?? 0, 0, 1 << 30),
          pauseMs: intIn(`${rw}.pauseMs`, q.pauseMs ?? 0, 0, 600_000),
          startDelayMs: intIn(`${rw}.startDelayMs`, q.startDelayMs ?? 0, 0, 600_000),
        };
      }),
    };
  });
  return { name: p.name, backend: p.backend, maxBytes, periodMs, steps };
}

/** Guest time the plan needs at most (ms), beyond boot: bounds the capture's wall-clock timeout. */
export function planGuestMs(plan: CapturePlan): number {
  let ms = 0;
  for (const s of plan.steps) {
    if (s.op === 'sleep') ms += s.ms;
    else if (s.op === 'reset') ms += 500;
    else ms += Math.max(...s.readers.map((r) => r.startDelayMs + r.deadlineMs)) + 200;
  }
  return ms;
}

/** Modules the guest loads before virtio-rng, in dependency order (Debian builds virtio as modules). */
export const VIRTIO_MODULES = ['virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci'] as const;

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/** The guest's scheduler events recorded with `--sched-trace` (ftrace, clock CLOCK_MONOTONIC). */
export const SCHED_TRACE_EVENTS = ['sched/sched_switch', 'sched/sched_wakeup', 'sched/sched_wakeup_new'] as const;
const TRACEFS = '/sys/kernel/tracing';

/**
 * The guest's /init (busybox sh). Marks ("EB mark …") bracket every step so host and guest
 * time can be aligned and each step located in the trace; readers write to files that are
 * printed after the step, so console output never interleaves with reading.
 */
export function initScript(plan: CapturePlan, modules: readonly string[], rngBuiltin: boolean, opts: { schedTrace?: boolean } = {}): string {
  const L: string[] = [
    '#!/bin/busybox sh',
    'export PATH=/bin',
    'busybox mount -t proc proc /proc',
    'busybox mount -t sysfs sys /sys',
    'busybox mount -t devtmpfs dev /dev',
    'busybox mkdir -p /tmp',
    'echo "EB uname $(busybox uname -r) $(busybox uname -v)"',
  ];
  for (const m of modules) L.push(`busybox insmod /mod/${m}.ko`);
  L.push('hwread mark boot');
  if (!rngBuiltin) {
    L.push('hwread mark probe');
    L.push('busybox insmod /mod/virtio-rng.ko');
  }
  L.push('hwread mark probed');
  L.push('echo "EB quality $(busybox cat /sys/class/misc/hw_random/rng_quality 2>/dev/null) current $(busybox cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"');
  if (opts.schedTrace === true) {
    // Which task the one vCPU runs, and who woke whom, from before the first step to after the
    // last: stamped with CLOCK_MONOTONIC (trace_clock mono), as hwread stamps its reads.
    L.push(`busybox mount -t tracefs nodev ${TRACEFS}`);
    L.push(`echo 16384 > ${TRACEFS}/buffer_size_kb`);
    L.push(`echo mono > ${TRACEFS}/trace_clock`);
    for (const e of SCHED_TRACE_EVENTS) L.push(`echo 1 > ${TRACEFS}/events/${e}/enable`);
    L.push(`echo 1 > ${TRACEFS}/tracing_on`);
  }
  plan.steps.forEach((s, i) => {
    L.push(`hwread mark step${i}`);
    if (s.op === 'sleep') L.push(`busybox sleep ${secs(s.ms)}`);
    else if (s.op === 'reset') {
      if (rngBuiltin) L.push('echo "EB note reset-skipped virtio-rng is built in"');
      else {
        L.push('busybox rmmod virtio_rng');
        L.push(`hwread mark step${i}-removed`);
        L.push('busybox insmod /mod/virtio-rng.ko');
      }
    } else {
      for (const r of s.readers) {
        const cmd = `hwread read ${r.tag} ${r.size} ${r.total} ${r.deadlineMs} ${r.pauseEvery} ${r.pauseMs} > /tmp/${r.tag}.out`;
        L.push(r.startDelayMs > 0 ? `(busybox sleep ${secs(r.startDelayMs)}; ${cmd}) &` : `${cmd} &`);
      }
      L.push('wait');
      for (const r of s.readers) L.push(`busybox cat /tmp/${r.tag}.out`);
    }
  });
  if (opts.schedTrace === true) {
    L.push(`echo 0 > ${TRACEFS}/tracing_on`);
    L.push('echo "EB sched-begin"');
    L.push(`busybox cat ${TRACEFS}/trace`);
    L.push('echo "EB sched-end"');
  }
  // The guest's jiffies against CLOCK_MONOTONIC (its timer-wheel grid: khwrngd's sleeps end on
  // it), read after the last step so it cannot disturb the run.
  L.push('hwread jiffies');
  L.push('hwread mark end');
  L.push('echo "EB done"');
  L.push('busybox poweroff -f');
  return L.join('\n') + '\n';
}
