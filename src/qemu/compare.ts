/**
 * `entropy-bench qemu compare TRACE_DIR`: the real run (a trace directory) against the model's
 * replay of the same plan (replay.ts), window by window and read by read. Bars (issue 12):
 * bytes per window exact, window starts within 2 ms, reader-visible read sizes exact, a reader
 * left pending (a hang) exactly when the real one was, bulk throughput within 25 %.
 * Only windows that end before the trace does are compared (the last one is cut by the
 * capture's end), and only reads up to the real reader's end.
 *
 * Concurrent readers of one step share the driver's one buffer, and which of them gets each
 * 64 bytes is the guest scheduler's choice (a fresh capture split them differently from the
 * committed one). For such a group the bars apply to the readers together — their read sizes
 * merged in time order, the bytes they got per window, how many of them ended hung — and the
 * per-reader rows are information only.
 */
import { quantileSorted } from 'simple-statistics';
import { HOST_GAP_STALL_NS, HOST_TIMER_STALL_NS, inferWindows, type InferredWindow } from './windows.ts';
import { replay, type ReplayOverrides } from './replay.ts';
import { modelledKernel } from '../os/linux-hwrng.ts';
import type { DeviceEvent, QemuTrace, ReaderTrace } from './trace.ts';

export const WINDOW_START_TOLERANCE_NS = 2_000_000;
export const THROUGHPUT_TOLERANCE = 0.25;
/**
 * Without a rate limit, a reader whose read has been pending less than this at the deadline was
 * still streaming (a 4096-byte read takes 4–20 ms there), not hung: done on one side and still
 * streaming on the other is how much each side read by the deadline, which the throughput bar
 * judges (unlimited-r4096-egd, quiet host: real done at 0.233 MB/s, model 0.196 still reading).
 */
export const STREAMING_PENDING_NS = 100_000_000;

function stillStreaming(r: ReaderTrace | undefined): boolean {
  return r !== undefined && r.end.status === 'pending' && r.end.pendingSinceNs !== null && r.end.t - r.end.pendingSinceNs < STREAMING_PENDING_NS;
}

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
  /** Refill − the previous window's ms deadline (timer expiry latency), ns; null for window 0. */
  realTimerLateNs: number | null;
  modelTimerLateNs: number | null;
  /** Refill → this window's start (backend fill + guest wake + re-post), ns. */
  realGapNs: number | null;
  modelGapNs: number | null;
  /** Why the real start was the host's doing (timer or guest/backend stalled), else null. */
  hostStall: string | null;
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
  /**
   * Median and 90th percentile of the time between the device's non-empty requests during the
   * reader's reads, ns (real, model): one 64-byte round trip of guest, vCPU and QEMU. Host speed
   * sets the median, host load the tail (QEMU's threads descheduled), neither the device: a
   * throughput miss whose real periods sit far from the model's is the host's
   * (docs/qemu-trace.md).
   */
  realRequestPeriodNs: [number, number] | null;
  modelRequestPeriodNs: [number, number] | null;
  /** Largest |model − real| completion time over matching reads, ns. */
  maxTimeErrorNs: number | null;
  /** One of several concurrent readers of its step: judged with them (GroupRow), not alone. */
  shared: boolean;
  ok: boolean;
}

/** Concurrent readers of one step, judged together. */
export interface GroupRow {
  step: number;
  tags: string[];
  realReads: number;
  modelReads: number;
  /** Index of the first differing size in the time-merged reads (null: the same). */
  firstSizeMismatch: number | null;
  /**
   * Bytes the readers got per window (by each side's own refill times), closed windows only;
   * judged per boundary, up to the reads between a refill and the next window's start.
   */
  realBytesPerWindow: number[];
  modelBytesPerWindow: number[];
  /** How each reader ended, sorted (which reader it was is the scheduler's choice). */
  realEnds: ReaderEnd[];
  modelEnds: ReaderEnd[];
  ok: boolean;
}

export interface CompareOptions {
  /**
   * false: window-start and throughput misses are reported but do not fail the comparison
   * (they are sensitive to host load; bytes, read sizes and hangs are not).
   */
  timing?: boolean;
  /** false: the model's own timer latency everywhere, also where the real run's host stalled (ReplayOptions). */
  hostStalls?: boolean;
}

export interface CompareResult {
  trace: string;
  plan: string;
  /** The guest kernel the trace was captured on (params.json kernel.version). */
  kernel: string;
  /** The kernel behaviour the model ran: the trace's own, a stand-in (modelledKernel()) or --model-kernel. */
  modelKernel: string;
  /** false: the model was not measured on the trace's kernel, so modelKernel is an estimate of it. */
  kernelMeasured: boolean;
  backend: string;
  limited: boolean;
  windows: WindowRow[];
  readers: ReaderRow[];
  groups: GroupRow[];
  ok: boolean;
  failures: string[];
  /** Timing misses that did not count (CompareOptions.timing false). */
  notes: string[];
  /** The real run's host stalls the replay took as inputs, by window: timer of window k late, start of window k late (replay()). */
  hostStallInputs: { timerLate: number[]; startGap: number[] };
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

/** ReaderRow.realRequestPeriodNs: median and 90th percentile of the request → request intervals from r's first to its last read. */
function requestPeriodNs(device: readonly DeviceEvent[], r: ReaderTrace | undefined): [number, number] | null {
  const ok = r?.reads.filter((x) => x.n > 0) ?? [];
  if (ok.length < 2) return null;
  const from = ok[0]!.t;
  const to = ok[ok.length - 1]!.t;
  const ts = device.filter((e) => e.kind === 'request' && e.size > 0 && e.t >= from && e.t <= to).map((e) => e.t);
  if (ts.length < 3) return null;
  const gaps = ts.slice(1).map((t, i) => t - ts[i]!).sort((a, b) => a - b);
  return [Math.round(quantileSorted(gaps, 0.5)), Math.round(quantileSorted(gaps, 0.9))];
}

/** Windows whose allotment ended (a later refill exists) and started before `endNs`. */
function closedWindows(ws: readonly InferredWindow[]): InferredWindow[] {
  return ws.slice(0, Math.max(0, ws.length - 1));
}

export function compareTrace(trace: QemuTrace, over: ReplayOverrides = {}, opts: CompareOptions = {}): CompareResult {
  const { plan } = trace.params;
  const timing = opts.timing ?? true;
  const notes: string[] = [];
  const model = replay(trace, over, { hostStalls: opts.hostStalls ?? true });
  const version = trace.params.kernel.version;
  const modelKernel = model.kernel;
  const kernelMeasured = modelledKernel(version)?.measured === true;
  if (modelKernel !== version) {
    notes.push(`kernel ${version} modelled as ${modelKernel}${kernelMeasured ? ' (--model-kernel)' : ': the model was not measured on this kernel, so its behaviour here is an estimate (docs/qemu-trace.md, Kernels)'}`);
  }
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
      const prev = ws[k - 1]?.deadline;
      const cur = ws[k]?.start;
      return k === 0 || prev == null || cur == null ? null : cur - prev;
    };
    const rl = lag(realW, i);
    const ml = lag(modelW, i);
    const stepErrorNs = rl !== null && ml !== null ? ml - rl : null;
    const late = (ws: readonly InferredWindow[], k: number): number | null => {
      const prev = ws[k - 1]?.deadline;
      const refill = ws[k]?.refillAt;
      return k === 0 || prev == null || refill == null ? null : refill - prev;
    };
    const gap = (w: InferredWindow | undefined): number | null => (w?.refillAt == null || w.start == null ? null : w.start - w.refillAt);
    const realTimerLateNs = late(realW, i);
    const modelTimerLateNs = late(modelW, i);
    const realGapNs = gap(rw);
    const modelGapNs = gap(mw);
    // A stall the replay took as an input (replay(): the timer of window i − 1, the start of
    // window i) is named as such; without inputs (hostStalls false) by the same criteria.
    const timerInput = model.hostStalls.timerLate.includes(i - 1);
    const gapInput = model.hostStalls.startGap.includes(i);
    let hostStall: string | null = null;
    if (realTimerLateNs !== null && realTimerLateNs > HOST_TIMER_STALL_NS) hostStall = `timer fired ${ms(realTimerLateNs)} ms after its deadline`;
    if (gapInput || (realGapNs !== null && realGapNs > HOST_GAP_STALL_NS && modelGapNs !== null && modelGapNs <= HOST_GAP_STALL_NS)) {
      hostStall = `${hostStall === null ? '' : `${hostStall}; `}refill → next request ${ms(realGapNs)} ms with a reader waiting`;
    }
    if (hostStall !== null) {
      const input = timerInput || gapInput ? '; the replay took it as an input' : '';
      notes.push(`window ${i}: real host stall (${hostStall}); model timer ${ms(modelTimerLateNs)} ms, refill → next request ${ms(modelGapNs)} ms${input}`);
    }
    return {
      index: i,
      realStart: rw.start,
      modelStart: mw?.start ?? null,
      startErrorNs,
      stepErrorNs,
      realBytes: rw.bytes,
      modelBytes: mw?.bytes ?? 0,
      realTimerLateNs,
      modelTimerLateNs,
      realGapNs,
      modelGapNs,
      hostStall,
      ok,
    };
  });
  const stepReaders = (step: number): number => trace.readers.filter((r) => r.step === step).length;
  /** When the last real reader of a step ended. */
  const stepEnd = (step: number): number => Math.max(...trace.readers.filter((r) => r.step === step).map((r) => r.end.t));
  const readers: ReaderRow[] = trace.readers.map((rr) => {
    const shared = stepReaders(rr.step) > 1;
    // A shared reader's own misses are information; its group carries the bars.
    const fail = (what: string): void => void (shared ? notes : failures).push(shared ? `${what} (one of ${stepReaders(rr.step)} concurrent readers: information)` : what);
    const mr = model.readers.find((m) => m.step === rr.step && m.tag === rr.tag);
    const realSizes = rr.reads.map((x) => x.n);
    // Up to the real reader's end, or for one of several concurrent readers the last one's (see groups below).
    const cutAt = shared ? stepEnd(rr.step) : rr.end.t;
    const modelSizes = (mr?.reads ?? []).filter((x) => x.t <= cutAt).map((x) => x.n);
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
    const realRequestPeriodNs = limited ? null : requestPeriodNs(trace.device, rr);
    const modelRequestPeriodNs = limited ? null : requestPeriodNs(model.device, mr);
    let ok = true;
    // Sizes must match exactly; a reader the capture cut at its deadline may have one read more
    // or less in flight at the cut, so the count is compared only for finished readers.
    const cut = rr.end.status === 'pending' || rr.end.status === 'cut';
    const sizesOk = firstSizeMismatch === null || (cut && firstSizeMismatch >= Math.min(realSizes.length, modelSizes.length) && Math.abs(realSizes.length - modelSizes.length) <= 1);
    if (limited && !sizesOk) {
      ok = shared;
      fail(`reader ${rr.tag}: read ${firstSizeMismatch} differs (real ${realSizes[firstSizeMismatch!] ?? 'none'}, model ${modelSizes[firstSizeMismatch!] ?? 'none'}; ${realSizes.length} vs ${modelSizes.length} reads)`);
    }
    if (!limited && realBps !== null && (modelBps === null || Math.abs(modelBps - realBps) > THROUGHPUT_TOLERANCE * realBps)) {
      ok = !timing ? ok : false;
      const period = requestPeriods(realRequestPeriodNs, modelRequestPeriodNs);
      (timing ? failures : notes).push(`reader ${rr.tag}: throughput real ${(realBps / 1e6).toFixed(3)} MB/s, model ${modelBps === null ? '—' : (modelBps / 1e6).toFixed(3)} MB/s${period === '' ? '' : `; ${period}`}`);
    }
    const streamingAtDeadline = !limited && (realStatus === 'done' || modelStatus === 'done') && (stillStreaming(rr) || stillStreaming(mr));
    if (realStatus !== modelStatus && streamingAtDeadline) {
      notes.push(`reader ${rr.tag}: real ${realStatus}, model ${modelStatus} (still streaming at the deadline: the throughput bar judges it)`);
    } else if (realStatus !== modelStatus) {
      ok = ok && shared;
      fail(`reader ${rr.tag}: real ${realStatus}, model ${modelStatus}`);
    }
    return { tag: rr.tag, step: rr.step, realReads: realSizes.length, modelReads: modelSizes.length, firstSizeMismatch, realStatus, modelStatus, realBps, modelBps, realRequestPeriodNs, modelRequestPeriodNs, maxTimeErrorNs, shared, ok };
  });
  // Reads are put in windows by completion time, at each side's refills. Which window's bytes a
  // read carried is unknowable from the trace for a read that completed between a refill and the
  // next window's start (the re-post after the refill's bytes were copied): a reader woken late
  // can return old bytes after the refill (93 ms late in one fresh capture), and the start's
  // trace line can lag the read that caused it by ms. Such reads may sit on either side.
  const allReal = inferWindows(trace.device, plan.maxBytes, plan.periodMs);
  const realRefills = allReal.slice(1).map((w) => w.refillAt!);
  const modelRefills = modelW.slice(1).map((w) => w.refillAt!);
  const bands = (ws: readonly InferredWindow[]): Array<[number, number]> => ws.slice(1).map((w) => [w.refillAt!, w.start ?? w.refillAt!]);
  const realBands = bands(allReal);
  const modelBands = bands(modelW);
  const groups: GroupRow[] = [];
  for (const step of [...new Set(trace.readers.map((r) => r.step))].filter((st) => stepReaders(st) > 1)) {
    const real = trace.readers.filter((r) => r.step === step);
    const mine = real.map((rr) => model.readers.find((m) => m.step === rr.step && m.tag === rr.tag));
    // Each side's reads up to the last real reader's end, merged in time order. Not each reader's
    // own end: how the readers split the buffers among themselves is the guest scheduler's call
    // (information only), so a model reader may finish later than its real namesake while the
    // readers together got the same bytes.
    const groupEnd = stepEnd(step);
    const merged = (rs: ReadonlyArray<ReaderTrace['reads']>) => rs.flatMap((reads) => reads.filter((x) => x.t <= groupEnd)).sort((a, b) => a.t - b.t);
    const realReads = merged(real.map((r) => r.reads));
    const modelReads = merged(mine.map((m) => m?.reads ?? []));
    let firstSizeMismatch: number | null = null;
    for (let k = 0; k < Math.max(realReads.length, modelReads.length); k++) {
      if (realReads[k]?.n !== modelReads[k]?.n) {
        firstSizeMismatch = k;
        break;
      }
    }
    // Per window, by each side's own refills; only the windows closed in the real trace.
    const perWindow = (reads: ReaderTrace['reads'], refills: readonly number[]): number[] => {
      const out = new Array<number>(realW.length).fill(0);
      for (const x of reads) {
        if (x.n <= 0) continue;
        let w = 0;
        while (w < refills.length && x.t >= refills[w]!) w++;
        if (w < out.length) out[w]! += x.n;
      }
      return out;
    };
    const realBytesPerWindow = perWindow(realReads, realRefills);
    const modelBytesPerWindow = perWindow(modelReads, modelRefills);
    const realEnds = real.map((r) => readerEnd(r, trace.device, plan.periodMs)).sort();
    const modelEnds = mine.map((m) => (m === undefined ? 'pending' : readerEnd(m, model.device, plan.periodMs))).sort();
    const cut = real.filter((r) => r.end.status === 'pending' || r.end.status === 'cut').length;
    // As for one reader; each reader cut at its deadline may have one read more or less in flight.
    const sizesOk =
      firstSizeMismatch === null ||
      (cut > 0 && firstSizeMismatch >= Math.min(realReads.length, modelReads.length) && Math.abs(realReads.length - modelReads.length) <= cut);
    // Per boundary, the bytes before it may differ by the reads whose side is unknowable.
    const inBand = (reads: ReaderTrace['reads'], b: [number, number] | undefined): number =>
      b === undefined ? 0 : reads.filter((x) => x.n > 0 && x.t > b[0] && x.t <= b[1]).reduce((a, x) => a + x.n, 0);
    let cumReal = 0;
    let cumModel = 0;
    const bytesOk = realBytesPerWindow.every((b, k) => {
      cumReal += b;
      cumModel += modelBytesPerWindow[k]!;
      return Math.abs(cumReal - cumModel) <= inBand(realReads, realBands[k]) + inBand(modelReads, modelBands[k]);
    });
    const endsOk = realEnds.join() === modelEnds.join();
    const tags = real.map((r) => r.tag);
    if (limited && !sizesOk) failures.push(`readers ${tags.join('+')}: merged read ${firstSizeMismatch} differs (${realReads.length} vs ${modelReads.length} reads)`);
    if (limited && !bytesOk) failures.push(`readers ${tags.join('+')}: bytes per window real ${realBytesPerWindow.join(' ')}, model ${modelBytesPerWindow.join(' ')}`);
    if (!endsOk) failures.push(`readers ${tags.join('+')}: ends real ${realEnds.join(' ')}, model ${modelEnds.join(' ')}`);
    groups.push({
      step,
      tags,
      realReads: realReads.length,
      modelReads: modelReads.length,
      firstSizeMismatch,
      realBytesPerWindow,
      modelBytesPerWindow,
      realEnds,
      modelEnds,
      ok: (!limited || (sizesOk && bytesOk)) && endsOk,
    });
  }
  return {
    trace: trace.dir,
    plan: plan.name,
    kernel: trace.params.kernel.version,
    modelKernel,
    kernelMeasured,
    backend: plan.backend,
    limited,
    windows,
    readers,
    groups,
    ok: failures.length === 0,
    failures,
    notes,
    hostStallInputs: model.hostStalls,
  };
}

const ms = (ns: number | null): string => (ns === null ? '—' : (ns / 1e6).toFixed(3));
const us = (ns: number): string => (ns / 1e3).toFixed(0);

/** ReaderRow's request periods as text ('' when either side has none). */
function requestPeriods(real: [number, number] | null, model: [number, number] | null): string {
  if (real === null || model === null) return '';
  return `request → request median / 90th percentile real ${us(real[0])} / ${us(real[1])} µs, model ${us(model[0])} / ${us(model[1])} µs`;
}

export function formatCompare(r: CompareResult): string {
  const lines: string[] = [];
  lines.push(`${r.trace}: ${r.plan} (kernel ${r.kernel}${r.modelKernel === r.kernel ? '' : ` modelled as ${r.modelKernel}${r.kernelMeasured ? '' : ', not measured'}`}, ${r.backend}) — ${r.ok ? 'within tolerance' : 'OUTSIDE tolerance'}`);
  if (r.limited) {
    lines.push('  window  real start ms  model start ms  error ms  step error ms  real bytes  model bytes');
    for (const w of r.windows) {
      lines.push(
        `  ${String(w.index).padStart(6)}  ${ms(w.realStart).padStart(13)}  ${ms(w.modelStart).padStart(14)}  ${ms(w.startErrorNs).padStart(8)}  ${ms(w.stepErrorNs).padStart(13)}  ${String(w.realBytes).padStart(10)}  ${String(w.modelBytes).padStart(11)}${w.ok ? '' : '  ✗'}`,
      );
    }
  }
  for (const rd of r.readers) {
    const periods = requestPeriods(rd.realRequestPeriodNs, rd.modelRequestPeriodNs);
    const tp = rd.realBps !== null ? `, real ${(rd.realBps / 1e6).toFixed(3)} MB/s, model ${rd.modelBps === null ? '—' : (rd.modelBps / 1e6).toFixed(3)} MB/s${periods === '' ? '' : ` (${periods})`}` : '';
    lines.push(
      `  reader ${rd.tag} (step ${rd.step}): ${rd.realReads} reads real, ${rd.modelReads} model; sizes ${rd.firstSizeMismatch === null ? 'identical' : `differ from read ${rd.firstSizeMismatch}`}; ` +
        `end real ${rd.realStatus}, model ${rd.modelStatus}; max completion-time error ${ms(rd.maxTimeErrorNs)} ms${tp}${rd.shared ? ' (shared: information)' : rd.ok ? '' : '  ✗'}`,
    );
  }
  for (const g of r.groups) {
    lines.push(
      `  readers ${g.tags.join('+')} together (step ${g.step}): ${g.realReads} reads real, ${g.modelReads} model; sizes ${g.firstSizeMismatch === null ? 'identical' : `differ from read ${g.firstSizeMismatch}`}; ` +
        `bytes per window real ${g.realBytesPerWindow.join(' ')}, model ${g.modelBytesPerWindow.join(' ')}; ends real ${g.realEnds.join(' ')}, model ${g.modelEnds.join(' ')}${g.ok ? '' : '  ✗'}`,
    );
  }
  for (const f of r.failures) lines.push(`  FAIL ${f}`);
  for (const n of r.notes) lines.push(/host stall|still streaming|^kernel |concurrent readers: information/.test(n) ? `  note ${n}` : `  note (timing not gated) ${n}`);
  return lines.join('\n') + '\n';
}
