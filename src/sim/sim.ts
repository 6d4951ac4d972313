/**
 * Discrete-event simulation kernel (SimPy-style) for the platform model.
 *
 * - Virtual time is an integer number of nanoseconds (`sim.now`); it never reads a wall clock.
 * - The event queue is a binary heap ordered by (time, insertion sequence): two events at the
 *   same instant run in the order they were scheduled, so the same seed and the same workload
 *   always replay the same events (determinism is what lets CI gate virtual-time metrics).
 * - Guest code, devices' background activity and adversaries are processes: generator
 *   functions that `yield` a wait. A yielded number is a delay in ns; a yielded `SimEvent`
 *   suspends the process until the event fires and resumes it with the event's value:
 *
 * ```ts
 * sim.spawn('guest', function* () {
 *   yield* sim.timeout(1_000);                 // 1 µs of virtual time
 *   const bytes = yield* dev.read(ctx, 64);    // a device completion
 * }());
 * sim.run();
 * ```
 */

/** What a process may yield: a delay in ns or an event to wait for. */
export type SimYield = number | SimEvent<any>;
/** A process body: `function* (): Proc<T> { ... }`. */
export type Proc<T = void> = Generator<SimYield, T, any>;

type Waiter = Process<any> | ((value: any) => void);

/** A one-shot event: processes wait for it; `succeed(value)` wakes them (in wait order). */
export class SimEvent<T = void> {
  triggered = false;
  value: T | undefined = undefined;
  private waiters: Waiter[] | null = null;

  constructor(
    readonly sim: Sim,
    readonly name = '',
  ) {}

  /** Fires the event now; waiting processes resume at the current time, in the order they waited. */
  succeed(value: T): void {
    if (this.triggered) throw new Error(`SimEvent ${this.name}: already triggered`);
    this.triggered = true;
    this.value = value;
    const ws = this.waiters;
    this.waiters = null;
    if (ws === null) return;
    for (const w of ws) {
      if (typeof w === 'function') w(value);
      else this.sim.scheduleResume(w, 0, value);
    }
  }

  /** Registers a callback run (synchronously) when the event fires; runs now if it already has. */
  then(cb: (value: T) => void): void {
    if (this.triggered) cb(this.value as T);
    else (this.waiters ??= []).push(cb);
  }

  /** @internal used by the kernel when a process yields this event. */
  addWaiter(p: Process<any>): void {
    if (this.triggered) this.sim.scheduleResume(p, 0, this.value);
    else (this.waiters ??= []).push(p);
  }

  /** `const v = yield* ev.wait();` */
  *wait(): Proc<T> {
    return (yield this) as T;
  }
}

/** A running process; it is also the event that fires (with the return value) when it finishes. */
export class Process<T = void> extends SimEvent<T> {
  constructor(
    sim: Sim,
    name: string,
    readonly gen: Proc<T>,
  ) {
    super(sim, name);
  }
}

/** A scheduled callback (cancellable lazily). */
class Timer {
  cancelled = false;
  constructor(readonly fn: () => void) {}
}

/** Handle of a scheduled callback; `cancel()` removes it lazily. */
export interface TimerHandle {
  readonly atNs: number;
  cancel(): void;
}

export class Sim {
  /** Current virtual time in ns. */
  now = 0;
  /** Events processed so far (process resumptions and callbacks). */
  events = 0;
  // Binary heap as parallel arrays (struct of arrays: no allocation per event, cache-friendly
  // comparisons): time, insertion sequence, and what to run (a process to resume with a
  // value, or a Timer).
  private ht = new Float64Array(1024);
  private hs = new Float64Array(1024);
  private hi: Array<Process<any> | Timer | null> = new Array<Process<any> | Timer | null>(1024).fill(null);
  private hv: unknown[] = new Array<unknown>(1024).fill(undefined);
  private n = 0;
  private seq = 0;
  private stopped = false;

  /** Starts a process now (its first step runs at the current time, after already-queued events). */
  spawn<T>(name: string, gen: Proc<T>): Process<T> {
    const p = new Process<T>(this, name, gen);
    this.scheduleResume(p, 0, undefined);
    return p;
  }

  /** `yield* sim.timeout(ns)`: waits ns of virtual time (rounded to an integer, ≥ 0). */
  *timeout(ns: number): Proc<void> {
    yield ns;
  }

  /** A fresh one-shot event. */
  event<T = void>(name = ''): SimEvent<T> {
    return new SimEvent<T>(this, name);
  }

  /** Runs fn at absolute virtual time atNs (≥ now). */
  at(atNs: number, fn: () => void): TimerHandle {
    const t = Math.max(this.now, Math.round(atNs));
    const timer = new Timer(fn);
    this.push(t, timer, undefined);
    return {
      atNs: t,
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Runs fn after delayNs. */
  after(delayNs: number, fn: () => void): TimerHandle {
    return this.at(this.now + delayNs, fn);
  }

  /**
   * Waits for `ev` at most `timeoutNs`; returns true if the event fired in time. The event
   * may still fire later (callers that give up must tolerate that).
   */
  *waitFor(ev: SimEvent<any>, timeoutNs: number): Proc<boolean> {
    if (ev.triggered) return true;
    if (!Number.isFinite(timeoutNs)) {
      yield ev;
      return true;
    }
    const done = this.event<boolean>('waitFor');
    const timer = this.after(timeoutNs, () => {
      if (!done.triggered) done.succeed(false);
    });
    ev.then(() => {
      if (!done.triggered) {
        timer.cancel();
        done.succeed(true);
      }
    });
    return (yield done) as boolean;
  }

  /** @internal schedules process p to resume after delay with value. */
  scheduleResume(p: Process<any>, delay: number, value: unknown): void {
    this.push(this.now + delay, p, value);
  }

  /** Stops `run()` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Number of queued events (including lazily cancelled ones). */
  get pending(): number {
    return this.n;
  }

  /**
   * Processes events in (time, sequence) order until the queue is empty, `stop()` is called,
   * or the next event lies after `untilNs` (then the clock is advanced to untilNs).
   */
  run(untilNs = Infinity): void {
    this.stopped = false;
    while (this.n > 0 && !this.stopped) {
      const t = this.ht[0]!;
      if (t > untilNs) break;
      const item = this.hi[0]!;
      const value = this.hv[0];
      this.pop();
      if (item instanceof Timer) {
        if (item.cancelled) continue;
        this.now = t;
        this.events++;
        item.fn();
      } else {
        this.now = t;
        this.events++;
        this.step(item, value);
      }
    }
    if (untilNs !== Infinity && this.now < untilNs && !this.stopped) this.now = untilNs;
  }

  private step(p: Process<any>, value: unknown): void {
    const r = p.gen.next(value);
    if (r.done === true) {
      p.succeed(r.value);
      return;
    }
    const y = r.value;
    if (typeof y === 'number') {
      if (!(y >= 0) || y === Infinity) throw new Error(`process ${p.name}: invalid delay ${String(y)} ns`);
      this.push(this.now + Math.round(y), p, undefined);
    } else if (y instanceof SimEvent) {
      if (y.sim !== this) throw new Error(`process ${p.name}: waited on event '${y.name}' of another Sim`);
      y.addWaiter(p);
    } else {
      throw new Error(`process ${p.name}: yielded ${String(y)}, expected a delay in ns or a SimEvent`);
    }
  }

  private grow(): void {
    const cap = this.ht.length * 2;
    const ht = new Float64Array(cap);
    ht.set(this.ht);
    const hs = new Float64Array(cap);
    hs.set(this.hs);
    this.ht = ht;
    this.hs = hs;
    for (let i = this.hi.length; i < cap; i++) {
      this.hi.push(null);
      this.hv.push(undefined);
    }
  }

  private push(t: number, item: Process<any> | Timer, value: unknown): void {
    if (this.n === this.ht.length) this.grow();
    const ht = this.ht;
    const hs = this.hs;
    const hi = this.hi;
    const hv = this.hv;
    const seq = this.seq++;
    let i = this.n++;
    // sift up
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < t || (pt === t && hs[parent]! < seq)) break;
      ht[i] = pt;
      hs[i] = hs[parent]!;
      hi[i] = hi[parent]!;
      hv[i] = hv[parent];
      i = parent;
    }
    ht[i] = t;
    hs[i] = seq;
    hi[i] = item;
    hv[i] = value;
  }

  /** Removes the root. */
  private pop(): void {
    const n = --this.n;
    const ht = this.ht;
    const hs = this.hs;
    const hi = this.hi;
    const hv = this.hv;
    if (n === 0) {
      hi[0] = null;
      hv[0] = undefined;
      return;
    }
    // sift the last entry down from the root
    const t = ht[n]!;
    const s = hs[n]!;
    const item = hi[n]!;
    const value = hv[n];
    hi[n] = null;
    hv[n] = undefined;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let ct = ht[l]!;
      let cs = hs[l]!;
      const r = l + 1;
      if (r < n) {
        const rt = ht[r]!;
        const rs = hs[r]!;
        if (rt < ct || (rt === ct && rs < cs)) {
          c = r;
          ct = rt;
          cs = rs;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      ht[i] = ct;
      hs[i] = cs;
      hi[i] = hi[c]!;
      hv[i] = hv[c];
      i = c;
    }
    ht[i] = t;
    hs[i] = s;
    hi[i] = item;
    hv[i] = value;
  }
}

/** A FIFO mutex (one holder at a time), e.g. a vCPU or the SMM rendezvous. */
export class Resource {
  private holder = false;
  private queue: SimEvent<void>[] = [];
  constructor(
    readonly sim: Sim,
    readonly name: string,
  ) {}

  get busy(): boolean {
    return this.holder;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Takes the resource if it is free (no waiting); true on success. */
  tryAcquire(): boolean {
    if (this.holder) return false;
    this.holder = true;
    return true;
  }

  /** `yield* r.acquire()`: waits until the resource is free, then holds it. */
  *acquire(): Proc<void> {
    if (!this.holder) {
      this.holder = true;
      return;
    }
    const ev = this.sim.event<void>(`${this.name}.acquire`);
    this.queue.push(ev);
    yield ev; // ownership is handed over by release()
  }

  /** Releases the resource; the longest waiter (if any) takes it at the current time. */
  release(): void {
    if (!this.holder) throw new Error(`Resource ${this.name}: release without acquire`);
    const next = this.queue.shift();
    if (next === undefined) this.holder = false;
    else next.succeed();
  }
}
