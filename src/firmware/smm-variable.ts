/**
 * The SMM variable driver with confidentiality: the "faithful future model" of docs/model.md §3.7
 * (edk2 BZ 2594 never got an implementation, §2.3). SetVariable/GetVariable enter SMM through
 * an SMI (§3.7: OUT 0xB2 → QEMU → broadcast SMI). Inside SMM the driver keeps its own
 * CTR_DRBG (AES-256 with derivation function, SP 800-90A §10.2.1) seeded from ITS privileged
 * source (the design decides which, ./privileged-source.ts), draws a fresh 256-bit key and a
 * 96-bit nonce per write, encrypts the data with AES-256-GCM (node:crypto; the name and the
 * record header are authenticated data), appends nonce ‖ tag ‖ ciphertext to the pflash
 * variable store (SMM-only writes, src/devices/pflash.ts) and keeps the key in SMRAM (TSEG,
 * unreadable outside SMM).
 *
 * Entropy policy when the source cannot deliver (`policy`):
 *  - `wait`: wait as long as it takes (what OVMF's VirtioFlush does, §0 row 11);
 *  - `fail`: give up after `fail-timeout-ns` → EFI_NOT_READY;
 *  - `degrade`: after the timeout use the counter fallback (PM timer + SHA-256) and count it.
 * Source health (SP 800-90B §4.3/§4.4): bytes on which the source's or the driver's own health
 * tests (RCT + APT) alarmed are never used, and the alarm marks the source *failed*: every later
 * request first runs a start-up test (`startup-samples` fresh samples through fresh RCT + APT,
 * discarded) and draws key material only once one passes. While the source is failed the driver
 * fails closed (EFI_DEVICE_ERROR) or, with `on-health-failure: fallback`, seeds from the
 * declared fallback (the counter RngLib) instead — those writes count as keyed from a bad epoch.
 * Every epoch (instantiate/reseed) and the epoch each write was keyed from are recorded in
 * `provenance` (./key-provenance.ts).
 *
 * Nothing is lost, even across a power cut: updates follow edk2's variable-store protocol
 * (MdeModulePkg/Universal/Variable/RuntimeDxe/Variable.c UpdateVariable; state values of
 * MdeModulePkg/Include/Guid/VariableFormat.h, bits only ever cleared, as NOR flash allows):
 * the key goes to SMRAM first; the old record is marked VAR_IN_DELETED_TRANSITION; the new
 * header is programmed (state still erased), its state set to VAR_HEADER_VALID_ONLY, name and
 * ciphertext programmed, its state set to VAR_ADDED (the commit point); then the old record is
 * marked VAR_DELETED and its key zeroised. Reclaim rewrites the store through a fault-tolerant
 * write (FaultTolerantWriteDxe): the compacted image goes to the spare area, a journal in the
 * FTW working block records "spare complete", then the store is erased and rewritten and the
 * journal marked "destination complete". `recover()` is the boot-time side: it finishes an
 * interrupted FTW from the spare, rebuilds the index from the flash (VAR_ADDED wins; a record
 * in delete transition is live only without a VAR_ADDED copy; partial records are ignored) and
 * reclaims when the space after the last record is not all erased. Keys live in SMRAM, which
 * a real reset clears: across `recover()` the model keeps the SMRAM key store (standing for
 * sealed key storage) and tests what the flash protocol guarantees.
 *
 * The ledger records every attempted write (name, data, attributes) and the last acknowledged
 * one per name; `verifyAll()` re-scans the flash from scratch, decrypts every variable and
 * compares data and attributes byte for byte with the acknowledged value (a name never
 * acknowledged must not be readable).
 *
 * Record layout (little-endian, 4-byte aligned):
 *   0 u16 magic 0x5641 · 2 u8 state · 3 u8 nameLen · 4 u32 dataLen · 8 u32 SMRAM key slot ·
 *   12 nonce[12] · 24 tag[16] · 40 u32 attributes · 44 name (UTF-8) · ciphertext
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CtrDrbg } from '../drbg/ctr-drbg.ts';
import type { AdaptiveProportionTest } from '../entropy/health/adaptive-proportion.ts';
import type { RepetitionCountTest } from '../entropy/health/repetition-count.ts';
import type { AccessContext } from '../devices/access.ts';
import { byteHealthTests, feedHealthTests } from '../devices/health-gate.ts';
import { bool, num, str } from '../params/get.ts';
import type { ParamTable, ParamValues } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { Pflash } from '../devices/pflash.ts';
import type { SmiController } from '../devices/smi.ts';
import type { Smram } from '../devices/smram.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { TapRegistry } from '../taps/tap.ts';
import { KeyProvenance, type EpochFlaw } from './key-provenance.ts';
import type { PrivilegedSource, SourceResult } from './privileged-source.ts';

export const SMM_VARIABLE_PARAMS: ParamTable = [
  {
    name: 'policy',
    type: 'string',
    enum: ['wait', 'fail', 'degrade'],
    default: 'wait',
    description: "When the source cannot deliver: 'wait' forever, 'fail' (EFI_NOT_READY) or 'degrade' to the counter fallback.",
    source: "our choice: 'wait' mirrors OVMF VirtioFlush (no timeout, docs/model.md §0 row 11)",
  },
  {
    name: 'fail-timeout-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: "How long 'fail'/'degrade' wait for the source before giving up.",
    source: 'estimate: a served request takes ≪ 1 ms (docs/model.md §4.3)',
  },
  {
    name: 'reseed-interval',
    type: 'integer',
    default: 1,
    min: 1,
    max: 2 ** 48,
    description: 'SetVariable calls between reseeds of the SMM DRBG from the privileged source.',
    source: 'our choice: reseed per write (prediction resistance); SP 800-90A allows up to 2^48 (docs/model.md §0 row 34)',
  },
  {
    name: 'key-material-batch',
    type: 'integer',
    default: 64,
    min: 1,
    max: 1489,
    description:
      'SetVariable calls whose key ‖ nonce (44 bytes each) are drawn from ONE CTR_DRBG generate request, kept in an SMRAM-side buffer; the buffer never spans a reseed (it is flushed at every reseed, and a request never covers more writes than remain before the next reseed), so with reseed-interval 1 every write still gets its own request after its own reseed.',
    source:
      'our choice (speed: one AES key schedule per request instead of per write). SP 800-90A §9.3 lets one request return up to 2^19 bits (1489 × 44 bytes); buffered output sits in SMRAM next to the DRBG state and the key store, so an SMRAM compromise reveals nothing it would not reveal without the buffer (the state predicts the same writes until the next reseed; used keys are in the key store); the used part of the buffer is zeroed.',
  },
  { name: 'seed-bytes', type: 'integer', unit: 'bytes', default: 32, min: 32, description: 'Entropy input at instantiate/reseed.', source: 'SP 800-90A §10.2.1 (entropy ≥ 256-bit security strength), docs/model.md §7.1' },
  { name: 'nonce-bytes', type: 'integer', unit: 'bytes', default: 16, min: 16, description: 'Nonce at instantiate.', source: 'SP 800-90A (nonce ≥ strength/2), docs/model.md §7.1' },
  {
    name: 'on-health-failure',
    type: 'string',
    enum: ['fail-closed', 'fallback'],
    default: 'fail-closed',
    description: "While the source is failed (health alarm, start-up test not yet passed): refuse the write (EFI_DEVICE_ERROR) or seed from the declared fallback (the counter RngLib).",
    source: 'SP 800-90B §4.4 (output of a failed source must not be used); fail-closed is our design choice, fallback the unsafe alternative',
  },
  {
    name: 'startup-samples',
    type: 'integer',
    default: 1024,
    min: 1,
    max: 1 << 20,
    description: 'Samples (bytes) of the start-up test that must pass before a failed source is used again.',
    source: 'SP 800-90B §4.3 (start-up tests on at least 1024 consecutive samples); docs/model.md §7.2',
  },
  { name: 'health-tests', type: 'boolean', default: true, description: 'The driver runs its own RCT + APT on every entropy byte it receives.', source: 'SP 800-90B §4.4 (our design choice)' },
  { name: 'claimed-entropy', type: 'number', unit: 'bits/byte', default: 8, min: 0.01, max: 8, description: 'Entropy the driver credits per source byte (sets health-test cutoffs).', source: 'docs/model.md §7.2 cutoff tables' },
  {
    name: 'starvation-threshold-ns',
    type: 'number',
    unit: 'ns',
    default: 2e6,
    min: 0,
    description: 'An entropy wait longer than this counts (whole) as starvation.',
    source: 'our definition: an unthrottled request takes ≪ 1 ms (docs/model.md §4.3); the timer fallback needs ≈1.3 ms for a 48-byte seed, which is slow, not starved',
  },
  {
    name: 'handler-ns',
    type: 'number',
    unit: 'ns',
    default: 50000,
    min: 0,
    description: 'Fixed SMM handler work per SetVariable/GetVariable (lookup, policy checks).',
    source: 'estimate: docs/model.md §4.4 (≈220 µs per SMM GetVariable on an Atom SoC, BZ 2220; a modern core is faster)',
  },
  {
    name: 'auth-verify-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: 'Signature verification of an authenticated (time-based) variable write in SMM.',
    source: 'estimate: one RSA-2048 PKCS#7 verify in firmware; not in docs/model.md',
  },
  { name: 'crypt-ns-per-byte', type: 'number', unit: 'ns', default: 1, min: 0, description: 'AES-256-GCM cost in SMM per byte.', source: 'estimate: AES-NI GCM ≈1 GB/s' },
  { name: 'boot-variable-writes', type: 'integer', default: 3, min: 0, description: 'SetVariable calls the firmware itself makes in BDS (BootOrder, Boot####, ...).', source: 'estimate: no docs/model.md figure' },
  { name: 'boot-variable-bytes', type: 'integer', unit: 'bytes', default: 64, min: 0, max: 65536, description: 'Size of each firmware boot-time variable.', source: 'estimate' },
  {
    name: 'seed-at-end-of-dxe',
    type: 'boolean',
    default: true,
    description: 'Try to instantiate the DRBG at EndOfDxe (else at the first SetVariable).',
    source: "docs/model.md §2.1, §3.7 (Ersek's rule: seed at End-of-DXE)",
  },
];

export type VariableStatus = 'success' | 'not-ready' | 'device-error' | 'out-of-resources' | 'not-found' | 'security-violation';

export interface SetVariableResult {
  status: VariableStatus;
  /** Key material came from the unsafe counter fallback. */
  degraded: boolean;
  latencyNs: number;
}

const MAGIC = 0x5641;
const HEADER = 44;
/** AAD: the header without its state byte and tag (they change / are the output), then the name. */
const AAD_FIXED = HEADER - 1 - 16;
// edk2 VariableFormat.h: states are reached by clearing bits.
export const VAR_HEADER_VALID_ONLY = 0x7f;
export const VAR_ADDED = 0x3f;
export const VAR_IN_DELETED_TRANSITION = 0xfe;
export const VAR_DELETED = 0xfd;
const HEADER_VALID_BYTE = new Uint8Array([VAR_HEADER_VALID_ONLY]);
const ADDED_BYTE = new Uint8Array([VAR_ADDED]);
/** EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS, and TIME_BASED_AUTHENTICATED_WRITE_ACCESS. */
export const ATTR_NV_BS_RT = 0x07;
export const ATTR_TIME_BASED_AUTH = 0x20;
// FTW journal byte in the working block (bits cleared in order; FaultTolerantWriteDxe's record states).
const FTW_ALLOCATED = 0xfe;
const FTW_SPARE_COMPLETE = 0xfc;
const FTW_DEST_COMPLETE = 0xf8;
const KEY_BYTES = 32;
const ZERO_KEY = new Uint8Array(KEY_BYTES);
const NONCE_BYTES = 12;

/** Entropy the driver got, with where it came from (for key provenance). */
interface Acquired {
  bytes: Uint8Array;
  source: string;
  /** Offset in the primary source's stream (−1 for the fallback). */
  offset: number;
  flaws: EpochFlaw[];
}

interface RecordRef {
  offset: number;
  slot: number;
  /** The name's UTF-8 bytes (encoded once per variable). */
  readonly nameBytes: Uint8Array;
  /**
   * AAD scratch for this variable (its length depends only on the name; the content is
   * rebuilt for every write, see `buildAad`).
   */
  readonly aad: Uint8Array;
}

/** One name's ledger entry: what was last attempted and what was last acknowledged (success returned). */
export interface LedgerEntry {
  attempts: number;
  attempted: { data: Uint8Array; attributes: number };
  acked: { data: Uint8Array; attributes: number } | null;
}

interface ParsedRecord {
  offset: number;
  state: number;
  name: string;
  attributes: number;
  dataLen: number;
  slot: number;
  nonce: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
  header: Uint8Array;
  size: number;
}

const UTF8 = new TextEncoder();
const UTF8_DECODE = new TextDecoder();

function align4(n: number): number {
  return (n + 3) & ~3;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = v >>> 24;
}

export class SmmVariableDriver {
  readonly policy: string;
  readonly onHealthFailure: string;
  /** DRBG instantiated (from the privileged source). */
  seeded = false;
  writesSinceReseed = 0;
  /** Every name ever attempted: last attempted and last acknowledged value (the ledger verifyAll checks against). */
  readonly ledger = new Map<string, LedgerEntry>();
  readonly index = new Map<string, RecordRef>();
  readonly drbg: CtrDrbg;
  /** Epochs, the epoch of every write, and the driver's source-health actions. */
  readonly provenance = new KeyProvenance();
  /** True while a reclaim's fault-tolerant write is in progress (a power cut can tell where it hit). */
  reclaiming = false;
  /** Reclaims done (store compactions through the FTW protocol). */
  reclaims = 0;
  /** SP 800-90B §4.3: an alarm fails the source until a start-up test passes. */
  sourceFailed = false;
  /** The epoch whose DRBG state keys the next write (−1 before instantiate). */
  private epoch = -1;
  /** Entropy waits in progress (start times), so a run that ends mid-wait still counts it. */
  private waitingSince: number | null = null;
  private writePtr = 0;
  private freeSlots: number[] = [];
  private rct: RepetitionCountTest | null;
  private apt: AdaptiveProportionTest | null;
  private readonly p: ParamValues;
  // Hot-path parameters, read once (they are fixed for the run).
  private readonly handlerNs: number;
  private readonly authVerifyNs: number;
  private readonly cryptNsPerByte: number;
  private readonly reseedInterval: number;
  private readonly keyMaterialBatch: number;
  /** The cost of programming one state byte (VALID / DELETED). */
  private readonly stateByteCost: number;
  /**
   * SMRAM-side buffer of DRBG output (key ‖ nonce per write, `key-material-batch`): output of
   * one generate request, consumed front to back; consumed bytes are zeroed, the rest is
   * discarded (zeroed) at every reseed.
   */
  private keyPool: Uint8Array = new Uint8Array(0);
  private keyPoolAt = 0;
  /** Scratch for the record image (header ‖ name ‖ ciphertext ‖ padding) and this write's key and nonce. */
  private record = new Uint8Array(0);
  private readonly keyScratch = new Uint8Array(KEY_BYTES);
  private readonly nonceScratch = new Uint8Array(NONCE_BYTES);
  private readonly stateScratch = new Uint8Array(1);
  /** The driver's SMM access contexts, one per vCPU (immutable; made once). */
  private readonly driverCtx: AccessContext[] = [];

  constructor(
    private readonly sim: Sim,
    params: ParamValues,
    private readonly smi: SmiController,
    private readonly smram: Smram,
    private readonly pflash: Pflash,
    readonly source: PrivilegedSource,
    private readonly fallback: PrivilegedSource | null,
    private readonly metrics: MetricsCollector,
    private readonly taps: TapRegistry,
    private readonly isRuntime: () => boolean,
  ) {
    this.p = params;
    this.policy = str(params, 'policy');
    this.onHealthFailure = str(params, 'on-health-failure');
    this.handlerNs = num(params, 'handler-ns');
    this.authVerifyNs = num(params, 'auth-verify-ns');
    this.cryptNsPerByte = num(params, 'crypt-ns-per-byte');
    this.reseedInterval = num(params, 'reseed-interval');
    this.keyMaterialBatch = num(params, 'key-material-batch');
    this.stateByteCost = pflash.programCost(1);
    this.drbg = new CtrDrbg({ keyBits: 256, derivationFunction: true });
    const health = byteHealthTests(params);
    this.rct = health?.rct ?? null;
    this.apt = health?.apt ?? null;
  }

  // ---------------------------------------------------------------- entropy

  /**
   * n bytes from the privileged source under the policy, or the failure status. Runs in SMM:
   * every vCPU waits with it.
   */
  private *acquire(smm: AccessContext, n: number): Proc<Acquired | { fail: VariableStatus }> {
    const deadline = this.policy === 'wait' ? Infinity : this.sim.now + num(this.p, 'fail-timeout-ns');
    const t0 = this.sim.now;
    this.waitingSince = t0;
    let r: SourceResult | 'failed';
    try {
      r = this.sourceFailed && !(yield* this.startupTest(smm, deadline)) ? 'failed' : yield* this.source.getEntropy(smm, n, deadline);
    } finally {
      this.waitingSince = null;
    }
    const wait = this.sim.now - t0;
    this.noteWait(wait, t0);
    if (r === 'failed') return yield* this.failClosedOrFallback(smm, n);
    if (r.status === 'ok') {
      let alarm = r.alarm;
      if (this.rct !== null && this.apt !== null) {
        if (feedHealthTests(this.rct, this.apt, r.bytes, this.metrics)) alarm = true;
      }
      this.taps.record(
        'smm-variable/key-material',
        { consumer: 'smm-variable', source: this.source.name, kind: 'raw', claimedEntropyPerSample: num(this.p, 'claimed-entropy') },
        r.bytes,
        this.sim.now,
      );
      const seen = this.provenance.observeSource(r.bytes);
      if (alarm) {
        // SP 800-90B §4.4: output of a source in alarm must not be used, and the source stays
        // failed until it passes a start-up test again (§4.3).
        this.failSource();
        return yield* this.failClosedOrFallback(smm, n);
      }
      const flaws: EpochFlaw[] = [];
      if (this.source.unsafe) flaws.push('unsafe-source');
      if (seen.repeats) flaws.push('repeats-earlier-output');
      return { bytes: r.bytes, source: this.source.name, offset: seen.offset, flaws };
    }
    if (r.alarm) {
      this.failSource();
      return yield* this.failClosedOrFallback(smm, n);
    }
    if (this.policy === 'degrade' && this.fallback !== null) {
      const f = yield* this.fromFallback(smm, n);
      if (f !== null) return f;
    }
    return { fail: r.status === 'error' ? 'device-error' : 'not-ready' };
  }

  /** A health alarm while the source was healthy: it is failed from now on (§4.3/§4.4). */
  private failSource(): void {
    if (!this.sourceFailed) this.provenance.sourceFailures++;
    this.sourceFailed = true;
  }

  /** The source is failed: `on-health-failure` fallback seeds from the declared fallback, else fail closed. */
  private *failClosedOrFallback(smm: AccessContext, n: number): Proc<Acquired | { fail: VariableStatus }> {
    if (this.onHealthFailure === 'fallback' && this.fallback !== null) {
      const f = yield* this.fromFallback(smm, n);
      if (f !== null) return f;
    }
    this.metrics.count('fail-closed');
    this.provenance.failClosed++;
    return { fail: 'device-error' };
  }

  private *fromFallback(smm: AccessContext, n: number): Proc<Acquired | null> {
    const f = yield* this.fallback!.getEntropy(smm, n, Infinity);
    if (f.status !== 'ok') return null;
    this.provenance.fallbackSeeds++;
    return { bytes: f.bytes, source: this.fallback!.name, offset: -1, flaws: ['unsafe-source'] };
  }

  /**
   * SP 800-90B §4.3 start-up test of a failed source: `startup-samples` fresh samples through
   * fresh RCT + APT (the source's own alarm flag counts too); the samples are discarded. On a
   * pass the source is healthy again and the fresh tests carry on as the continuous ones.
   */
  private *startupTest(smm: AccessContext, deadline: number): Proc<boolean> {
    this.provenance.startupTests++;
    const r = yield* this.source.getEntropy(smm, num(this.p, 'startup-samples'), deadline);
    if (r.status !== 'ok') return false;
    this.provenance.observeSource(r.bytes);
    const fresh = byteHealthTests(this.p);
    const alarm = (fresh !== null && feedHealthTests(fresh.rct, fresh.apt, r.bytes, this.metrics)) || r.alarm;
    if (alarm) return false;
    if (fresh !== null) {
      this.rct = fresh.rct;
      this.apt = fresh.apt;
    }
    this.sourceFailed = false;
    this.provenance.startupPasses++;
    return true;
  }

  private noteWait(wait: number, t0: number): void {
    this.metrics.point('smm-variable/entropy-wait-ns', t0, wait);
    if (wait > num(this.p, 'starvation-threshold-ns')) {
      this.metrics.count('starvation.total', wait);
      this.metrics.max('starvation.longest', wait);
      this.metrics.count('starvation.waits');
    }
  }

  /** Instantiates or reseeds the DRBG as due; returns a failure status or null. */
  private *ensureSeeded(smm: AccessContext): Proc<{ fail: VariableStatus | null }> {
    if (!this.seeded) {
      const seedBytes = num(this.p, 'seed-bytes');
      const got = yield* this.acquire(smm, seedBytes + num(this.p, 'nonce-bytes'));
      if ('fail' in got) return { fail: got.fail };
      this.drbg.instantiate(got.bytes.subarray(0, seedBytes), got.bytes.subarray(seedBytes), UTF8.encode('smm-variable'));
      this.newEpoch('instantiate', got);
      this.flushKeyPool();
      this.seeded = true;
      this.writesSinceReseed = 0;
      return { fail: null };
    }
    if (this.writesSinceReseed >= this.reseedInterval) {
      const got = yield* this.acquire(smm, num(this.p, 'seed-bytes'));
      if ('fail' in got) return { fail: got.fail };
      this.drbg.reseed(got.bytes);
      this.newEpoch('reseed', got);
      this.flushKeyPool();
      this.writesSinceReseed = 0;
      return { fail: null };
    }
    return { fail: null };
  }

  private newEpoch(kind: 'instantiate' | 'reseed', got: Acquired): void {
    this.epoch = this.provenance.newEpoch({ kind, atNs: this.sim.now, source: got.source, streamOffset: got.offset, bytes: got.bytes.length, flaws: got.flaws });
  }

  /** EndOfDxe notification in SMM (via SMI): instantiate the DRBG if the source can deliver now. */
  *endOfDxe(ctx: AccessContext): Proc<boolean> {
    if (!bool(this.p, 'seed-at-end-of-dxe') || this.seeded) return this.seeded;
    return yield* this.smi.trigger(ctx, (smm) => this.seedNow(this.asDriver(smm)));
  }

  private *seedNow(smm: AccessContext): Proc<boolean> {
    const r = yield* this.ensureSeeded(smm);
    return r.fail === null;
  }

  // ---------------------------------------------------------------- SetVariable

  /** SetVariable(name, data) from guest code: an SMI, then the SMM handler. */
  *setVariable(ctx: AccessContext, name: string, data: Uint8Array, opts: { authenticated?: boolean } = {}): Proc<SetVariableResult> {
    const t0 = this.sim.now;
    const auth = opts.authenticated === true;
    const nameBytes = this.index.get(name)?.nameBytes ?? UTF8.encode(name);
    // The handler's fixed work (and a time-based authenticated variable's PKCS#7 check) is
    // charged with the SMI entry; a name the handler rejects at once costs nothing extra.
    const valid = nameBytes.length > 0 && nameBytes.length <= 255;
    const leadNs = valid ? (auth ? this.handlerNs + this.authVerifyNs : this.handlerNs) : 0;
    const attributes = ATTR_NV_BS_RT | (auth ? ATTR_TIME_BASED_AUTH : 0);
    const entry = this.noteAttempt(name, data, attributes);
    const r = yield* this.smi.trigger(ctx, (smm) => this.handleSet(this.asDriver(smm), name, nameBytes, data, attributes), leadNs);
    const latencyNs = this.sim.now - t0;
    const ok = r.status === 'success';
    if (ok) this.noteAck(entry);
    if (ok) {
      this.metrics.count('setvariable.completed');
      if (this.isRuntime()) this.metrics.count('setvariable.rate');
      this.metrics.sample('setvariable.latency', latencyNs);
      this.metrics.point('smm-variable/setvariable-latency-ns', this.sim.now, latencyNs);
      if (r.degraded) this.metrics.count('degraded-setvariables');
    } else {
      this.metrics.count('setvariable.failed');
    }
    return { status: r.status, degraded: r.degraded, latencyNs };
  }

  /** Ledger: an attempted write (its own copy of the data: the caller may reuse its buffer). */
  private noteAttempt(name: string, data: Uint8Array, attributes: number): LedgerEntry {
    const attempted = { data: data.slice(), attributes };
    const e = this.ledger.get(name);
    if (e === undefined) {
      const fresh: LedgerEntry = { attempts: 1, attempted, acked: null };
      this.ledger.set(name, fresh);
      return fresh;
    }
    e.attempts++;
    e.attempted = attempted;
    return e;
  }

  /** Ledger: the attempt was acknowledged (SetVariable returned success). */
  private noteAck(e: LedgerEntry): void {
    e.acked = e.attempted;
  }

  /** The SMM context of the driver itself (the consumer name in metrics and taps). */
  private asDriver(smm: AccessContext): AccessContext {
    const cpu = smm.cpu;
    let c = this.driverCtx[cpu];
    if (c === undefined) {
      c = { privilege: 'smm', cpu, actor: 'smm-variable' };
      if (Number.isInteger(cpu) && cpu >= 0 && cpu < 1024) this.driverCtx[cpu] = c;
    }
    return c;
  }

  /**
   * Discards buffered key material (at instantiate and every reseed): no write after a
   * reseed uses output generated before it, so `reseed-interval` keeps its meaning.
   */
  private flushKeyPool(): void {
    this.keyPool.fill(0);
    this.keyPool = new Uint8Array(0);
    this.keyPoolAt = 0;
  }

  /**
   * Offset of the next write's key ‖ nonce in `keyPool`, refilling it with ONE generate
   * request for min(key-material-batch, writes left before the next reseed) writes.
   */
  private nextKeyMaterial(): number {
    if (this.keyPoolAt + KEY_BYTES + NONCE_BYTES > this.keyPool.length) {
      const writes = Math.max(1, Math.min(this.keyMaterialBatch, this.reseedInterval - this.writesSinceReseed));
      this.keyPool = this.drbg.generate(writes * (KEY_BYTES + NONCE_BYTES));
      this.keyPoolAt = 0;
    }
    const at = this.keyPoolAt;
    this.keyPoolAt = at + KEY_BYTES + NONCE_BYTES;
    return at;
  }

  /**
   * The SetVariable SMM handler. Its fixed work (`handler-ns`, plus `auth-verify-ns` for a
   * time-based authenticated variable, checked before anything else) has already been
   * charged by `setVariable` as the SMI's lead time.
   */
  private *handleSet(smm: AccessContext, name: string, nameBytes: Uint8Array, data: Uint8Array, attributes: number): Proc<{ status: VariableStatus; degraded: boolean }> {
    if (nameBytes.length === 0 || nameBytes.length > 255) return { status: 'security-violation', degraded: false };
    // Looked up inside SMM: another SetVariable may have run (or reclaimed) since the call.
    const old = this.index.get(name);
    if (!this.seeded || this.writesSinceReseed >= this.reseedInterval) {
      const seeded = yield* this.ensureSeeded(smm);
      if (seeded.fail !== null) return { status: seeded.fail, degraded: false };
    }
    // Keyed from the unsafe fallback: whatever epoch the key comes from was seeded by it.
    const degraded = this.provenance.epochs[this.epoch]!.flaws.includes('unsafe-source');
    // A fresh key and nonce per write, from the SMM DRBG (buffered: `key-material-batch`),
    // moved out of the buffer into the write's scratch (the buffer bytes are zeroed).
    const kmAt = this.nextKeyMaterial();
    const pool = this.keyPool;
    const key = this.keyScratch;
    const nonce = this.nonceScratch;
    for (let i = 0; i < KEY_BYTES; i++) {
      key[i] = pool[kmAt + i]!;
      pool[kmAt + i] = 0;
    }
    for (let i = 0; i < NONCE_BYTES; i++) {
      nonce[i] = pool[kmAt + KEY_BYTES + i]!;
      pool[kmAt + KEY_BYTES + i] = 0;
    }
    this.writesSinceReseed++;
    {
      const nameLen = nameBytes.length;
      const size = align4(HEADER + nameLen + data.length);
      if (this.writePtr + size > this.pflash.size) {
        const ok = yield* this.reclaim(smm, size);
        if (!ok) {
          key.fill(0);
          return { status: 'out-of-resources', degraded };
        }
      }
      const slot = this.freeSlots.pop() ?? this.smram.allocate(KEY_BYTES);
      // The record image is built in a scratch buffer (reused while the record size repeats);
      // its state byte stays erased (0xFF): the header is programmed before the state moves.
      if (this.record.length !== size) this.record = new Uint8Array(size);
      const record = this.record;
      record[0] = MAGIC & 0xff;
      record[1] = MAGIC >>> 8;
      record[2] = 0xff;
      record[3] = nameLen;
      writeU32(record, 4, data.length);
      writeU32(record, 8, slot);
      for (let i = 0; i < NONCE_BYTES; i++) record[12 + i] = nonce[i]!;
      writeU32(record, 40, attributes);
      for (let i = 0; i < nameLen; i++) record[HEADER + i] = nameBytes[i]!;
      const aad = old !== undefined ? old.aad : new Uint8Array(AAD_FIXED + nameLen);
      this.buildAad(record, nameBytes, aad);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      record.set(c.update(data), HEADER + nameLen);
      c.final(); // GCM: no trailing block
      const tag = c.getAuthTag();
      for (let i = 0; i < 16; i++) record[24 + i] = tag[i]!;
      for (let i = HEADER + nameLen + data.length; i < size; i++) record[i] = 0xff; // padding stays erased
      // The write takes its time first (crypto in SMM + flash programming: record, two state
      // bytes, the old record's two); the flash changes land at the end, all at once, so a run
      // that stops mid-write leaves the previous value live and the ledger consistent.
      // (The SMI's RSM is folded into this last wait: the commit below lands as RSM completes.)
      yield this.cryptNsPerByte * (data.length + aad.length) + this.pflash.programCost(size) + this.stateByteCost * (old === undefined ? 2 : 4) + this.smi.foldRsm();
      // edk2 order: key into SMRAM; old → IN_DELETED_TRANSITION; header; HEADER_VALID_ONLY;
      // name ‖ ciphertext; ADDED (commit); old → DELETED. A power cut anywhere leaves either
      // the old value or the new one live (recover()).
      const at = this.writePtr;
      this.writePtr += size;
      this.smram.write(smm, slot, key);
      key.fill(0); // from here on the key lives in the SMRAM key store only
      if (old !== undefined) this.setState(smm, old.offset, VAR_IN_DELETED_TRANSITION);
      if (this.pflash.programNow(smm, at, record.subarray(0, HEADER)) < 0) return { status: 'device-error', degraded };
      this.pflash.programNow(smm, at + 2, HEADER_VALID_BYTE);
      this.pflash.programNow(smm, at + HEADER, record.subarray(HEADER));
      this.pflash.programNow(smm, at + 2, ADDED_BYTE);
      if (old !== undefined) {
        this.setState(smm, old.offset, VAR_DELETED);
        this.smram.write(smm, old.slot, ZERO_KEY); // zeroise the old key
        this.freeSlots.push(old.slot);
        old.offset = at;
        old.slot = slot;
      } else {
        this.index.set(name, { offset: at, slot, nameBytes, aad });
      }
      this.provenance.noteWrite(this.epoch);
      return { status: 'success', degraded };
    }
  }

  /** Clears the bits of `mask` in the state byte of the record at `offset` (NOR: AND). */
  private setState(smm: AccessContext, offset: number, mask: number): void {
    const cur = this.pflash.read(smm, offset + 2, 1)[0]!;
    this.stateScratch[0] = cur & mask;
    this.pflash.programNow(smm, offset + 2, this.stateScratch);
  }

  /** AAD = header without state byte and tag (they change / are the output) ‖ name, into out; returns its length. */
  private buildAad(header: Uint8Array, nameBytes: Uint8Array, out: Uint8Array): number {
    out[0] = header[0]!;
    out[1] = header[1]!;
    for (let i = 3; i < 24; i++) out[i - 1] = header[i]!;
    for (let i = 40; i < HEADER; i++) out[i - 17] = header[i]!;
    out.set(nameBytes, AAD_FIXED);
    return AAD_FIXED + nameBytes.length;
  }

  /** AAD of a parsed record (a fresh array). */
  private aad(header: Uint8Array, nameBytes: Uint8Array): Uint8Array {
    const a = new Uint8Array(AAD_FIXED + nameBytes.length);
    this.buildAad(header, nameBytes, a);
    return a;
  }

  /**
   * Compacts the store through a fault-tolerant write (FaultTolerantWriteDxe): the live records
   * (the index names them) are laid out from offset 0 as VAR_ADDED, the image is written to the
   * spare area, the journal in the FTW working block says "spare complete", then the store is
   * erased and rewritten from the image and the journal says "destination complete". A power
   * cut before "spare complete" leaves the store as it was; after it, recover() finishes the copy.
   */
  private *reclaim(smm: AccessContext, need: number): Proc<boolean> {
    const live = [...this.index.values()].sort((a, b) => a.offset - b.offset);
    const images = live.map((ref) => {
      const hdr = this.pflash.read(smm, ref.offset, HEADER);
      const len = align4(HEADER + hdr[3]! + new DataView(hdr.buffer).getUint32(4, true));
      return { ref, bytes: this.pflash.read(smm, ref.offset, len) };
    });
    const total = images.reduce((s, r) => s + r.bytes.length, 0);
    if (total + need > this.pflash.size) return false;
    const image = new Uint8Array(total);
    let at = 0;
    for (const img of images) {
      img.bytes[2] = VAR_ADDED; // a record live in delete transition is the value: it is simply added again
      image.set(img.bytes, at);
      at += img.bytes.length;
    }
    const cost = this.ftwWrite(smm, image);
    if (cost < 0) return false;
    at = 0;
    for (const img of images) {
      img.ref.offset = at;
      at += img.bytes.length;
    }
    this.writePtr = total;
    this.reclaims++;
    yield cost;
    return true;
  }

  /** The FTW journal protocol writing `image` over the store from offset 0; the time it costs, or −1. */
  private ftwWrite(smm: AccessContext, image: Uint8Array): number {
    const f = this.pflash;
    const journal = (state: number): number => {
      this.stateScratch[0] = state;
      return f.programNow(smm, f.workingOffset, this.stateScratch);
    };
    const steps = [
      () => f.eraseNow(smm, f.workingOffset, f.blockBytes),
      () => journal(FTW_ALLOCATED),
      () => f.eraseNow(smm, f.spareOffset, f.size),
      () => f.programNow(smm, f.spareOffset, image),
      () => journal(FTW_SPARE_COMPLETE),
      () => f.eraseNow(smm, 0, f.size),
      () => f.programNow(smm, 0, image),
      () => journal(FTW_DEST_COMPLETE),
    ];
    let cost = 0;
    this.reclaiming = true;
    for (const step of steps) {
      const t = step();
      if (t < 0) return -1;
      cost += t;
    }
    this.reclaiming = false;
    return cost;
  }

  /**
   * Boot-time recovery after a reset (edk2 FtwRestart + variable store init): finishes an FTW
   * whose spare is complete, rebuilds the index from the flash (see `liveRecords`) and, when
   * the space after the last record is not all erased (a write or reclaim was cut), reclaims.
   * Returns how it went; the store must always be readable afterwards.
   */
  *recover(ctx: AccessContext): Proc<{ ftwRedone: boolean; reclaimed: boolean; live: number }> {
    return yield* this.smi.trigger(ctx, (smm) => this.recoverInSmm(this.asDriver(smm)));
  }

  private *recoverInSmm(smm: AccessContext): Proc<{ ftwRedone: boolean; reclaimed: boolean; live: number }> {
    const f = this.pflash;
    let ftwRedone = false;
    if (f.read(smm, f.workingOffset, 1)[0] === FTW_SPARE_COMPLETE) {
      // The spare holds the complete image: redo the destination (idempotent).
      const spare = f.read(smm, f.spareOffset, f.size);
      let end = spare.length;
      while (end > 0 && spare[end - 1] === 0xff) end--;
      let cost = f.eraseNow(smm, 0, f.size);
      cost += f.programNow(smm, 0, spare.subarray(0, end));
      this.stateScratch[0] = FTW_DEST_COMPLETE;
      cost += f.programNow(smm, f.workingOffset, this.stateScratch);
      ftwRedone = true;
      yield cost;
    }
    const records = this.scan();
    this.index.clear();
    this.freeSlots = [];
    for (const rec of this.liveRecords(records).values()) {
      this.smram.reserveBelow(rec.slot + KEY_BYTES); // its key slot stays taken
      const nameBytes = UTF8.encode(rec.name);
      this.index.set(rec.name, { offset: rec.offset, slot: rec.slot, nameBytes, aad: new Uint8Array(AAD_FIXED + nameBytes.length) });
    }
    const last = records.at(-1);
    this.writePtr = last === undefined ? 0 : last.offset + last.size;
    // edk2 VariableWriteServiceInitialize: the free area must really be free, else reclaim.
    const rest = f.read(smm, this.writePtr, f.size - this.writePtr);
    let reclaimed = false;
    if (!rest.every((b) => b === 0xff)) {
      reclaimed = yield* this.reclaim(smm, 0);
    }
    return { ftwRedone, reclaimed, live: this.index.size };
  }

  /**
   * The live record per name, edk2's way: the VAR_ADDED one; a record in delete transition
   * only when no VAR_ADDED copy exists; anything else (header only, deleted) is not live.
   */
  private liveRecords(records: ParsedRecord[]): Map<string, ParsedRecord> {
    const added = new Map<string, ParsedRecord>();
    const transition = new Map<string, ParsedRecord>();
    for (const r of records) {
      if (r.state === VAR_ADDED) added.set(r.name, r);
      else if (r.state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) transition.set(r.name, r);
    }
    for (const [name, r] of transition) if (!added.has(name)) added.set(name, r);
    return added;
  }

  /** Parses every record in the flash (fresh read-back; no cached state). */
  scan(): ParsedRecord[] {
    const ctx: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm-variable' };
    const out: ParsedRecord[] = [];
    let off = 0;
    const size = this.pflash.size;
    while (off + HEADER <= size) {
      const header = this.pflash.read(ctx, off, HEADER);
      const dv = new DataView(header.buffer, header.byteOffset);
      if (dv.getUint16(0, true) !== MAGIC) break;
      const nameLen = header[3]!;
      const dataLen = dv.getUint32(4, true);
      // A header cut while being programmed has erased (0xFF…) length bytes: no record fits.
      if (dataLen > size - off - HEADER - nameLen) break;
      const recSize = align4(HEADER + nameLen + dataLen);
      if (off + recSize > size) break;
      const body = this.pflash.read(ctx, off + HEADER, nameLen + dataLen);
      out.push({
        offset: off,
        state: header[2]!,
        name: UTF8_DECODE.decode(body.subarray(0, nameLen)),
        attributes: dv.getUint32(40, true),
        dataLen,
        slot: dv.getUint32(8, true),
        nonce: header.slice(12, 24),
        tag: header.slice(24, 40),
        ciphertext: body.slice(nameLen),
        header,
        size: recSize,
      });
      off += recSize;
    }
    return out;
  }

  /** Authenticates and decrypts one record with its key from SMRAM; null if it does not verify. */
  private decrypt(smm: AccessContext, rec: ParsedRecord): Uint8Array | null {
    const key = this.smram.read(smm, rec.slot, KEY_BYTES);
    const nameBytes = UTF8.encode(rec.name);
    try {
      const d = createDecipheriv('aes-256-gcm', key, rec.nonce);
      d.setAAD(this.aad(rec.header, nameBytes));
      d.setAuthTag(rec.tag);
      return new Uint8Array(Buffer.concat([d.update(rec.ciphertext), d.final()]));
    } catch {
      return null;
    }
  }

  private latestValid(name: string): ParsedRecord | undefined {
    return this.liveRecords(this.scan()).get(name);
  }

  // ---------------------------------------------------------------- GetVariable

  /** GetVariable(name) through an SMI: reads the record back, authenticates and decrypts. */
  *getVariable(ctx: AccessContext, name: string): Proc<{ status: VariableStatus; data: Uint8Array | null }> {
    return yield* this.smi.trigger(ctx, (smm) => this.handleGet(this.asDriver(smm), name));
  }

  private *handleGet(smm: AccessContext, name: string): Proc<{ status: VariableStatus; data: Uint8Array | null }> {
    yield num(this.p, 'handler-ns');
    const ref = this.index.get(name);
    if (ref === undefined) return { status: 'not-found', data: null };
    const rec = this.scan().find((r) => r.offset === ref.offset);
    if (rec === undefined) return { status: 'device-error', data: null };
    yield num(this.p, 'crypt-ns-per-byte') * rec.dataLen;
    const data = this.decrypt(smm, rec);
    return data === null ? { status: 'security-violation', data: null } : { status: 'success', data };
  }

  // ---------------------------------------------------------------- end of run

  /**
   * Reads back every name ever attempted (fresh flash scan, key from SMRAM, AES-GCM verify) and
   * compares data and attributes byte for byte with the last acknowledged write; a name never
   * acknowledged must read as not found. Fills metrics.variables.
   */
  verifyAll(): { checked: number; ok: number; lost: number; lostNames: string[] } {
    const smm: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm-variable' };
    const live = this.liveRecords(this.scan());
    let ok = 0;
    const lostNames: string[] = [];
    for (const [name, entry] of this.ledger) {
      const rec = live.get(name);
      const want = entry.acked;
      let good: boolean;
      if (want === null) good = rec === undefined;
      else {
        const got = rec === undefined ? null : this.decrypt(smm, rec);
        good = got !== null && rec!.attributes === want.attributes && Buffer.compare(got, want.data) === 0;
      }
      if (good) ok++;
      else lostNames.push(name);
    }
    const checked = this.ledger.size;
    this.metrics.set('variables.checked', checked);
    this.metrics.set('variables.ok', ok);
    this.metrics.set('variables.lost', checked - ok);
    return { checked, ok, lost: checked - ok, lostNames };
  }

  /** Counts a wait still in progress at the end of the run as starvation. */
  finalize(): void {
    if (this.waitingSince !== null) {
      const wait = this.sim.now - this.waitingSince;
      this.noteWait(wait, this.waitingSince);
      this.waitingSince = null;
    }
  }

  /** The live record's plaintext, read back outside any SMI (tests). */
  readBack(name: string): Uint8Array | null {
    return this.readRecord(name)?.data ?? null;
  }

  /** The live record's plaintext and attributes; undefined when there is none, data null when it does not verify. */
  readRecord(name: string): { data: Uint8Array | null; attributes: number } | undefined {
    const rec = this.latestValid(name);
    if (rec === undefined) return undefined;
    return { data: this.decrypt({ privilege: 'smm', cpu: 0, actor: 'smm-variable' }, rec), attributes: rec.attributes };
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const SMM_VARIABLE_COMPONENT: ComponentDef = {
  name: 'smm-variable',
  description: 'the SMM variable driver with its encrypted store and DRBG (docs/model.md §3.7)',
  params: SMM_VARIABLE_PARAMS,
  metrics: ['setvariable.completed', 'setvariable.failed', 'setvariable.rate', 'setvariable.latency', 'starvation.total', 'starvation.longest', 'starvation.waits', 'fail-closed', 'degraded-setvariables', 'variables.checked', 'variables.ok', 'variables.lost', 'health.rct', 'health.apt'],
  produces: ['uefi-variables'],
  consumes: ['privileged-source', 'smi', 'smram', 'pflash'],
};
