/**
 * The Linux 6.1 guest side of virtio-rng: the hwrng core (drivers/char/hw_random/core.c) and
 * the virtio-rng driver (drivers/char/hw_random/virtio-rng.c), as one object per device
 * (docs/model.md §6.5 "Linux guest / QEMU measured"). What it reproduces, and why:
 *
 * - the driver owns ONE 64-byte buffer (`data[SMP_CACHE_BYTES]`) that is always posted: the probe
 *   posts it (request_entropy, right after virtio_device_ready), and copy_data() re-posts it the
 *   moment it is drained — so a buffer is in flight before anyone reads (prefetch), and every
 *   reader and khwrngd share it;
 * - the core serialises all readers and khwrngd with `reading_mutex` (a Linux mutex: an unlock
 *   wakes the first waiter without handing it the lock, so a reader looping on read(2) keeps it
 *   until it sleeps in the device wait while a woken waiter runs; GuestMutex), held across the wait for
 *   the device; a user read(2) of any size is served 64 bytes (rng_buffer_size()) at a time
 *   from the core's own `rng_buffer`, and leftover bytes stay there for the next reader;
 * - hwrng_register() starts khwrngd and then runs add_early_randomness(): a 32-byte read
 *   *without waiting*; it takes bytes only if the prefetched buffer was already filled (a race
 *   with the device, `register-ns`). khwrngd reads 64 bytes, credits rc·quality·8/1024 bits
 *   (virtio-rng's quality is 1000), and sleeps crng_reseed_interval() — max(1 s, ⌊uptime⌋/2 s)
 *   until 120 s of uptime, then 60 s — once the crng is ready or nothing was credited, else reads
 *   again at once (random.c add_hwgenerator_randomness); it runs whatever rng_quality says;
 * - copy_data() as the two kernels have it (read from the Debian 6.1.176-1 and 6.1.192-3
 *   sources): 6.1.176 copies min(size, data_avail) from data_idx. 6.1.192's hardening compares
 *   the index with the *remaining* count (`data_idx >= min(data_avail, 64)` ⇒ drop the rest,
 *   re-post, return 0), so
 *   · after the early read took 32 of 64 bytes, khwrngd's first copy re-posts instead of
 *     copying (the second request after every probe in the captures), and
 *   · after a short completion (QEMU pushes fewer bytes than the buffer when the quota has less
 *     left) the next copy can leave data_avail > 0 with the completion consumed and no buffer
 *     posted: the next reader waits forever (the hangs of test/fixtures/qemu/l1000-*, l100-*);
 * - module reload / device reset: remove wakes waiters with nothing, resets the device (QEMU
 *   keeps quota and timer), stops khwrngd; the next probe starts over (prefetch, early read,
 *   khwrngd).
 * Guest CPU costs (interrupt + wake + re-post, wake from idle, syscall) are named parameters.
 */
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import { num } from '../params/get.ts';
import type { AccessContext } from '../devices/access.ts';
import type { VirtioRng, VirtioRngRequest } from '../devices/virtio-rng.ts';
import type { Proc, Sim, SimEvent } from '../sim/sim.ts';

/** The guest kernels whose hwrng behaviour the model has (the `kernel` parameter's values). */
export const LINUX_KERNELS = ['6.1.176', '6.1.192'] as const;
export type LinuxKernel = (typeof LINUX_KERNELS)[number];

/** What the model does with a guest kernel version: one it was measured on, or a stand-in. */
export interface ModelledKernel {
  kernel: LinuxKernel;
  /** false: `kernel` stands in for a 6.1 release the model was not measured on (an estimate). */
  measured: boolean;
}

/**
 * The measured kernel whose hwrng behaviour the model gives a Linux 6.1 release `version`
 * ("6.1.N", as `uname -v` shows it on Debian), or undefined for any other series.
 *
 * What differs between the two measured releases is copy_data() in virtio-rng.c: 6.1.192 has
 * the stable backport "hwrng: virtio: clamp device-reported used.len at copy_data()" (posted
 * April 2026, Cc: stable), whose `data_idx >= avail` test compares an index with the bytes
 * *left*, so a short completion hangs the next reader; 6.1.176 does not. A later 6.1 release
 * keeps the backport until a fix of it is backported in turn, so it gets 6.1.192's behaviour;
 * an earlier one 6.1.176's; one in between the nearer of the two (ties to the newer). Debian
 * replaces its kernel image every few weeks, and a fresh capture runs what the archive has that
 * day: without this a new release would make every comparison an error. The result says when
 * it is a stand-in, so a comparison can say so.
 */
export function modelledKernel(version: string): ModelledKernel | undefined {
  const m = /^6\.1\.(\d{1,4})$/.exec(version);
  if (m === null) return undefined;
  const known: readonly string[] = LINUX_KERNELS;
  if (known.includes(version)) return { kernel: version as LinuxKernel, measured: true };
  const patch = Number(m[1]);
  const patchOf = (k: LinuxKernel): number => Number(k.split('.')[2]);
  // The nearer measured release; on a tie the newer (the list is in release order).
  let nearest: LinuxKernel = LINUX_KERNELS[0];
  for (const k of LINUX_KERNELS) if (Math.abs(patchOf(k) - patch) <= Math.abs(patchOf(nearest) - patch)) nearest = k;
  return { kernel: nearest, measured: false };
}

const MEASURED = 'measured on QEMU 7.2 TCG, kernel 6.1.192 (test/fixtures/qemu/';

/**
 * The jiffies phase matters modulo the coarsest timer-wheel grid khwrngd's sleeps use (level 3,
 * 512 jiffies, for the 60 s reseed interval), so it is kept in 0..511.
 */
export const JIFFIES_PHASE_GRID = 512;

export const LINUX_HWRNG_PARAMS: ParamTable = [
  {
    name: 'kernel',
    type: 'string',
    enum: LINUX_KERNELS,
    default: '6.1.192',
    description: 'Guest kernel: how virtio_read treats a short completion (6.1.176 reassembles, 6.1.192 hangs the next reader).',
    source: `${MEASURED}l1000-p1000-r64-builtin, l100-p1000-r64-builtin) and on 6.1.176 (the same plans, -k6.1.176: no hang, 1000 and 100 bytes per window); copy_data/virtio_read of the two Debian sources`,
  },
  {
    name: 'buffer-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 64,
    min: 32,
    max: 4096,
    description: 'The driver\'s one posted buffer and the core\'s rng_buffer_size(): max(32, SMP_CACHE_BYTES).',
    source: 'Linux 6.1 drivers/char/hw_random/core.c rng_buffer_size(), virtio-rng.c data[] (x86-64: 64)',
  },
  {
    name: 'early-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 32,
    min: 0,
    max: 4096,
    description: 'add_early_randomness(): a non-blocking read at registration.',
    source: 'Linux 6.1 drivers/char/hw_random/core.c add_early_randomness()',
  },
  {
    name: 'probe-ns',
    type: 'number',
    unit: 'ns',
    default: 30_000_000,
    min: 0,
    description: 'From the start of the driver load (insmod / boot probe) to DRIVER_OK.',
    source: `estimate: ${MEASURED}*: 'probe' mark to the first virtio_rng_request, 30–80 ms under TCG)`,
  },
  {
    name: 'ready-post-ns',
    type: 'number',
    unit: 'ns',
    default: 720_000,
    min: 0,
    description: 'virtio_device_ready() (DRIVER_OK) → request_entropy() posts the prefetch buffer and kicks (the rest of probe_common).',
    source: `${MEASURED}*: DRIVER_OK's request → the request of the driver's first kick, median 0.72 ms, 0.46–3.3 ms; TCG runs this code for the first time)`,
  },
  {
    name: 'register-ns',
    type: 'number',
    unit: 'ns',
    default: 1_500_000,
    min: 0,
    description: 'From posting the prefetch buffer to hwrng_register() (khwrngd started, add_early_randomness\'s non-blocking 32-byte read).',
    source: `estimate: after the prefetch completed (0.2–0.7 ms after the kick) in 10 of the 13 probes of ${MEASURED}*): the early read took 32 bytes and khwrngd's first copy re-posted; before it in l1024-p1000-r64-egd, unlimited-r4096-egd, l4096-p2000-r64-gaps-builtin)`,
  },
  {
    name: 'crng-ready-at-probe',
    type: 'boolean',
    default: false,
    description: 'The guest crng is already initialised (256 bits credited) when the driver probes; otherwise khwrngd\'s own credits initialise it.',
    source: 'estimate: no RDRAND under TCG (qemu64 CPU) and no other credited source in a busybox guest; with RDRAND and random.trust_cpu (§6.4) it would be true',
  },
  {
    name: 'khwrngd-start-ns',
    type: 'number',
    unit: 'ns',
    default: 8_000_000,
    min: 0,
    description: 'From registration to khwrngd\'s first read (kthread creation and first schedule).',
    source: `${MEASURED}*: prefetch push to khwrngd's first request, 5–19 ms)`,
  },
  {
    name: 'uptime-at-probe-ns',
    type: 'number',
    unit: 'ns',
    default: 2_000_000_000,
    min: 0,
    description: 'Guest uptime (CLOCK_MONOTONIC) when the driver probes; khwrngd\'s reseed interval depends on uptime.',
    source: 'estimate: a distribution kernel loads virtio-rng from udev ~1–3 s after start (the fixtures\' busybox guest: 3.9–4.1 s under TCG)',
  },
  {
    name: 'jiffies-phase',
    type: 'integer',
    unit: 'jiffies',
    default: 0,
    min: 0,
    max: JIFFIES_PHASE_GRID - 1,
    description: 'jiffies − INITIAL_JIFFIES − ⌊uptime / 4 ms⌋ on this boot: where the timer wheel\'s bucket grid sits against guest uptime. khwrngd\'s sleeps end on that grid (8 jiffies = 32 ms for 1–2 s sleeps, 512 for 60 s).',
    source: `estimate 0 (it differs per boot: 0, 444–469 in fresh captures); \`qemu capture\` reads it (hwread jiffies: /proc/schedstat) and the replay uses it. ${MEASURED}l4096-p2000-r64-gaps-builtin, 2 fresh captures: all 6 khwrngd wake-ups after a 1 s or 2 s sleep came 11–24 ms late, each exactly on the 8-jiffy grid this phase gives)`,
  },
  {
    name: 'khwrngd-credit-ns',
    type: 'number',
    unit: 'ns',
    default: 800_000,
    min: 0,
    description: 'khwrngd from its read\'s end to its sleep: add_hwgenerator_randomness() mixing and crediting the bytes (the first read also reseeds the crng). Its sleep is timed from the jiffy it starts in.',
    source: 'estimate, bounded by measurement: QEMU 7.2 TCG, kernel 6.1.192, 28 captures of l4096-p2000-r64-gaps-builtin (2026-12-07), khwrngd\'s first read end taken from each: window 1 within 2 ms in all 28 for 0.5–1.1 ms, 26–27 of 28 outside it; 0.8 ms, the middle, held out 8 of 8 fresh captures (fixtures l4096-p2000-r64-gaps-builtin-credit and -slow-read: with 0 and 0.4 ms, 32 ms early)',
  },
  {
    name: 'tick-offset-ns',
    type: 'integer',
    unit: 'ns',
    default: 0,
    min: 0,
    max: 3_999_999,
    description: 'Where the guest\'s 4 ms ticks fall against uptime (uptime mod 4 ms at a tick). The timer wheel fires khwrngd\'s sleeps on a tick, so this moves each wake-up by up to 4 ms.',
    source: 'estimate 0: Linux aligns its tick period to whole multiples of 4 ms of CLOCK_MONOTONIC (kernel/time/tick-common.c, tick_next_period rounded up to TICK_NSEC), so the offset is only how late a tick is seen. `qemu capture` reads it (hwread jiffies: the tick bracketed by CLOCK_MONOTONIC reads) and the replay uses it. Measured on QEMU 7.2 TCG, kernel 6.1.192, 16 boots of l4096-p2000-r64-gaps-builtin on 2026-12-07: 0.08–0.31 ms',
  },
  {
    name: 'irq-wake-ns',
    type: 'number',
    unit: 'ns',
    default: 45_000,
    min: 0,
    description: 'Push → the woken waiter re-posts the buffer (interrupt, complete(), wake-up, copy_data, kick exit).',
    source: `${MEASURED}*-builtin: push → next request while a reader streams, median 39–57 µs)`,
  },
  {
    name: 'idle-wake-ns',
    type: 'number',
    unit: 'ns',
    default: 780_000,
    min: 0,
    description: 'The same when the waiter\'s vCPU was idle (halted): first completion after a refill.',
    source: `${MEASURED}*: refill push → next request, median ≈ 0.7 ms, plus the refill's slower fill ≈ 90 µs)`,
  },
  {
    name: 'idle-after-ns',
    type: 'number',
    unit: 'ns',
    default: 4_000_000,
    min: 0,
    description: 'A waiter blocked at least this long counts as idle (the vCPU halted; one jiffy at HZ=250).',
    source: 'estimate: Debian 6.1 CONFIG_HZ=250, NOHZ idle after a tick',
  },
  {
    name: 'mutex-wake-ns',
    type: 'number',
    unit: 'ns',
    default: 20_000,
    min: 0,
    description: 'mutex_unlock() of reading_mutex wakes its first waiter, which runs this much later on a free vCPU; a task that locks again sooner (a reader looping on read(2), more than syscall-ns apart) takes the mutex first.',
    source: `estimate (a context switch under TCG); the steal itself ${MEASURED}l100-p1000-r64-builtin-k6.1.176, 3 of 3 runs: the reader kept reading_mutex after the refill and khwrngd, waiting since its 1 s reseed sleep ended, got the next 64 bytes only)`,
  },
  {
    name: 'syscall-ns',
    type: 'number',
    unit: 'ns',
    default: 4_000,
    min: 0,
    description: 'One read(2) of /dev/hwrng: entry, exit and the user loop around it.',
    source: 'estimate: TCG syscall round trip; streaming reads return 2–5 µs after their kick',
  },
  {
    name: 'chunk-ns',
    type: 'number',
    unit: 'ns',
    default: 100_000,
    min: 0,
    description: 'Between two 64-byte chunks of one large read(2) in rng_dev_read (copy_to_user, mutex, need_resched/schedule).',
    source: `${MEASURED}unlimited-r4096-builtin: push → next request mean 97 µs inside 4096-byte reads; 0.53 MB/s). A chunk that waits for its own refill (6.1.176) is no slower: fresh captures on one host (4 of 6.1.176, 3 of 6.1.192 between them), median request → request 45 µs vs 46 µs, mean 51–59 vs 59–81 µs, 1.08–1.28 vs 0.81–1.13 MB/s; bulk varies 0.26–1.14 MB/s with host load (the mean is host stalls): the value holds for a host as loaded as the fixture's`,
  },
];

/** One jiffy: Debian 6.1 amd64 is built with CONFIG_HZ=250. */
export const JIFFY_NS = 4_000_000;
const ENODEV = -19;
/** A fatal signal interrupted the wait (the task dies; nothing is returned to user space). */
const ERESTARTSYS = -512;
/** drivers/char/hw_random/virtio-rng.c probe_common(): `.quality = 1000` (per 1024 bits). */
const VIRTIO_RNG_QUALITY = 1000;
/** random.c POOL_READY_BITS: the crng is ready once this many bits were credited. */
const CRNG_READY_BITS = 256;

/** Who is reading: the name used in traces and metrics. */
export interface HwrngCompletion {
  t: number;
  reader: string;
  bytes: number;
}

/** A user read(2) of /dev/hwrng, for the run result (bounded). */
export interface HwrngReaderLog {
  reader: string;
  /** First completions [time ns, bytes]. */
  completions: Array<[number, number]>;
  count: number;
  bytes: number;
  /** Start of the read still pending at the end of the run (null: none). */
  pendingSinceNs: number | null;
}

export class LinuxHwrng {
  /** Per user reader: completions (first `logLimit`), totals, the read in progress. */
  readonly readers = new Map<string, HwrngReaderLog>();
  logLimit = 512;
  /** Processes blocked in virtio_read's wait (a waiter with no buffer in flight can never wake). */
  private waiting = 0;
  readonly kernel: LinuxKernel;
  private readonly bufferBytes: number;
  private readonly earlyBytes: number;
  private readonly probeNs: number;
  private readonly readyPostNs: number;
  private readonly registerNs: number;
  private readonly khwrngdStartNs: number;
  /** random.c: the crng is ready (256 bits credited); khwrngd then sleeps after every read. */
  private crngReady: boolean;
  private creditedBits = 0;
  /** hwrng_fillfn's entropy_credit (1/1024 bit), kept while a read credits less than one bit. */
  private entropyCredit = 0;
  private readonly uptimeAtProbeNs: number;
  private readonly jiffiesPhase: number;
  private readonly tickOffsetNs: number;
  private readonly khwrngdCreditNs: number;
  /** Virtual time at which guest uptime is 0 (set by the first probe). */
  private uptimeOriginNs: number | null = null;
  private readonly irqWakeNs: number;
  private readonly idleWakeNs: number;
  private readonly idleAfterNs: number;
  readonly syscallNs: number;
  private readonly chunkNs: number;

  /** virtio-rng driver state (virtrng_info). */
  private dataAvail = 0;
  private dataIdx = 0;
  private posted: VirtioRngRequest | null = null;
  /** have_data completion: `done` count and the event waiters block on. */
  private done = 0;
  private haveData: SimEvent<void>;
  private removed = true;
  private generation = 0;
  /** hwrng core state. */
  private readonly readingMutex: GuestMutex;
  private coreAvail = 0;
  private khwrngdGen = -1;
  /** Bytes khwrngd and add_early_randomness took (they never reach a user reader). */
  kernelBytes = 0;
  khwrngdReads = 0;
  /** Succeeds after each khwrngd read (then replaced). */
  private khwrngdRead: SimEvent<void>;

  constructor(
    private readonly sim: Sim,
    readonly dev: VirtioRng,
    params: ParamValues,
    private readonly ctx: AccessContext,
  ) {
    this.kernel = params['kernel'] as LinuxKernel;
    this.bufferBytes = num(params, 'buffer-bytes');
    this.earlyBytes = num(params, 'early-bytes');
    this.probeNs = num(params, 'probe-ns');
    this.readyPostNs = num(params, 'ready-post-ns');
    this.registerNs = num(params, 'register-ns');
    this.khwrngdStartNs = num(params, 'khwrngd-start-ns');
    this.khwrngdRead = sim.event<void>('khwrngd.read');
    this.crngReady = params['crng-ready-at-probe'] === true;
    this.uptimeAtProbeNs = num(params, 'uptime-at-probe-ns');
    this.jiffiesPhase = num(params, 'jiffies-phase');
    this.tickOffsetNs = num(params, 'tick-offset-ns');
    this.khwrngdCreditNs = num(params, 'khwrngd-credit-ns');
    this.irqWakeNs = num(params, 'irq-wake-ns');
    this.idleWakeNs = num(params, 'idle-wake-ns');
    this.idleAfterNs = num(params, 'idle-after-ns');
    this.syscallNs = num(params, 'syscall-ns');
    this.chunkNs = num(params, 'chunk-ns');
    this.readingMutex = new GuestMutex(sim, 'reading_mutex', num(params, 'mutex-wake-ns'));
    this.haveData = sim.event<void>('have_data');
  }

  /** True between probe and remove (hwrng registered). */
  get bound(): boolean {
    return !this.removed;
  }

  private boundEvent: SimEvent<void> | null = null;

  /** Waits until the driver is bound (a user program opening /dev/hwrng before gets ENODEV). */
  *waitBound(): Proc<void> {
    if (!this.removed) return;
    this.boundEvent ??= this.sim.event<void>('hwrng.bound');
    yield this.boundEvent;
  }

  /**
   * virtrng_probe + hwrng_register: DRIVER_OK, prefetch, khwrngd, add_early_randomness.
   * `timing` overrides the guest's own timing for one probe (the replay of a real trace takes
   * these from it): `postNs` DRIVER_OK → the buffer posted, `kickNs` DRIVER_OK → the kick
   * (≥ postNs; the same instant unless the trace shows QEMU serving the kick later),
   * `registerNs` post → hwrng_register, `earlyAfterKhwrngd`: the new khwrngd ran before
   * add_early_randomness() (the early read then comes after khwrngd's first read re-posted the
   * buffer and it was filled again), `khwrngdNs` DRIVER_OK → khwrngd's first read (never before
   * hwrng_register; else khwrngd-start-ns after it), `khwrngdEndNs` DRIVER_OK → the end of that
   * read (its last re-post: its first sleep is timed from then, if that is later than the model's).
   */
  *probe(
    probeNs = this.probeNs,
    timing: { postNs?: number; kickNs?: number; registerNs?: number; earlyAfterKhwrngd?: boolean; khwrngdNs?: number; khwrngdEndNs?: number } = {},
  ): Proc<void> {
    if (!this.dev.present) return;
    this.uptimeOriginNs ??= this.sim.now - this.uptimeAtProbeNs;
    yield probeNs;
    this.removed = false;
    this.generation++;
    this.dataAvail = 0;
    this.dataIdx = 0;
    this.done = 0;
    this.dev.setDriverOk(true);
    const driverOkAt = this.sim.now;
    const postNs = timing.postNs ?? this.readyPostNs;
    const kickNs = Math.max(postNs, timing.kickNs ?? postNs);
    yield postNs;
    const gen = this.generation;
    this.requestEntropy(kickNs - postNs);
    yield timing.registerNs ?? this.registerNs;
    if (this.removed || gen !== this.generation) return;
    const ev = this.boundEvent;
    this.boundEvent = null;
    ev?.succeed();
    // set_current_rng() starts khwrngd (it first runs khwrngd-start-ns later), then
    // add_early_randomness: reading_mutex, rng_get_data(32, wait = 0), no credit.
    this.startKhwrngd(
      timing.khwrngdNs === undefined ? this.khwrngdStartNs : Math.max(0, driverOkAt + timing.khwrngdNs - this.sim.now),
      timing.khwrngdEndNs === undefined ? undefined : driverOkAt + timing.khwrngdEndNs,
    );
    if (timing.earlyAfterKhwrngd === true) {
      // kthread_run() woke khwrngd and it ran first (preempting the probing task, which resumes
      // once khwrngd sleeps — after its first read, re-post, and crediting the crng).
      while (this.khwrngdReads === 0 && !this.removed && gen === this.generation) yield this.khwrngdRead;
      if (this.done === 0 && !this.removed && gen === this.generation) yield this.haveData;
      if (this.removed || gen !== this.generation) return;
    }
    if (this.earlyBytes > 0) {
      yield* this.readingMutex.acquire();
      const n = yield* this.virtioRead(this.earlyBytes, false);
      if (n > 0) this.kernelBytes += n;
      this.readingMutex.release();
    }
  }

  /** virtrng_remove (rmmod, or a device reset): waiters wake with nothing, the device is reset. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.dataAvail = 0;
    this.dataIdx = 0;
    this.posted = null;
    this.complete();
    this.dev.setDriverOk(false);
  }

  /** request_entropy(): reinit the completion, post the one buffer, kick (after `kickAfterNs`). */
  private requestEntropy(kickAfterNs = 0): void {
    this.done = 0;
    this.dataIdx = 0;
    this.haveData = this.sim.event<void>('have_data');
    const req = this.dev.post(this.ctx, this.bufferBytes);
    this.posted = req;
    if (req === null) return;
    const gen = this.generation;
    req.done.then((bytes) => {
      // random_recv_done() runs in the interrupt handler; a reset buffer never completes.
      if (gen !== this.generation || this.removed) return;
      this.posted = null;
      this.dataAvail = bytes.length;
      this.complete();
    });
    if (kickAfterNs > 0) this.sim.at(this.sim.now + kickAfterNs, () => this.dev.notify());
    else this.dev.notify();
  }

  private complete(): void {
    this.done++;
    const ev = this.haveData;
    this.haveData = this.sim.event<void>('have_data');
    ev.succeed();
  }

  /** copy_data() of the guest's kernel: take up to size bytes of the buffer; re-post it when drained. */
  private copyData(size: number): number {
    if (this.kernel === '6.1.192') {
      // The hardened copy compares the index with the *remaining* count: once data_idx reaches
      // it the rest of the buffer is dropped and the buffer re-posted, with nothing copied.
      const avail = Math.min(this.dataAvail, this.bufferBytes);
      if (this.dataIdx >= avail) {
        this.dataAvail = 0;
        if (!this.removed) this.requestEntropy();
        return 0;
      }
      size = Math.min(size, avail - this.dataIdx);
    } else {
      size = Math.min(size, this.dataAvail);
    }
    this.dataIdx += size;
    this.dataAvail -= size;
    if (this.dataAvail === 0 && !this.removed) this.requestEntropy();
    return size;
  }

  /**
   * wait_for_completion_killable(&have_data), with the guest's wake-up cost. False when `kill`
   * fired first (the completion is left for the next waiter).
   */
  private *waitForData(kill?: SimEvent<void>): Proc<boolean> {
    if (this.done === 0) {
      const since = this.sim.now;
      this.waiting++;
      // The caller sleeps holding reading_mutex: a waiter its last unlock woke now runs.
      this.readingMutex.holderSleeps();
      if (kill === undefined) yield this.haveData;
      else {
        if (kill.triggered) {
          this.waiting--;
          return false;
        }
        const w = this.sim.event<boolean>('have_data-or-kill');
        this.haveData.then(() => {
          if (!w.triggered) w.succeed(true);
        });
        kill.then(() => {
          if (!w.triggered) w.succeed(false);
        });
        if (!((yield w) as boolean)) {
          this.waiting--;
          return false;
        }
      }
      this.waiting--;
      yield this.sim.now - since >= this.idleAfterNs ? this.idleWakeNs : this.irqWakeNs;
    }
    this.done = Math.max(0, this.done - 1);
    return true;
  }

  /** virtio_read(): returns the bytes copied (0 if it would block and !wait), ENODEV once removed. */
  private *virtioRead(size: number, wait: boolean, kill?: SimEvent<void>): Proc<number> {
    if (this.removed) return ENODEV;
    let read = 0;
    // Copy what is there, then wait for the rest (each completion re-arms the buffer).
    if (this.dataAvail > 0) {
      const c = this.copyData(size);
      size -= c;
      read += c;
    }
    if (!wait) return read;
    while (size !== 0) {
      if (!(yield* this.waitForData(kill))) return ERESTARTSYS;
      if (this.removed || this.dataAvail === 0) return read; // woken by cleanup
      const c = this.copyData(size);
      size -= c;
      read += c;
    }
    return read;
  }

  /**
   * True when a reader waits for data with no buffer posted: nothing can complete it, ever
   * (6.1.192 after a short completion). Readers queued on reading_mutex behind it hang too.
   */
  get stalled(): boolean {
    return this.waiting > 0 && this.posted === null && !this.removed;
  }

  /** A user read(2) of `size` bytes by `reader`, logged for the run result. */
  *userRead(reader: string, size: number): Proc<number> {
    let log = this.readers.get(reader);
    if (log === undefined) {
      log = { reader, completions: [], count: 0, bytes: 0, pendingSinceNs: null };
      this.readers.set(reader, log);
    }
    log.pendingSinceNs = this.sim.now;
    const n = yield* this.read(size);
    log.pendingSinceNs = null;
    log.count++;
    if (n > 0) log.bytes += n;
    if (log.completions.length < this.logLimit) log.completions.push([this.sim.now, n]);
    return n;
  }

  /**
   * rng_dev_read(): one read(2) of /dev/hwrng for `size` bytes, 64 at a time under
   * reading_mutex. Returns the bytes read, or a negative errno. Never returns while the
   * device cannot complete (the hang is a read that stays pending). `kill` is a fatal signal
   * (SIGKILL at a capture's deadline): the mutex wait and the device wait are killable, and the
   * loop checks for it between chunks; the killed read returns ERESTARTSYS (or what it had).
   */
  *read(size: number, kill?: SimEvent<void>): Proc<number> {
    yield this.syscallNs / 2;
    let ret = 0;
    while (size > 0) {
      const chunkStart = this.sim.now;
      if (this.removed) return ret > 0 ? ret : ENODEV;
      if (!(yield* this.readingMutex.acquire(kill))) return ret > 0 ? ret : ERESTARTSYS;
      if (this.coreAvail === 0) {
        const n = yield* this.virtioRead(this.bufferBytes, true, kill);
        if (n < 0 || (n === 0 && this.removed)) {
          this.readingMutex.release();
          return ret > 0 ? ret : n < 0 ? n : ENODEV;
        }
        this.coreAvail = n;
      }
      const len = Math.min(this.coreAvail, size);
      this.coreAvail -= len;
      size -= len;
      ret += len;
      this.readingMutex.release();
      if (size > 0) {
        // A chunk that waited briefly for the refill it posted itself (6.1.176 after the early
        // read left the buffer at offset 32: every chunk straddles two buffers) takes no longer
        // than one that found its data there: the wake-up overlaps the per-chunk work.
        const waited = this.sim.now - chunkStart;
        yield waited < this.chunkNs ? this.chunkNs - waited : this.chunkNs;
        if (kill?.triggered === true) return ret > 0 ? ret : ERESTARTSYS;
      }
    }
    yield this.syscallNs / 2;
    return ret;
  }

  private uptimeNs(): number {
    return this.sim.now - (this.uptimeOriginNs ?? this.sim.now - this.uptimeAtProbeNs);
  }

  /** crng_reseed_interval(): max(1 s, ⌊uptime s⌋ / 2 s) before 120 s of uptime, then 60 s. */
  reseedIntervalNs(): number {
    const uptimeS = Math.floor(this.uptimeNs() / 1e9);
    if (uptimeS >= 120) return 60e9;
    return Math.max(1, Math.floor(uptimeS / 2)) * 1e9;
  }

  /**
   * schedule_timeout(): how long a sleep of `ns` (whole jiffies) really lasts. The timer wheel
   * (kernel/time/timer.c calc_wheel_index) files a timer `delta` jiffies ahead in level 0 below
   * 63 jiffies, level n (granularity 8^n jiffies) below 63·8^n, and rounds its expiry up to the
   * next multiple of that granularity: it fires on that tick, never early, up to 32 ms late for
   * khwrngd's 1–2 s sleeps and 2 s late for the 60 s one. Jiffy j begins at the tick at uptime
   * (j − jiffies-phase) · 4 ms + tick-offset-ns.
   */
  timerSleepNs(ns: number): number {
    const now = this.uptimeNs();
    const nowJ = Math.floor((now - this.tickOffsetNs) / JIFFY_NS) + this.jiffiesPhase;
    const delta = Math.ceil(ns / JIFFY_NS);
    let lvl = 0;
    while (lvl < 8 && delta >= 63 * 8 ** lvl) lvl++;
    const shift = 3 * lvl;
    const bucket = (Math.floor((nowJ + delta) / 2 ** shift) + 1) * 2 ** shift;
    return Math.max(0, (bucket - this.jiffiesPhase) * JIFFY_NS + this.tickOffsetNs - now);
  }

  /**
   * set_current_rng() → hwrng_init(): khwrngd's kthread, which first runs `startNs` later.
   * `firstEndAt`: when its first read ended in a real run (the replay's input), if later than here.
   */
  private startKhwrngd(startNs: number, firstEndAt?: number): void {
    if (this.khwrngdGen === this.generation) return;
    const gen = this.generation;
    this.khwrngdGen = gen;
    this.sim.spawn('khwrngd', (function* (self: LinuxHwrng) {
      yield startNs;
      let endAt = firstEndAt;
      while (!self.removed && self.generation === gen) {
        // hwrng_fillfn(): one rng_buffer_size() read under reading_mutex, waiting.
        yield* self.readingMutex.acquire();
        const rc = yield* self.virtioRead(self.bufferBytes, true);
        self.readingMutex.release();
        if (self.removed || self.generation !== gen) return;
        if (rc <= 0) {
          yield self.timerSleepNs(10e9); // hwrng_msleep(rng, 10000)
          continue;
        }
        self.kernelBytes += rc;
        self.khwrngdReads++;
        const ev = self.khwrngdRead;
        self.khwrngdRead = self.sim.event<void>('khwrngd.read');
        ev.succeed();
        // rc · quality · 8 in 1/1024 bit; virtio-rng registers quality 1000.
        const entropy = rc * VIRTIO_RNG_QUALITY * 8 + self.entropyCredit;
        if (entropy >> 10 === 0) self.entropyCredit = entropy;
        const bits = entropy >> 10;
        self.creditedBits += bits;
        if (self.creditedBits >= CRNG_READY_BITS) self.crngReady = true;
        // add_hwgenerator_randomness(): sleep unless the crng is not ready yet and bits were credited.
        if (endAt !== undefined && endAt > self.sim.now) yield endAt - self.sim.now;
        endAt = undefined;
        if (self.crngReady || bits === 0) {
          if (self.khwrngdCreditNs > 0) yield self.khwrngdCreditNs;
          yield self.timerSleepNs(self.reseedIntervalNs());
        }
      }
    })(this));
  }
}

/**
 * reading_mutex as a Linux 6.1 mutex on the guest's one vCPU (kernel/locking/mutex.c):
 * mutex_unlock() wakes the first waiter but does not give it the lock, so the unlocking task can
 * lock it again before the woken waiter runs (a reader looping on read(2) keeps it). The woken
 * waiter runs when the holder sleeps (virtio_read's wait for the device) or, on a free vCPU,
 * `wakeNs` after the unlock: it takes the lock if it is free, else sets MUTEX_FLAG_HANDOFF, and
 * the next unlock hands the lock to it directly. A task that finds the lock free takes it.
 */
export class GuestMutex {
  private held = false;
  private handoff = false;
  private readonly queue: Array<{ ev: SimEvent<boolean>; woken: boolean }> = [];

  constructor(
    private readonly sim: Sim,
    readonly name: string,
    private readonly wakeNs: number,
  ) {}

  get busy(): boolean {
    return this.held;
  }

  /** mutex_lock (killable when `cancel` is given): true once held, false when `cancel` fired first. */
  *acquire(cancel?: SimEvent<void>): Proc<boolean> {
    if (!this.held) {
      this.held = true;
      return true;
    }
    if (cancel?.triggered === true) return false;
    const w = { ev: this.sim.event<boolean>(`${this.name}.lock`), woken: false };
    this.queue.push(w);
    cancel?.then(() => {
      if (w.ev.triggered) return;
      this.queue.splice(this.queue.indexOf(w), 1);
      if (this.queue.length === 0) this.handoff = false;
      else if (!this.held) this.wake();
      w.ev.succeed(false);
    });
    return (yield w.ev) as boolean;
  }

  /** mutex_unlock: hand over when a woken waiter asked for it, else free the lock and wake the first waiter. */
  release(): void {
    if (!this.held) throw new Error(`${this.name}: unlock without lock`);
    const first = this.queue[0];
    if (first !== undefined && this.handoff) {
      this.handoff = false;
      this.queue.shift();
      first.ev.succeed(true);
      return;
    }
    this.held = false;
    if (first !== undefined) this.wake();
  }

  /** The holder sleeps with the lock held: a woken waiter gets the vCPU, finds it held, asks for a handoff. */
  holderSleeps(): void {
    if (this.held && this.queue[0]?.woken === true) this.handoff = true;
  }

  private wake(): void {
    const w = this.queue[0]!;
    w.woken = true;
    this.sim.at(this.sim.now + this.wakeNs, () => {
      if (this.queue[0] !== w || w.ev.triggered) return;
      if (!this.held) {
        this.held = true;
        this.queue.shift();
        w.ev.succeed(true);
      } else this.handoff = true;
    });
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const LINUX_HWRNG_COMPONENT: ComponentDef = {
  name: 'linux-guest',
  description: "Linux's hwrng core and virtio-rng driver after ExitBootServices (drivers/char/hw_random)",
  params: LINUX_HWRNG_PARAMS,
  metrics: [],
  produces: ['os-hwrng'],
  consumes: ['virtio-rng'],
};
