/**
 * `entropy-bench qemu compare TRACE_DIR`: the real run (a trace directory) against the model's
 * replay of the same plan (replay.ts), window by window and read by read. Bars (issue 12):
 * bytes per window exact, window starts within 2 ms, reader-visible read sizes exact, a reader
 * left pending (a hang) exactly when the real one was, bulk throughput within 25 %.
 * Only windows that end before the trace does are compared (the last one is cut by the
 * capture's end), and only reads up to the real reader's end.
 */
import { inferWindows, type InferredWindow } from './windows.ts';
import { replay, type ReplayOverrides } from './replay.ts';
import type { DeviceEvent, QemuTrace, ReaderTrace } from './trace.ts';

export const WINDOW_START_TOLERANCE_NS = 2_000_000;
export const THROUGHPUT_TOLERANCE = 0.25;

export interface WindowRow {
  index: number;
  realStart: number | null;
  modelStart: number | null;
  /** model − real, ns (null when either is missing). */
  startErrorNs: number | null;
  /**
   * One-step error: (model start − its ms deadline) − (real start − its ms deadline), each after
   * its own previous window. Lazily started windows inherit every earlier slip; this isolates
   * the error of one refill → next-window transition.
   */
  stepErrorNs: number | null;
  realBytes: number;
  modelBytes: number;
  ok: boolean;
}

export interface ReaderRow {
  tag: string;
  step: number;
  realReads: number;
  modelReads: number;
  /** Index of the first read whose size differs (null: same sizes, same count). */
  firstSizeMismatch: number | null;
  realStatus: ReaderEnd;
  modelStatus: ReaderEnd;
  /** Bytes per second over the reader's reads (real, model) — compared for unlimited devices. */
  realBps: number | null;
  modelBps: number | null;
  /** Largest |model − real| completion time over matching reads, ns. */
  maxTimeErrorNs: number | null;
  ok: boolean;
}

export interface CompareOptions {
  /**
   * false: window-start and throughput misses are reported but do not fail the comparison
   * (they are sensitive to host load; bytes, read sizes and hangs are not).
   */
  timing?: boolean;
}

export interface CompareResult {
  trace: string;
  plan: string;
  kernel: string;
  backend: string;
  limited: boolean;
  windows: WindowRow[];
  readers: ReaderRow[];
  ok: boolean;
  failures: string[];
  /** Timing misses that did not count (CompareOptions.timing false). */
  notes: string[];
}

/**
 * How a reader ended; 'hang' = a read still pending at the cut while the device pushed nothing
 * for more than a full period (+100 ms) before it: no refill can ever serve that reader.
 */
export type ReaderEnd = ReaderTrace['end']['status'] | 'hang';

export function readerEnd(r: ReaderTrace, device: readonly DeviceEvent[], periodMs: number): ReaderEnd {
  if (r.end.status !== 'pending' || r.end.pendingSinceNs === null) return r.end.status;
  const quiet = periodMs * 1e6 + 100e6;
  const from = Math.max(r.end.pendingSinceNs, r.end.t - quiet);
  if (r.end.t - r.end.pendingSinceNs <= quiet) return 'pending';
  return device.some((e) => e.kind === 'push' && e.t > from && e.t <= r.end.t) ? 'pending' : 'hang';
}

function bps(r: ReaderTrace): number | null {
  const ok = r.reads.filter((x) => x.n > 0);
  if (ok.length < 2) return null;
  const bytes = ok.slice(1).reduce((s, x) => s + x.n, 0);
  const dt = ok[ok.length - 1]!.t - ok[0]!.t;
  return dt > 0 ? (bytes * 1e9) / dt : null;
}

/** Windows whose allotment ended (a later refill exists) and started before `endNs`. */
function closedWindows(ws: readonly InferredWindow[]): InferredWindow[] {
  return ws.slice(0, Math.max(0, ws.length - 1));
}

export function compareTrace(trace: QemuTrace, over: ReplayOverrides = {}, opts: CompareOptions = {}): CompareResult {
  const { plan } = trace.params;
  const timing = opts.timing ?? true;
  const notes: string[] = [];
  const model = replay(trace, over);
  const limited = plan.maxBytes < 2 ** 53;
  const failures: string[] = [];
  const realW = closedWindows(inferWindows(trace.device, plan.maxBytes, plan.periodMs));
  const modelW = inferWindows(model.device, plan.maxBytes, plan.periodMs);
  const windows: WindowRow[] = realW.map((rw, i) => {
    const mw = modelW[i];
    const startErrorNs = rw.start !== null && mw?.start != null ? mw.start - rw.start : null;
    const bytesOk = mw !== undefined && mw.bytes === rw.bytes;
    const startOk = rw.start === null ? mw?.start == null : startErrorNs !== null && Math.abs(startErrorNs) <= WINDOW_START_TOLERANCE_NS;
    const ok = !limited || (bytesOk && (startOk || !timing));
    const what = `window ${i}: bytes real ${rw.bytes} model ${mw?.bytes ?? '—'}, start error ${startErrorNs === null ? '—' : (startErrorNs / 1e6).toFixed(3) + ' ms'}`;
    if (!ok) failures.push(what);
    else if (limited && !startOk) notes.push(what);
    const lag = (ws: readonly InferredWindow[], k: number): number | null => {
      const prev = ws[k - 1]?.start;
      const cur = ws[k]?.start;
      return k === 0 || prev == null || cur == null ? null : cur - (Math.floor(prev / 1e6) + plan.periodMs) * 1e6;
    };
    const rl = lag(realW, i);
    const ml = lag(modelW, i);
    const stepErrorNs = rl !== null && ml !== null ? ml - rl : null;
    return { index: i, realStart: rw.start, modelStart: mw?.start ?? null, startErrorNs, stepErrorNs, realBytes: rw.bytes, modelBytes: mw?.bytes ?? 0, ok };
  });
  const readers: ReaderRow[] = trace.readers.map((rr) => {
    const mr = model.readers.find((m) => m.step === rr.step && m.tag === rr.tag);
    const realSizes = rr.reads.map((x) => x.n);
    const modelSizes = (mr?.reads ?? []).filter((x) => x.t <= rr.end.t).map((x) => x.n);
    let firstSizeMismatch: number | null = null;
    for (let i = 0; i < Math.max(realSizes.length, modelSizes.length); i++) {
      if (realSizes[i] !== modelSizes[i]) {
        firstSizeMismatch = i;
        break;
      }
    }
    let maxTimeErrorNs: number | null = null;
    for (let i = 0; i < Math.min(rr.reads.length, mr?.reads.length ?? 0); i++) {
      const e = Math.abs(mr!.reads[i]!.t - rr.reads[i]!.t);
      if (maxTimeErrorNs === null || e > maxTimeErrorNs) maxTimeErrorNs = e;
    }
    const realStatus = readerEnd(rr, trace.device, plan.periodMs);
    const modelStatus = mr === undefined ? 'pending' : readerEnd(mr, model.device, plan.periodMs);
    const realBps = bps(rr);
    const modelBps = mr !== undefined ? bps(mr) : null;
    let ok = true;
    // Sizes must match exactly; a reader the capture cut at its deadline may have one read more
    // or less in flight at the cut, so the count is compared only for finished readers.
    const cut = rr.end.status === 'pending' || rr.end.status === 'cut';
    const sizesOk = firstSizeMismatch === null || (cut && firstSizeMismatch >= Math.min(realSizes.length, modelSizes.length) && Math.abs(realSizes.length - modelSizes.length) <= 1);
    if (limited && !sizesOk) {
      ok = false;
      failures.push(`reader ${rr.tag}: read ${firstSizeMismatch} differs (real ${realSizes[firstSizeMismatch!] ?? 'none'}, model ${modelSizes[firstSizeMismatch!] ?? 'none'}; ${realSizes.length} vs ${modelSizes.length} reads)`);
    }
    if (!limited && realBps !== null && (modelBps === null || Math.abs(modelBps - realBps) > THROUGHPUT_TOLERANCE * realBps)) {
      ok = !timing ? ok : false;
      (timing ? failures : notes).push(`reader ${rr.tag}: throughput real ${(realBps / 1e6).toFixed(3)} MB/s, model ${modelBps === null ? '—' : (modelBps / 1e6).toFixed(3)} MB/s`);
    }
    if (realStatus !== modelStatus) {
      ok = false;
      failures.push(`reader ${rr.tag}: real ${realStatus}, model ${modelStatus}`);
    }
    return { tag: rr.tag, step: rr.step, realReads: realSizes.length, modelReads: modelSizes.length, firstSizeMismatch, realStatus, modelStatus, realBps, modelBps, maxTimeErrorNs, ok };
  });
  return {
    trace: trace.dir,
    plan: plan.name,
    kernel: trace.params.kernel.version,
    backend: plan.backend,
    limited,
    windows,
    readers,
    ok: failures.length === 0,
    failures,
    notes,
  };
}

const ms = (ns: number | null): string => (ns === null ? '—' : (ns / 1e6).toFixed(3));

export function formatCompare(r: CompareResult): string {
  const lines: string[] = [];
  lines.push(`${r.trace}: ${r.plan} (kernel ${r.kernel}, ${r.backend}) — ${r.ok ? 'within tolerance' : 'OUTSIDE tolerance'}`);
  if (r.limited) {
    lines.push('  window  real start ms  model start ms  error ms  step error ms  real bytes  model bytes');
    for (const w of r.windows) {
      lines.push(
        `  ${String(w.index).padStart(6)}  ${ms(w.realStart).padStart(13)}  ${ms(w.modelStart).padStart(14)}  ${ms(w.startErrorNs).padStart(8)}  ${ms(w.stepErrorNs).padStart(13)}  ${String(w.realBytes).padStart(10)}  ${String(w.modelBytes).padStart(11)}${w.ok ? '' : '  ✗'}`,
      );
    }
  }
  for (const rd of r.readers) {
    const tp = rd.realBps !== null ? `, real ${(rd.realBps / 1e6).toFixed(3)} MB/s, model ${rd.modelBps === null ? '—' : (rd.modelBps / 1e6).toFixed(3)} MB/s` : '';
    lines.push(
      `  reader ${rd.tag} (step ${rd.step}): ${rd.realReads} reads real, ${rd.modelReads} model; sizes ${rd.firstSizeMismatch === null ? 'identical' : `differ from read ${rd.firstSizeMismatch}`}; ` +
        `end real ${rd.realStatus}, model ${rd.modelStatus}; max completion-time error ${ms(rd.maxTimeErrorNs)} ms${tp}${rd.ok ? '' : '  ✗'}`,
    );
  }
  for (const f of r.failures) lines.push(`  FAIL ${f}`);
  for (const n of r.notes) lines.push(`  note (timing not gated) ${n}`);
  return lines.join('\n') + '\n';
}
