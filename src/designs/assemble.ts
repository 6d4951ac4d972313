/**
 * Builds a platform for a design, runs boot + OS runtime with the given workloads, verifies
 * every variable, and returns the metrics, taps, parameters used and the boot timeline.
 * Same config (incl. seed) ⇒ same events ⇒ identical result.
 */
import type { AccessContext } from '../devices/access.ts';
import { HostSource } from '../devices/host-source.ts';
import { bool, num } from '../params/get.ts';
import { ADD_ONS, COMPONENT_PARAMS, provide, resolveParams, type PlatformDeps } from './components.ts';
import type { ParamValues } from '../params/spec.ts';
import { Pflash } from '../devices/pflash.ts';
import { RdrandUnit } from '../devices/rdrand.ts';
import { SmiController } from '../devices/smi.ts';
import { Smram } from '../devices/smram.ts';
import { VirtioRng } from '../devices/virtio-rng.ts';
import { LinuxHwrng } from '../os/linux-hwrng.ts';
import { InputError } from '../errors.ts';
import { BootPhases, type PhaseName } from '../firmware/boot.ts';
import { CounterRngLib } from '../firmware/counter-rnglib.ts';
import { CounterSource, type SourceOrigin } from '../firmware/privileged-source.ts';
import type { EfiRngProducer, EfiRngProtocol } from '../firmware/rng-protocol.ts';
import { SmmVariableDriver } from '../firmware/smm-variable/index.ts';
import { TlsClient } from '../firmware/tls-client.ts';
import { MetricsCollector } from '../metrics/collector.ts';
import { Prng } from '../sim/prng.ts';
import { Sim, type Proc } from '../sim/sim.ts';
import { Vcpus } from '../sim/vcpus.ts';
import { TapRegistry } from '../taps/tap.ts';
import { WIRING } from './designs.ts';
import { consumedStreams } from './consumed-streams.ts';
import { DESIGNS, type Platform, type PlatformConfig, type PlatformRunResult, type Workload } from './platform.ts';

/** A built platform plus the pieces the run loop drives. */
export interface BuiltPlatform {
  platform: Platform;
  /** The EFI_RNG_PROTOCOL producers of the firmware image, in LocateProtocol order. */
  producers: readonly EfiRngProducer[];
  /** The boot process body (phases in order, then runtime). */
  boot(): Proc<void>;
  /** Virtual time of the nominal boot (sum of phase durations). */
  nominalBootNs: number;
  /** What stands behind SMM's privileged source (a host backend, RDRAND, the counter RngLib). */
  smmOrigin: SourceOrigin;
}

function checkConfig(config: PlatformConfig): void {
  if (!DESIGNS.some((d) => d.name === config.design)) {
    throw new InputError(`design: unknown '${String(config.design)}', expected one of ${DESIGNS.map((d) => d.name).join(', ')}`);
  }
  if (!Number.isSafeInteger(config.seed)) throw new InputError(`seed: expected a safe integer, got ${String(config.seed)}`);
  if (!Number.isInteger(config.vcpus) || config.vcpus < 1 || config.vcpus > 1024) {
    throw new InputError(`vcpus: expected an integer in [1, 1024], got ${String(config.vcpus)}`);
  }
  if (!Number.isFinite(config.runtimeNs) || config.runtimeNs < 0) {
    throw new InputError(`runtimeNs: expected a finite number ≥ 0 of virtual ns, got ${String(config.runtimeNs)}`);
  }
}

/**
 * Resolves every component: table defaults ← design defaults ← scenario overrides. An add-on
 * component (ComponentDef.addOn) the design does not pick is checked but left out, so it is
 * neither built nor listed in the run's parametersUsed.
 */
export function resolveAll(config: PlatformConfig): Record<string, ParamValues> {
  const wiring = WIRING[config.design];
  for (const c of Object.keys(config.params ?? {})) {
    if (COMPONENT_PARAMS[c] === undefined) {
      throw new InputError(`params: unknown component '${c}', expected one of ${Object.keys(COMPONENT_PARAMS).join(', ')}`);
    }
  }
  const picked = new Set<string>(Object.values(wiring.roles));
  const out: Record<string, ParamValues> = {};
  for (const c of Object.keys(COMPONENT_PARAMS)) {
    const overrides = { ...(wiring.defaults[c] ?? {}), ...(config.params?.[c] ?? {}) };
    const used = !ADD_ONS.has(c) || picked.has(c);
    // An add-on's table defaults are valid by construction (test/devices/params.test.ts), so
    // only values a design or scenario sets for it need checking when it is not built.
    if (used) out[c] = resolveParams(c, overrides);
    else if (Object.keys(overrides).length > 0) resolveParams(c, overrides);
  }
  return out;
}

export function buildPlatform(config: PlatformConfig): BuiltPlatform {
  checkConfig(config);
  const params = resolveAll(config);
  const wiring = WIRING[config.design];
  const sim = new Sim();
  const rng = new Prng(config.seed);
  const metrics = new MetricsCollector();
  const taps = new TapRegistry(num(params['taps']!, 'max-bytes'));
  const vcpus = new Vcpus(sim, config.vcpus);
  const phases = new BootPhases(sim);

  const hostSource = new HostSource(sim, params['host-source']!, rng.fork('host-source'), metrics, taps, 'host-source');
  const virtioRng = new VirtioRng(sim, params['virtio-rng']!, hostSource, vcpus, metrics, taps);
  const rdrand = new RdrandUnit(sim, params['rdrand']!, rng.fork('rdrand'), vcpus, metrics, taps);
  const pflash = new Pflash(params['pflash']!, vcpus, metrics);
  const smram = new Smram(params['smram']!, metrics);
  const smi = new SmiController(sim, params['smi']!, vcpus, metrics);
  const counterRngLib = new CounterRngLib(sim, params['counter-rnglib']!, rng.fork('pm-timer'), vcpus, metrics, taps);

  // The roles the design fills by naming a component (./designs.ts), built through that
  // component's create(deps) in dependency order: the SMM-only device (if any), the
  // EFI_RNG_PROTOCOL producers its firmware image carries (LocateProtocol order), then the
  // privileged source that may read the device. Construction order is part of what a run
  // is: it stays as it was before the roles became data, so every report is unchanged.
  const deps: PlatformDeps = { sim, rng, vcpus, metrics, taps, params, virtioRng, rdrand, counterRngLib };
  const deviceName = wiring.roles['smm-entropy-device'];
  const smmDevice = deviceName === undefined ? undefined : provide('smm-entropy-device', deviceName, deps);
  const roleDeps: PlatformDeps = smmDevice === undefined ? deps : { ...deps, smmDevice };
  const producers: EfiRngProducer[] = wiring.rngProducers.map((name) => provide('efi-rng-protocol', name, roleDeps));
  const locateProtocol = (): EfiRngProtocol | undefined => producers.find((p) => p.available());

  const { source: privilegedSource, origin: smmOrigin } = provide('privileged-source', wiring.roles['privileged-source'], roleDeps);
  const fallback = new CounterSource(counterRngLib);
  const smmVariable = new SmmVariableDriver(
    sim,
    params['smm-variable']!,
    smi,
    smram,
    pflash,
    privilegedSource,
    privilegedSource.unsafe ? null : fallback,
    metrics,
    taps,
    () => phases.current() === 'runtime',
  );
  const tls = new TlsClient(sim, params['tls']!, locateProtocol, counterRngLib, vcpus, metrics, taps);

  const devices: Platform['devices'] = { hostSource, rdrand, pflash, smram, smi };
  if (virtioRng.present) devices.virtioRng = virtioRng;
  if (smmDevice !== undefined) devices.smmDevice = smmDevice;
  const firmware: Platform['firmware'] = {
    get rngProtocol(): EfiRngProtocol | undefined {
      return locateProtocol();
    },
    smmVariable,
    tls,
    counterRngLib,
    privilegedSource,
  };
  // The Linux guest binds virtio-rng at runtime (drivers/char/hw_random, docs/model.md).
  const os: Platform['os'] = {};
  if (virtioRng.present) {
    os.hwrng = new LinuxHwrng(sim, virtioRng, params['linux-guest']!, { privilege: 'os', cpu: Math.min(1, config.vcpus - 1), actor: 'linux-hwrng' });
    os.hwrng.logLimit = num(params['virtio-rng']!, 'trace-limit');
  }
  const platform: Platform = { sim, rng, config, vcpus, params, devices, firmware, os, phases, taps, metrics };

  const t = params['timeline']!;
  const dur = (p: PhaseName): number => (p === 'runtime' ? 0 : num(t, `${p}-ns`));
  const nominalBootNs = (['sec-pei', 'dxe', 'end-of-dxe', 'bds', 'https-boot', 'exit-boot-services'] as const).reduce((s, p) => s + dur(p), 0);
  const fw = (actor: string): AccessContext => ({ privilege: 'firmware', cpu: 0, actor });
  const bootVarRng = rng.fork('boot-variables');

  function* phase(name: PhaseName, action?: () => Proc<unknown>): Proc<void> {
    phases.enter(name);
    const t0 = sim.now;
    if (action !== undefined) yield* action();
    const rest = t0 + dur(name) - sim.now;
    if (rest > 0) yield rest;
  }

  function* boot(): Proc<void> {
    yield* phase('sec-pei');
    yield* phase('dxe', function* () {
      for (const p of producers) if (p.entry !== undefined) yield* p.entry(fw(p.name));
    });
    yield* phase('end-of-dxe', () => smmVariable.endOfDxe(fw('smm-variable')));
    yield* phase('bds', function* () {
      for (const p of producers) p.connect?.();
      const names = ['BootOrder', 'Boot0000', 'Boot0001', 'ConOut', 'ConIn', 'ErrOut', 'Timeout', 'PlatformLang'];
      const n = num(params['smm-variable']!, 'boot-variable-writes');
      const size = num(params['smm-variable']!, 'boot-variable-bytes');
      for (let i = 0; i < n; i++) {
        const name = i < names.length ? names[i]! : `Boot${(i - names.length + 2).toString(16).toUpperCase().padStart(4, '0')}`;
        yield* smmVariable.setVariable(fw('bds'), name, bootVarRng.bytes(size));
      }
    });
    yield* phase('https-boot', () => tls.httpsBoot(fw('tls')));
    yield* phase('exit-boot-services', function* () {
      for (const p of producers) p.exitBootServices();
    });
    phases.enter('runtime');
    if (os.hwrng !== undefined && bool(params['virtio-rng']!, 'os-driver')) sim.spawn('linux-virtio-rng-probe', os.hwrng.probe());
  }

  return { platform, producers, boot, nominalBootNs, smmOrigin };
}

/** Parameters used, in table order, flagged when they differ from the table default (components the run resolved only). */
export function parametersUsed(params: Record<string, ParamValues>): PlatformRunResult['parametersUsed'] {
  const out: PlatformRunResult['parametersUsed'] = [];
  for (const [component, table] of Object.entries(COMPONENT_PARAMS)) {
    if (params[component] === undefined) continue; // an add-on this design does not have
    for (const spec of table) {
      const value = params[component]![spec.name]!;
      const row: PlatformRunResult['parametersUsed'][number] = { component, name: spec.name, value, source: spec.source, overridden: value !== spec.default };
      if (spec.unit !== undefined) row.unit = spec.unit;
      out.push(row);
    }
  }
  return out;
}

export function runPlatform(config: PlatformConfig, workloads: Workload[]): PlatformRunResult {
  const built = buildPlatform(config);
  const { platform } = built;
  const { sim, phases, metrics } = platform;
  sim.spawn('boot', built.boot());
  let runtimeStart = -1;
  sim.spawn(
    'runtime-clock',
    (function* () {
      yield* phases.waitFor('runtime');
      runtimeStart = sim.now;
      yield config.runtimeNs;
      sim.stop();
    })(),
  );
  for (const w of workloads) w.start(platform);
  const stallBudget = num(platform.params['timeline']!, 'boot-stall-budget-ns');
  sim.run(built.nominalBootNs + stallBudget + config.runtimeNs);
  platform.firmware.smmVariable.finalize();
  platform.firmware.smmVariable.verifyAll();
  metrics.setGroup('keys', platform.firmware.smmVariable.provenance.summary());
  const runtimeNs = runtimeStart >= 0 ? sim.now - runtimeStart : 0;
  const result: PlatformRunResult = {
    metrics: metrics.finish({ virtualDurationNs: sim.now, runtimeNs, events: sim.events }),
    taps: platform.taps.data(),
    parametersUsed: parametersUsed(platform.params),
    timeline: phases.timeline.map((t) => ({ phase: t.phase, atNs: t.atNs })),
  };
  // After everything the run measured: the quality taps of the streams SMM consumed, drawn on
  // from the same source objects (docs/model.md §7.5).
  result.streams = consumedStreams({
    origin: built.smmOrigin,
    rdrand: platform.devices.rdrand,
    counter: platform.firmware.counterRngLib,
    driver: platform.firmware.smmVariable,
    driverParams: platform.params['smm-variable']!,
    counterParams: platform.params['counter-rnglib']!,
    endNs: sim.now,
  });
  const series = metrics.seriesData();
  if (series.length > 0) result.series = series;
  const dev = platform.devices.virtioRng;
  const hw = platform.os.hwrng;
  if (dev !== undefined) {
    result.virtioRng = {
      windows: dev.windows.map((w) => ({ ...w })),
      windowCount: dev.windowCount,
      events: dev.events.map((e) => ({ ...e })),
      eventCount: dev.eventCount,
      readers: hw === undefined ? [] : [...hw.readers.values()].map((r) => ({ ...r, completions: r.completions.map((c) => [c[0], c[1]] as [number, number]), hung: r.pendingSinceNs !== null && hw.stalled })),
      kernelBytes: hw?.kernelBytes ?? 0,
    };
  }
  return result;
}
