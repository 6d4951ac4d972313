/**
 * Power-loss fault injection for the SMM variable store ("nothing lost" that can fail): a
 * seeded workload of SetVariable calls on a small store (so reclaims happen often) is cut at
 * a seeded point of its pflash program/erase sequence (src/devices/pflash.ts `armPowerCut`),
 * the platform reboots on the flash as the cut left it (and the SMRAM key store, see
 * ./smm-variable/), the driver recovers (`recover()`: FTW restart, edk2 store init) and
 * every name is read back. Per cut:
 *  - every acknowledged write must read back exactly (data and attributes), unless the write
 *    in flight at the cut replaced it completely;
 *  - the write in flight (unacknowledged) is either fully visible or not at all: never a
 *    record that fails to verify or holds other data ("half-visible");
 *  - a delete (SetVariable with DataSize 0, UEFI 2.10 §8.2) is a write whose value is
 *    "absent": acknowledged, the name must read as not found; cut mid-way, the name reads as
 *    its old value or not at all;
 *  - the store stays readable: recovery completes, every live record verifies, and a new
 *    write after recovery succeeds and reads back.
 */
import type { AccessContext } from '../devices/access.ts';
import { resolveParamTable, type ParamValues } from '../params/spec.ts';
import { Pflash, PFLASH_PARAMS, PowerLoss } from '../devices/pflash.ts';
import { SMI_PARAMS, SmiController } from '../devices/smi.ts';
import { Smram, SMRAM_PARAMS } from '../devices/smram.ts';
import { MetricsCollector } from '../metrics/collector.ts';
import { Prng } from '../sim/prng.ts';
import { Sim, type Proc } from '../sim/sim.ts';
import { Vcpus } from '../sim/vcpus.ts';
import { TapRegistry } from '../taps/tap.ts';
import type { PrivilegedSource, SourceResult } from './privileged-source.ts';
import { SMM_VARIABLE_PARAMS, SmmVariableDriver, type LedgerEntry, type LedgerValue } from './smm-variable/index.ts';

export interface PowerCutOptions {
  seed: number;
  /** Seeded cut points (each a full replay of the workload up to its cut). */
  cuts: number;
  /** SetVariable calls in the workload. */
  writes: number;
  /** Distinct variable names, written round-robin. */
  variables: number;
  /** Variable store size (small: reclaims are frequent). */
  storeBytes: number;
  /** Erase block size. */
  blockBytes: number;
  /** Data sizes are drawn from 1…maxDataBytes. */
  maxDataBytes: number;
  /** Every deleteEvery-th call is a delete (DataSize 0) of its name instead of a write; 0: none. */
  deleteEvery?: number;
  /**
   * The platform's pflash and SMM variable driver parameters (e.g. a design's resolved
   * tables): the campaign runs on them, except what it sets itself: the store and block size
   * above (small, so reclaims are frequent), no firmware boot writes, and no driver health
   * tests (its source is seeded bytes: the campaign tests the store, not the entropy).
   */
  pflash?: ParamValues;
  smmVariable?: ParamValues;
}

export const DEFAULT_POWER_CUT: PowerCutOptions = { seed: 1, cuts: 1000, writes: 60, variables: 6, storeBytes: 4096, blockBytes: 512, maxDataBytes: 200 };

export interface PowerCutResult {
  cuts: number;
  /** Flash operations (byte programs + block erases) of the uncut workload. */
  sequenceOps: number;
  /** Reclaims in the uncut workload, and cuts that hit a reclaim's fault-tolerant write. */
  reclaims: number;
  cutsInReclaim: number;
  /** Recoveries that finished an FTW from the spare, and that reclaimed a store left dirty. */
  ftwRedone: number;
  recoveryReclaims: number;
  /** Acknowledged values checked after reboots, and those that did not read back exactly. */
  ackedChecked: number;
  ackedLost: number;
  /** Cuts whose in-flight write was visible after the reboot (complete, as allowed). */
  pendingVisible: number;
  /** Records that exist but fail to verify or hold neither the acknowledged nor the in-flight value. */
  halfVisible: number;
  /** Cuts after which the store could not be recovered, read or written. */
  unreadable: number;
}

const SMM: AccessContext = { privilege: 'smm', cpu: 0, actor: 'power-cut' };
const OS: AccessContext = { privilege: 'os', cpu: 1, actor: 'power-cut' };

/** A privileged source of seeded bytes (the campaign tests the flash, not the entropy). */
class SeededSource implements PrivilegedSource {
  readonly name = 'seeded';
  readonly unsafe = false;
  constructor(private readonly rng: Prng) {}
  *getEntropy(_ctx: AccessContext, n: number): Proc<SourceResult> {
    yield 1000;
    return { status: 'ok', bytes: this.rng.bytes(n), alarm: false };
  }
}

interface Machine {
  sim: Sim;
  pflash: Pflash;
  smram: Smram;
  driver: SmmVariableDriver;
}

/** What a cut leaves: the driver that was writing (its ledger), the flash and the SMRAM key store. */
export type CutPlatform = Pick<Machine, 'pflash' | 'smram' | 'driver'>;

/** One platform boot: a driver on `flash` (fresh, or the bytes a cut left) and `smram`. */
function boot(o: PowerCutOptions, rng: Prng, smram: Smram | null, flash: Uint8Array | null): Machine {
  const sim = new Sim();
  const vcpus = new Vcpus(sim, 2);
  const metrics = new MetricsCollector();
  const pflash = new Pflash(resolveParamTable('pflash', PFLASH_PARAMS, { ...o.pflash, 'size-bytes': o.storeBytes, 'block-bytes': o.blockBytes }), vcpus, metrics);
  if (flash !== null) pflash.bytes.set(flash);
  const ram = smram ?? new Smram(resolveParamTable('smram', SMRAM_PARAMS, undefined), metrics);
  const smi = new SmiController(sim, resolveParamTable('smi', SMI_PARAMS, undefined), vcpus, metrics);
  const params = resolveParamTable('smm-variable', SMM_VARIABLE_PARAMS, { ...o.smmVariable, 'boot-variable-writes': 0, 'health-tests': false });
  const driver = new SmmVariableDriver(sim, params, smi, ram, pflash, new SeededSource(rng), null, metrics, new TapRegistry(0), () => true);
  return { sim, pflash, smram: ram, driver };
}

function run<T>(sim: Sim, gen: Proc<T>): T {
  const p = sim.spawn('power-cut', gen);
  sim.run();
  if (!p.triggered) throw new Error('power-cut: process did not finish');
  return p.value as T;
}

/**
 * The workload: names round-robin, seeded sizes and contents, every other write authenticated,
 * and with `deleteEvery` every deleteEvery-th call a delete (empty data; the others stay as
 * they would be without deletes).
 */
export function powerCutWorkload(o: PowerCutOptions): Array<{ name: string; data: Uint8Array; authenticated: boolean }> {
  const rng = new Prng(o.seed).fork('power-cut/workload');
  return Array.from({ length: o.writes }, (_, i) => {
    const data = rng.bytes(1 + Math.floor(rng.next() * o.maxDataBytes));
    return { name: `Var${i % o.variables}`, data: isDeleteCall(o, i) ? new Uint8Array(0) : data, authenticated: i % 2 === 1 };
  });
}

/** Whether call i (from 0) of the workload is a delete: every deleteEvery-th call, none for 0. */
function isDeleteCall(o: PowerCutOptions, i: number): boolean {
  const every = o.deleteEvery ?? 0;
  return every > 0 && (i + 1) % every === 0;
}

/** How many of the workload's calls are deletes. */
export function workloadDeletes(o: PowerCutOptions): number {
  let deletes = 0;
  for (let i = 0; i < o.writes; i++) if (isDeleteCall(o, i)) deletes++;
  return deletes;
}

/** Whether a read-back is exactly a ledger value (an "absent" value is never read back). */
function same(a: { data: Uint8Array | null; attributes: number }, b: LedgerValue): boolean {
  return a.data !== null && b.data !== null && a.attributes === b.attributes && Buffer.compare(a.data, b.data) === 0;
}

export function runPowerCuts(opts: Partial<PowerCutOptions> = {}): PowerCutResult {
  const o = { ...DEFAULT_POWER_CUT, ...opts };
  const writes = powerCutWorkload(o);
  // The uncut run: how long the flash sequence is and how many reclaims it holds.
  const dry = boot(o, new Prng(o.seed).fork('power-cut/source'), null, null);
  for (const w of writes) {
    const r = run(dry.sim, dry.driver.setVariable(OS, w.name, w.data, { authenticated: w.authenticated }));
    // A delete of a name already deleted is EFI_NOT_FOUND (edk2 UpdateVariable): not a failure.
    if (r.status !== 'success' && !(w.data.length === 0 && r.status === 'not-found')) throw new Error(`power-cut: uncut workload failed (${r.status})`);
  }
  const reclaims = dry.driver.reclaims;
  const sequenceOps = dry.pflash.flashOps;
  const cutRng = new Prng(o.seed).fork('power-cut/cuts');
  const res: PowerCutResult = {
    cuts: o.cuts, sequenceOps, reclaims, cutsInReclaim: 0, ftwRedone: 0, recoveryReclaims: 0,
    ackedChecked: 0, ackedLost: 0, pendingVisible: 0, halfVisible: 0, unreadable: 0,
  };
  for (let k = 0; k < o.cuts; k++) {
    const cutAt = Math.floor(cutRng.next() * sequenceOps);
    const m = boot(o, new Prng(o.seed).fork('power-cut/source'), null, null);
    m.pflash.armPowerCut(cutAt, cutRng.next());
    let cut = false;
    try {
      for (const w of writes) run(m.sim, m.driver.setVariable(OS, w.name, w.data, { authenticated: w.authenticated }));
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      cut = true;
    }
    if (!cut) throw new Error(`power-cut: cut at op ${cutAt} of ${sequenceOps} never happened`);
    if (m.driver.reclaiming) res.cutsInReclaim++;
    checkAfterReboot(o, m, res);
  }
  return res;
}

/**
 * Reboots on what the cut left and checks the ledger of the cut run against the recovered store,
 * adding to `res`'s counts (ftwRedone, recoveryReclaims, ackedChecked, ackedLost, pendingVisible,
 * halfVisible, unreadable). `o` gives the store and block size the reboot's flash has.
 */
export function checkAfterReboot(o: PowerCutOptions, cut: CutPlatform, res: PowerCutResult): void {
  const ledger: Map<string, LedgerEntry> = cut.driver.ledger;
  const m = boot(o, new Prng(o.seed).fork('power-cut/reboot'), cut.smram, cut.pflash.bytes);
  try {
    const r = run(m.sim, m.driver.recover(SMM));
    if (r.ftwRedone) res.ftwRedone++;
    if (r.reclaimed) res.recoveryReclaims++;
    let pendingSeen = false;
    for (const [name, e] of ledger) {
      const got = m.driver.readRecord(name);
      const pending = e.attempted !== e.acked ? e.attempted : null;
      if (e.acked !== null) res.ackedChecked++;
      if (got === undefined) {
        // Absent is right when nothing was acknowledged or the last acknowledged write was a
        // delete, and allowed when a delete was in flight (it completed); else the value is lost.
        if (e.acked === null || e.acked.data === null) continue;
        if (pending !== null && pending.data === null) pendingSeen = true;
        else res.ackedLost++;
        continue;
      }
      if (pending !== null && same(got, pending)) {
        pendingSeen = true;
        continue;
      }
      if (e.acked !== null && same(got, e.acked)) continue;
      res.halfVisible++;
      if (e.acked !== null) res.ackedLost++;
    }
    if (pendingSeen) res.pendingVisible++;
    // Still a working store: a new write succeeds and everything live verifies.
    const probe = new Uint8Array([0x50, 0x43, o.cuts & 0xff]);
    const w = run(m.sim, m.driver.setVariable(OS, 'AfterReboot', probe));
    const back = m.driver.readRecord('AfterReboot');
    const liveOk = [...ledger.keys()].every((n) => m.driver.readRecord(n)?.data !== null);
    if (w.status !== 'success' || back === undefined || back.data === null || Buffer.compare(back.data, probe) !== 0 || !liveOk) res.unreadable++;
  } catch (e) {
    if (e instanceof PowerLoss) throw e;
    res.unreadable++;
  }
}
