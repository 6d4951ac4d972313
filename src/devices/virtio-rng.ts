/**
 * QEMU `virtio-rng-device` with its rate limiter, following `hw/virtio/virtio-rng.c`
 * (docs/model.md §1.1–1.2, §0 rows 1–5):
 *
 * - one request queue of 8 buffers, served in FIFO order;
 * - `max-bytes` per `period` ms, a *fixed window started lazily*: the window timer is armed by
 *   the first `process()` after a refill (driver becoming ready, a kick, or a completion that
 *   left buffers queued); it is a millisecond timer set to `qemu_clock_get_ms(VIRTUAL) + period`,
 *   so it expires on the whole-ms grid, up to 1 ms before `start + period` in ns, plus the
 *   timer-expiry latency (`timer-latency`); at expiry the quota is *reset* to max-bytes (unused
 *   quota is lost, no carry-over), queued buffers are served, and only the next `process()`
 *   opens a new window;
 * - the backend (`-object rng-builtin|rng-random|rng-egd`) fills a request after its own latency
 *   (`fill-latency-*`, measured on QEMU 7.2 TCG, test/fixtures/qemu/);
 * - quota 0 ⇒ buffers simply stay queued (no error, no short or zero completion) until the refill;
 * - a backend delivery subtracts its size from the quota and completes as many queued buffers
 *   as it covers (a buffer bigger than the delivery completes short); each `process()` asks
 *   the backend for the bytes of *all* queued buffers (capped by quota), so two kicks before a
 *   delivery can over-request (inferred, §1.2) and the quota can go negative (treated as 0);
 * - device reset (status 0, e.g. at ExitBootServices) drops queued buffers but keeps the
 *   quota and the window timer: firmware and early-OS consumption share one window;
 * - at DRIVER_OK, besides set_status()'s own process(), virtio-pci starts the queue's ioeventfd
 *   and signals it once ("kick right away", hw/virtio/virtio.c start_ioeventfd): the main loop
 *   serves that signal `ready-kick-latency` later with one more process(). A guest kick
 *   signalled before then is read with it (one eventfd read, one process()); one signalled
 *   after it is a second process(). If the driver's buffer was posted by the first and the
 *   backend has not answered by the second, QEMU asks for the same bytes twice and charges both
 *   (the EGD capture's first window: 960 bytes pushed of 1024);
 * - the traced request size is QEMU's get_request_size(): whole queued buffers added up until
 *   they reach the quota (so a 64-byte buffer shows as 64 even with 36 or 0 bytes of quota).
 *
 * `max-bytes` defaults to INT64_MAX; JavaScript numbers hold that as 2^63, and the device caps
 * the working quota at Number.MAX_SAFE_INTEGER (2^53 − 1 bytes ≈ 9 PB per period), which is
 * still "unlimited for all practical purposes" (QEMU's own comment, §1.1).
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim, SimEvent, TimerHandle } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapRegistry } from '../taps/tap.ts';
import type { AccessContext } from './access.ts';
import type { EntropyDelivery, HostSource } from './host-source.ts';
import { bool, num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

const UINT32_MAX = 0xffffffff;

export const VIRTIO_RNG_PARAMS: ParamTable = [
  {
    name: 'present',
    type: 'boolean',
    default: true,
    description: 'Whether the VM has a virtio-rng device at all.',
    source: 'our choice (device on the command line); absent in the counter-fallback design',
  },
  {
    name: 'max-bytes',
    type: 'number',
    unit: 'bytes',
    default: 9223372036854775807,
    min: 1,
    max: 9223372036854775807,
    description: 'Bytes served per window (QEMU property max-bytes; INT64_MAX = unlimited).',
    source: 'docs/model.md §0 row 1 (QEMU hw/virtio/virtio-rng.c property table)',
  },
  {
    name: 'period',
    type: 'integer',
    unit: 'ms',
    default: 65536,
    min: 1,
    max: 4294967295,
    description: 'Window length on the virtual clock (QEMU property period; realize rejects 0).',
    source: 'docs/model.md §0 row 2 (QEMU hw/virtio/virtio-rng.c: 1 << 16 ms)',
  },
  {
    name: 'queue-size',
    type: 'integer',
    default: 8,
    min: 1,
    max: 1024,
    description: 'Buffers the request queue holds.',
    source: 'docs/model.md §0 row 5 (virtio_add_queue(vdev, 8, …))',
  },
  {
    name: 'backend',
    type: 'string',
    enum: ['builtin', 'random', 'egd'],
    default: 'builtin',
    description: 'QEMU rng backend object: rng-builtin (QEMU\'s own getrandom, the default), rng-random (a host file), rng-egd (an EGD daemon on a socket).',
    source: 'QEMU hw/virtio/virtio-rng.c realize (rng-builtin when rng= is absent); backends/rng-*.c',
  },
  {
    name: 'fill-latency-builtin',
    type: 'number',
    unit: 'ns',
    default: 12000,
    min: 0,
    description: 'rng-builtin: time from virtio_rng_request to the bytes pushed into the guest buffer (a bottom half on the main loop).',
    source: 'measured on QEMU 7.2 TCG, kernel 6.1.192 (test/fixtures/qemu/*-builtin: request → push median 11–24 µs, of which host-source latency 2 µs)',
  },
  {
    name: 'fill-latency-random',
    type: 'number',
    unit: 'ns',
    default: 22000,
    min: 0,
    description: 'rng-random: request → push (a read of the host file when its fd polls readable).',
    source: 'measured on QEMU 7.2 TCG, kernel 6.1.192 (test/fixtures/qemu/l1024-p1000-r64-random: request → push median 24 µs, less host-source latency 2 µs)',
  },
  {
    name: 'fill-latency-egd',
    type: 'number',
    unit: 'ns',
    default: 280000,
    min: 0,
    description: 'rng-egd: request → push (a blocking-read command to the EGD daemon over a socket and its reply).',
    source: 'measured on QEMU 7.2 TCG, kernel 6.1.192, EGD server in node on a unix socket (test/fixtures/qemu/unlimited-r4096-egd: request → push mean 267 µs, median 116 µs; the mean sets bulk throughput)',
  },
  {
    name: 'timer-latency',
    type: 'number',
    unit: 'ns',
    default: 80000,
    min: 0,
    description: 'Delay between the rate-limit timer\'s ms deadline and check_rate_limit() running (QEMU main-loop timer expiry).',
    source: 'measured on QEMU 7.2 TCG, kernel 6.1.192 (test/fixtures/qemu/*: refill trace minus its ms deadline, median ≈ 80 µs; outliers of 1–20 ms are host-load stalls)',
  },
  {
    name: 'ready-kick-latency',
    type: 'number',
    unit: 'ns',
    default: 220000,
    min: 0,
    description: 'DRIVER_OK → the main loop serves the kick virtio-pci signals when it starts the queue\'s ioeventfd (one more process()).',
    source: 'measured on QEMU 7.2 TCG, kernel 6.1.192 (test/fixtures/qemu/*: DRIVER_OK\'s request → the next request, median 0.22 ms, 0.1–2.3 ms; -trace virtio_queue_notify shows it on the main-loop thread)',
  },
  {
    name: 'trace-limit',
    type: 'integer',
    default: 512,
    min: 0,
    max: 1000000,
    description: 'Observability: device events (requests, pushes) and windows kept in the run result; the rest are counted.',
    source: 'our choice (bounded result size)',
  },
  {
    name: 'notify-ns',
    type: 'number',
    unit: 'ns',
    default: 1500,
    min: 0,
    description: 'Guest cost of a queue kick (ioeventfd, in-kernel exit).',
    source: 'estimate: docs/model.md §0 row 23 (in-kernel exit ≈1–2 µs), §4.3',
  },
  {
    name: 'os-driver',
    type: 'boolean',
    default: true,
    description: 'The OS (Linux virtio-rng driver) binds the device at the start of the runtime phase (DRIVER_OK).',
    source: 'docs/model.md §6.1 (Linux drivers/char/hw_random/virtio-rng.c)',
  },
];

/** One guest buffer in the request queue. */
export interface VirtioRngRequest {
  ctx: AccessContext;
  size: number;
  /** Fires with the bytes written (may be shorter than size) when the device pushes the used entry. */
  done: SimEvent<Uint8Array>;
  postedAtNs: number;
}

/** One device trace event, as QEMU's virtio_rng_request / virtio_rng_pushed trace points log them. */
export interface VirtioRngEvent {
  t: number;
  kind: 'request' | 'push';
  /** request: bytes asked of the backend (0 when nothing is queued); push: bytes written into one buffer. */
  size: number;
  /** request: quota before it, clamped to [0, UINT32_MAX] as QEMU prints it; push: null. */
  quota: number | null;
  /** push: who posted the buffer. */
  actor?: string;
}

/** One quota allotment: the initial quota, then one per refill (timer expiry). */
export interface VirtioRngWindow {
  /** Time of the refill that created the allotment (null for the initial quota). */
  refillAt: number | null;
  /** Time the window timer was armed (the first process() after the refill); null if never. */
  start: number | null;
  /** When the armed timer fires (ms deadline + timer latency); null if never armed. */
  expiresAt: number | null;
  /** Bytes charged against this allotment. */
  bytes: number;
}

export type RngBackendKind = 'builtin' | 'random' | 'egd';

export class VirtioRng {
  readonly present: boolean;
  readonly maxBytes: number;
  readonly periodNs: number;
  readonly queueSize: number;
  /** QEMU `quota_remaining` (may go negative, see the header). */
  quotaRemaining: number;
  /** QEMU `activate_timer`: the next process() opens a window. */
  activateTimer = true;
  /** DRIVER_OK. */
  ready = false;
  /** Virtual start time of every window opened so far. */
  readonly windowStarts: number[] = [];
  /** Windows in which the quota hit zero with buffers queued. */
  quotaExhaustionEvents = 0;
  /** Refills (timer expiries): each gives a fresh allotment of max-bytes. */
  refills = 0;
  /** Backend requests issued and bytes the quota was charged. */
  backendRequests = 0;
  bytesCharged = 0;
  private queue: VirtioRngRequest[] = [];
  private timer: TimerHandle | null = null;
  private exhaustedThisWindow = false;
  private slotWaiters: SimEvent<void>[] = [];
  private refillEvent: SimEvent<void>;
  readonly backend: RngBackendKind;
  /** Request → push latency of the selected backend. */
  readonly fillLatencyNs: number;
  readonly timerLatencyNs: number;
  readonly notifyNs: number;
  private readonly traceLimit: number;
  /** Settable: the replay of a real trace sets it per probe from the trace. */
  readyKickLatencyNs: number;
  /**
   * Settable: how late after its ms deadline the timer of window `index` (0 = the first opened)
   * fires, if not `timer-latency`; undefined = the usual latency. The replay of a real trace sets
   * it where the host held QEMU's main loop off the CPU past that deadline (qemu/replay.ts).
   */
  timerLateNs: ((index: number) => number | undefined) | null = null;
  /**
   * Settable: the shortest time from the refill to the first process() of window `index` (its
   * start); a process() before then waits (QEMU's threads off the host CPU). Undefined or null:
   * none. Set by the replay of a real trace where the host stalled the guest after a refill.
   */
  startGapNs: ((index: number) => number | undefined) | null = null;
  private processDeferred = false;
  /**
   * Settable: the fill latency of the next backend request only, instead of the backend's own
   * (null: the usual). The replay of a real trace sets it at a probe whose log shows the race
   * between that reply and the driver's kick (qemu/replay.ts probeTiming()).
   */
  nextFillLatencyNs: number | null = null;
  /** The ioeventfd kick QEMU signalled at DRIVER_OK, not yet served (guest kicks merge into it). */
  private readyKick: TimerHandle | null = null;
  /** Observability (bounded by trace-limit): first N device events and allotments, and totals. */
  readonly events: VirtioRngEvent[] = [];
  eventCount = 0;
  readonly windows: VirtioRngWindow[] = [];
  windowCount = 0;
  private current: VirtioRngWindow;

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    readonly host: HostSource,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
  ) {
    this.present = bool(params, 'present');
    this.maxBytes = Math.min(num(params, 'max-bytes'), Number.MAX_SAFE_INTEGER);
    this.periodNs = num(params, 'period') * 1e6;
    this.queueSize = num(params, 'queue-size');
    this.backend = (params['backend'] ?? 'builtin') as RngBackendKind;
    this.fillLatencyNs = num(params, `fill-latency-${this.backend}`);
    this.timerLatencyNs = num(params, 'timer-latency');
    this.notifyNs = num(params, 'notify-ns');
    this.traceLimit = num(params, 'trace-limit');
    this.readyKickLatencyNs = num(params, 'ready-kick-latency');
    this.current = { refillAt: null, start: null, expiresAt: null, bytes: 0 };
    this.keepWindow(this.current);
    this.quotaRemaining = this.maxBytes; // realize: quota_remaining = max_bytes
    this.refillEvent = sim.event<void>('virtio-rng.refill');
  }

  /** Buffers currently queued (posted, not yet completed). */
  get queued(): number {
    return this.queue.length;
  }

  /** Driver status: DRIVER_OK (true) runs process(); reset (false) drops the queue, keeps quota and timer. */
  setDriverOk(ok: boolean): void {
    if (!this.present) return;
    if (ok) {
      this.ready = true;
      this.process();
      // virtio_pci_start_ioeventfd → event_notifier_set: served by the main loop later.
      if (this.readyKick !== null) this.readyKick.cancel();
      this.readyKick = this.sim.at(this.sim.now + this.readyKickLatencyNs, () => {
        this.readyKick = null;
        this.process();
      });
    } else {
      this.ready = false;
      if (this.readyKick !== null) this.readyKick.cancel();
      this.readyKick = null;
      // Reset: the ring belongs to the next driver; buffers are not completed.
      this.queue = [];
      // Readers waiting for a slot see the device go away (waitForSlot returns, read() null).
      for (const w of this.slotWaiters.splice(0)) w.succeed();
    }
  }

  /**
   * Guest posts one device-writable buffer (no kick). Returns null when the ring is full or
   * the device is absent/not ready (the driver would not post then).
   */
  post(ctx: AccessContext, size: number): VirtioRngRequest | null {
    if (!this.present || !this.ready || this.queue.length >= this.queueSize) return null;
    const req: VirtioRngRequest = { ctx, size, done: this.sim.event<Uint8Array>('virtio-rng.used'), postedAtNs: this.sim.now };
    this.queue.push(req);
    return req;
  }

  /**
   * The device side of a guest kick (QEMU handle_input → virtio_rng_process). While the
   * DRIVER_OK kick is still unserved, the guest's signal on the same eventfd is read with it.
   */
  notify(): void {
    if (this.readyKick !== null) return;
    this.process();
  }

  /** `yield* rng.kick(ctx)`: the guest's queue notify (an exit), then the device processes. */
  *kick(ctx: AccessContext): Proc<void> {
    yield* this.vcpus.execute(ctx, this.notifyNs);
    this.notify();
  }

  /** Waits until the ring has a free slot (or the device goes away). */
  *waitForSlot(): Proc<void> {
    while (this.present && this.ready && this.queue.length >= this.queueSize) {
      const ev = this.sim.event<void>('virtio-rng.slot');
      this.slotWaiters.push(ev);
      yield ev;
    }
  }

  /**
   * Interrupt-driven read of one buffer (Linux style): post `size`, kick, wait for the used
   * entry. Returns the bytes (possibly fewer than size), or null if the device is absent or
   * not ready. Non-SMM code observes the completion only outside SMM.
   */
  *read(ctx: AccessContext, size: number): Proc<Uint8Array | null> {
    if (!this.present || !this.ready) return null;
    // A guest cannot touch the ring while every vCPU is in SMM.
    if (ctx.privilege !== 'smm') yield* this.vcpus.untilNotInSmm();
    yield* this.waitForSlot();
    const req = this.post(ctx, size);
    if (req === null) return null;
    yield* this.kick(ctx);
    const bytes = (yield req.done) as Uint8Array;
    if (ctx.privilege !== 'smm') yield* this.vcpus.untilNotInSmm();
    return bytes;
  }

  /** QEMU virtio_rng_process(). */
  process(): void {
    if (!this.present || !this.ready) return;
    if (this.activateTimer) {
      const gap = this.startGapNs?.(this.windowStarts.length);
      const refillAt = this.current.refillAt;
      if (gap !== undefined && refillAt !== null && this.sim.now < refillAt + gap) {
        if (!this.processDeferred) {
          this.processDeferred = true;
          this.sim.at(refillAt + gap, () => {
            this.processDeferred = false;
            this.process();
          });
        }
        return;
      }
      this.openWindow();
    }
    let avail = 0;
    for (const r of this.queue) avail += r.size;
    const quota = Math.max(0, this.quotaRemaining);
    // get_request_size(): whole buffers until they reach the quota (at least one).
    let walked = 0;
    for (const r of this.queue) {
      walked += r.size;
      if (walked >= quota) break;
    }
    // QEMU traces every process() of a ready device: that size and the quota left.
    this.logEvent({ t: this.sim.now, kind: 'request', size: Math.min(walked, UINT32_MAX), quota: Math.min(quota, UINT32_MAX) });
    if (avail === 0) return;
    if (quota === 0) {
      this.noteExhausted();
      return;
    }
    const size = Math.min(avail, quota, UINT32_MAX);
    this.backendRequests++;
    // The request is served in the backend's FIFO order after its fill latency; the delivery
    // (chr_read) runs when the host has produced the bytes.
    const latency = this.nextFillLatencyNs ?? this.fillLatencyNs;
    this.nextFillLatencyNs = null;
    const doneAt = this.host.reserve(size, this.sim.now + latency);
    this.sim.at(doneAt, () => this.chrRead(this.host.deliver(size).bytes));
  }

  private openWindow(): void {
    const start = this.sim.now;
    // timer_mod(rate_limit_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + period) on a ms timer:
    // the deadline is on the whole-ms grid, not start + period in ns.
    const deadline = (Math.floor(start / 1e6) * 1e6) + this.periodNs;
    const expiresAt = deadline + Math.max(0, this.timerLateNs?.(this.windowStarts.length) ?? this.timerLatencyNs);
    this.timer = this.sim.at(expiresAt, () => this.checkRateLimit());
    this.activateTimer = false;
    this.windowStarts.push(start);
    this.current.start = start;
    this.current.expiresAt = expiresAt;
  }

  private logEvent(e: VirtioRngEvent): void {
    this.eventCount++;
    if (this.events.length < this.traceLimit) this.events.push(e);
  }

  private keepWindow(w: VirtioRngWindow): void {
    this.windowCount++;
    if (this.windows.length < this.traceLimit) this.windows.push(w);
  }

  private noteExhausted(): void {
    if (!this.exhaustedThisWindow) {
      this.exhaustedThisWindow = true;
      this.quotaExhaustionEvents++;
      this.metrics.count('quota.exhaustions');
      this.metrics.point('virtio-rng/quota-exhausted', this.sim.now, 1);
    }
  }

  /** QEMU chr_read(): charge the quota, complete queued buffers in order, re-process if any remain. */
  private chrRead(bytes: Uint8Array): void {
    if (!this.ready || bytes.length === 0) return; // no data (failed host) leaves buffers queued
    this.quotaRemaining -= bytes.length;
    this.bytesCharged += bytes.length;
    this.current.bytes += bytes.length;
    let offset = 0;
    while (offset < bytes.length && this.queue.length > 0) {
      const req = this.queue.shift()!;
      const take = Math.min(req.size, bytes.length - offset);
      const chunk = bytes.slice(offset, offset + take);
      offset += take;
      this.logEvent({ t: this.sim.now, kind: 'push', size: take, quota: null, actor: req.ctx.actor });
      this.deliver(req.ctx, chunk);
      req.done.succeed(chunk);
      const w = this.slotWaiters.shift();
      if (w !== undefined) w.succeed();
    }
    // Bytes beyond the queued buffers are discarded but were charged (inferred, §1.2).
    if (this.queue.length > 0) this.process();
  }

  private deliver(ctx: AccessContext, chunk: Uint8Array): void {
    this.metrics.countFor('bytes', ctx.actor, chunk.length);
    const name = `${ctx.actor}/virtio-rng`;
    this.taps.record(name, { consumer: ctx.actor, source: 'virtio-rng', kind: 'conditioned' }, chunk, this.sim.now);
  }

  /** QEMU check_rate_limit(): reset (not top up) the quota, serve, let the next process() open a window. */
  private checkRateLimit(): void {
    this.timer = null;
    this.refills++;
    this.quotaRemaining = this.maxBytes;
    this.current = { refillAt: this.sim.now, start: null, expiresAt: null, bytes: 0 };
    this.keepWindow(this.current);
    this.exhaustedThisWindow = false;
    const ev = this.refillEvent;
    this.refillEvent = this.sim.event<void>('virtio-rng.refill');
    this.process();
    this.activateTimer = true;
    ev.succeed();
  }

  /** True while a window timer is armed. */
  get windowOpen(): boolean {
    return this.timer !== null;
  }

  /**
   * Platform-internal draw that shares this device's host backend AND quota window (the
   * `smm-device-shared-backend` design): opens a window lazily like process(), takes up to n
   * bytes of quota, and waits for the next refill while the quota is exhausted.
   */
  *sharedDraw(n: number): Proc<EntropyDelivery> {
    for (;;) {
      if (this.activateTimer) this.openWindow();
      const quota = Math.max(0, this.quotaRemaining);
      if (quota > 0) {
        const take = Math.min(n, quota);
        this.quotaRemaining -= take;
        this.bytesCharged += take;
        this.current.bytes += take;
        yield this.fillLatencyNs;
        return yield* this.host.read(take);
      }
      this.noteExhausted();
      yield this.refillEvent;
    }
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const VIRTIO_RNG_COMPONENT: ComponentDef = {
  name: 'virtio-rng',
  description: 'virtio-rng-pci with its max-bytes/period rate limiter (hw/virtio/virtio-rng.c)',
  params: VIRTIO_RNG_PARAMS,
  metrics: ['quota.exhaustions', 'bytes'],
  produces: ['virtio-rng'],
  consumes: ['host-entropy'],
};
