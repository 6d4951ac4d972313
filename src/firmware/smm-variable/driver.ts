/**
 * The SMM variable driver with confidentiality: the "faithful future model" of docs/model.md §3.7
 * (edk2 BZ 2594 never got an implementation, §2.3). SetVariable/GetVariable enter SMM through
 * an SMI (§3.7: OUT 0xB2 → QEMU → broadcast SMI). Inside SMM the driver seeds its own CTR_DRBG
 * from ITS privileged source under its entropy policy (./entropy-policy.ts; the design decides
 * which source, ../privileged-source.ts), draws a fresh key and nonce per write
 * (./key-material.ts), seals the data into a record (./record.ts: AES-256-GCM, name and header
 * authenticated), appends it to the pflash variable store (SMM-only writes,
 * src/devices/pflash.ts) and keeps the key in SMRAM (TSEG, unreadable outside SMM). Every
 * epoch (instantiate/reseed) and the epoch each write was keyed from are recorded in
 * `provenance` (../key-provenance.ts).
 *
 * Nothing is lost, even across a power cut: updates follow edk2's variable-store protocol
 * (MdeModulePkg/Universal/Variable/RuntimeDxe/Variable.c UpdateVariable; state values of
 * MdeModulePkg/Include/Guid/VariableFormat.h, bits only ever cleared, as NOR flash allows):
 * the key goes to SMRAM first; the old record is marked VAR_IN_DELETED_TRANSITION; the new
 * header is programmed (state still erased), its state set to VAR_HEADER_VALID_ONLY, name and
 * ciphertext programmed, its state set to VAR_ADDED (the commit point); then the old record is
 * marked VAR_DELETED and its key zeroised. Reclaim rewrites the store through a fault-tolerant
 * write (./ftw.ts, FaultTolerantWriteDxe). `recover()` is the boot-time side: it finishes an
 * interrupted FTW from the spare, rebuilds the index from the flash (VAR_ADDED wins; a record
 * in delete transition is live only without a VAR_ADDED copy; partial records are ignored) and
 * reclaims when the space after the last record is not all erased. Keys live in SMRAM, which
 * a real reset clears: across `recover()` the model keeps the SMRAM key store (standing for
 * sealed key storage) and tests what the flash protocol guarantees.
 *
 * Deletes are real deletes (UEFI 2.10 §8.2 SetVariable; edk2 UpdateVariable): DataSize 0
 * without EFI_VARIABLE_APPEND_WRITE, or Attributes without an access bit, marks the live record
 * VAR_DELETED (after any stale copy still in delete transition, edk2's order), zeroises its key
 * and drops it from the index: GetVariable returns EFI_NOT_FOUND afterwards, and deleting a
 * variable that does not exist returns EFI_NOT_FOUND. An append of 0 bytes changes nothing.
 *
 * The ledger records every attempted write (name, intended value, attributes) and the last
 * acknowledged one per name; a delete's intended value is "absent" (data null). `verifyAll()`
 * re-scans the flash from scratch, decrypts every variable and compares data and attributes
 * byte for byte with the acknowledged value (a name never acknowledged, or whose acknowledged
 * write was a delete, must not be readable).
 */
import type { CtrDrbg } from '../../drbg/ctr-drbg.ts';
import type { AccessContext } from '../../devices/access.ts';
import { bool, num } from '../../params/get.ts';
import type { ParamValues } from '../../params/spec.ts';
import type { Pflash } from '../../devices/pflash.ts';
import type { SmiController } from '../../devices/smi.ts';
import type { Smram } from '../../devices/smram.ts';
import type { MetricsCollector } from '../../metrics/collector.ts';
import type { Proc, Sim } from '../../sim/sim.ts';
import type { TapRegistry } from '../../taps/tap.ts';
import { KeyProvenance } from '../key-provenance.ts';
import type { PrivilegedSource } from '../privileged-source.ts';
import { EntropyPolicy, type Acquired } from './entropy-policy.ts';
import { ftwRestart, ftwWrite } from './ftw.ts';
import { KeyMaterial } from './key-material.ts';
import {
  AAD_FIXED,
  ADDED_BYTE,
  ATTR_ACCESS,
  ATTR_APPEND_WRITE,
  ATTR_NV_BS_RT,
  ATTR_TIME_BASED_AUTH,
  HEADER,
  HEADER_VALID_BYTE,
  KEY_BYTES,
  NONCE_BYTES,
  UTF8,
  VAR_ADDED,
  VAR_DELETED,
  VAR_IN_DELETED_TRANSITION,
  liveRecords,
  openRecord,
  parseRecord,
  parseRecords,
  recordSize,
  recordSizeOf,
  sealRecord,
  type ParsedRecord,
} from './record.ts';
import type { SetVariableResult, VariableStatus } from './status.ts';

const ZERO_KEY = new Uint8Array(KEY_BYTES);

interface RecordRef {
  offset: number;
  slot: number;
  /** The name's UTF-8 bytes (encoded once per variable). */
  readonly nameBytes: Uint8Array;
  /**
   * AAD scratch for this variable (its length depends only on the name; the content is
   * rebuilt for every write, see `sealRecord`).
   */
  readonly aad: Uint8Array;
  /**
   * Offset of a stale copy still in delete transition next to this VAR_ADDED record (a cut
   * before an update's last mark; recover() finds it), or −1. edk2 UpdateVariable marks such a
   * copy (InDeletedTransitionPtr) VAR_DELETED first on the next update or delete: left alone,
   * it would be live again once this record is deleted.
   */
  stale: number;
}

/** A value in the ledger: data and stored attributes; data null is "absent" (a delete's intended result). */
export interface LedgerValue {
  data: Uint8Array | null;
  attributes: number;
}

/** One name's ledger entry: what was last attempted and what was last acknowledged (success returned). */
export interface LedgerEntry {
  attempts: number;
  attempted: LedgerValue;
  acked: LedgerValue | null;
}

/**
 * UEFI 2.10 §8.2 SetVariable / edk2 UpdateVariable: DataSize 0 without EFI_VARIABLE_APPEND_WRITE,
 * or Attributes without BOOTSERVICE_ACCESS and RUNTIME_ACCESS, deletes the variable.
 */
export function isDeleteRequest(attributes: number, dataSize: number): boolean {
  return ((attributes & ATTR_APPEND_WRITE) === 0 && dataSize === 0) || (attributes & ATTR_ACCESS) === 0;
}

const NO_DATA = new Uint8Array(0);

/** a ‖ b as a plain Uint8Array (the ledger compares values structurally). */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export class SmmVariableDriver {
  /** DRBG instantiated (from the privileged source). */
  seeded = false;
  writesSinceReseed = 0;
  /** Every name ever attempted: last attempted and last acknowledged value (the ledger verifyAll checks against). */
  readonly ledger = new Map<string, LedgerEntry>();
  readonly index = new Map<string, RecordRef>();
  /** Epochs, the epoch of every write, and the driver's source-health actions. */
  readonly provenance = new KeyProvenance();
  /** True while a reclaim's fault-tolerant write is in progress (a power cut can tell where it hit). */
  reclaiming = false;
  /** Reclaims done (store compactions through the FTW protocol). */
  reclaims = 0;
  /** The epoch whose DRBG state keys the next write (−1 before instantiate). */
  private epoch = -1;
  private writePtr = 0;
  private freeSlots: number[] = [];
  private readonly p: ParamValues;
  // Hot-path parameters, read once (they are fixed for the run).
  private readonly handlerNs: number;
  private readonly authVerifyNs: number;
  private readonly cryptNsPerByte: number;
  private readonly reseedInterval: number;
  /** The cost of programming one state byte (VALID / DELETED). */
  private readonly stateByteCost: number;
  /** Where the seed comes from and what happens when the source cannot deliver. */
  private readonly entropy: EntropyPolicy;
  /** The DRBG and the key ‖ nonce of every write. */
  private readonly keys = new KeyMaterial();
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
    fallback: PrivilegedSource | null,
    private readonly metrics: MetricsCollector,
    taps: TapRegistry,
    private readonly isRuntime: () => boolean,
  ) {
    this.p = params;
    this.entropy = new EntropyPolicy(sim, params, source, fallback, this.provenance, metrics, taps);
    this.handlerNs = num(params, 'handler-ns');
    this.authVerifyNs = num(params, 'auth-verify-ns');
    this.cryptNsPerByte = num(params, 'crypt-ns-per-byte');
    this.reseedInterval = num(params, 'reseed-interval');
    this.stateByteCost = pflash.programCost(1);
  }

  /** The SMM CTR_DRBG (./key-material.ts owns it). */
  get drbg(): CtrDrbg {
    return this.keys.drbg;
  }

  /** SP 800-90B §4.3: an alarm fails the source until a start-up test passes. */
  get sourceFailed(): boolean {
    return this.entropy.sourceFailed;
  }

  // ---------------------------------------------------------------- seeding

  /** Instantiates or reseeds the DRBG as due; returns a failure status or null. */
  private *ensureSeeded(smm: AccessContext): Proc<{ fail: VariableStatus | null }> {
    if (!this.seeded) {
      const seedBytes = num(this.p, 'seed-bytes');
      const got = yield* this.entropy.acquire(smm, seedBytes + num(this.p, 'nonce-bytes'));
      if ('fail' in got) return { fail: got.fail };
      this.keys.instantiate(got.bytes.subarray(0, seedBytes), got.bytes.subarray(seedBytes));
      this.newEpoch('instantiate', got);
      this.seeded = true;
      this.writesSinceReseed = 0;
      return { fail: null };
    }
    if (this.writesSinceReseed >= this.reseedInterval) {
      const got = yield* this.entropy.acquire(smm, num(this.p, 'seed-bytes'));
      if ('fail' in got) return { fail: got.fail };
      this.keys.reseed(got.bytes);
      this.newEpoch('reseed', got);
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

  /**
   * SetVariable(name, data) from guest code: an SMI, then the SMM handler. `attributes` is the
   * caller's Attributes (EFI_VARIABLE_APPEND_WRITE included); without it NV | BS | RT, plus
   * TIME_BASED_AUTHENTICATED_WRITE_ACCESS when `authenticated`.
   */
  *setVariable(ctx: AccessContext, name: string, data: Uint8Array, opts: { authenticated?: boolean; attributes?: number } = {}): Proc<SetVariableResult> {
    const t0 = this.sim.now;
    const attributes = opts.attributes ?? ATTR_NV_BS_RT | (opts.authenticated === true ? ATTR_TIME_BASED_AUTH : 0);
    const auth = (attributes & ATTR_TIME_BASED_AUTH) !== 0;
    const nameBytes = this.index.get(name)?.nameBytes ?? UTF8.encode(name);
    // The handler's fixed work (and a time-based authenticated variable's PKCS#7 check, which
    // an authenticated delete needs too) is charged with the SMI entry; a name the handler
    // rejects at once costs nothing extra.
    const valid = nameBytes.length > 0 && nameBytes.length <= 255;
    const leadNs = valid ? (auth ? this.handlerNs + this.authVerifyNs : this.handlerNs) : 0;
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

  /**
   * Ledger: an attempted write and the value it means to leave (its own copy of the data: the
   * caller may reuse its buffer). A delete means "absent"; an append, the acknowledged value
   * with the data after it (absent stays absent on an append of nothing); the stored
   * attributes never hold EFI_VARIABLE_APPEND_WRITE.
   */
  private noteAttempt(name: string, data: Uint8Array, attributes: number): LedgerEntry {
    const e = this.ledger.get(name);
    const stored = attributes & ~ATTR_APPEND_WRITE;
    let attempted: LedgerValue;
    if (isDeleteRequest(attributes, data.length)) attempted = { data: null, attributes: stored };
    else if ((attributes & ATTR_APPEND_WRITE) === 0) attempted = { data: data.slice(), attributes: stored };
    else {
      const base = e?.acked?.data ?? null;
      attempted = base === null && data.length === 0 ? { data: null, attributes: stored } : { data: concat(base ?? NO_DATA, data), attributes: stored };
    }
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
   * The SetVariable SMM handler. Its fixed work (`handler-ns`, plus `auth-verify-ns` for a
   * time-based authenticated variable, checked before anything else) has already been
   * charged by `setVariable` as the SMI's lead time.
   */
  private *handleSet(smm: AccessContext, name: string, nameBytes: Uint8Array, data: Uint8Array, requested: number): Proc<{ status: VariableStatus; degraded: boolean }> {
    if (nameBytes.length === 0 || nameBytes.length > 255) return { status: 'security-violation', degraded: false };
    // Looked up inside SMM: another SetVariable may have run (or reclaimed) since the call.
    const old = this.index.get(name);
    // edk2 UpdateVariable: a delete request marks the live record deleted (no key, no
    // entropy needed); there being none is EFI_NOT_FOUND.
    if (isDeleteRequest(requested, data.length)) {
      if (old === undefined) return { status: 'not-found', degraded: false };
      yield* this.deleteVariable(smm, name, old);
      return { status: 'success', degraded: false };
    }
    const append = (requested & ATTR_APPEND_WRITE) !== 0;
    // An append of nothing leaves the variable as it is (or absent): EFI_SUCCESS. (edk2 rewrites
    // an existing one with the same data; nothing a caller can read changes, so the model skips it.)
    if (append && data.length === 0) return { status: 'success', degraded: false };
    const attributes = requested & ~ATTR_APPEND_WRITE;
    if (append && old !== undefined) {
      // EFI_VARIABLE_APPEND_WRITE: the new record holds the old data with this data after it.
      const rec = parseRecord((offset, length) => this.pflash.read(smm, old.offset + offset, length), this.pflash.size - old.offset);
      const prev = rec === undefined ? null : this.decrypt(smm, rec);
      if (prev === null) return { status: 'security-violation', degraded: false };
      yield this.cryptNsPerByte * prev.length;
      data = concat(prev, data);
    }
    if (!this.seeded || this.writesSinceReseed >= this.reseedInterval) {
      const seeded = yield* this.ensureSeeded(smm);
      if (seeded.fail !== null) return { status: seeded.fail, degraded: false };
    }
    // Keyed from the unsafe fallback: whatever epoch the key comes from was seeded by it.
    const degraded = this.provenance.epochs[this.epoch]!.flaws.includes('unsafe-source');
    // A fresh key and nonce per write, from the SMM DRBG (./key-material.ts).
    const key = this.keyScratch;
    const nonce = this.nonceScratch;
    this.keys.take(this.reseedInterval - this.writesSinceReseed, key, nonce);
    this.writesSinceReseed++;
    {
      const nameLen = nameBytes.length;
      const size = recordSize(nameLen, data.length);
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
      const aad = old !== undefined ? old.aad : new Uint8Array(AAD_FIXED + nameLen);
      sealRecord(record, { nameBytes, data, attributes, slot, key, nonce, aad });
      // The write takes its time first (crypto in SMM + flash programming: record, two state
      // bytes, the old record's two); the flash changes land at the end, all at once, so a run
      // that stops mid-write leaves the previous value live and the ledger consistent.
      // (The SMI's RSM is folded into this last wait: the commit below lands as RSM completes.)
      const oldMarks = old === undefined ? 0 : old.stale < 0 ? 2 : 3;
      yield this.cryptNsPerByte * (data.length + aad.length) + this.pflash.programCost(size) + this.stateByteCost * (2 + oldMarks) + this.smi.foldRsm();
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
        // edk2: a stale copy in delete transition is marked deleted first, then the old record.
        this.dropStale(smm, old);
        this.setState(smm, old.offset, VAR_DELETED);
        this.smram.write(smm, old.slot, ZERO_KEY); // zeroise the old key
        this.freeSlots.push(old.slot);
        old.offset = at;
        old.slot = slot;
      } else {
        this.index.set(name, { offset: at, slot, nameBytes, aad, stale: -1 });
      }
      this.provenance.noteWrite(this.epoch);
      return { status: 'success', degraded };
    }
  }

  /**
   * The delete (edk2 UpdateVariable, delete branch): a stale copy in delete transition → VAR_DELETED,
   * then the live record → VAR_DELETED (one state byte each: a cut leaves the old value or
   * nothing, never another); then its key is zeroised and the name leaves the index.
   */
  private *deleteVariable(smm: AccessContext, name: string, ref: RecordRef): Proc<void> {
    yield this.stateByteCost * (ref.stale < 0 ? 1 : 2) + this.smi.foldRsm();
    this.dropStale(smm, ref);
    this.setState(smm, ref.offset, VAR_DELETED);
    this.smram.write(smm, ref.slot, ZERO_KEY);
    this.freeSlots.push(ref.slot);
    this.index.delete(name);
  }

  /** Marks `ref`'s stale copy in delete transition (if any) VAR_DELETED. */
  private dropStale(smm: AccessContext, ref: RecordRef): void {
    if (ref.stale < 0) return;
    this.setState(smm, ref.stale, VAR_DELETED);
    ref.stale = -1;
  }

  /** Clears the bits of `mask` in the state byte of the record at `offset` (NOR: AND). */
  private setState(smm: AccessContext, offset: number, mask: number): void {
    const cur = this.pflash.read(smm, offset + 2, 1)[0]!;
    this.stateScratch[0] = cur & mask;
    this.pflash.programNow(smm, offset + 2, this.stateScratch);
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
      return { ref, bytes: this.pflash.read(smm, ref.offset, recordSizeOf(hdr)) };
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
    this.reclaiming = true;
    const cost = ftwWrite(this.pflash, smm, image, this.stateScratch);
    if (cost < 0) return false;
    this.reclaiming = false;
    at = 0;
    for (const img of images) {
      img.ref.offset = at;
      img.ref.stale = -1; // reclaim keeps only the live records: a stale copy is gone
      at += img.bytes.length;
    }
    this.writePtr = total;
    this.reclaims++;
    yield cost;
    return true;
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
    const ftwCost = ftwRestart(f, smm, this.stateScratch);
    const ftwRedone = ftwCost !== null;
    if (ftwCost !== null) yield ftwCost;
    const records = this.scan();
    this.index.clear();
    this.freeSlots = [];
    const live = liveRecords(records);
    for (const rec of live.values()) {
      this.smram.reserveBelow(rec.slot + KEY_BYTES); // its key slot stays taken
      const nameBytes = UTF8.encode(rec.name);
      this.index.set(rec.name, { offset: rec.offset, slot: rec.slot, nameBytes, aad: new Uint8Array(AAD_FIXED + nameBytes.length), stale: -1 });
    }
    // edk2 FindVariableEx keeps an IN_DELETED_TRANSITION copy next to the VAR_ADDED one
    // (InDeletedTransitionPtr): the next update or delete of the name marks it deleted.
    for (const rec of records) {
      const ref = this.index.get(rec.name);
      if (rec.state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION) && ref !== undefined && ref.offset !== rec.offset) ref.stale = rec.offset;
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

  /** Parses every record in the flash (fresh read-back; no cached state). */
  scan(): ParsedRecord[] {
    const ctx: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm-variable' };
    return parseRecords((offset, length) => this.pflash.read(ctx, offset, length), this.pflash.size);
  }

  /** Authenticates and decrypts one record with its key from SMRAM; null if it does not verify. */
  private decrypt(smm: AccessContext, rec: ParsedRecord): Uint8Array | null {
    return openRecord(this.smram.read(smm, rec.slot, KEY_BYTES), rec);
  }

  private latestValid(name: string): ParsedRecord | undefined {
    return liveRecords(this.scan()).get(name);
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
   * acknowledged, or whose last acknowledged write was a delete, must read as not found.
   * Fills metrics.variables.
   */
  verifyAll(): { checked: number; ok: number; lost: number; lostNames: string[] } {
    const smm: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm-variable' };
    const live = liveRecords(this.scan());
    let ok = 0;
    const lostNames: string[] = [];
    for (const [name, entry] of this.ledger) {
      const rec = live.get(name);
      const want = entry.acked;
      let good: boolean;
      // Never acknowledged, or an acknowledged delete: the name must be absent.
      if (want === null || want.data === null) good = rec === undefined;
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
    this.entropy.finalize();
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

