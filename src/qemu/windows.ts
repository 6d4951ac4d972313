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
