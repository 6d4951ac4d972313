/**
 * Timer-based RngLib (MdeModulePkg BaseRngLibTimerLib, docs/model.md §3.4, §0 row 17): each
 * output byte is the low 8 bits of the ACPI PM timer (3.579545 MHz on OVMF DXE), followed by
 * a delay of max(⌊1.5 × tick period in µs⌋, 1) = 1 µs. Every PM-timer read is an I/O port
 * read — a QEMU userspace exit — whose duration jitters; that jitter is the only entropy.
 * edk2 credits 8 bits per byte to it (§3.5): the "silent degrade".
 *
 * The model reads the timer at virtual times advanced by jittered exit costs drawn from the
 * run's PRNG, so the raw bytes carry roughly log2(jitter in ticks) bits each, far below 8.
 * `rawBytes` returns those bytes as edk2 does; `mixedBytes` (the counter-fallback design)
 * hashes raw readings through SHA-256 — output that passes SP 800-22 while holding little
 * entropy, which is why both sides are tapped ('counter-rnglib/raw', 'counter-rnglib/output').
 */
import { createHash } from 'node:crypto';
import type { AccessContext } from '../devices/access.ts';
import { num } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Prng } from '../sim/prng.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';
import type { TapRegistry } from '../taps/tap.ts';
import { SourceStream } from '../taps/source-stream.ts';

export const COUNTER_RNGLIB_PARAMS: ParamTable = [
  { name: 'pm-timer-hz', type: 'number', unit: 'Hz', default: 3579545, min: 1, description: 'ACPI PM timer frequency.', source: 'docs/model.md §3.4 (3.579545 MHz ACPI PM timer)' },
  {
    name: 'read-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'Mean cost of one PM-timer port read (userspace exit).',
    source: 'estimate: docs/model.md §0 row 24 (≈5–15 µs)',
  },
  {
    name: 'read-jitter-ns',
    type: 'number',
    unit: 'ns',
    default: 2000,
    min: 0,
    description: 'Uniform jitter (±) of one port read.',
    source: 'estimate: no docs/model.md figure (host scheduling noise of a userspace exit)',
  },
  { name: 'delay-us', type: 'number', unit: 'µs', default: 1, min: 0, description: 'Delay after each byte: max(⌊1.5 × tick µs⌋, 1).', source: 'docs/model.md §3.4' },
  {
    name: 'raw-per-output',
    type: 'integer',
    default: 32,
    min: 1,
    description: 'Raw readings hashed (SHA-256) per 32 output bytes in mixedBytes.',
    source: 'our choice (counter-fallback design: TSC/PM-timer mixing + hash, ARCHITECTURE.md)',
  },
  { name: 'claimed-entropy', type: 'number', unit: 'bits/byte', default: 8, min: 0, max: 8, description: 'Entropy credited per raw byte.', source: 'docs/model.md §3.5 (rand_pool credits 8 bits per RngLib byte)' },
];

export class CounterRngLib {
  readonly hz: number;
  readonly exitNs: number;
  readonly jitterNs: number;
  readonly delayNs: number;
  private blockCounter = 0;
  /** Every PM-timer byte read, from the first (the raw side's quality tap, src/taps/source-stream.ts). */
  readonly rawOutput = new SourceStream({ source: 'pm-timer', kind: 'raw' });
  /** Every mixed (SHA-256) output byte, from the first (the conditioned side's quality tap). */
  readonly mixedOutput = new SourceStream({ source: 'counter-rnglib', kind: 'conditioned' });
  /** Virtual time of the next back-to-back read after the run (−1: not started). */
  private afterRunNs = -1;

  constructor(
    private readonly sim: Sim,
    readonly params: ParamValues,
    private readonly rng: Prng,
    private readonly vcpus: Vcpus,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
  ) {
    this.hz = num(params, 'pm-timer-hz');
    this.exitNs = num(params, 'read-exit-ns');
    this.jitterNs = num(params, 'read-jitter-ns');
    this.delayNs = num(params, 'delay-us') * 1000;
  }

  /** PM timer value (24-bit) at virtual time t. */
  pmTimerAt(tNs: number): number {
    return Math.floor((tNs * this.hz) / 1e9) % 0x1000000;
  }

  private jittered(): number {
    const j = this.jitterNs;
    return Math.max(0, this.exitNs + (j > 0 ? Math.round((this.rng.next() * 2 - 1) * j) : 0));
  }

  /**
   * n timer bytes read back to back from virtual time t0 (low byte of the PM timer per read),
   * and the time the last delay ends. Noted in `rawOutput` unless the caller notes them itself.
   */
  private readings(t0: number, n: number, note = true): { bytes: Uint8Array; endNs: number } {
    const out = new Uint8Array(n);
    let t = t0;
    for (let i = 0; i < n; i++) {
      // The port read samples the counter midway through the exit.
      const exit = this.jittered();
      out[i] = this.pmTimerAt(t + exit / 2) & 0xff;
      t += exit;
      // MicroSecondDelay polls the same timer: at least one more read.
      t += Math.max(this.delayNs, this.jittered());
    }
    if (note) this.rawOutput.note(out);
    return { bytes: out, endNs: t };
  }

  /** n timer bytes as BaseRngLibTimerLib returns them (low byte of the PM timer per read). */
  *rawBytes(ctx: AccessContext, n: number): Proc<Uint8Array> {
    const { bytes: out, endNs } = this.readings(this.sim.now, n);
    yield* this.vcpus.execute(ctx, endNs - this.sim.now);
    this.metrics.countFor('bytes', ctx.actor, n);
    const meta = { consumer: ctx.actor, source: 'pm-timer', kind: 'raw' as const, claimedEntropyPerSample: num(this.params, 'claimed-entropy') };
    this.taps.record('counter-rnglib/raw', meta, out, this.sim.now);
    this.taps.record(`${ctx.actor}/counter-rnglib-raw`, meta, out, this.sim.now);
    return out;
  }

  /** One 32-byte output block: SHA-256(raw readings ‖ block counter). */
  private mixBlock(raw: Uint8Array): Uint8Array {
    const ctr = Buffer.alloc(8);
    ctr.writeUInt32LE(this.blockCounter++ >>> 0, 0);
    return createHash('sha256').update(raw).update(ctr).digest();
  }

  /** n bytes of SHA-256(raw readings ‖ counter) blocks (the counter-fallback design). */
  *mixedBytes(ctx: AccessContext, n: number): Proc<Uint8Array> {
    const per = num(this.params, 'raw-per-output');
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const h = this.mixBlock(yield* this.rawBytes(ctx, per));
      out.set(h.subarray(0, Math.min(32, n - off)), off);
    }
    this.mixedOutput.note(out);
    this.taps.record('counter-rnglib/output', { consumer: ctx.actor, source: 'counter-rnglib', kind: 'conditioned' }, out, this.sim.now);
    return out;
  }

  /**
   * After the timed run: the next n mixed output bytes, as one caller reading back to back
   * from the end of the run would get them (same jitter stream, same block counter, the PM
   * timer running on from `startNs`), outside the timing model, metrics and taps — the
   * continuation of both quality taps (their raw readings go to `rawOutput`).
   */
  drawMixedAfterRun(n: number, startNs: number): Uint8Array {
    const per = num(this.params, 'raw-per-output');
    if (this.afterRunNs < 0) this.afterRunNs = startNs;
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const r = this.readings(this.afterRunNs, per);
      this.afterRunNs = r.endNs;
      out.set(this.mixBlock(r.bytes).subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  }

  /**
   * After the timed run: the next n raw PM-timer bytes read back to back, for
   * `rawOutput.extend` (which notes them; draw the mixed continuation first).
   */
  drawRawAfterRun(n: number, startNs: number): Uint8Array {
    if (this.afterRunNs < 0) this.afterRunNs = startNs;
    const r = this.readings(this.afterRunNs, n, false);
    this.afterRunNs = r.endNs;
    return r.bytes;
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const COUNTER_RNGLIB_COMPONENT: ComponentDef = {
  name: 'counter-rnglib',
  description: 'the PM-timer counter RngLib (SHA-256 over timer readings)',
  params: COUNTER_RNGLIB_PARAMS,
  metrics: ['bytes'],
  produces: ['counter-rnglib'],
  consumes: [],
};
