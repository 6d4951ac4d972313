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
 */
import type { DeviceEvent } from './trace.ts';

const UINT32_MAX = 0xffffffff;

export interface InferredWindow {
  /** Refill that created this allotment (null: the initial quota). */
  refillAt: number | null;
  /** First process() after the refill (the timer armed); null if none came. */
  start: number | null;
  bytes: number;
  requests: number;
}

/**
 * @param slackNs a refill is recognised from `deadline − slackNs` on (trace stamps are µs).
 */
export function inferWindows(events: readonly DeviceEvent[], maxBytes: number, periodMs: number, slackNs = 50_000): InferredWindow[] {
  const fullQuota = Math.min(maxBytes, UINT32_MAX);
  const out: InferredWindow[] = [];
  let cur: InferredWindow = { refillAt: null, start: null, bytes: 0, requests: 0 };
  out.push(cur);
  let deadline: number | null = null;
  for (const e of events) {
    if (e.kind === 'push') {
      cur.bytes += e.size;
      continue;
    }
    if (deadline !== null && e.t >= deadline - slackNs && e.quota === fullQuota) {
      cur = { refillAt: e.t, start: null, bytes: 0, requests: 1 };
      out.push(cur);
      deadline = null;
      continue;
    }
    cur.requests++;
    if (cur.start === null) {
      cur.start = e.t;
      deadline = (Math.floor(e.t / 1e6) + periodMs) * 1e6;
    }
  }
  return out;
}
