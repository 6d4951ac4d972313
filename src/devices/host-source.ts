/**
 * The host's entropy backend (what QEMU's `rng-builtin`/`rng-random` read: host getrandom,
 * a file, ...; docs/model.md §1.3, §0 rows 6–7), as a single FIFO server with a per-request
 * latency and a throughput limit, optional injected faults, and embedded SP 800-90B §4.4
 * continuous health tests (RCT + APT) on its raw output.
 *
 * Backends: `seeded` (default): an AES-256-CTR keystream keyed from the run's seed, so a
 * run is reproducible (the analogue of QEMU `-seed`, §1.3); `os`: node:crypto randomBytes
 * (not reproducible); `file`: the bytes of a file, in order, then nothing.
 *
 * Faults: `stuck` (every byte = stuck-value), `biased` (each bit 1 with probability
 * p-one), `repeating` (one block of repeat-block bytes over and over), `fail-after`
 * (delivers fail-after-bytes in total, then nothing: requests return empty, like
 * rng-random's EAGAIN leaving requests queued), `slow` (latency × slow-factor, throughput
 * ÷ slow-factor).
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.ts';
import { readRegularFile } from '../io/input.ts';
import type { AdaptiveProportionTest } from '../entropy/health/adaptive-proportion.ts';
import type { RepetitionCountTest } from '../entropy/health/repetition-count.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Prng } from '../sim/prng.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { TapRegistry } from '../taps/tap.ts';
import { SourceStream } from '../taps/source-stream.ts';
import { byteHealthTests, feedHealthTests } from './health-gate.ts';
import { Keystream } from './keystream.ts';
import { bool, num, str } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';

/** Largest host-source file (our choice): far more than a run draws, small enough to hold in memory. */
export const MAX_HOST_FILE_BYTES = 256 << 20;

export const HOST_SOURCE_PARAMS: ParamTable = [
  {
    name: 'backend',
    type: 'string',
    enum: ['seeded', 'os', 'file'],
    default: 'seeded',
    description: "Where host bytes come from: 'seeded' (AES-256-CTR keystream from the run seed), 'os' (node:crypto), 'file'.",
    source: 'our choice: reproducible stand-in for rng-builtin/getrandom (docs/model.md §0 row 6; QEMU -seed analogue §1.3)',
  },
  { name: 'file', type: 'string', default: '', description: "Path read by backend 'file'.", source: 'our choice' },
  {
    name: 'throughput',
    type: 'number',
    unit: 'B/s',
    default: 400e6,
    min: 1,
    description: 'Host source bandwidth (requests are served one after another, FIFO).',
    source: 'estimate: host getrandom(2) output rate (hundreds of MB/s); no docs/model.md figure',
  },
  {
    name: 'latency',
    type: 'number',
    unit: 'ns',
    default: 2000,
    min: 0,
    description: 'Fixed host cost per request (syscall).',
    source: 'estimate: one getrandom(2) syscall; no docs/model.md figure',
  },
  {
    name: 'fault',
    type: 'string',
    enum: ['none', 'stuck', 'biased', 'repeating', 'fail-after', 'slow'],
    default: 'none',
    description: 'Injected host-source fault.',
    source: 'our choice (fault injection)',
  },
  { name: 'stuck-value', type: 'integer', min: 0, max: 255, default: 0, description: "Byte value of fault 'stuck'.", source: 'our choice' },
  { name: 'p-one', type: 'number', min: 0, max: 1, default: 0.6, description: "P(bit = 1) of fault 'biased'.", source: 'our choice' },
  { name: 'repeat-block', type: 'integer', unit: 'bytes', min: 1, default: 16, description: "Block length of fault 'repeating'.", source: 'our choice' },
  {
    name: 'fail-after-bytes',
    type: 'integer',
    unit: 'bytes',
    min: 0,
    default: 4096,
    description: "Total bytes delivered before fault 'fail-after' stops the source.",
    source: 'our choice',
  },
  { name: 'slow-factor', type: 'number', min: 1, default: 1000, description: "Latency multiplier and throughput divisor of fault 'slow'.", source: 'our choice' },
  {
    name: 'health-tests',
    type: 'boolean',
    default: true,
    description: 'Run SP 800-90B RCT + APT on every raw output byte and report alarms.',
    source: 'SP 800-90B §4.4 (docs/model.md §7.2); QEMU backends have none, this is our design choice',
  },
  {
    name: 'claimed-entropy',
    type: 'number',
    unit: 'bits/byte',
    min: 0.01,
    max: 8,
    default: 8,
    description: 'Min-entropy per byte the health tests assume (sets the cutoffs: H = 8 → RCT C = 4, APT C = 13).',
    source: 'docs/model.md §7.2 cutoff tables; a conditioned host source is credited full entropy (Linux credits virtio-rng 1000/1024, §0 row 31)',
  },
];

/** Bytes the host delivered and whether the health tests alarmed on them. */
export interface EntropyDelivery {
  bytes: Uint8Array;
  /** True if an RCT or APT alarm fired on these bytes (SP 800-90B §4.4: output must not be used). */
  alarm: boolean;
}

export class HostSource {
  readonly params: ParamValues;
  /** Bytes delivered so far. */
  bytesDelivered = 0;
  /** Requests served. */
  requests = 0;
  readonly rct: RepetitionCountTest | null;
  readonly apt: AdaptiveProportionTest | null;
  /** The source's output from its first byte, whoever got it (the quality tap, src/taps/source-stream.ts). */
  readonly output: SourceStream;
  private busyUntil = 0;
  private readonly backend: string;
  private readonly fault: string;
  private readonly stream: Keystream | null = null;
  private fileBytes: Uint8Array | null = null;
  private filePos = 0;
  private repeatBlock: Uint8Array | null = null;
  private repeatPos = 0;
  private readonly latencyNs: number;
  private readonly nsPerByte: number;
  private readonly tapMeta: { consumer: string; source: string; kind: 'raw'; claimedEntropyPerSample: number };

  constructor(
    private readonly sim: Sim,
    params: ParamValues,
    private readonly rng: Prng,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
    /** Tap/metrics prefix, e.g. 'host-source' or 'smm-device-host'. */
    readonly name = 'host-source',
  ) {
    this.params = params;
    this.backend = str(params, 'backend');
    this.fault = str(params, 'fault');
    const slow = this.fault === 'slow' ? num(params, 'slow-factor') : 1;
    this.latencyNs = num(params, 'latency') * slow;
    this.nsPerByte = (1e9 / num(params, 'throughput')) * slow;
    if (this.backend === 'seeded') {
      this.stream = new Keystream(rng);
    } else if (this.backend === 'file') {
      const path = str(params, 'file');
      if (path === '') throw new InputError("host-source.file: backend 'file' needs a file path");
      // A regular file of bounded size only: a FIFO would block the run, /dev/zero never ends.
      this.fileBytes = readRegularFile(path, MAX_HOST_FILE_BYTES, 'host-source.file');
    }
    this.tapMeta = { consumer: name, source: name, kind: 'raw', claimedEntropyPerSample: num(params, 'claimed-entropy') };
    // What the host hands QEMU is conditioned output (getrandom, a DRBG) or a file's bytes.
    this.output = new SourceStream({ source: name, kind: 'conditioned' });
    const health = byteHealthTests(params);
    this.rct = health?.rct ?? null;
    this.apt = health?.apt ?? null;
  }

  /** True once fault 'fail-after' (or the end of a file backend) stopped the source. */
  get exhausted(): boolean {
    if (this.fault === 'fail-after' && this.bytesDelivered >= num(this.params, 'fail-after-bytes')) return true;
    return this.fileBytes !== null && this.filePos >= this.fileBytes.length;
  }

  /**
   * Reserves the host FIFO for a request of n bytes that arrives at `arriveNs` (≥ now) and
   * returns when it completes; call `deliver(n)` at that time to get the bytes.
   */
  reserve(n: number, arriveNs = this.sim.now): number {
    const start = Math.max(arriveNs, this.busyUntil);
    this.busyUntil = start + this.latencyNs + n * this.nsPerByte;
    return this.busyUntil;
  }

  /**
   * `yield* host.read(n)`: waits for the host FIFO, then returns up to n bytes (fewer, maybe
   * none, once the source has failed) and whether the health tests alarmed on them.
   */
  *read(n: number): Proc<EntropyDelivery> {
    const done = this.reserve(n);
    if (done > this.sim.now) yield done - this.sim.now;
    return this.deliver(n);
  }

  /** Produces a reserved request's bytes now: faults, health tests, raw tap. */
  deliver(n: number): EntropyDelivery {
    this.requests++;
    const bytes = this.produce(n);
    this.bytesDelivered += bytes.length;
    this.output.note(bytes);
    let alarm = false;
    if (bytes.length > 0) {
      if (this.rct !== null && this.apt !== null) {
        alarm = feedHealthTests(this.rct, this.apt, bytes, this.metrics);
      }
      this.taps.record(`${this.name}/raw`, this.tapMeta, bytes, this.sim.now);
    }
    return { bytes, alarm };
  }

  /**
   * After the timed run: the source's next n bytes (same state, same fault), outside the
   * timing model, health tests, metrics and taps — the continuation of its quality stream.
   */
  drawAfterRun(n: number): Uint8Array {
    const bytes = this.produce(n);
    this.bytesDelivered += bytes.length;
    return bytes;
  }

  private produce(n: number): Uint8Array {
    if (this.fault === 'fail-after') n = Math.max(0, Math.min(n, num(this.params, 'fail-after-bytes') - this.bytesDelivered));
    if (n === 0) return new Uint8Array(0);
    switch (this.fault) {
      case 'stuck':
        return new Uint8Array(n).fill(num(this.params, 'stuck-value'));
      case 'biased': {
        // Each bit independently 1 with probability p-one (fault model, from the run's PRNG).
        const p = num(this.params, 'p-one');
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          let b = 0;
          for (let k = 0; k < 8; k++) b = (b << 1) | (this.rng.next() < p ? 1 : 0);
          out[i] = b;
        }
        return out;
      }
      case 'repeating': {
        this.repeatBlock ??= this.base(num(this.params, 'repeat-block'));
        const blk = this.repeatBlock;
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          out[i] = blk[this.repeatPos]!;
          this.repeatPos = (this.repeatPos + 1) % blk.length;
        }
        return out;
      }
      default:
        return this.base(n);
    }
  }

  /** n bytes from the configured backend (fewer at the end of a file). */
  private base(n: number): Uint8Array {
    if (this.stream !== null) return this.stream.take(n);
    if (this.fileBytes !== null) {
      const out = this.fileBytes.slice(this.filePos, this.filePos + n);
      this.filePos += out.length;
      return out;
    }
    return new Uint8Array(randomBytes(n));
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const HOST_SOURCE_COMPONENT: ComponentDef = {
  name: 'host-source',
  description: "QEMU's RNG backend on the host (rng-builtin getrandom, rng-random, rng-egd): the bytes behind virtio-rng and the SMM-only device",
  params: HOST_SOURCE_PARAMS,
  metrics: ['health.rct', 'health.apt'],
  produces: ['host-entropy'],
  consumes: [],
};
