/**
 * The platform contract between the model (PLATFORM) and workloads/scenarios (SCENARIO):
 * a design name, a config, the `Platform` object workloads act on, and what a run returns.
 * The design table lives in ./designs.ts, the registry of components in ./components.ts and
 * the assembler and run loop in ./assemble.ts.
 */
import type { HostSource } from '../devices/host-source.ts';
import type { ParamValues } from '../params/spec.ts';
import type { Pflash } from '../devices/pflash.ts';
import type { RdrandUnit } from '../devices/rdrand.ts';
import type { SmiController } from '../devices/smi.ts';
import type { SmmEntropyDevice } from '../devices/smm-entropy-device.ts';
import type { Smram } from '../devices/smram.ts';
import type { VirtioRng, VirtioRngEvent, VirtioRngWindow } from '../devices/virtio-rng.ts';
import type { HwrngReaderLog, LinuxHwrng } from '../os/linux-hwrng.ts';
import type { BootPhases } from '../firmware/boot.ts';
import type { CounterRngLib } from '../firmware/counter-rnglib.ts';
import type { PrivilegedSource } from '../firmware/privileged-source.ts';
import type { EfiRngProtocol } from '../firmware/rng-protocol.ts';
import type { SmmVariableDriver } from '../firmware/smm-variable/index.ts';
import type { TlsClient } from '../firmware/tls-client.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { CellMetrics } from '../metrics/types.ts';
import type { Prng } from '../sim/prng.ts';
import type { Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapData, TapRegistry } from '../taps/tap.ts';
import type { ConsumedStream } from '../taps/source-stream.ts';
import type { DesignName } from './designs.ts';

export type { TapData } from '../taps/tap.ts';
export type { AccessContext, Privilege } from '../devices/access.ts';

// The design list is data (./designs.ts); the contract re-exports its name type and list.
export type { DesignName } from './designs.ts';
export { DESIGNS } from './designs.ts';

export interface PlatformConfig {
  design: DesignName;
  /** One seeded PRNG drives all randomness in the run. */
  seed: number;
  vcpus: number;
  /** Overrides keyed by component name (COMPONENT_PARAMS keys). */
  params: Record<string, ParamValues>;
  /** Length of the OS-runtime phase after ExitBootServices. */
  runtimeNs: number;
}

/** What a workload gets to act on. */
export interface Platform {
  sim: Sim;
  /** Seeded, deterministic; workloads should `rng.fork(name)` for their own stream. */
  rng: Prng;
  config: PlatformConfig;
  vcpus: Vcpus;
  /** Resolved parameters per component (defaults + design + scenario overrides). */
  params: Record<string, ParamValues>;
  devices: {
    hostSource: HostSource;
    virtioRng?: VirtioRng;
    rdrand: RdrandUnit;
    smmDevice?: SmmEntropyDevice;
    pflash: Pflash;
    smram: Smram;
    smi: SmiController;
  };
  firmware: {
    /** The EFI_RNG_PROTOCOL a boot-time caller would locate now (undefined before it is installed/connected, after ExitBootServices). */
    rngProtocol?: EfiRngProtocol;
    smmVariable: SmmVariableDriver;
    tls: TlsClient;
    counterRngLib: CounterRngLib;
    /** The SMM variable driver's privileged source in this design. */
    privilegedSource: PrivilegedSource;
  };
  /** The guest OS after ExitBootServices: Linux's hwrng core + virtio-rng driver (when virtio-rng exists). */
  os: { hwrng?: LinuxHwrng };
  phases: BootPhases;
  taps: TapRegistry;
  metrics: MetricsCollector;
}

/**
 * What the virtio-rng device and the Linux guest did, bounded (the first N of each list and
 * the total count), so a run can be compared with a real trace window by window.
 */
export interface VirtioRngObservations {
  windows: VirtioRngWindow[];
  windowCount: number;
  events: VirtioRngEvent[];
  eventCount: number;
  /** Each user reader of /dev/hwrng; `hung`: its read can never complete (no buffer posted). */
  readers: Array<HwrngReaderLog & { hung: boolean }>;
  /** Bytes khwrngd and add_early_randomness took. */
  kernelBytes: number;
}

/** Spawns its processes into p.sim. */
export interface Workload {
  name: string;
  start(p: Platform): void;
}

export interface PlatformRunResult {
  metrics: CellMetrics;
  taps: TapData[];
  parametersUsed: Array<{ component: string; name: string; value: number | boolean | string; unit?: string; source: string; overridden: boolean }>;
  timeline: Array<{ phase: string; atNs: number }>;
  /** e.g. SMM entropy waits and SetVariable latency over virtual time, for charts. */
  series?: Array<{ name: string; points: Array<[number, number]> }>;
  /** Present when the design has a virtio-rng device. */
  virtioRng?: VirtioRngObservations;
  /** The quality tap of every source SMM consumed (src/taps/source-stream.ts, docs/model.md §7.5). */
  streams?: ConsumedStream[];
}
