/**
 * MdePkg BaseRngLib, x86 (docs/model.md §3.3, §0 rows 15–16): RDRAND with up to 10 tries per
 * word, and on *every* call a support check: CPUID.1:ECX[30] (a VM exit) and TestRdRand,
 * 8 samples (each with up to 10 tries) that must change value at least 5 times — the
 * Zen-era all-ones guard, same constants as Linux (§5.2). No caching since edb312d5d0.
 * GetRandomNumber128 = check + two GetRandomNumber64, i.e. 3 CPUID + 24 test RDRANDs +
 * 2 payload RDRANDs (§3.2). A 64-bit number is ⌈8 / word-bytes⌉ RDRANDs (IA32: two 32-bit
 * reads), so a narrower operand never leaves part of it zero.
 */
import type { AccessContext } from '../devices/access.ts';
import type { RdrandUnit } from '../devices/rdrand.ts';
import type { Proc } from '../sim/sim.ts';
import type { Vcpus } from '../sim/vcpus.ts';

export interface BaseRngLibOptions {
  /** CPUID exit cost (ns). */
  cpuidExitNs: number;
  /** TestRdRand samples (8) and required changes (5). */
  selfTestSamples: number;
  selfTestChanges: number;
}

/** Why the last call returned null. */
export type RngLibFailure = 'no-rdrand' | 'ud' | 'self-test' | 'retries-exhausted' | null;

export class BaseRngLib {
  lastFailure: RngLibFailure = null;
  /** Calls that failed the support check. */
  selfTestFailures = 0;

  constructor(
    private readonly rdrand: RdrandUnit,
    private readonly vcpus: Vcpus,
    readonly opts: BaseRngLibOptions,
  ) {}

  /** RDRAND one word with up to retry-limit tries; null on #UD or exhaustion. */
  private *word(ctx: AccessContext): Proc<Uint8Array | null> {
    for (let t = 0; t < this.rdrand.retryLimit; t++) {
      const r = yield* this.rdrand.rdrand(ctx, false);
      if (r.ud) {
        this.lastFailure = 'ud';
        return null;
      }
      if (r.cf) return r.value;
    }
    this.lastFailure = 'retries-exhausted';
    return null;
  }

  /** ArchIsRngSupported: CPUID + TestRdRand (8 samples, ≥ 5 changes). */
  *isSupported(ctx: AccessContext): Proc<boolean> {
    yield* this.vcpus.execute(ctx, this.opts.cpuidExitNs);
    if (!this.rdrand.cpuid(ctx).rdrand) {
      this.lastFailure = 'no-rdrand';
      return false;
    }
    // Fast path: one batch of 8; retries only if some returned CF=0.
    const batch = yield* this.rdrand.rdrandWords(ctx, this.opts.selfTestSamples, false, false);
    if (batch.ud) {
      this.lastFailure = 'ud';
      this.selfTestFailures++;
      return false;
    }
    const w = this.rdrand.wordBytes;
    const samples: Uint8Array[] = [];
    for (let i = 0; i < batch.bytes.length; i += w) samples.push(batch.bytes.subarray(i, i + w));
    while (samples.length < this.opts.selfTestSamples) {
      const v = yield* this.word(ctx);
      if (v === null) {
        this.selfTestFailures++;
        return false;
      }
      samples.push(v);
    }
    let changes = 0;
    for (let i = 1; i < samples.length; i++) {
      if (Buffer.compare(samples[i]!, samples[i - 1]!) !== 0) changes++;
    }
    if (changes < this.opts.selfTestChanges) {
      this.lastFailure = 'self-test';
      this.selfTestFailures++;
      return false;
    }
    return true;
  }

  /**
   * The 64-bit payload: ⌈8 / word-bytes⌉ words, each with up to retry-limit tries (one RDRAND
   * on X64; two 32-bit reads on IA32, as BaseLib's InternalX86RdRand64); null on failure.
   */
  private *number64(ctx: AccessContext): Proc<Uint8Array | null> {
    const w = this.rdrand.wordBytes;
    const out = new Uint8Array(8);
    for (let off = 0; off < 8; off += w) {
      const v = yield* this.word(ctx);
      if (v === null) return null;
      out.set(v.subarray(0, Math.min(w, 8 - off)), off);
    }
    return out;
  }

  /** GetRandomNumber64: check + one 64-bit payload; null on failure. */
  *getRandomNumber64(ctx: AccessContext): Proc<Uint8Array | null> {
    this.lastFailure = null;
    if (!(yield* this.isSupported(ctx))) return null;
    const w = yield* this.number64(ctx);
    if (w !== null) this.rdrand.recordBytes(ctx, w);
    return w;
  }

  /** GetRandomNumber128: check + two GetRandomNumber64. */
  *getRandomNumber128(ctx: AccessContext): Proc<Uint8Array | null> {
    this.lastFailure = null;
    if (!(yield* this.isSupported(ctx))) return null;
    const a = yield* this.getRandomNumber64(ctx);
    if (a === null) return null;
    const b = yield* this.getRandomNumber64(ctx);
    if (b === null) return null;
    const out = new Uint8Array(16);
    out.set(a.subarray(0, 8), 0);
    out.set(b.subarray(0, 8), 8);
    return out;
  }

  /**
   * n bytes from successive GetRandomNumber128 calls (RngDxe CTR-256 path). With a healthy
   * unit the k calls are simulated as one batch with the same cost (3k CPUID exits, 26k
   * RDRANDs) — the self-test cannot fail then — so large drains stay cheap to simulate.
   */
  *getBytes(ctx: AccessContext, n: number): Proc<Uint8Array | null> {
    const calls = Math.ceil(n / 16);
    if (calls > 1 && this.rdrand.healthyFor(ctx) && this.rdrand.wordBytes === 8) {
      this.lastFailure = null;
      yield* this.vcpus.execute(ctx, 3 * calls * this.opts.cpuidExitNs);
      const perCall = 3 * this.opts.selfTestSamples + 2;
      const batch = yield* this.rdrand.rdrandWords(ctx, perCall * calls, false, false);
      const out = new Uint8Array(n);
      for (let c = 0; c < calls; c++) {
        // the two payload words of call c are its last two
        const at = (c * perCall + perCall - 2) * 8;
        out.set(batch.bytes.subarray(at, at + Math.min(16, n - c * 16)), c * 16);
      }
      this.rdrand.recordBytes(ctx, out);
      return out;
    }
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 16) {
      const v = yield* this.getRandomNumber128(ctx);
      if (v === null) return null;
      out.set(v.subarray(0, Math.min(16, n - off)), off);
    }
    return out;
  }
}
