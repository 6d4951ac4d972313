/**
 * Rate-limit windows recovered from device trace events alone, the same way for a real QEMU
 * trace and for the model's event log (so the two are compared like for like). QEMU does not
 * trace its timer, but virtio_rng_process() traces every call and the algorithm is known
 * (hw/virtio/virtio-rng.c): the window timer is armed by the first process() while
 * `activate_timer` is set, for `qemu_clock_get_ms() + period`; at expiry check_rate_limit()
 * resets the quota and calls process() — which is traced, with the full quota — and only then
 * sets `activate_timer`, so the *next* process() arms the next window.
 *
 * So: a request event at or after the armed deadline showing the full quota is the refill;
 * the first request event after it starts the next window. Bytes are counted per allotment:
 * the pushes from one refill (inclusive) to the next.
 *
 * Which whole ms the timer was armed in is known only to within a few µs from a real trace:
 * process() reads QEMU_CLOCK_VIRTUAL (CLOCK_MONOTONIC, ns) for timer_mod() before it traces the
 * request, and the trace line's stamp is a later gettimeofday() in µs, mapped to the virtual
 * clock through the stamp of `vm_state_notify running 1` (itself taken just after the clock
 * started). A request stamped within `armSlackNs` after a ms boundary may have armed the timer
 * in the previous ms (a fresh two-reader capture: first request stamped 6610.000000 ms, refill
 * at 7609.085 ms — QEMU never fires a timer early, so the deadline was 7609, armed in ms 6609),
 * so the deadline is taken from `t − armSlackNs`. A full-quota request that is not a refill
 * cannot come in that extra ms unless nothing at all was pushed since the window started.
 */
import type { DeviceEvent } from './trace.ts';

const UINT32_MAX = 0xffffffff;

export interface InferredWindow {
  /** Refill that created this allotment (null: the initial quota). */
  refillAt: number | null;
  /** First process() after the refill (the timer armed); null if none came. */
  start: number | null;
  /**
   * The armed timer's ms deadline, ns: `floor(start) + period`, or one ms earlier when the
   * refill came before that (the arm read the clock in the previous ms, see above); null if
   * never armed.
   */
  deadline: number | null;
  bytes: number;
  requests: number;
}

/**
 * Host stalls in a real run (docs/qemu-trace.md §Window-start timing): QEMU's rate-limit timer
 * fired 24–130 µs after its ms deadline in every capture unless the host held QEMU's main loop
 * off the CPU, and the guest re-posted within 0.25–1.3 ms of a refill when a reader was waiting.
 * Beyond these the host, not the device or guest model, set the window start.
 */
export const HOST_TIMER_STALL_NS = 1_000_000;
export const HOST_GAP_STALL_NS = 2_500_000;
/**
 * The longest refill → start the replay takes as a host stall (replay()): stalls of the guest
 * after a refill ran 5–18 ms in the captures (docs/qemu-trace.md); a start seconds later is the
 * guest's own doing (a 6.1.192 hang that only khwrngd's next reseed ends: 2.07 s in
 * l1000-p1000-r64-builtin), which the model must predict, not be given.
 */
export const HOST_GAP_STALL_MAX_NS = 50_000_000;

/** How far a trace stamp may lag the virtual-clock read of the timer_mod() before it (see above). */
export const ARM_STAMP_SLACK_NS = 20_000;

/**
 * @param slackNs a refill is recognised from `deadline − slackNs` on (trace stamps are µs).
 * @param armSlackNs the arming request's virtual-clock read may precede its stamp by this much.
 */
export function inferWindows(events: readonly DeviceEvent[], maxBytes: number, periodMs: number, slackNs = 50_000, armSlackNs = ARM_STAMP_SLACK_NS): InferredWindow[] {
  const fullQuota = Math.min(maxBytes, UINT32_MAX);
  const out: InferredWindow[] = [];
  let cur: InferredWindow = { refillAt: null, start: null, deadline: null, bytes: 0, requests: 0 };
  out.push(cur);
  let deadline: number | null = null;
  const gridDeadline = (t: number): number => (Math.floor(t / 1e6) + periodMs) * 1e6;
  for (const e of events) {
    if (e.kind === 'push') {
      cur.bytes += e.size;
      continue;
    }
    if (deadline !== null && e.t >= deadline - slackNs && e.quota === fullQuota) {
      // Before the grid deadline of its stamp: the arm was in the previous ms.
      cur.deadline = e.t >= gridDeadline(cur.start!) - slackNs ? gridDeadline(cur.start!) : deadline;
      cur = { refillAt: e.t, start: null, deadline: null, bytes: 0, requests: 1 };
      out.push(cur);
      deadline = null;
      continue;
    }
    cur.requests++;
    if (cur.start === null) {
      cur.start = e.t;
      deadline = gridDeadline(e.t - armSlackNs);
      cur.deadline = gridDeadline(e.t);
    }
  }
  return out;
}
