/** A minimal bench for device tests: sim, vCPUs, metrics, taps and resolved parameters. */
import { HostSource } from '../../src/devices/host-source.ts';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { VirtioRng } from '../../src/devices/virtio-rng.ts';
import type { AccessContext } from '../../src/devices/access.ts';
import { MetricsCollector } from '../../src/metrics/collector.ts';
import { Prng } from '../../src/sim/prng.ts';
import { Sim, type Proc } from '../../src/sim/sim.ts';
import { Vcpus } from '../../src/sim/vcpus.ts';
import { TapRegistry } from '../../src/taps/tap.ts';

export const OS: AccessContext = { privilege: 'os', cpu: 1, actor: 'os' };
export const SMM: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm' };
export const FW: AccessContext = { privilege: 'firmware', cpu: 0, actor: 'fw' };

export function bench(vcpus = 2, seed = 1) {
  const sim = new Sim();
  return { sim, vcpus: new Vcpus(sim, vcpus), metrics: new MetricsCollector(), taps: new TapRegistry(1 << 16), rng: new Prng(seed) };
}

export function hostSource(b: ReturnType<typeof bench>, over: ParamValues = {}): HostSource {
  return new HostSource(b.sim, resolveParams('host-source', over), b.rng.fork('host'), b.metrics, b.taps);
}

export function virtio(b: ReturnType<typeof bench>, over: ParamValues = {}, hostOver: ParamValues = {}): VirtioRng {
  return new VirtioRng(b.sim, resolveParams('virtio-rng', over), hostSource(b, hostOver), b.vcpus, b.metrics, b.taps);
}

/** Runs one process to completion and returns its value. */
export function runProc<T>(sim: Sim, gen: Proc<T>, untilNs = Infinity): T {
  const p = sim.spawn('test', gen);
  sim.run(untilNs);
  assert(p.triggered, 'process did not finish');
  return p.value as T;
}

function assert(c: boolean, m: string): asserts c {
  if (!c) throw new Error(m);
}
