/**
 * The SMM variable driver with confidentiality: the "faithful future model" of DOMAIN.md §3.7
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
 * Fail closed: bytes on which the source's or the driver's own SP 800-90B health tests
 * (RCT + APT) alarmed are never used — that SetVariable fails with EFI_DEVICE_ERROR.
 *
 * Nothing is lost: a write is committed in NOR-flash order — new record programmed with
 * state IN_PROGRESS, then marked VALID, then the old record marked DELETED and the new key
 * stored — so a failed SetVariable leaves the previous value readable. `verifyAll()` re-scans
 * the flash from scratch, decrypts every variable ever written and compares it bit-exact
 * with the last value whose SetVariable succeeded.
 *
 * Record layout (little-endian, 4-byte aligned):
 *   0 u16 magic 0x5641 · 2 u8 state · 3 u8 nameLen · 4 u32 dataLen · 8 u32 SMRAM key slot ·
 *   12 nonce[12] · 24 tag[16] · 40 name (UTF-8) · ciphertext
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CtrDrbg } from '../drbg/ctr-drbg.ts';
import { AdaptiveProportionTest } from '../entropy/health/adaptive-proportion.ts';
import { RepetitionCountTest } from '../entropy/health/repetition-count.ts';
import type { AccessContext } from '../devices/access.ts';
import { bool, num, str } from '../devices/param-get.ts';
import type { ParamTable, ParamValues } from '../devices/params.ts';
import type { Pflash } from '../devices/pflash.ts';
import type { SmiController } from '../devices/smi.ts';
import type { Smram } from '../devices/smram.ts';
import type { MetricsCollector } from '../metrics/collector.ts';
import type { Proc, Sim } from '../sim/sim.ts';
import type { TapRegistry } from '../taps/tap.ts';
import type { PrivilegedSource, SourceResult } from './privileged-source.ts';

export const SMM_VARIABLE_PARAMS: ParamTable = [
  {
    name: 'policy',
    type: 'string',
    enum: ['wait', 'fail', 'degrade'],
    default: 'wait',
    description: "When the source cannot deliver: 'wait' forever, 'fail' (EFI_NOT_READY) or 'degrade' to the counter fallback.",
    source: "our choice: 'wait' mirrors OVMF VirtioFlush (no timeout, DOMAIN.md §0 row 11)",
  },
  {
    name: 'fail-timeout-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: "How long 'fail'/'degrade' wait for the source before giving up.",
    source: 'estimate: a served request takes ≪ 1 ms (DOMAIN.md §4.3)',
  },
  {
    name: 'reseed-interval',
    type: 'integer',
    default: 1,
    min: 1,
    max: 2 ** 48,
    description: 'SetVariable calls between reseeds of the SMM DRBG from the privileged source.',
    source: 'our choice: reseed per write (prediction resistance); SP 800-90A allows up to 2^48 (DOMAIN.md §0 row 34)',
  },
  { name: 'seed-bytes', type: 'integer', unit: 'bytes', default: 32, min: 32, description: 'Entropy input at instantiate/reseed.', source: 'SP 800-90A §10.2.1 (entropy ≥ 256-bit security strength), DOMAIN.md §7.1' },
  { name: 'nonce-bytes', type: 'integer', unit: 'bytes', default: 16, min: 16, description: 'Nonce at instantiate.', source: 'SP 800-90A (nonce ≥ strength/2), DOMAIN.md §7.1' },
  { name: 'health-tests', type: 'boolean', default: true, description: 'The driver runs its own RCT + APT on every entropy byte it receives.', source: 'SP 800-90B §4.4 (our design choice)' },
  { name: 'claimed-entropy', type: 'number', unit: 'bits/byte', default: 8, min: 0.01, max: 8, description: 'Entropy the driver credits per source byte (sets health-test cutoffs).', source: 'DOMAIN.md §7.2 cutoff tables' },
  {
    name: 'starvation-threshold-ns',
    type: 'number',
    unit: 'ns',
    default: 2e6,
    min: 0,
    description: 'An entropy wait longer than this counts (whole) as starvation.',
    source: 'our definition: an unthrottled request takes ≪ 1 ms (DOMAIN.md §4.3); the timer fallback needs ≈1.3 ms for a 48-byte seed, which is slow, not starved',
  },
  {
    name: 'handler-ns',
    type: 'number',
    unit: 'ns',
    default: 50000,
    min: 0,
    description: 'Fixed SMM handler work per SetVariable/GetVariable (lookup, policy checks).',
    source: 'estimate: DOMAIN.md §4.4 (≈220 µs per SMM GetVariable on an Atom SoC, BZ 2220; a modern core is faster)',
  },
  {
    name: 'auth-verify-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: 'Signature verification of an authenticated (time-based) variable write in SMM.',
    source: 'estimate: one RSA-2048 PKCS#7 verify in firmware; not in DOMAIN.md',
  },
  { name: 'crypt-ns-per-byte', type: 'number', unit: 'ns', default: 1, min: 0, description: 'AES-256-GCM cost in SMM per byte.', source: 'estimate: AES-NI GCM ≈1 GB/s' },
  { name: 'boot-variable-writes', type: 'integer', default: 3, min: 0, description: 'SetVariable calls the firmware itself makes in BDS (BootOrder, Boot####, ...).', source: 'estimate: no DOMAIN.md figure' },
  { name: 'boot-variable-bytes', type: 'integer', unit: 'bytes', default: 64, min: 0, max: 65536, description: 'Size of each firmware boot-time variable.', source: 'estimate' },
  {
    name: 'seed-at-end-of-dxe',
    type: 'boolean',
    default: true,
    description: 'Try to instantiate the DRBG at EndOfDxe (else at the first SetVariable).',
    source: "DOMAIN.md §2.1, §3.7 (Ersek's rule: seed at End-of-DXE)",
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
const HEADER = 40;
const STATE_IN_PROGRESS = 0x7f;
const STATE_VALID = 0x3f;
const STATE_DELETED = 0x3c;
const STATE_VALID_BYTE = new Uint8Array([STATE_VALID]);
const STATE_DELETED_BYTE = new Uint8Array([STATE_DELETED]);
const KEY_BYTES = 32;
const ZERO_KEY = new Uint8Array(KEY_BYTES);
const NONCE_BYTES = 12;

interface RecordRef {
  offset: number;
  slot: number;
}

interface ParsedRecord {
  offset: number;
  state: number;
  name: string;
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

export class SmmVariableDriver {
  readonly policy: string;
  /** DRBG instantiated (from the privileged source). */
  seeded = false;
  writesSinceReseed = 0;
  /** The last value whose SetVariable succeeded, per name (the ledger verifyAll checks against). */
  readonly expected = new Map<string, Uint8Array>();
  readonly index = new Map<string, RecordRef>();
  readonly drbg: CtrDrbg;
  /** Entropy waits in progress (start times), so a run that ends mid-wait still counts it. */
  private waitingSince: number | null = null;
  private writePtr = 0;
  private freeSlots: number[] = [];
  private readonly rct: RepetitionCountTest | null;
  private readonly apt: AdaptiveProportionTest | null;
  private readonly p: ParamValues;

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
    this.drbg = new CtrDrbg({ keyBits: 256, derivationFunction: true });
    if (bool(params, 'health-tests')) {
      const h = num(params, 'claimed-entropy');
      this.rct = new RepetitionCountTest({ entropyPerSample: h });
      this.apt = new AdaptiveProportionTest({ entropyPerSample: h });
    } else {
      this.rct = null;
      this.apt = null;
    }
  }

  // ---------------------------------------------------------------- entropy

  /**
   * n bytes from the privileged source under the policy; null = give up (reason in `fail`).
   * Runs in SMM: every vCPU waits with it.
   */
  private *acquire(smm: AccessContext, n: number): Proc<{ bytes: Uint8Array; degraded: boolean } | { fail: VariableStatus }> {
    const deadline = this.policy === 'wait' ? Infinity : this.sim.now + num(this.p, 'fail-timeout-ns');
    const t0 = this.sim.now;
    this.waitingSince = t0;
    let r: SourceResult;
    try {
      r = yield* this.source.getEntropy(smm, n, deadline);
    } finally {
      this.waitingSince = null;
    }
    const wait = this.sim.now - t0;
    this.noteWait(wait, t0);
    if (r.status === 'ok') {
      let alarm = r.alarm;
      if (this.rct !== null && this.apt !== null) {
        const r0 = this.rct.alarms;
        const a0 = this.apt.alarms;
        this.rct.feedAll(r.bytes);
        this.apt.feedAll(r.bytes);
        const dr = this.rct.alarms - r0;
        const da = this.apt.alarms - a0;
        this.metrics.rctAlarms += dr;
        this.metrics.aptAlarms += da;
        alarm ||= dr + da > 0;
      }
      this.taps.record(
        'smm-variable/key-material',
        { consumer: 'smm-variable', source: this.source.name, kind: 'raw', claimedEntropyPerSample: num(this.p, 'claimed-entropy') },
        r.bytes,
        this.sim.now,
      );
      if (alarm) {
        // SP 800-90B §4.4: output of a source in alarm must not be used. Fail closed.
        this.metrics.failClosed++;
        return { fail: 'device-error' };
      }
      return { bytes: r.bytes, degraded: this.source.unsafe };
    }
    if (r.alarm) {
      this.metrics.failClosed++;
      return { fail: 'device-error' };
    }
    if (this.policy === 'degrade' && this.fallback !== null) {
      const f = yield* this.fallback.getEntropy(smm, n, Infinity);
      if (f.status === 'ok') return { bytes: f.bytes, degraded: true };
    }
    return { fail: r.status === 'error' ? 'device-error' : 'not-ready' };
  }

  private noteWait(wait: number, t0: number): void {
    this.metrics.point('smm-variable/entropy-wait-ns', t0, wait);
    if (wait > num(this.p, 'starvation-threshold-ns')) this.metrics.addStarvation(wait);
  }

  /** Instantiates or reseeds the DRBG as due; returns a failure status or null. */
  private *ensureSeeded(smm: AccessContext): Proc<{ fail: VariableStatus | null; degraded: boolean }> {
    if (!this.seeded) {
      const seedBytes = num(this.p, 'seed-bytes');
      const got = yield* this.acquire(smm, seedBytes + num(this.p, 'nonce-bytes'));
      if ('fail' in got) return { fail: got.fail, degraded: false };
      this.drbg.instantiate(got.bytes.subarray(0, seedBytes), got.bytes.subarray(seedBytes), UTF8.encode('smm-variable'));
      this.seeded = true;
      this.writesSinceReseed = 0;
      return { fail: null, degraded: got.degraded };
    }
    if (this.writesSinceReseed >= num(this.p, 'reseed-interval')) {
      const got = yield* this.acquire(smm, num(this.p, 'seed-bytes'));
      if ('fail' in got) return { fail: got.fail, degraded: false };
      this.drbg.reseed(got.bytes);
      this.writesSinceReseed = 0;
      return { fail: null, degraded: got.degraded };
    }
    return { fail: null, degraded: false };
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
    const r = yield* this.smi.trigger(ctx, (smm) => this.handleSet(this.asDriver(smm), name, data, auth));
    const latencyNs = this.sim.now - t0;
    const ok = r.status === 'success';
    this.metrics.addSetVariable(ok, latencyNs, this.isRuntime());
    if (ok) {
      this.metrics.point('smm-variable/setvariable-latency-ns', this.sim.now, latencyNs);
      if (r.degraded) this.metrics.degradedSetVariables++;
    }
    return { status: r.status, degraded: r.degraded, latencyNs };
  }

  /** The SMM context of the driver itself (the consumer name in metrics and taps). */
  private asDriver(smm: AccessContext): AccessContext {
    return { privilege: 'smm', cpu: smm.cpu, actor: 'smm-variable' };
  }

  private *handleSet(smm: AccessContext, name: string, data: Uint8Array, authenticated = false): Proc<{ status: VariableStatus; degraded: boolean }> {
    const nameBytes = UTF8.encode(name);
    if (nameBytes.length === 0 || nameBytes.length > 255) return { status: 'security-violation', degraded: false };
    yield num(this.p, 'handler-ns');
    // Time-based authenticated variables: PKCS#7 signature check before anything else.
    if (authenticated) yield num(this.p, 'auth-verify-ns');
    const seeded = yield* this.ensureSeeded(smm);
    if (seeded.fail !== null) return { status: seeded.fail, degraded: false };
    let degraded = seeded.degraded;
    // A fresh key and nonce per write, from the SMM DRBG (one generate request).
    const km = this.drbg.generate(KEY_BYTES + NONCE_BYTES);
    const key = km.subarray(0, KEY_BYTES);
    const nonce = km.subarray(KEY_BYTES);
    this.writesSinceReseed++;
    if (this.source.unsafe) degraded = true;

    const size = align4(HEADER + nameBytes.length + data.length);
    if (this.writePtr + size > this.pflash.size) {
      const ok = yield* this.reclaim(smm, size);
      if (!ok) return { status: 'out-of-resources', degraded };
    }
    const slot = this.freeSlots.pop() ?? this.smram.allocate(KEY_BYTES);
    const record = new Uint8Array(size).fill(0xff);
    const header = record.subarray(0, HEADER);
    const dv = new DataView(record.buffer, record.byteOffset, HEADER);
    dv.setUint16(0, MAGIC, true);
    header[2] = STATE_IN_PROGRESS;
    header[3] = nameBytes.length;
    dv.setUint32(4, data.length, true);
    dv.setUint32(8, slot, true);
    header.set(nonce, 12);
    const aad = this.aad(header, nameBytes);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    record.set(c.update(data), HEADER + nameBytes.length);
    c.final(); // GCM: no trailing block
    header.set(c.getAuthTag(), 24);
    record.set(nameBytes, HEADER);
    // The write takes its time first (crypto in SMM + flash programming: record, state byte,
    // old record's state byte); the flash changes land at the end, all at once, so a run that
    // stops mid-write leaves the previous value live and the ledger consistent.
    const old = this.index.get(name);
    yield num(this.p, 'crypt-ns-per-byte') * (data.length + aad.length) +
      this.pflash.programCost(size) +
      this.pflash.programCost(1) * (old === undefined ? 1 : 2);
    // Commit order: record (state IN_PROGRESS), key into SMRAM, record VALID, old record
    // DELETED — until the new record is VALID the old one stays the live value.
    const at = this.writePtr;
    this.writePtr += size;
    if (this.pflash.programNow(smm, at, record) < 0) return { status: 'device-error', degraded };
    this.smram.write(smm, slot, key);
    if (this.pflash.programNow(smm, at + 2, STATE_VALID_BYTE) < 0) return { status: 'device-error', degraded };
    if (old !== undefined) {
      this.pflash.programNow(smm, old.offset + 2, STATE_DELETED_BYTE);
      this.smram.write(smm, old.slot, ZERO_KEY); // zeroise the old key
      this.freeSlots.push(old.slot);
    }
    this.index.set(name, { offset: at, slot });
    this.expected.set(name, data.slice());
    return { status: 'success', degraded };
  }

  /** AAD = header without state byte and tag (they change / are the output) ‖ name. */
  private aad(header: Uint8Array, nameBytes: Uint8Array): Uint8Array {
    const a = new Uint8Array(HEADER - 1 - 16 + nameBytes.length);
    a.set(header.subarray(0, 2), 0);
    a.set(header.subarray(3, 24), 2);
    a.set(nameBytes, 23);
    return a;
  }

  /**
   * Compacts the store: the live records (the driver's SMRAM index names them) are copied
   * out, the store is erased, and they are programmed back from the start.
   */
  private *reclaim(smm: AccessContext, need: number): Proc<boolean> {
    const live = [...this.index.entries()].sort((a, b) => a[1].offset - b[1].offset);
    const images = live.map(([name, ref]) => {
      const hdr = this.pflash.read(smm, ref.offset, HEADER);
      const len = align4(HEADER + hdr[3]! + new DataView(hdr.buffer).getUint32(4, true));
      return { name, slot: ref.slot, bytes: this.pflash.read(smm, ref.offset, len) };
    });
    const total = images.reduce((s, r) => s + r.bytes.length, 0);
    if (total + need > this.pflash.size) return false;
    if (!(yield* this.pflash.erase(smm, 0, this.pflash.size))) return false;
    let at = 0;
    let cost = 0;
    for (const img of images) {
      const t = this.pflash.programNow(smm, at, img.bytes);
      if (t < 0) return false;
      cost += t;
      this.index.set(img.name, { offset: at, slot: img.slot });
      at += img.bytes.length;
    }
    this.writePtr = at;
    yield cost;
    return true;
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
      const recSize = align4(HEADER + nameLen + dataLen);
      if (off + recSize > size) break;
      const body = this.pflash.read(ctx, off + HEADER, nameLen + dataLen);
      out.push({
        offset: off,
        state: header[2]!,
        name: UTF8_DECODE.decode(body.subarray(0, nameLen)),
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
    let found: ParsedRecord | undefined;
    for (const r of this.scan()) if (r.state === STATE_VALID && r.name === name) found = r;
    return found;
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
   * Reads back every variable written (fresh flash scan, key from SMRAM, AES-GCM verify) and
   * compares with the last successfully set value. Fills metrics.variables.
   */
  verifyAll(): { checked: number; ok: number; lost: number; lostNames: string[] } {
    const smm: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm-variable' };
    const records = this.scan();
    let ok = 0;
    const lostNames: string[] = [];
    for (const [name, want] of this.expected) {
      let rec: ParsedRecord | undefined;
      for (const r of records) if (r.state === STATE_VALID && r.name === name) rec = r;
      const got = rec === undefined ? null : this.decrypt(smm, rec);
      if (got !== null && Buffer.compare(got, want) === 0) ok++;
      else lostNames.push(name);
    }
    const checked = this.expected.size;
    this.metrics.variables = { checked, ok, lost: checked - ok };
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

  /** The latest valid record's plaintext, read back outside any SMI (tests). */
  readBack(name: string): Uint8Array | null {
    const rec = this.latestValid(name);
    return rec === undefined ? null : this.decrypt({ privilege: 'smm', cpu: 0, actor: 'smm-variable' }, rec);
  }
}
