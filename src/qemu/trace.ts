/**
 * The trace directory `entropy-bench qemu capture` writes and `qemu compare` reads
 * (docs/qemu-trace.md). Three files, all times in integer ns on QEMU's virtual clock
 * (QEMU_CLOCK_VIRTUAL, 0 = the VM started running):
 *
 * - params.json: format/version, the plan (device settings + guest steps), what ran it (QEMU
 *   version, accelerator, kernel release and version) and the guest↔host alignment;
 * - device.tsv: QEMU's own `virtio_rng_request` (bytes asked, quota left) and `virtio_rng_pushed`
 *   (bytes written into one guest buffer) trace events;
 * - readers.tsv: every read(2) completion of every guest reader, plus its start and its end
 *   (done; pending = a read still blocked at the deadline; cut = stopped by the deadline between reads).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { checkPlan, type CapturePlan } from './plan.ts';
import { JIFFIES_PHASE_GRID, JIFFY_NS } from '../os/linux-hwrng.ts';

export const TRACE_FORMAT = 'entropy-bench-qemu-trace';
export const TRACE_VERSION = 1;

export interface DeviceEvent {
  t: number;
  kind: 'request' | 'push';
  /** request: bytes asked of the backend (virtqueue bytes, capped by quota); push: bytes written. */
  size: number;
  /** request: quota left before it (QEMU prints the quota clamped to [0, UINT32_MAX]). */
  quota: number | null;
}

export interface ReaderTrace {
  tag: string;
  /** Plan step index the reader belongs to. */
  step: number;
  size: number;
  total: number;
  startNs: number;
  /** Completions: time and bytes returned (0 = EOF, negative = -errno). */
  reads: Array<{ t: number; n: number }>;
  end: { t: number; status: 'done' | 'pending' | 'cut' | 'error'; pendingSinceNs: number | null };
}

export interface TraceMark {
  label: string;
  /** Guest CLOCK_MONOTONIC bracketing the traced config-space read, ns. */
  guestBeforeNs: number;
  guestAfterNs: number;
  /** Host trace time of that read, virtual-clock ns (null if it was not found). */
  virtualNs: number | null;
}

/**
 * Guest CLOCK_MONOTONIC → virtual ns offset from the synced mark whose guest bracket is narrowest:
 * its config read is placed best. A mark's bracket can be ms wide (the first pass through a code
 * path under TCG translates it; the boot mark of one fresh capture spanned 6.2 ms), and its read
 * may fall anywhere in it: offsets taken from the first mark were 1.9–8 ms off in 6 of 22 fixtures
 * and in 5 of 14 fresh captures of one plan, which moved khwrngd's timer-wheel grid in the replay
 * by that much (docs/qemu-trace.md). Ties go to the earliest mark. Undefined without a synced mark.
 */
export function guestOffsetNs(marks: readonly TraceMark[]): number | undefined {
  let best: TraceMark | undefined;
  for (const m of marks) {
    if (m.virtualNs === null) continue;
    if (best === undefined || m.guestAfterNs - m.guestBeforeNs < best.guestAfterNs - best.guestBeforeNs) best = m;
  }
  return best === undefined ? undefined : Math.round(best.virtualNs! - (best.guestBeforeNs + best.guestAfterNs) / 2);
}

export interface TraceParams {
  format: string;
  version: number;
  plan: CapturePlan;
  qemu: { version: string; accel: 'tcg' | 'kvm'; machine: string };
  kernel: { release: string; version: string; rngBuiltin: boolean };
  /**
   * virtual ns = guest CLOCK_MONOTONIC ns + guestOffsetNs: from the synced mark with the
   * narrowest bracket (guestOffsetNs(); traces captured before 2026-12-07 took the first mark).
   */
  alignment: { guestOffsetNs: number; uncertaintyNs: number; marks: TraceMark[] };
  /** Guest time of each step's first mark, virtual ns (where reset/probe happened etc.). */
  stepStartsNs: number[];
  /** Virtual time of the virtio-rng probe (driver load) and of the end of the plan. */
  probeNs: number;
  endNs: number;
  notes: string[];
  /**
   * jiffies − INITIAL_JIFFIES − ⌊CLOCK_MONOTONIC / 4 ms⌋ in the guest at a tick, mod 512 (`hwread
   * jiffies`, capture.ts tickGrid()): where its timer wheel's grid sits, in whole jiffies. Absent in
   * traces captured before it was recorded; the replay then uses the model's default.
   */
  jiffiesPhase?: number;
  /**
   * Where the guest's ticks fall within each 4 ms of CLOCK_MONOTONIC, ns (0 ≤ x < 4 ms; capture.ts
   * tickGrid()). Absent in traces captured before it was recorded (2026-12-07): the replay then
   * takes the ticks on whole multiples of 4 ms, as it did.
   */
  tickOffsetNs?: number;
}

export interface QemuTrace {
  dir: string;
  params: TraceParams;
  device: DeviceEvent[];
  readers: ReaderTrace[];
}

const DEVICE_HEADER = 't_ns\tevent\tsize\tquota';
const READERS_HEADER = 't_ns\treader\tstep\tevent\tvalue';

/** Writes a trace directory (creating it). */
export function writeTrace(dir: string, params: TraceParams, device: readonly DeviceEvent[], readers: readonly ReaderTrace[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'params.json'), JSON.stringify(params, null, 2) + '\n');
  const d = [DEVICE_HEADER, ...device.map((e) => `${e.t}\t${e.kind}\t${e.size}\t${e.quota ?? ''}`)];
  writeFileSync(join(dir, 'device.tsv'), d.join('\n') + '\n');
  const r = [READERS_HEADER];
  for (const rd of readers) {
    r.push(`${rd.startNs}\t${rd.tag}\t${rd.step}\tstart\t${rd.size}/${rd.total}`);
    for (const x of rd.reads) r.push(`${x.t}\t${rd.tag}\t${rd.step}\tread\t${x.n}`);
    r.push(`${rd.end.t}\t${rd.tag}\t${rd.step}\t${rd.end.status}\t${rd.end.pendingSinceNs ?? ''}`);
  }
  writeFileSync(join(dir, 'readers.tsv'), r.join('\n') + '\n');
}

function intField(file: string, line: number, name: string, s: string | undefined): number {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new InputError(`${file}: line ${line}: ${name} ${JSON.stringify(s ?? '')} is not an integer`);
  return Number(s);
}

function tsvRows(file: string, header: string): string[][] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[0] !== header) throw new InputError(`${file}: line 1: expected the header "${header.replace(/\t/g, '\\t')}"`);
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i] !== '') rows.push(lines[i]!.split('\t'));
  return rows;
}

/**
 * The trace directories `dir` names: itself when it holds a params.json, else every directory
 * below it that does (at any depth, not below a trace), in name order with numbers compared as
 * numbers: what `qemu capture OUT --fixture all` (OUT/PLAN) and `--repeat` (OUT/1 … OUT/N) write.
 * Neither is an InputError naming the directory.
 */
export function traceDirs(dir: string): string[] {
  const seen = new Set<string>(); // directories searched, by real path: a link back up the tree is not followed round
  const isDir = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false; // missing, or a dangling link
    }
  };
  if (!isDir(dir)) throw new InputError(`${dir}: no such directory`);
  const found: string[] = [];
  const walk = (d: string): void => {
    if (existsSync(join(d, 'params.json'))) {
      found.push(d);
      return;
    }
    const real = realpathSync(d);
    if (seen.has(real)) return;
    seen.add(real);
    const subs = readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDir(join(d, e.name))))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of subs) walk(join(d, name));
  };
  walk(dir);
  if (found.length === 0) throw new InputError(`${dir}: not a trace directory (no params.json, nor a sub-directory with one)`);
  return found;
}

/** Reads and checks a trace directory; bad input is an InputError naming file, line and field. */
export function readTrace(dir: string): QemuTrace {
  const pFile = join(dir, 'params.json');
  if (!existsSync(pFile)) throw new InputError(`${dir}: not a trace directory (no params.json)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(pFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${pFile}: not valid JSON (${(e as Error).message})`);
  }
  if (raw.format !== TRACE_FORMAT) throw new InputError(`${pFile}: format ${JSON.stringify(raw.format)}, expected "${TRACE_FORMAT}"`);
  if (raw.version !== TRACE_VERSION) throw new InputError(`${pFile}: version ${JSON.stringify(raw.version)}, expected ${TRACE_VERSION}`);
  const plan = checkPlan(`${pFile}: plan`, raw.plan);
  for (const k of ['probeNs', 'endNs'] as const) {
    if (typeof raw[k] !== 'number' || !Number.isFinite(raw[k])) throw new InputError(`${pFile}: ${k}: expected a number`);
  }
  if (!Array.isArray(raw.stepStartsNs) || raw.stepStartsNs.length !== plan.steps.length) {
    throw new InputError(`${pFile}: stepStartsNs: expected one time per plan step (${plan.steps.length})`);
  }
  // Optional whole numbers below a bound (recorded only by newer captures).
  const optionalBelow = (field: 'jiffiesPhase' | 'tickOffsetNs', bound: number, what: string): void => {
    const v = raw[field];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) < bound)) {
      throw new InputError(`${pFile}: ${field}: ${JSON.stringify(v)}, expected ${what} 0..${bound - 1} (or no field)`);
    }
  };
  optionalBelow('jiffiesPhase', JIFFIES_PHASE_GRID, 'a whole number');
  optionalBelow('tickOffsetNs', JIFFY_NS, 'a whole number of ns');
  const params = { ...(raw as unknown as TraceParams), plan };

  const dFile = join(dir, 'device.tsv');
  const device: DeviceEvent[] = tsvRows(dFile, DEVICE_HEADER).map((f, i) => {
    const line = i + 2;
    const kind = f[1];
    if (kind !== 'request' && kind !== 'push') throw new InputError(`${dFile}: line ${line}: event ${JSON.stringify(kind)}, expected request or push`);
    return {
      t: intField(dFile, line, 't_ns', f[0]),
      kind,
      size: intField(dFile, line, 'size', f[2]),
      quota: kind === 'request' ? intField(dFile, line, 'quota', f[3]) : null,
    };
  });

  const rFile = join(dir, 'readers.tsv');
  const readers: ReaderTrace[] = [];
  const open = new Map<string, ReaderTrace>();
  tsvRows(rFile, READERS_HEADER).forEach((f, i) => {
    const line = i + 2;
    const t = intField(rFile, line, 't_ns', f[0]);
    const tag = f[1] ?? '';
    const step = intField(rFile, line, 'step', f[2]);
    const key = `${step}/${tag}`;
    const ev = f[3];
    if (ev === 'start') {
      const m = /^(\d+)\/(\d+)$/.exec(f[4] ?? '');
      if (m === null) throw new InputError(`${rFile}: line ${line}: value ${JSON.stringify(f[4])}, expected SIZE/TOTAL`);
      const r: ReaderTrace = { tag, step, size: Number(m[1]), total: Number(m[2]), startNs: t, reads: [], end: { t, status: 'pending', pendingSinceNs: null } };
      open.set(key, r);
      readers.push(r);
      return;
    }
    const r = open.get(key);
    if (r === undefined) throw new InputError(`${rFile}: line ${line}: reader ${tag} of step ${step} has no start line before it`);
    if (ev === 'read') r.reads.push({ t, n: intField(rFile, line, 'value', f[4]) });
    else if (ev === 'done' || ev === 'pending' || ev === 'cut' || ev === 'error') {
      r.end = { t, status: ev, pendingSinceNs: f[4] === undefined || f[4] === '' ? null : intField(rFile, line, 'value', f[4]) };
    } else throw new InputError(`${rFile}: line ${line}: event ${JSON.stringify(ev)}, expected start, read, done, pending, cut or error`);
  });
  return { dir, params, device, readers };
}
