/**
 * Runs a capture plan in the model (`entropy-bench qemu compare`): the same guest program as
 * the real capture — the Linux hwrng core + virtio-rng driver (workloads/linux-hwrng.ts) on the
 * QEMU device model (devices/virtio-rng.ts) — with the guest's own inputs taken from the trace:
 * when the driver was loaded, when each reader started, when a reset happened, and the guest's
 * uptime (khwrngd's cadence depends on it). Everything the device and the driver do after that
 * is the model's.
 */
import { HostSource } from '../devices/host-source.ts';
import { resolveParams, type ParamValues } from '../devices/params.ts';
import { VirtioRng } from '../devices/virtio-rng.ts';
import { MetricsCollector } from '../metrics/collector.ts';
import { Prng } from '../sim/prng.ts';
import { Sim } from '../sim/sim.ts';
import { Vcpus } from '../sim/vcpus.ts';
import { TapRegistry } from '../taps/tap.ts';
import { LinuxHwrng, LINUX_HWRNG_PARAMS } from '../workloads/linux-hwrng.ts';
import { resolveTable } from '../workloads/params.ts';
import type { DeviceEvent, QemuTrace, ReaderTrace } from './trace.ts';

export interface ReplayOverrides {
  'virtio-rng'?: ParamValues;
  'linux-guest'?: ParamValues;
}

export interface ReplayResult {
  device: DeviceEvent[];
  readers: ReaderTrace[];
}

/** Replays `trace`'s plan in the model; deterministic (the host bytes come from a fixed seed). */
export function replay(trace: QemuTrace, over: ReplayOverrides = {}): ReplayResult {
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
  const guestParams = resolveTable('linux-guest', LINUX_HWRNG_PARAMS, {
    kernel: trace.params.kernel.version === '6.1.176' ? '6.1.176' : '6.1.192',
    'uptime-at-probe-ns': Math.max(0, trace.params.probeNs - trace.params.alignment.guestOffsetNs),
    ...over['linux-guest'],
  });
  const marks = new Map(trace.params.alignment.marks.map((m) => [m.label, m.virtualNs ?? 0]));
  const at = (t: number, fn: () => void): void => void sim.at(Math.max(0, t), fn);
  // How long loading the module took (insmod under TCG: 18–117 ms in the captures, host load
  // dominates) is an input, like the readers' start times: the driver sets DRIVER_OK when the
  // trace's first virtio_rng_request after the load says it did.
  const driverOkAfter = (t0: number): number => {
    const e = trace.device.find((x) => x.kind === 'request' && x.t >= t0);
    return e === undefined ? 0 : e.t - t0;
  };
  const probeAt = (t0: number): void =>
    at(t0, () => sim.spawn('probe', hwrng.probe(over['linux-guest']?.['probe-ns'] === undefined ? driverOkAfter(t0) : undefined)));
  const hwrng = new LinuxHwrng(sim, dev, guestParams, { privilege: 'os', cpu: 0, actor: 'linux' });
  probeAt(trace.params.probeNs);
  const readers: ReaderTrace[] = [];
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
      at(real.startNs, () => {
        sim.spawn(`reader-${spec.tag}`, (function* () {
          let got = 0;
          let reads = 0;
          while (got < spec.total) {
            pendingSince = sim.now;
            const n = yield* hwrng.read(spec.size);
            pendingSince = null;
            if (sim.now > deadline) return; // the real reader was killed at its deadline
            rec.reads.push({ t: sim.now, n });
            if (n <= 0) break;
            got += n;
            reads++;
            if (spec.pauseEvery > 0 && reads % spec.pauseEvery === 0) {
              // A pause is the guest program's own sleep: an input. nanosleep under a loaded TCG
              // host overshoots by up to hundreds of ms, so replay the pause the real reader took
              // (the gap to its next completion, which a prefetched buffer serves at once).
              const next = real.reads[reads];
              const prev = real.reads[reads - 1];
              const realGap = next !== undefined && prev !== undefined ? next.t - prev.t - hwrng.syscallNs : 0;
              yield Math.max(spec.pauseMs * 1e6, realGap);
            }
          }
          finished = true;
          rec.end = { t: sim.now, status: rec.reads.some((r) => r.n <= 0) ? 'error' : 'done', pendingSinceNs: null };
        })());
      });
      at(deadline, () => {
        if (!finished) rec.end = { t: deadline, status: pendingSince === null ? 'cut' : 'pending', pendingSinceNs: pendingSince };
      });
    }
  });
  sim.run(trace.params.endNs + 1);
  return { device: dev.events.map((e) => ({ t: e.t, kind: e.kind, size: e.size, quota: e.quota })), readers };
}
