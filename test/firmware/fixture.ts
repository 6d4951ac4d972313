/** Firmware test bench: an SMM variable driver over a scripted privileged source. */
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { Pflash } from '../../src/devices/pflash.ts';
import { SmiController } from '../../src/devices/smi.ts';
import { Smram } from '../../src/devices/smram.ts';
import type { AccessContext } from '../../src/devices/access.ts';
import { CounterRngLib } from '../../src/firmware/counter-rnglib.ts';
import { CounterSource, type PrivilegedSource, type SourceResult } from '../../src/firmware/privileged-source.ts';
import { SmmVariableDriver } from '../../src/firmware/smm-variable/index.ts';
import { MetricsCollector } from '../../src/metrics/collector.ts';
import { Prng } from '../../src/sim/prng.ts';
import { Sim, type Proc } from '../../src/sim/sim.ts';
import { Vcpus } from '../../src/sim/vcpus.ts';
import { TapRegistry } from '../../src/taps/tap.ts';

export const OS: AccessContext = { privilege: 'os', cpu: 1, actor: 'os' };

/**
 * A source whose next answers the test scripts: 'ok' (fresh PRNG bytes), 'stuck' (zeros),
 * 'repeating' (one fixed 16-byte block over and over), 'biased' (PRNG bytes, but every 16th
 * byte of each answer, from its first, is BIASED_BYTE and no other byte is: isolated, so only the
 * APT can see it), 'hang' (answers `not-ready` only after 1000 s), 'not-ready', 'error'.
 */
export type SourceMode = 'ok' | 'stuck' | 'repeating' | 'biased' | 'hang' | 'not-ready' | 'error';
export const BIASED_BYTE = 0xa5;

export class ScriptedSource implements PrivilegedSource {
  /** Declared low-entropy (as the counter fallback is). */
  unsafe = false;
  mode: SourceMode = 'ok';
  /** Modes for the next calls, used up first (then `mode`). */
  next: SourceMode[] = [];
  /** The source's own health tests alarm on what it returns. */
  alarm = false;
  calls = 0;
  /** Bytes asked for, and the deadline given relative to the call's time (virtual ns), per call. */
  readonly requests: number[] = [];
  readonly deadlines: number[] = [];
  /** The bench's clock (set by variableBench). */
  clock: () => number = () => 0;
  private readonly block: Uint8Array;
  private blockAt = 0;
  constructor(
    private readonly rng: Prng,
    readonly name = 'scripted',
  ) {
    this.block = rng.fork('block').bytes(16);
  }
  /** Every call takes 1 µs ('hang': 1000 s); 'not-ready' answers at once (as a source past its deadline would). */
  *getEntropy(_ctx: AccessContext, n: number, deadlineNs: number): Proc<SourceResult> {
    this.calls++;
    this.requests.push(n);
    this.deadlines.push(deadlineNs - this.clock());
    const mode = this.next.shift() ?? this.mode;
    yield mode === 'hang' ? 1e12 : 1000;
    const alarm = this.alarm;
    if (mode === 'ok') return { status: 'ok', bytes: this.rng.bytes(n), alarm };
    if (mode === 'biased') {
      const out = this.rng.bytes(n);
      for (let i = 0; i < n; i++) {
        if (i % 16 === 0) out[i] = BIASED_BYTE;
        else if (out[i] === BIASED_BYTE) out[i] = BIASED_BYTE ^ 0xff;
      }
      return { status: 'ok', bytes: out, alarm };
    }
    if (mode === 'repeating') {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = this.block[this.blockAt++ % 16]!;
      return { status: 'ok', bytes: out, alarm };
    }
    if (mode === 'stuck') return { status: 'ok', bytes: new Uint8Array(n), alarm };
    return { status: mode === 'hang' ? 'not-ready' : mode, bytes: new Uint8Array(0), alarm };
  }
}

/**
 * The driver over a ScriptedSource. `fallback` is the source the design declares for
 * `policy: degrade` and `on-health-failure: fallback`: the counter RngLib (default, as every
 * design with a safe source wires it), a second ScriptedSource named 'scripted-fallback'
 * (a fallback the test can starve too), or none (null: the counter-fallback design, whose own
 * source is the unsafe one).
 */
export function variableBench(over: { 'smm-variable'?: ParamValues; pflash?: ParamValues; fallback?: 'counter' | 'scripted' | null; isRuntime?: () => boolean } = {}) {
  const sim = new Sim();
  const vcpus = new Vcpus(sim, 2);
  const metrics = new MetricsCollector();
  const taps = new TapRegistry(1 << 16);
  const rng = new Prng(3);
  const smi = new SmiController(sim, resolveParams('smi', undefined), vcpus, metrics);
  const smram = new Smram(resolveParams('smram', undefined), metrics);
  const pflash = new Pflash(resolveParams('pflash', over.pflash), vcpus, metrics);
  const source = new ScriptedSource(rng.fork('src'));
  source.clock = () => sim.now;
  const counter = new CounterRngLib(sim, resolveParams('counter-rnglib', undefined), rng.fork('pm'), vcpus, metrics, taps);
  const kind = over.fallback === undefined ? 'counter' : over.fallback;
  const scriptedFallback = kind === 'scripted' ? new ScriptedSource(rng.fork('fallback'), 'scripted-fallback') : null;
  if (scriptedFallback !== null) scriptedFallback.clock = () => sim.now;
  const fallback: PrivilegedSource | null = kind === 'counter' ? new CounterSource(counter) : scriptedFallback;
  const driver = new SmmVariableDriver(
    sim,
    resolveParams('smm-variable', { 'boot-variable-writes': 0, ...(over['smm-variable'] ?? {}) }),
    smi,
    smram,
    pflash,
    source,
    fallback,
    metrics,
    taps,
    over.isRuntime ?? (() => true),
  );
  const run = <T>(gen: Proc<T>): T => {
    const p = sim.spawn('t', gen);
    sim.run();
    if (!p.triggered) throw new Error('process did not finish');
    return p.value as T;
  };
  return { sim, vcpus, metrics, taps, rng, smi, smram, pflash, source, scriptedFallback, driver, run };
}
