/**
 * Simulation kernel throughput in events per second of wall time (bar: ≥ 2 million on one
 * core). `kernel`: 64 processes yielding pseudo-random delays through the binary heap (the
 * pure scheduler cost at a platform run's scale). `platform`: a whole design run (shared-virtio, rate-limited
 * virtio-rng, an OS drainer with one 64-byte buffer outstanding and SetVariable churn),
 * i.e. events including the device and firmware work they trigger.
 */
import type { BenchSuite } from './suite.ts';
import { Sim } from '../src/sim/sim.ts';
import type { Platform, PlatformConfig, Workload } from '../src/designs/platform.ts';
import { runPlatform } from '../src/designs/assemble.ts';
import type { AccessContext } from '../src/devices/access.ts';

// Concurrent processes in the kernel task: a platform run has tens (boot, devices' backend
// requests, workloads on a few vCPUs); 64 keeps the heap at that scale.
const PROCS = 64;

function kernelRun(eventsPerProc: number): number {
  const sim = new Sim();
  for (let i = 0; i < PROCS; i++) {
    sim.spawn(
      'p',
      (function* () {
        let x = (i * 2654435761) >>> 0;
        for (let k = 0; k < eventsPerProc; k++) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          yield (x & 1023) + 1;
        }
      })(),
    );
  }
  sim.run();
  return sim.events;
}

const workloads = (): Workload[] => [
  {
    name: 'bench-drain',
    start(p: Platform) {
      const dev = p.devices.virtioRng!;
      const ctx: AccessContext = { privilege: 'os', cpu: 2, actor: 'bench-drain' };
      p.sim.spawn('drain', (function* () {
        yield* p.phases.waitFor('runtime');
        for (;;) {
          if ((yield* dev.read(ctx, 64)) === null) return;
        }
      })());
    },
  },
  {
    name: 'bench-churn',
    start(p: Platform) {
      const ctx: AccessContext = { privilege: 'os', cpu: 1, actor: 'bench-churn' };
      p.sim.spawn('churn', (function* () {
        yield* p.phases.waitFor('runtime');
        for (let i = 0; ; i++) {
          yield* p.firmware.smmVariable.setVariable(ctx, `V${i % 16}`, new Uint8Array(256).fill(i & 0xff));
          yield 10e6;
        }
      })());
    },
  },
];

function platformConfig(quick: boolean): PlatformConfig {
  return { design: 'shared-virtio', seed: 1, vcpus: 4, params: {}, runtimeNs: quick ? 0.5e9 : 2e9 };
}

let kernelEvents = 0;
let platformEvents = 0;
let eventsPerProc = 4000;

export const suite: BenchSuite = {
  name: 'sim',
  unit: 'events/s',
  scale: 1,
  setup({ quick }) {
    eventsPerProc = quick ? 1000 : 4000;
    kernelEvents = kernelRun(eventsPerProc);
    platformEvents = runPlatform(platformConfig(quick), workloads()).metrics.events;
  },
  tasks({ quick }) {
    return [
      { name: 'kernel', fn: () => kernelRun(eventsPerProc), unitsPerCall: kernelEvents },
      { name: 'platform', fn: () => runPlatform(platformConfig(quick), workloads()), unitsPerCall: platformEvents },
    ];
  },
};
