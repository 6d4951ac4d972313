/**
 * Runs a capture plan in the model (`entropy-bench qemu compare`): the same guest program as
 * the real capture — the Linux hwrng core + virtio-rng driver (os/linux-hwrng.ts) on the
 * QEMU device model (devices/virtio-rng.ts) — with the guest's own inputs taken from the trace:
 * when the driver was loaded, when each reader started, when a reset happened, and the guest's
 * uptime (khwrngd's cadence depends on it), at each probe the outcome of the races between the
 * guest vCPU, QEMU's main loop and the backend that the device log shows (probeTiming()), and the
 * host's stalls (a window timer fired late, a waiting reader restarted late: replay()).
 * Everything the device and the driver do after that is the model's.
 */
import { HostSource } from '../devices/host-source.ts';
import { resolveParams } from '../designs/components.ts';
import type { ParamValues } from '../params/spec.ts';
import { VirtioRng } from '../devices/virtio-rng.ts';
import { MetricsCollector } from '../metrics/collector.ts';
import { Prng } from '../sim/prng.ts';
import { Sim } from '../sim/sim.ts';
import { Vcpus } from '../sim/vcpus.ts';
import { TapRegistry } from '../taps/tap.ts';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { LinuxHwrng, LINUX_HWRNG_PARAMS, LINUX_KERNELS, modelledKernel, type LinuxKernel, type ModelledKernel } from '../os/linux-hwrng.ts';
import { resolveParamTable } from '../params/spec.ts';
import { num } from '../params/get.ts';
import { guestOffsetNs, type DeviceEvent, type QemuTrace, type ReaderTrace } from './trace.ts';
import { ARM_STAMP_SLACK_NS, HOST_GAP_STALL_MAX_NS, HOST_GAP_STALL_NS, HOST_TIMER_STALL_NS, inferWindows } from './windows.ts';

export interface ReplayOverrides {
  'virtio-rng'?: ParamValues;
  'linux-guest'?: ParamValues;
}

export interface ReplayOptions {
  /**
   * true (the default): the real run's host stalls are inputs (replay(): a window timer that
   * fired late, a waiting reader's late restart after a refill); false: the model alone, its own
   * `timer-latency` and guest wake-ups everywhere.
   */
  hostStalls?: boolean;
}

export interface ReplayResult {
  device: DeviceEvent[];
  readers: ReaderTrace[];
  /** Windows (index among those begun) whose timer lateness / refill → start the replay took from the real run. */
  hostStalls: { timerLate: number[]; startGap: number[] };
  /** The guest kernel the model ran: the trace's own, its stand-in (guestKernel()), or the override. */
  kernel: string;
}

/** Replays `trace`'s plan in the model; deterministic (the host bytes come from a fixed seed). */
export function replay(trace: QemuTrace, over: ReplayOverrides = {}, opts: ReplayOptions = {}): ReplayResult {
  if (!(opts.hostStalls ?? true)) return replayWith(trace, over, { timerLate: new Map(), startGap: new Map() });
  // A host stall is an input, like a reader's start. QEMU's rate-limit timer fires 24–130 µs
  // after its ms deadline (`timer-latency`) and a waiting reader re-posts 0.25–1.3 ms after a
  // refill, unless the host keeps QEMU's threads (main loop, vCPU) off the CPU; then it happens
  // when the host lets it (1–20 ms late on a loaded host), and QEMU arms the next window from
  // there. Where the real run's timer of window k fired more than HOST_TIMER_STALL_NS after its
  // deadline, the model's timer of window k fires as long after its own deadline (which may be a
  // ms off the real one: guest lag slips the grid). Where the real window k began more than
  // HOST_GAP_STALL_NS (and at most HOST_GAP_STALL_MAX_NS) after a refill that served a posted
  // buffer, while the model, on its own, had a reader waiting (began within HOST_GAP_STALL_NS),
  // the model's window k begins no sooner after its refill than the real one did.
  // Everything else is the model's; `qemu compare` names each stall (ReplayResult.hostStalls).
  const { plan } = trace.params;
  const started = (device: readonly DeviceEvent[]) => inferWindows(device, plan.maxBytes, plan.periodMs).filter((w) => w.start !== null);
  const real = started(trace.device);
  const timerLate = new Map<number, number>();
  real.forEach((w, k) => {
    const refill = real[k + 1]?.refillAt;
    if (w.deadline !== null && refill != null && refill - w.deadline > HOST_TIMER_STALL_NS) timerLate.set(k, refill - w.deadline);
  });
  const first = replayWith(trace, over, { timerLate, startGap: new Map() });
  const own = started(first.device);
  const startGap = new Map<number, number>();
  // A reader was waiting in the real run only if the refill found its buffer posted (its
  // process() asked for bytes): after a hang, or with every reader paused, nothing is posted
  // and a late start is the guest's doing, not the host's.
  const served = new Set(trace.device.filter((e) => e.kind === 'request' && e.size > 0).map((e) => e.t));
  real.forEach((w, k) => {
    const m = own[k];
    if (w.refillAt === null || !served.has(w.refillAt) || m?.refillAt == null) return;
    const gap = w.start! - w.refillAt;
    if (gap > HOST_GAP_STALL_NS && gap <= HOST_GAP_STALL_MAX_NS && m.start! - m.refillAt <= HOST_GAP_STALL_NS) startGap.set(k, gap);
  });
  return startGap.size === 0 ? first : replayWith(trace, over, { timerLate, startGap });
}

/** Host stalls the replay takes from the real run, by window index: timer lateness, refill → start. */
interface HostStalls {
  timerLate: Map<number, number>;
  startGap: Map<number, number>;
}

function replayWith(trace: QemuTrace, over: ReplayOverrides, stalls: HostStalls): ReplayResult {
  const { plan } = trace.params;
  const sim = new Sim();
  const metrics = new MetricsCollector();
  const taps = new TapRegistry(0);
  const host = new HostSource(sim, resolveParams('host-source', undefined), new Prng(1).fork('host'), metrics, taps);
  const devParams = resolveParams('virtio-rng', {
    'max-bytes': plan.maxBytes,
    period: plan.periodMs,
    backend: plan.backend,
    'trace-limit': 1_000_000,
    ...over['virtio-rng'],
  });
  const dev = new VirtioRng(sim, devParams, host, new Vcpus(sim, 1), metrics, taps);
  if (stalls.timerLate.size > 0) dev.timerLateNs = (k) => stalls.timerLate.get(k);
  if (stalls.startGap.size > 0) dev.startGapNs = (k) => stalls.startGap.get(k);
  const kernel = over['linux-guest']?.['kernel'] ?? guestKernel(trace).kernel;
  // The log is read the way the real kernel wrote it: its own behaviour where the model was
  // measured on it, else the stand-in the model runs.
  const logKernel = modelledKernel(trace.params.kernel?.version ?? '')?.kernel ?? (kernel as LinuxKernel);
  const guestParams = resolveParamTable('linux-guest', LINUX_HWRNG_PARAMS, {
    kernel,
    // Guest uptime from the best-placed mark, also for traces whose own guestOffsetNs took the first.
    'uptime-at-probe-ns': Math.max(0, trace.params.probeNs - (guestOffsetNs(trace.params.alignment.marks) ?? trace.params.alignment.guestOffsetNs)),
    ...(trace.params.jiffiesPhase === undefined ? {} : { 'jiffies-phase': trace.params.jiffiesPhase }),
    ...(trace.params.tickOffsetNs === undefined ? {} : { 'tick-offset-ns': trace.params.tickOffsetNs }),
    ...over['linux-guest'],
  });
  const marks = new Map(trace.params.alignment.marks.map((m) => [m.label, m.virtualNs ?? 0]));
  const at = (t: number, fn: () => void): void => void sim.at(Math.max(0, t), fn);
  // How long loading the module took (insmod under TCG: 18–117 ms in the captures, host load
  // dominates) is an input, like the readers' start times: the driver sets DRIVER_OK when the
  // trace's first virtio_rng_request after the load says it did.
  const driverOkAfter = (t0: number): number => {
    const e = trace.device.find((x) => x.kind === 'request' && x.t >= t0);
    return e === undefined ? 0 : driverOkNs(trace, e.t) - t0;
  };
  const ownTiming = over['linux-guest']?.['probe-ns'] !== undefined;
  const probeAt = (t0: number): void => {
    const timing = ownTiming ? undefined : probeTiming(trace, t0, logKernel, num(guestParams, 'ready-post-ns'));
    at(t0, () => {
      if (timing !== undefined) dev.readyKickLatencyNs = timing.readyKickNs;
      if (timing?.firstFillNs !== undefined) dev.nextFillLatencyNs = timing.firstFillNs;
      sim.spawn('probe', hwrng.probe(ownTiming ? undefined : driverOkAfter(t0), timing));
    });
  };
  const hwrng = new LinuxHwrng(sim, dev, guestParams, { privilege: 'os', cpu: 0, actor: 'linux' });
  probeAt(trace.params.probeNs);
  const readers: ReaderTrace[] = [];
  const atEnd: Array<() => void> = [];
  plan.steps.forEach((step, i) => {
    if (step.op === 'reset') {
      const t0 = marks.get(`step${i}`) ?? trace.params.stepStartsNs[i]!;
      at(t0, () => hwrng.remove());
      const t1 = marks.get(`step${i}-removed`);
      if (t1 !== undefined) probeAt(t1);
      return;
    }
    if (step.op !== 'read') return;
    for (const spec of step.readers) {
      const real = trace.readers.find((r) => r.step === i && r.tag === spec.tag);
      if (real === undefined) continue;
      const rec: ReaderTrace = { tag: spec.tag, step: i, size: spec.size, total: spec.total, startNs: real.startNs, reads: [], end: { t: 0, status: 'pending', pendingSinceNs: null } };
      readers.push(rec);
      // The reader's deadline is measured from hwread's own start, just before the child's.
      const deadline = real.end.status === 'pending' || real.end.status === 'cut' ? real.end.t : real.startNs + spec.deadlineMs * 1e6;
      let pendingSince: number | null = null;
      let finished = false;
      // hwread's parent SIGKILLs the reader at the deadline: a blocked read dies in its wait
      // (the driver's posted buffer stays posted), a pausing reader never reads again.
      const kill = sim.event<void>(`SIGKILL ${spec.tag}`);
      at(real.startNs, () => {
        sim.spawn(`reader-${spec.tag}`, (function* () {
          let got = 0;
          let reads = 0;
          while (got < spec.total) {
            pendingSince = sim.now;
            const n = yield* hwrng.read(spec.size, kill);
            pendingSince = null;
            if (kill.triggered) return;
            rec.reads.push({ t: sim.now, n });
            if (n <= 0) break;
            got += n;
            reads++;
            if (spec.pauseEvery > 0 && reads % spec.pauseEvery === 0) {
              // A pause is the guest program's own sleep: an input. nanosleep under a loaded TCG
              // host overshoots by up to hundreds of ms, and single reads inside a burst stalled
              // for tens of ms, so the reader wakes when the real one did: just before its next
              // completion (a prefetched buffer serves it at once), never before the pause ends.
              const next = real.reads[reads];
              const wake = next === undefined ? sim.now : next.t - hwrng.syscallNs;
              yield Math.max(spec.pauseMs * 1e6, wake - sim.now);
              if (kill.triggered) return;
            }
          }
          finished = true;
          rec.end = { t: sim.now, status: rec.reads.some((r) => r.n <= 0) ? 'error' : 'done', pendingSinceNs: null };
        })());
      });
      const cutAt = (t: number): void => {
        if (finished || kill.triggered) return;
        rec.end = { t, status: pendingSince === null ? 'cut' : 'pending', pendingSinceNs: pendingSince };
        kill.succeed();
      };
      at(deadline, () => cutAt(deadline));
      // The real run ended before this reader's deadline (its reader finished sooner): the model's
      // reader is still reading when the trace ends.
      atEnd.push(() => cutAt(sim.now));
    }
  });
  sim.run(trace.params.endNs + 1);
  for (const f of atEnd) f();
  return {
    device: dev.events.map((e) => ({ t: e.t, kind: e.kind, size: e.size, quota: e.quota })),
    readers,
    hostStalls: { timerLate: [...stalls.timerLate.keys()], startGap: [...stalls.startGap.keys()] },
    kernel: String(kernel),
  };
}

/**
 * The model's `linux-guest.kernel` for a trace: the guest kernel it was captured on (params.json
 * kernel.version, from the guest's `uname -v`), or for a 6.1 release the model was not measured
 * on, the measured one that stands in for it (modelledKernel(); `measured` false, which
 * `qemu compare` reports). Any other kernel is an InputError rather than a silent stand-in.
 */
export function guestKernel(trace: QemuTrace): ModelledKernel {
  const v = trace.params.kernel?.version;
  const k = typeof v === 'string' ? modelledKernel(v) : undefined;
  if (k !== undefined) return k;
  throw new InputError(`${join(trace.dir, 'params.json')}: kernel.version ${JSON.stringify(v ?? null)}, expected a Linux 6.1 release (the model was measured on ${LINUX_KERNELS.join(' and ')}; qemu compare --model-kernel picks one for another kernel)`);
}

/** The guest's own DRIVER_OK → prefetch post (linux-guest `ready-post-ns`), for probeTiming() called alone. */
const READY_POST_NS = num(resolveParamTable('linux-guest', LINUX_HWRNG_PARAMS, undefined), 'ready-post-ns');

/** What the device log says about one probe: see probeTiming(). */
export interface ProbeTiming {
  /** DRIVER_OK → QEMU's own ioeventfd kick served (the next request after DRIVER_OK's). */
  readyKickNs: number;
  /** DRIVER_OK → the driver's buffer posted / its kick served. */
  postNs: number;
  kickNs: number;
  /** Post → hwrng_register (before or after the prefetch completed); undefined: the guest's own. */
  registerNs?: number;
  /** khwrngd ran before add_early_randomness() (see probeTiming()). */
  earlyAfterKhwrngd?: boolean;
  /**
   * The backend's reply to the buffer QEMU's own kick saw (e2 → the first push) when the
   * driver's kick was served separately before the buffer completed or not (e3): whether that
   * reply beat e3 decides whether QEMU asked the backend for the buffer twice (an over-request,
   * charged: 64 bytes fewer in the first window). undefined: no such race.
   */
  firstFillNs?: number;
  /** DRIVER_OK → khwrngd's first read (its first re-post) and that read's end (its last); undefined: the guest's own. */
  khwrngdNs?: number;
  khwrngdEndNs?: number;
}

/**
 * The guest/main-loop races of one probe, read from the real device log (`t0` = the driver load
 * started): QEMU traces DRIVER_OK's process() (request e1), then serves its own ioeventfd kick
 * (e2) — if e2 saw the driver's buffer, the driver had posted it by then; the driver's kick is
 * then either a separate request before the first push (e3: posted before e2, kick served
 * later) or was read together with e2. Whether add_early_randomness() ran after the prefetch
 * completed shows as khwrngd's extra re-post on 6.1.192 (two requests after the prefetch push
 * before any user reader, instead of one). Returns undefined when the log has no probe there.
 */
export function probeTiming(trace: QemuTrace, t0: number, kernel: LinuxKernel = guestKernel(trace).kernel, guestPostNs = READY_POST_NS): ProbeTiming | undefined {
  const ev = trace.device.filter((e) => e.t >= t0);
  const e1 = ev[0];
  const e2 = ev[1];
  if (e1 === undefined || e1.kind !== 'request' || e2 === undefined || e2.kind !== 'request') return undefined;
  const e3 = ev[2];
  const readyKickNs = e2.t - e1.t;
  let postNs: number;
  let kickNs: number;
  let firstFillNs: number | undefined;
  if (e2.size === 0) {
    // The ioeventfd kick came before the buffer: the driver's own kick is e3.
    postNs = kickNs = e3 !== undefined && e3.kind === 'request' ? e3.t - e1.t : readyKickNs + 1;
  } else if (e3 !== undefined && e3.kind === 'request') {
    // The buffer was there at e2 and the driver's kick was served separately, at e3.
    postNs = readyKickNs - 1;
    kickNs = e3.t - e1.t;
    // Whether e2's reply came before e3 is the backend's race with the guest: an EGD daemon's
    // first reply took 0.2–81 ms in the captures (the model's mean 0.28 ms), so in a fresh EGD
    // capture e3 came first and QEMU asked for the buffer twice (960 bytes in window 0), where
    // the model's reply had beaten it. The reply time is taken from the log, like the kicks.
    const reply = ev.find((e) => e.kind === 'push');
    if (reply !== undefined) firstFillNs = reply.t - e2.t;
  } else {
    // Posted and kicked before e2 was served: one eventfd read for both. The log bounds the
    // post only from above: the guest posts `ready-post-ns` after DRIVER_OK as usual unless e2
    // came sooner. (When the host held QEMU's main loop off the CPU, e2 came 4.1 ms late in a
    // fresh three-reader capture; taking the post as just before it put the model's early read
    // after the prefetch completed, where the real one had found nothing.)
    kickNs = readyKickNs - 1;
    postNs = Math.min(guestPostNs, kickNs);
  }
  const push = ev.find((e) => e.kind === 'push');
  const nextInput = Math.min(
    ...trace.readers.filter((r) => r.startNs > t0).map((r) => r.startNs),
    ...trace.params.alignment.marks.filter((m) => m.virtualNs !== null && m.virtualNs > e1.t && /^step\d+/.test(m.label)).map((m) => m.virtualNs!),
    trace.params.endNs,
  );
  const rePostEvents = push === undefined ? [] : ev.filter((e) => e.kind === 'request' && e.t > push.t && e.t < nextInput && e.size > 0);
  const rePosts = rePostEvents.length;
  // The first re-post before any user input is khwrngd's first read, in every order: it drops
  // what the early read left and re-posts (6.1.192), or drains the buffer and re-posts; the early
  // read itself never re-posts. When the kthread first ran is the guest scheduler's choice (5–19 ms
  // after the probe under TCG), and it sets where khwrngd's sleeps fall on the timer wheel: its
  // 1 s sleep ends on a 32 ms grid, so a few ms there move its next read, and the window that read
  // opens, by 32 ms (a fresh capture of the gaps plan, 2026-12-07: the model's default start,
  // 6 ms after the real one, crossed a grid line).
  // Its last re-post there ends that read (6.1.192 after the early read took 32 bytes: the second),
  // and its first sleep is timed from then: the device's fill and the guest's wake before it took
  // 0.10–0.75 ms in 27 captures of one plan, the model's own 0.06 ms.
  const khwrngd = rePostEvents.length === 0 ? {} : { khwrngdNs: rePostEvents[0]!.t - e1.t, khwrngdEndNs: rePostEvents[rePostEvents.length - 1]!.t - e1.t };
  // 6.1.192: the early read took 32 bytes ⇒ khwrngd's first copy re-posts, then its completed
  // read re-posts again. 6.1.176 re-posts once either way; keep the guest's own estimate there.
  const earlyGotData = kernel === '6.1.176' ? undefined : rePosts >= 2;
  const base = { readyKickNs, postNs, kickNs, ...(firstFillNs === undefined ? {} : { firstFillNs }), ...khwrngd };
  if (earlyGotData === undefined || push === undefined) return base;
  if (earlyGotData) return { ...base, registerNs: Math.max(0, push.t - e1.t - postNs) + 1 };
  // One re-post: either the early read found nothing (khwrngd then left a full buffer for the
  // first reader), or khwrngd ran first — kthread_run() woke it and it preempted the probing
  // task — and the early read took 32 bytes of the buffer khwrngd's re-post had filled; the
  // first reader's copy then drops the other 32 and re-posts (6.1.192): its first read re-posts
  // once more than its 64-byte chunks need, before it completes. (A push before the completion
  // is no evidence: a stalled guest can complete a buffered copy after the fill of the re-post
  // that followed it, as in the EGD capture. The extra request is, unless its trace lags.)
  const first = trace.readers.filter((r) => r.startNs > t0).sort((a, b) => a.startNs - b.startNs)[0];
  const done = first?.reads[0];
  if (first === undefined || done === undefined || done.n <= 0) return { ...base, registerNs: 0 };
  const need = Math.ceil(Math.min(first.size, first.total) / 64);
  // Only the guest's re-posts count: the timer's own process() at a refill is traced as a
  // request too. Without this, a first read that drained a short completion, re-posted and
  // waited for the refill (the early read found nothing and khwrngd's 64 + 36 left 36 for the
  // reader: l100-p1000-r64-builtin-early-empty, 3 of 24 fresh l100 captures and one CI run)
  // read as khwrngd-first, and the model gave 2 reads where Linux gave 1 and hung.
  const { maxBytes, periodMs } = trace.params.plan;
  const refills = new Set(inferWindows(trace.device.filter((e) => e.t >= e1.t), maxBytes, periodMs).map((w) => w.refillAt));
  const requests = ev.filter((e) => e.kind === 'request' && e.size > 0 && e.t > first.startNs && e.t <= done.t && !refills.has(e.t)).length;
  return { ...base, registerNs: 0, earlyAfterKhwrngd: requests > need };
}

/**
 * The virtual time of DRIVER_OK's process() given its trace stamp `stampNs`. The stamp can lag
 * the clock read that armed the window timer by a few µs (windows.ts), so a stamp just after a
 * ms boundary leaves open which ms the timer was armed in; when the stamp is within that slack
 * and the real refill came before `floor(stamp) + period` (QEMU never fires a timer early), the
 * timer was armed in the previous ms and DRIVER_OK is placed 1 ns before the boundary.
 */
export function driverOkNs(trace: QemuTrace, stampNs: number): number {
  const frac = stampNs % 1e6;
  if (frac >= ARM_STAMP_SLACK_NS) return stampNs;
  const { maxBytes, periodMs } = trace.params.plan;
  const w = inferWindows(trace.device.filter((x) => x.t >= stampNs), maxBytes, periodMs)[0]!;
  const armedBefore = w.start === stampNs && w.deadline !== null && w.deadline < stampNs - frac + periodMs * 1e6;
  return armedBefore ? stampNs - frac - 1 : stampNs;
}
