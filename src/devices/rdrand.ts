/**
 * The CPU's RDRAND/RDSEED unit as the guest sees it under KVM (docs/model.md §4.1–4.3, §5).
 *
 * Timing: each instruction has a per-thread latency (`latency-ns`) and consumes `word-bytes`
 * of one DRNG shared by every vCPU (`aggregate-bytes-per-s`, §5.1: per-thread latency exceeds
 * generation time, so throughput scales with threads until the DRNG saturates). A batch of
 * k instructions on one vCPU reserves k words of DRNG time in one go (FIFO per batch), an
 * approximation that keeps hammer workloads cheap to simulate.
 *
 * RDSEED draws from an ENRNG pool refilled at `rdseed-bytes-per-s`; an empty pool gives
 * CF=0 (normal under contention, §5.2). SRBDS (`srbds`, §5.2) serialises RDRAND/RDSEED across
 * all vCPUs and multiplies latency by `srbds-latency-factor`.
 *
 * Policies (VMX RDRAND/RDSEED exiting, §4.1, §0 rows 21–22):
 * - `passthrough`: native, no exit (KVM's behaviour when CPUID exposes the feature).
 * - `trap`: every execution exits (reason 57 RDRAND / 61 RDSEED) and is handled in KVM
 *   (`trap-handler` kernel, row 23) or in QEMU (row 24), each with its cost; host randomness.
 * - `smm-only`: Ersek's option: trap always; in SMM return host randomness, outside SMM
 *   inject #UD (CPUID still advertises RDRAND — the SDM-breaking part, §4.1).
 * - `hidden`: CPUID hides RDRAND/RDSEED; KVM sets the exiting bits and injects #UD (row 22).
 *
 * Faults (§5.2): `all-ones` (0xFF… with CF=1, Zen 2 launch bug), `zero` (0 with CF=1, Zen 5
 * RDSEED), `cf0` (always CF=0: a broken DRNG; BaseRngLib gives up after 10 tries).
 */
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Prng } from '../sim/prng.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapRegistry } from '../taps/tap.ts';
import { SourceStream } from '../taps/source-stream.ts';
import type { AccessContext } from './access.ts';
import { Keystream } from './keystream.ts';
import { bool, num, str } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

export const RDRAND_PARAMS: ParamTable = [
  {
    name: 'policy',
    type: 'string',
    enum: ['passthrough', 'trap', 'smm-only', 'hidden'],
    default: 'passthrough',
    description: 'How the hypervisor exposes RDRAND/RDSEED.',
    source: 'docs/model.md §0 row 22 (KVM: native when CPUID exposes the feature); smm-only/trap = Ersek proposal (§4.1, inferred)',
  },
  {
    name: 'trap-handler',
    type: 'string',
    enum: ['kernel', 'qemu'],
    default: 'kernel',
    description: "Where a trapped RDRAND/RDSEED is handled (policy 'trap' and 'smm-only').",
    source: 'docs/model.md §4.1 (inferred: in-kernel handler is the natural place)',
  },
  {
    name: 'trap-kernel-ns',
    type: 'number',
    unit: 'ns',
    default: 1500,
    min: 0,
    description: 'In-kernel VM exit round trip (RDRAND exit handled in KVM, #UD injection).',
    source: 'estimate: docs/model.md §0 row 23 (≈1–2 µs), §4.3',
  },
  {
    name: 'trap-qemu-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'Userspace (QEMU) exit round trip.',
    source: 'estimate: docs/model.md §0 row 24 (≈5–15 µs), §4.3',
  },
  {
    name: 'latency-ns',
    type: 'number',
    unit: 'ns',
    default: 110,
    min: 0,
    description: 'Per-instruction latency on one thread.',
    source: 'docs/model.md §5.1 (Skylake/Kaby Lake i7-7700K ≈110 ns ≈463 cycles; medium reliability), §0 row 26',
  },
  {
    name: 'aggregate-bytes-per-s',
    type: 'number',
    unit: 'B/s',
    default: 800e6,
    min: 1,
    description: 'DRNG bandwidth shared by all vCPUs.',
    source: 'docs/model.md §0 row 27 (Ivy Bridge DRNG physical max 800 MB/s), §5.1',
  },
  { name: 'word-bytes', type: 'integer', unit: 'bytes', default: 8, min: 2, max: 8, description: 'Operand size of one RDRAND/RDSEED.', source: 'docs/model.md §3.3 (BaseRngLib 64-bit reads)' },
  {
    name: 'rdseed-bytes-per-s',
    type: 'number',
    unit: 'B/s',
    default: 375e6,
    min: 1,
    description: 'ENRNG (RDSEED) refill rate.',
    source: 'docs/model.md §5.1 (Intel ES ≈3 Gbit/s shared; low–medium reliability)',
  },
  {
    name: 'rdseed-pool-bytes',
    type: 'integer',
    unit: 'bytes',
    default: 64,
    min: 8,
    description: 'Conditioned seeds the ENRNG can hold; RDSEED on an empty pool returns CF=0.',
    source: 'estimate: no docs/model.md figure (two 256-bit seeds)',
  },
  { name: 'retry-limit', type: 'integer', default: 10, min: 1, description: 'RDRAND retries per word (BaseRngLib GETRANDOM_RETRY_LIMIT).', source: 'docs/model.md §0 row 15, §5.2 (SDM §7.3.17)' },
  {
    name: 'fault',
    type: 'string',
    enum: ['none', 'all-ones', 'zero', 'cf0'],
    default: 'none',
    description: 'DRNG fault: all-ones with CF=1, zero with CF=1, or always CF=0.',
    source: 'docs/model.md §5.2 (AMD Zen 2 all-ones, Zen 5 RDSEED zero)',
  },
  {
    name: 'smm-exclusive',
    type: 'boolean',
    default: false,
    description:
      "The design relies on RDRAND/RDSEED output reaching SMM only (design rdrand-smm-only): an execution outside SMM that returns a value counts as an isolation violation (with policy 'smm-only' it faults instead).",
    source: 'our design contract (docs/model.md §4.1: Ersek option, trapped RDRAND with #UD outside SMM)',
  },
  { name: 'srbds', type: 'boolean', default: false, description: 'SRBDS mitigation: RDRAND/RDSEED serialised across CPUs, slower.', source: 'docs/model.md §5.2 (CVE-2020-0543)' },
  {
    name: 'srbds-latency-factor',
    type: 'number',
    default: 10,
    min: 1,
    description: 'Latency multiplier under SRBDS.',
    source: 'estimate: docs/model.md §5.2 says Intel published no single slowdown factor',
  },
];

export interface RdrandResult {
  /** #UD was raised: the instruction did not execute. */
  ud: boolean;
  /** Carry flag: true = value valid. */
  cf: boolean;
  value: Uint8Array;
}

export interface RdrandBatch {
  ud: boolean;
  /** Successful words concatenated. */
  bytes: Uint8Array;
  /** Instructions that returned CF=0. */
  failures: number;
}

export class RdrandUnit {
  readonly policy: string;
  readonly wordBytes: number;
  readonly retryLimit: number;
  /** Instructions executed (incl. CF=0), #UD raised, exits taken. */
  instructions = 0;
  udCount = 0;
  exits = 0;
  /** VM exits by basic exit reason: 57 = RDRAND, 61 = RDSEED (docs/model.md §0 row 21). */
  readonly exitsByReason: Record<57 | 61, number> = { 57: 0, 61: 0 };
  private drngFreeAt = 0;
  private serialFreeAt = 0;
  private seedTokens: number;
  private seedUpdatedAt = 0;
  private readonly latencyNs: number;
  private readonly nsPerByte: number;
  private readonly trapNs: number;
  private readonly kernelExitNs: number;
  private readonly srbds: boolean;
  private readonly fault: string;
  private readonly smmExclusive: boolean;
  private readonly stream: Keystream;
  /** The DRNG's output (RDRAND and RDSEED words) from its first byte, whoever got it (the quality tap). */
  readonly output = new SourceStream({ source: 'rdrand', kind: 'conditioned' });

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    rng: Prng,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
  ) {
    this.policy = str(params, 'policy');
    this.wordBytes = num(params, 'word-bytes');
    this.retryLimit = num(params, 'retry-limit');
    this.srbds = bool(params, 'srbds');
    this.latencyNs = num(params, 'latency-ns') * (this.srbds ? num(params, 'srbds-latency-factor') : 1);
    this.nsPerByte = 1e9 / num(params, 'aggregate-bytes-per-s');
    this.kernelExitNs = num(params, 'trap-kernel-ns');
    this.trapNs = str(params, 'trap-handler') === 'qemu' ? num(params, 'trap-qemu-ns') : this.kernelExitNs;
    this.fault = str(params, 'fault');
    this.smmExclusive = bool(params, 'smm-exclusive');
    this.seedTokens = num(params, 'rdseed-pool-bytes');
    // The DRNG's output stream: AES-256-CTR keyed from the run seed (deterministic; its
    // quality is the real DRNG's, a CTR_DRBG, §5.1).
    this.stream = new Keystream(rng);
  }

  /** CPUID.1:ECX[30] (RDRAND) and CPUID.7:EBX[18] (RDSEED) as this guest sees them. */
  cpuid(_ctx: AccessContext): { rdrand: boolean; rdseed: boolean } {
    const shown = this.policy !== 'hidden';
    return { rdrand: shown, rdseed: shown };
  }

  /**
   * True when every RDRAND by ctx will execute and return distinct, valid words (no fault
   * injected, no #UD): callers may then batch many instructions into one reservation.
   */
  healthyFor(ctx: AccessContext): boolean {
    return this.fault === 'none' && !this.faults(ctx) && this.policy !== 'hidden';
  }

  /** Whether an execution by ctx faults with #UD instead of executing. */
  private faults(ctx: AccessContext): boolean {
    return this.policy === 'hidden' || (this.policy === 'smm-only' && ctx.privilege !== 'smm');
  }

  /** Whether an execution by ctx exits to the hypervisor. */
  private exitsOn(): boolean {
    return this.policy !== 'passthrough';
  }

  private recordUd(ctx: AccessContext, n: number): void {
    this.udCount += n;
    if (ctx.privilege === 'smm') this.metrics.count('ud.smm', n);
    else this.metrics.count('ud.nonsmm', n);
  }

  /**
   * Executes `count` RDRAND (or RDSEED) instructions back to back on ctx's vCPU. On #UD the
   * batch stops at the first instruction (the guest takes the exception).
   */
  *rdrandWords(ctx: AccessContext, count: number, seed = false, record = true): Proc<RdrandBatch> {
    if (count <= 0) return { ud: false, bytes: new Uint8Array(0), failures: 0 };
    const now = this.sim.now;
    if (this.faults(ctx)) {
      // hidden: exiting bit set, KVM injects #UD (in-kernel); smm-only: same from outside SMM.
      this.exits++;
      this.exitsByReason[seed ? 61 : 57]++;
      this.instructions++;
      this.recordUd(ctx, 1);
      yield* this.vcpus.execute(ctx, this.kernelExitNs);
      return { ud: true, bytes: new Uint8Array(0), failures: 0 };
    }
    this.instructions += count;
    let perInsn = this.latencyNs;
    if (this.exitsOn()) {
      perInsn += this.trapNs;
      this.exits += count;
      this.exitsByReason[seed ? 61 : 57] += count;
    }
    let doneAt: number;
    if (this.srbds) {
      // serialised across all CPUs
      const start = Math.max(now, this.serialFreeAt);
      this.serialFreeAt = start + count * perInsn;
      doneAt = this.serialFreeAt;
    } else {
      const start = Math.max(now, this.drngFreeAt);
      this.drngFreeAt = start + count * this.wordBytes * this.nsPerByte;
      doneAt = Math.max(now + count * perInsn, this.drngFreeAt);
    }
    let okWords = count;
    if (this.fault === 'cf0') okWords = 0;
    else if (seed) {
      // ENRNG pool: refills continuously at `rate` up to `cap`; each RDSEED needs a full word
      // (CF=0 otherwise). A batch may use what refills while it runs.
      const cap = num(this.params, 'rdseed-pool-bytes');
      const rate = num(this.params, 'rdseed-bytes-per-s') / 1e9;
      this.seedTokens = Math.min(cap, this.seedTokens + Math.max(0, now - this.seedUpdatedAt) * rate);
      this.seedUpdatedAt = Math.max(now, this.seedUpdatedAt);
      const during = count > 1 ? (doneAt - now) * rate : 0;
      okWords = Math.min(count, Math.floor((this.seedTokens + during) / this.wordBytes));
      this.seedTokens = Math.max(0, this.seedTokens + during - okWords * this.wordBytes);
      if (count > 1) this.seedUpdatedAt = Math.max(this.seedUpdatedAt, doneAt);
    }
    yield* this.vcpus.execute(ctx, doneAt - now);
    // The design assumed trapping: values reaching non-SMM code break its isolation claim.
    if (this.smmExclusive && ctx.privilege !== 'smm') this.metrics.count('isolation.violations', okWords);
    const n = okWords * this.wordBytes;
    const src = seed ? 'rdseed' : 'rdrand';
    const tapName = `${ctx.actor}/${src}`;
    if (n > 4096 && record && !this.taps.wants(tapName)) {
      // A hammer whose tap is already full: count the bytes, and only produce them if the
      // caller looks (same stream either way for a given program, so still deterministic).
      this.metrics.countFor('bytes', ctx.actor, n);
      this.taps.count(tapName, { consumer: ctx.actor, source: src, kind: 'conditioned' }, n, this.sim.now);
      let cached: Uint8Array | null = null;
      const produce = (): Uint8Array => (cached ??= this.produce(n));
      return {
        ud: false,
        failures: count - okWords,
        get bytes(): Uint8Array {
          return produce();
        },
      };
    }
    const bytes = this.produce(n);
    if (bytes.length > 0 && record) this.recordBytes(ctx, bytes, seed);
    return { ud: false, bytes, failures: count - okWords };
  }

  private produce(n: number): Uint8Array {
    const out = this.words(n);
    this.output.note(out);
    return out;
  }

  private words(n: number): Uint8Array {
    if (this.fault === 'all-ones') return new Uint8Array(n).fill(0xff);
    if (this.fault === 'zero') return new Uint8Array(n);
    return this.stream.take(n);
  }

  /**
   * After the timed run: the DRNG's next n bytes (same state and fault; none from a `cf0`
   * DRNG), outside the timing model — the continuation of its quality tap.
   */
  drawAfterRun(n: number): Uint8Array {
    return this.fault === 'cf0' ? new Uint8Array(0) : this.words(n);
  }

  /**
   * Counts bytes a consumer obtained and taps them. Library code that discards some words
   * (BaseRngLib's self-test samples) executes with record=false and records its payload here.
   */
  recordBytes(ctx: AccessContext, bytes: Uint8Array, seed = false): void {
    this.metrics.countFor('bytes', ctx.actor, bytes.length);
    const src = seed ? 'rdseed' : 'rdrand';
    this.taps.record(`${ctx.actor}/${src}`, { consumer: ctx.actor, source: src, kind: 'conditioned' }, bytes, this.sim.now);
  }

  /** One RDRAND. */
  *rdrand(ctx: AccessContext, record = true): Proc<RdrandResult> {
    const b = yield* this.rdrandWords(ctx, 1, false, record);
    return { ud: b.ud, cf: b.bytes.length > 0, value: b.bytes.length > 0 ? b.bytes : new Uint8Array(this.wordBytes) };
  }

  /** One RDSEED. */
  *rdseed(ctx: AccessContext): Proc<RdrandResult> {
    const b = yield* this.rdrandWords(ctx, 1, true);
    return { ud: b.ud, cf: b.bytes.length > 0, value: b.bytes.length > 0 ? b.bytes : new Uint8Array(this.wordBytes) };
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const RDRAND_COMPONENT: ComponentDef = {
  name: 'rdrand',
  description: 'the RDRAND/RDSEED unit and what KVM exposes or traps',
  params: RDRAND_PARAMS,
  metrics: ['ud.smm', 'ud.nonsmm', 'isolation.violations', 'bytes'],
  produces: ['rdrand'],
  consumes: [],
};
