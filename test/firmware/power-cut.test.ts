/**
 * Crash consistency of the SMM variable store under power loss (edk2 variable-state protocol
 * and FTW reclaim): 1000 seeded cuts, and the recovery rules one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POWER_CUT, checkAfterReboot, powerCutWorkload, runPowerCuts, workloadDeletes, type PowerCutResult } from '../../src/firmware/power-cut.ts';
import { PowerLoss } from '../../src/devices/pflash.ts';
import { InputError } from '../../src/errors.ts';
import { SmmVariableDriver, VAR_ADDED, VAR_IN_DELETED_TRANSITION } from '../../src/firmware/smm-variable/index.ts';
import { ATTR_APPEND_WRITE, ATTR_NV_BS_RT, ATTR_TIME_BASED_AUTH, HEADER, VAR_DELETED } from '../../src/firmware/smm-variable/record.ts';
import { ftwRestart, ftwWrite } from '../../src/firmware/smm-variable/ftw.ts';
import { OS, variableBench } from './fixture.ts';

const enc = (s: string) => new TextEncoder().encode(s);

test('1000 seeded power cuts during SetVariable and reclaim: acknowledged writes read back exactly, nothing half-visible, the store always recovers', () => {
  const r = runPowerCuts({ seed: 1, cuts: 1000 });
  assert.equal(r.cuts, 1000);
  // The campaign really exercised what it claims to: reclaims, cuts inside them, FTW restarts, dirty stores.
  assert.ok(r.reclaims >= 2, `reclaims ${r.reclaims}`);
  assert.ok(r.cutsInReclaim >= 100, `cuts in reclaim ${r.cutsInReclaim}`);
  assert.ok(r.ftwRedone > 0 && r.recoveryReclaims > 0, JSON.stringify(r));
  // An FTW is redone only after a cut inside a reclaim, and most cuts miss the reclaims.
  assert.ok(r.ftwRedone <= r.cutsInReclaim && r.cutsInReclaim < r.cuts, JSON.stringify(r));
  // Some in-flight writes were complete when the power went (visible, as allowed), most were not.
  assert.ok(r.pendingVisible > 0 && r.pendingVisible < r.cuts, `in-flight writes visible ${r.pendingVisible}`);
  assert.ok(r.ackedChecked >= 1000, `acknowledged values checked ${r.ackedChecked}`);
  assert.deepEqual({ lost: r.ackedLost, half: r.halfVisible, unreadable: r.unreadable }, { lost: 0, half: 0, unreadable: 0 }, JSON.stringify(r));
});

/** The bench's flash and SMRAM after a cut, recovered by a fresh driver (a reboot). */
function reboot(b: ReturnType<typeof variableBench>) {
  const fresh = variableBench();
  fresh.pflash.bytes.set(b.pflash.bytes);
  // The key store survives (sealed storage in the model): copy the keys the records use.
  for (const rec of b.driver.scan().filter((x) => x.state === VAR_ADDED || x.state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION))) fresh.smram.write({ ...OS, privilege: 'smm' }, rec.slot, b.smram.read({ ...OS, privilege: 'smm' }, rec.slot, 32));
  const r = fresh.run(fresh.driver.recover(OS));
  return { fresh, r };
}

test('a cut right after the old record entered delete transition: that record is still the value (edk2: live without a VAR_ADDED copy)', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('old'))).status, 'success');
  b.pflash.armPowerCut(1); // the transition mark lands; the new header does not
  assert.throws(() => b.run(b.driver.setVariable(OS, 'V', enc('new'))), PowerLoss);
  assert.deepEqual(b.driver.scan().map((x) => x.state), [VAR_ADDED & VAR_IN_DELETED_TRANSITION]);
  const { fresh, r } = reboot(b);
  assert.deepEqual(r, { ftwRedone: false, reclaimed: false, live: 1 });
  assert.deepEqual(fresh.driver.readBack('V'), enc('old'));
  // The next write completes the protocol normally.
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', enc('newer'))).status, 'success');
  assert.deepEqual(fresh.driver.readBack('V'), enc('newer'));
});

test('a cut inside a new header leaves non-erased bytes after the last record: recovery reclaims, the old values stay', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.setVariable(OS, 'A', enc('alpha'))).status, 'success');
  b.pflash.armPowerCut(5); // magic, state, name length and one length byte of B land: its dataLen reads ≈ 2^32
  assert.throws(() => b.run(b.driver.setVariable(OS, 'B', enc('beta'))), PowerLoss);
  const { fresh, r } = reboot(b);
  assert.deepEqual(r, { ftwRedone: false, reclaimed: true, live: 1 });
  assert.deepEqual(fresh.driver.readBack('A'), enc('alpha'));
  assert.equal(fresh.driver.readBack('B'), null);
});

test('the workload: names round-robin, sizes 1…maxDataBytes, every other write authenticated', () => {
  const o = { ...DEFAULT_POWER_CUT, writes: 9, variables: 4, maxDataBytes: 5 };
  const w = powerCutWorkload(o);
  assert.deepEqual(w.map((x) => x.name), ['Var0', 'Var1', 'Var2', 'Var3', 'Var0', 'Var1', 'Var2', 'Var3', 'Var0']);
  assert.deepEqual(w.map((x) => x.authenticated), [false, true, false, true, false, true, false, true, false]);
  assert.ok(w.every((x) => x.data.length >= 1 && x.data.length <= 5), JSON.stringify(w.map((x) => x.data.length)));
  assert.deepEqual(powerCutWorkload(o), w, 'seeded');
});

test('no cuts: only the uncut run is measured, nothing is checked', () => {
  const r = runPowerCuts({ seed: 1, cuts: 0 });
  assert.ok(r.sequenceOps > 0 && r.reclaims >= 2, JSON.stringify(r));
  assert.deepEqual(
    [r.cuts, r.cutsInReclaim, r.ftwRedone, r.recoveryReclaims, r.ackedChecked, r.ackedLost, r.pendingVisible, r.halfVisible, r.unreadable],
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
  );
});

test('a workload the store cannot hold is refused, not reported as a campaign', () => {
  assert.throws(() => runPowerCuts({ seed: 1, cuts: 1, writes: 1, maxDataBytes: 100_000 }), { message: 'power-cut: uncut workload failed (out-of-resources)' });
});

test("the campaign runs on the given pflash and SMM variable tables: an invalid value is refused naming component.param", () => {
  assert.throws(() => runPowerCuts({ cuts: 0, pflash: { 'mmio-exit-ns': -1 } }), (e: unknown) => e instanceof InputError && /^pflash\.mmio-exit-ns: -1 is below the minimum 0/.test(e.message));
  assert.throws(() => runPowerCuts({ cuts: 0, smmVariable: { 'handler-ns': -1 } }), (e: unknown) => e instanceof InputError && /^smm-variable\.handler-ns: -1 is below the minimum 0/.test(e.message));
});

// The reboot check itself (checkAfterReboot), on stores left as a cut — or a broken driver — would
// leave them: each rule must be able to fail.
const SMALL = { pflash: { 'size-bytes': 4096, 'block-bytes': 512 } };
const O = { ...DEFAULT_POWER_CUT, storeBytes: 4096, blockBytes: 512 };
const counts = (): PowerCutResult => ({
  cuts: 0, sequenceOps: 0, reclaims: 0, cutsInReclaim: 0, ftwRedone: 0, recoveryReclaims: 0,
  ackedChecked: 0, ackedLost: 0, pendingVisible: 0, halfVisible: 0, unreadable: 0,
});
function checked(b: ReturnType<typeof variableBench>) {
  const res = counts();
  checkAfterReboot(O, b, res);
  const { ftwRedone, recoveryReclaims, ackedChecked, ackedLost, pendingVisible, halfVisible, unreadable } = res;
  return { ftwRedone, recoveryReclaims, ackedChecked, ackedLost, pendingVisible, halfVisible, unreadable };
}
const CLEAN = { ftwRedone: 0, recoveryReclaims: 0, ackedChecked: 0, ackedLost: 0, pendingVisible: 0, halfVisible: 0, unreadable: 0 };
/** A bench with A and B acknowledged; its live records by name. */
function twoNames() {
  const b = variableBench(SMALL);
  assert.equal(b.run(b.driver.setVariable(OS, 'A', enc('alpha'))).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'B', enc('beta'))).status, 'success');
  const rec = (name: string) => b.driver.scan().find((x) => x.name === name && x.state === VAR_ADDED)!;
  return { b, rec };
}

/** A write: a name and its value's text. */
type Write = readonly [name: string, value: string];
/** The flash operations `second` costs after `first` was acknowledged, measured on a bench of its own. */
function opsOfSecond(first: Write, second: Write): number {
  const twin = variableBench(SMALL);
  twin.run(twin.driver.setVariable(OS, first[0], enc(first[1])));
  const before = twin.pflash.flashOps;
  twin.run(twin.driver.setVariable(OS, second[0], enc(second[1])));
  return twin.pflash.flashOps - before;
}
/** A bench where `first` was acknowledged and the power failed at flash operation `cutAt` of `second`. */
function cutDuringSecond(first: Write, second: Write, cutAt: number) {
  const b = variableBench(SMALL);
  assert.equal(b.run(b.driver.setVariable(OS, first[0], enc(first[1]))).status, 'success');
  b.pflash.armPowerCut(cutAt);
  assert.throws(() => b.run(b.driver.setVariable(OS, second[0], enc(second[1]))), PowerLoss);
  return b;
}

test('reboot check, nothing cut: every acknowledged value reads back, nothing in flight, no recovery work', () => {
  const { b } = twoNames();
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2 });
});

test('reboot check, a cut before the new value landed: the acknowledged old value is what counts; a name never acknowledged is not checked', () => {
  const b = cutDuringSecond(['V', 'old'], ['V', 'new'], 1);
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 1 });
  const h = cutDuringSecond(['A', 'alpha'], ['B', 'beta'], 5);
  assert.deepEqual(checked(h), { ...CLEAN, recoveryReclaims: 1, ackedChecked: 1 });
});

test('reboot check, a cut on the last mark of an overwrite: the new value is visible unacknowledged (allowed, counted)', () => {
  // The overwrite's flash operations, measured on a twin; the cut takes the last one (the old record's DELETED mark).
  const ops = opsOfSecond(['V', 'old'], ['V', 'new']);
  const b = cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1);
  assert.deepEqual(b.driver.scan().map((x) => x.state), [VAR_ADDED & VAR_IN_DELETED_TRANSITION, VAR_ADDED]);
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 1, pendingVisible: 1 });
});

test('reboot check, an acknowledged record gone (marked deleted, no newer copy): lost', () => {
  const { b, rec } = twoNames();
  b.pflash.bytes[rec('A').offset + 2] = VAR_DELETED & VAR_ADDED;
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, ackedLost: 1 });
});

test('reboot check, an acknowledged record that no longer verifies: half-visible, lost, and the store is not all readable', () => {
  const { b, rec } = twoNames();
  const a = rec('A');
  b.pflash.bytes[a.offset + HEADER + 1] ^= 0x01; // first ciphertext byte (after the 1-byte name)
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, ackedLost: 1, halfVisible: 1, unreadable: 1 });
});

test('reboot check, a record that verifies but holds other data, or other attributes, than were acknowledged: half-visible and lost', () => {
  // The ledger says what SetVariable acknowledged; here it differs from what the driver stored.
  for (const acked of [{ data: enc('alphA'), attributes: ATTR_NV_BS_RT }, { data: enc('alpha'), attributes: ATTR_NV_BS_RT | ATTR_TIME_BASED_AUTH }]) {
    const { b } = twoNames();
    assert.deepEqual(b.driver.readRecord('A'), { data: enc('alpha'), attributes: ATTR_NV_BS_RT });
    const e = b.driver.ledger.get('A')!;
    e.attempted = e.acked = acked; // nothing in flight
    assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, ackedLost: 1, halfVisible: 1 }, JSON.stringify(acked));
  }
});

test('reboot check, a name never acknowledged whose record verifies but holds neither the in-flight value: half-visible, not lost', () => {
  const { b } = twoNames();
  const e = b.driver.ledger.get('B')!;
  e.acked = null; // as if B's only write were still in flight, with other data
  e.attempted = { data: enc('betA'), attributes: ATTR_NV_BS_RT };
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 1, halfVisible: 1 });
});

test('reboot check, a first write cut on its VAR_ADDED mark: invisible; complete if the mark landed; half-visible (not lost) if it does not verify', () => {
  const ops = opsOfSecond(['A', 'alpha'], ['B', 'beta']);
  const cutB = () => {
    const b = cutDuringSecond(['A', 'alpha'], ['B', 'beta'], ops - 1);
    return { b, rec: b.driver.scan().find((x) => x.name === 'B')! };
  };
  const cut = cutB();
  assert.notEqual(cut.rec.state, VAR_ADDED);
  assert.deepEqual(checked(cut.b), { ...CLEAN, ackedChecked: 1 });
  const landed = cutB();
  landed.b.pflash.bytes[landed.rec.offset + 2] = VAR_ADDED;
  assert.deepEqual(checked(landed.b), { ...CLEAN, ackedChecked: 1, pendingVisible: 1 });
  const bad = cutB();
  bad.b.pflash.bytes[bad.rec.offset + 2] = VAR_ADDED;
  bad.b.pflash.bytes[bad.rec.offset + HEADER + 1] ^= 0x01;
  assert.deepEqual(checked(bad.b), { ...CLEAN, ackedChecked: 1, halfVisible: 1, unreadable: 1 });
});

test('reboot check, a store full of live records: the probe write after recovery fails, unreadable', () => {
  const b = variableBench(SMALL);
  // 27 records of 148 bytes and one of 100 fill the 4096-byte store exactly.
  for (let i = 0; i < 27; i++) assert.equal(b.run(b.driver.setVariable(OS, `F${i}`, new Uint8Array(100))).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'F27', new Uint8Array(53))).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'X', new Uint8Array(1))).status, 'out-of-resources');
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 28, unreadable: 1 });
});

test('reboot check, a store whose read throws (a live header naming a key slot outside TSEG): unreadable, the campaign goes on', () => {
  const { b, rec } = twoNames();
  b.pflash.bytes[rec('A').offset + 11] = 0x7f; // slot (header bytes 8–11, little-endian) ≥ 2^30
  assert.deepEqual(checked(b), { ...CLEAN, unreadable: 1 });
});

test('reboot check, a driver whose probe write reads back other (verified) bytes: unreadable', (t) => {
  const { b } = twoNames();
  // Fault injection: the rebooted driver's read of the probe returns other bytes than were written.
  const readRecord = SmmVariableDriver.prototype.readRecord;
  t.mock.method(SmmVariableDriver.prototype, 'readRecord', function (this: SmmVariableDriver, name: string) {
    const r = readRecord.call(this, name);
    return name === 'AfterReboot' && r?.data ? { ...r, data: r.data.map((x) => x ^ 1) } : r;
  });
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, unreadable: 1 });
  t.mock.restoreAll();
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2 });
});

// Each condition of the probe, alone: a rebooted driver that fails in just one way must read unreadable.
// (On a real store the ways come together: a refused write also leaves nothing to read back.)
test('reboot check, the probe fails in one way only: its write reports an error, its record is missing or has no data, a live record has no data', (t) => {
  const { b } = twoNames();
  const setVariable = SmmVariableDriver.prototype.setVariable;
  const readRecord = SmmVariableDriver.prototype.readRecord;
  // The write lands but reports an error.
  const set = t.mock.method(SmmVariableDriver.prototype, 'setVariable', function* (this: SmmVariableDriver, ...a: Parameters<SmmVariableDriver['setVariable']>) {
    const r = yield* setVariable.apply(this, a);
    return a[1] === 'AfterReboot' ? { ...r, status: 'device-error' as const } : r;
  });
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, unreadable: 1 });
  set.mock.restore();
  const cases: Array<[string, (name: string, r: ReturnType<SmmVariableDriver['readRecord']>) => ReturnType<SmmVariableDriver['readRecord']>]> = [
    ['the probe reads back as missing', (name, r) => (name === 'AfterReboot' ? undefined : r)],
    ['the probe reads back without data', (name, r) => (name === 'AfterReboot' && r ? { ...r, data: null } : r)],
    ['a live record reads back without data', (name, r) => (name === 'A' && r ? { ...r, data: null } : r)],
  ];
  for (const [what, fault] of cases) {
    const read = t.mock.method(SmmVariableDriver.prototype, 'readRecord', function (this: SmmVariableDriver, name: string) {
      return fault(name, readRecord.call(this, name));
    });
    assert.equal(checked(b).unreadable, 1, what);
    read.mock.restore();
  }
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2 });
});

test('workloadDeletes counts the calls isDeleteCall makes deletes: every n-th of the writes, none without deleteEvery', () => {
  const o = { ...DEFAULT_POWER_CUT, writes: 60 };
  assert.equal(workloadDeletes({ ...o, deleteEvery: 5 }), 12);
  assert.equal(workloadDeletes({ ...o, deleteEvery: 7 }), 8);
  assert.equal(workloadDeletes({ ...o, writes: 4, deleteEvery: 5 }), 0);
  assert.equal(workloadDeletes({ ...o, writes: 5, deleteEvery: 5 }), 1);
  assert.equal(workloadDeletes({ ...o, deleteEvery: 0 }), 0);
  assert.equal(workloadDeletes(o), 0);
  // The same count as the workload's empty writes.
  assert.equal(powerCutWorkload({ ...o, deleteEvery: 7 }).filter((w) => w.data.length === 0).length, 8);
});

// ---------------------------------------------------------------- deletes (UEFI 2.10 §8.2: DataSize 0)

test('300 seeded power cuts over a workload where every 4th call is a delete: acknowledged deletes stay deleted, a delete cut mid-way leaves the old value or nothing', () => {
  const r = runPowerCuts({ seed: 2, cuts: 300, deleteEvery: 4 });
  assert.ok(r.reclaims >= 1 && r.cutsInReclaim > 0, JSON.stringify(r));
  assert.ok(r.pendingVisible > 0 && r.ackedChecked >= 300, JSON.stringify(r));
  assert.deepEqual({ lost: r.ackedLost, half: r.halfVisible, unreadable: r.unreadable }, { lost: 0, half: 0, unreadable: 0 }, JSON.stringify(r));
  // The deletes cost flash operations of their own: the sequence differs from the same workload without them.
  assert.notEqual(runPowerCuts({ seed: 2, cuts: 0, deleteEvery: 4 }).sequenceOps, runPowerCuts({ seed: 2, cuts: 0 }).sequenceOps);
});

test('the workload with deleteEvery: every n-th call has no data, the others are those of the workload without deletes', () => {
  const o = { ...DEFAULT_POWER_CUT, writes: 9, variables: 4, maxDataBytes: 5 };
  const plain = powerCutWorkload(o);
  const w = powerCutWorkload({ ...o, deleteEvery: 3 });
  assert.deepEqual(w.map((x) => x.data.length === 0), [false, false, true, false, false, true, false, false, true]);
  assert.deepEqual(w.filter((_, i) => (i + 1) % 3 !== 0), plain.filter((_, i) => (i + 1) % 3 !== 0));
  assert.deepEqual(w.map((x) => x.name), plain.map((x) => x.name));
  assert.deepEqual(powerCutWorkload({ ...o, deleteEvery: 0 }), plain);
});

test('a delete of a name already deleted (EFI_NOT_FOUND) does not fail the uncut workload', () => {
  // 2 names, a delete every 2nd call: Var1 is deleted at every visit; the second time it is already gone.
  const r = runPowerCuts({ seed: 1, cuts: 0, writes: 6, variables: 2, deleteEvery: 2 });
  assert.ok(r.sequenceOps > 0);
});

test('reboot check, an acknowledged delete: absent after the reboot is right; the old value back is lost and half-visible', () => {
  const { b, rec } = twoNames();
  const a = rec('A');
  const key = b.smram.read({ ...OS, privilege: 'smm' }, a.slot, 32);
  assert.equal(b.run(b.driver.setVariable(OS, 'A', new Uint8Array(0))).status, 'success');
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2 });
  // A store that resurrects it: the mark undone and the key still there (the test copies it back).
  b.pflash.bytes[a.offset + 2] = VAR_ADDED;
  b.smram.write({ ...OS, privilege: 'smm' }, a.slot, key);
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, ackedLost: 1, halfVisible: 1 });
});

test('reboot check, a delete cut before its mark: the old value stays, nothing lost; a delete in flight that completed: visible (allowed)', () => {
  const b = cutDuringSecond(['V', 'old'], ['V', ''], 0);
  assert.deepEqual(b.driver.scan().map((x) => x.state), [VAR_ADDED]);
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 1 });
  // The delete landed but was not acknowledged (as if the power went before RSM).
  const { b: c } = twoNames();
  const e = c.driver.ledger.get('A')!;
  const acked = e.acked;
  assert.equal(c.run(c.driver.setVariable(OS, 'A', new Uint8Array(0))).status, 'success');
  e.acked = acked;
  assert.deepEqual(checked(c), { ...CLEAN, ackedChecked: 2, pendingVisible: 1 });
  // The same store with a write (not a delete) in flight: the acknowledged value is gone, lost.
  e.attempted = { data: enc('other'), attributes: ATTR_NV_BS_RT };
  assert.deepEqual(checked(c), { ...CLEAN, ackedChecked: 2, ackedLost: 1 });
});

test('a cut on the last mark of an overwrite leaves a stale copy in delete transition: the next delete marks it deleted first (edk2 InDeletedTransitionPtr), so the old value never comes back', () => {
  const ops = opsOfSecond(['V', 'old'], ['V', 'new']);
  const b = cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1);
  const { fresh } = reboot(b);
  assert.deepEqual(fresh.driver.readBack('V'), enc('new'));
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.deepEqual(fresh.driver.scan().map((x) => x.state), [VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED, VAR_ADDED & VAR_DELETED]);
  assert.equal(fresh.driver.readRecord('V'), undefined);
  assert.equal(reboot(fresh).fresh.driver.readRecord('V'), undefined);
  // Cut between the two marks of that delete: the stale copy is deleted, the VAR_ADDED one still holds the value.
  const c = cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1);
  const again = reboot(c).fresh;
  again.pflash.armPowerCut(1);
  assert.throws(() => again.run(again.driver.setVariable(OS, 'V', new Uint8Array(0))), PowerLoss);
  assert.deepEqual(reboot(again).fresh.driver.readBack('V'), enc('new'));
});

test('the stale copy is also marked deleted by the next update (edk2 order: after the new VAR_ADDED), so deleting later leaves nothing live', () => {
  const ops = opsOfSecond(['V', 'old'], ['V', 'new']);
  const { fresh } = reboot(cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1));
  const before = fresh.pflash.flashOps;
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', enc('newer'))).status, 'success');
  // One flash operation (the stale copy's deleted mark) more than the same overwrite without a stale copy.
  assert.equal(fresh.pflash.flashOps - before, opsOfSecond(['V', 'new'], ['V', 'newer']) + 1);
  assert.deepEqual(fresh.driver.scan().map((x) => x.state), [VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED, VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED, VAR_ADDED]);
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.equal(fresh.driver.readRecord('V'), undefined);
});

test('a delete with a stale copy costs one state byte more (two marks); after it, or after an update, the next delete costs one mark', () => {
  const ops = opsOfSecond(['V', 'old'], ['V', 'new']);
  const deleteAfterReboot = (cutAt: number) => {
    const { fresh } = reboot(cutDuringSecond(['V', 'old'], ['V', 'new'], cutAt));
    const before = fresh.pflash.flashOps;
    const r = fresh.run(fresh.driver.setVariable(OS, 'V', new Uint8Array(0)));
    assert.equal(r.status, 'success');
    return { latency: r.latencyNs, ops: fresh.pflash.flashOps - before };
  };
  const stale = deleteAfterReboot(ops - 1); // VAR_ADDED 'new' and a stale 'old' in transition
  const clean = deleteAfterReboot(1); // only 'old', in transition: no stale copy
  // A complete overwrite (old VAR_DELETED) and a cut new header (VAR_HEADER_VALID_ONLY): no stale copy either.
  const b2 = variableBench(SMALL);
  b2.run(b2.driver.setVariable(OS, 'V', enc('old')));
  b2.run(b2.driver.setVariable(OS, 'V', enc('new')));
  b2.pflash.armPowerCut(ops - 3); // the third overwrite stops after its header-valid mark
  assert.throws(() => b2.run(b2.driver.setVariable(OS, 'V', enc('nex'))), PowerLoss);
  assert.deepEqual(b2.driver.scan().map((x) => x.state), [VAR_ADDED & VAR_IN_DELETED_TRANSITION & VAR_DELETED, VAR_ADDED & VAR_IN_DELETED_TRANSITION, 0x7f]);
  const settled = reboot(b2).fresh;
  const mark = settled.pflash.flashOps;
  assert.equal(settled.run(settled.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.deepEqual([stale.ops, clean.ops, settled.pflash.flashOps - mark], [2, 1, 1]);
  const b = variableBench(SMALL);
  assert.equal(stale.latency - clean.latency, b.pflash.programCost(1));
  // An update drops the stale copy: its latency has one mark more than the next update's, and a delete after it one mark.
  const { fresh } = reboot(cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1));
  const first = fresh.run(fresh.driver.setVariable(OS, 'V', enc('newer')));
  const second = fresh.run(fresh.driver.setVariable(OS, 'V', enc('newe2'))); // same size: same crypto and program cost
  assert.equal(first.latencyNs - second.latencyNs, b.pflash.programCost(1));
  const before = fresh.pflash.flashOps;
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.equal(fresh.pflash.flashOps - before, 1);
});

test('a reclaim drops the stale copy: a later delete marks only the live record, every other variable stays intact', () => {
  const ops = opsOfSecond(['V', 'old'], ['V', 'new']);
  const { fresh } = reboot(cutDuringSecond(['V', 'old'], ['V', 'new'], ops - 1));
  const reclaims = fresh.driver.reclaims;
  for (let i = 0; fresh.driver.reclaims === reclaims; i++) assert.equal(fresh.run(fresh.driver.setVariable(OS, `W${i % 3}`, new Uint8Array(150).fill(i))).status, 'success');
  const flash = Buffer.from(fresh.pflash.bytes);
  const before = fresh.pflash.flashOps;
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.equal(fresh.pflash.flashOps - before, 1);
  const changed = [...flash.keys()].filter((i) => flash[i] !== fresh.pflash.bytes[i]);
  const v = fresh.driver.scan().find((x) => x.name === 'V')!;
  assert.deepEqual(changed, [v.offset + 2]);
  assert.deepEqual(fresh.driver.verifyAll().lost, 0);
  assert.equal(fresh.driver.readRecord('V'), undefined);
});

// ---------------------------------------------------------------- the FTW journal and the record format, piece by piece

test('ftwWrite from outside SMM is refused at its first step: −1, the store, spare and journal untouched', () => {
  const b = variableBench(SMALL);
  assert.equal(b.run(b.driver.setVariable(OS, 'A', enc('alpha'))).status, 'success');
  const before = Buffer.from(b.pflash.bytes);
  assert.equal(ftwWrite(b.pflash, OS, new Uint8Array(8), new Uint8Array(1)), -1);
  assert.equal(Buffer.compare(before, b.pflash.bytes), 0);
});

test('a reclaim with no live record (every variable deleted) compacts to an empty store, and the write that needed it succeeds', () => {
  const b = variableBench(SMALL);
  // 10 records of 196 bytes and 10 of 200 (names of 2 and 3 bytes, 150 data bytes): 3960 of 4096.
  for (let i = 0; i < 20; i++) assert.equal(b.run(b.driver.setVariable(OS, `V${i}`, new Uint8Array(150).fill(i))).status, 'success');
  for (let i = 0; i < 20; i++) assert.equal(b.run(b.driver.setVariable(OS, `V${i}`, new Uint8Array(0))).status, 'success');
  assert.equal(b.driver.reclaims, 0);
  assert.equal(b.run(b.driver.setVariable(OS, 'W', new Uint8Array(150).fill(0x57))).status, 'success');
  assert.equal(b.driver.reclaims, 1);
  assert.deepEqual(b.driver.scan().map((x) => [x.name, x.offset, x.state]), [['W', 0, VAR_ADDED]]);
  assert.deepEqual(b.driver.verifyAll(), { checked: 21, ok: 21, lost: 0, lostNames: [] });
});

test('the attributes are authenticated (AAD): a record whose attribute bits were cleared in flash no longer verifies; lost and half-visible after a reboot', () => {
  const { b, rec } = twoNames();
  b.pflash.bytes[rec('A').offset + 40] &= ~0x04; // NV | BS | RT → NV | BS (NOR can clear bits)
  assert.deepEqual(b.driver.readRecord('A'), { data: null, attributes: 0x03 });
  assert.deepEqual(checked(b), { ...CLEAN, ackedChecked: 2, ackedLost: 1, halfVisible: 1, unreadable: 1 });
});

test('an append after a reboot reads the recovered record (live in delete transition) and writes old ‖ new', () => {
  const { fresh } = reboot(cutDuringSecond(['V', 'old'], ['V', 'new'], 1));
  assert.equal(fresh.run(fresh.driver.setVariable(OS, 'V', enc('+x'), { attributes: ATTR_NV_BS_RT | ATTR_APPEND_WRITE })).status, 'success');
  assert.deepEqual(fresh.driver.readBack('V'), enc('old+x'));
});

test('FTW restart after "spare complete": the store is rewritten from the spare exactly, trailing erased bytes not programmed (cost), journal "destination complete"', () => {
  const restart = (len: number) => {
    const b = variableBench(SMALL);
    const image = new Uint8Array(len).fill(0x5a);
    image[len - 1] = 0x01; // the image's last byte is data, not erased
    const scratch = new Uint8Array(1);
    assert.ok(ftwWrite(b.pflash, { ...OS, privilege: 'smm' }, image, scratch) > 0);
    // The power went after "spare complete": the store half erased, the journal not yet at "destination complete".
    b.pflash.bytes.fill(0xff, 0, b.pflash.size);
    b.pflash.bytes[b.pflash.workingOffset] = 0xfc;
    const cost = ftwRestart(b.pflash, { ...OS, privilege: 'smm' }, scratch);
    assert.deepEqual(b.pflash.bytes.subarray(0, len), image);
    assert.ok(b.pflash.bytes.subarray(len, b.pflash.size).every((x) => x === 0xff));
    assert.equal(b.pflash.bytes[b.pflash.workingOffset], 0xf8);
    assert.equal(ftwRestart(b.pflash, { ...OS, privilege: 'smm' }, scratch), null, 'nothing left to finish');
    return { cost: cost!, b };
  };
  const long = restart(100);
  const short = restart(60);
  assert.equal(long.cost - short.cost, long.b.pflash.programCost(40));
  // All of it: the store's erase, the image's 100 bytes and the journal byte.
  const f = long.b.pflash;
  assert.equal(long.cost, f.eraseNow({ ...OS, privilege: 'smm' }, 0, f.size) + f.programCost(100) + f.programCost(1));
});

test('record padding stays erased in flash; a scan stops at the first bytes without the record magic, and a full store scans without reading past its end', () => {
  const { b, rec } = twoNames();
  const a = rec('A'); // 44 + 1 + 5 = 50 bytes, padded to 52
  assert.deepEqual([...b.pflash.bytes.subarray(a.offset + 50, a.offset + 52)], [0xff, 0xff]);
  // Zeros after the last record (not the magic): no third record.
  const end = b.driver.scan().at(-1)!;
  b.pflash.bytes.fill(0, end.offset + end.size, end.offset + end.size + HEADER);
  assert.deepEqual(b.driver.scan().map((x) => x.name), ['A', 'B']);
  // 27 records of 148 bytes and one of 100 fill the 4096-byte store exactly.
  const full = variableBench(SMALL);
  for (let i = 0; i < 27; i++) full.run(full.driver.setVariable(OS, `F${i}`, new Uint8Array(100)));
  full.run(full.driver.setVariable(OS, 'F27', new Uint8Array(53)));
  assert.equal(full.driver.scan().length, 28);
});

test('recovery of an empty store: nothing to redo, nothing live, and the store takes writes', () => {
  const b = variableBench(SMALL);
  assert.deepEqual(b.run(b.driver.recover(OS)), { ftwRedone: false, reclaimed: false, live: 0 });
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('v'))).status, 'success');
  assert.deepEqual(b.driver.scan().map((x) => x.offset), [0]);
});

test('recovery that finishes an FTW from the spare takes the FTW time on top of the scan', () => {
  const recoverNs = (cut: boolean) => {
    const b = variableBench(SMALL);
    b.run(b.driver.setVariable(OS, 'A', enc('alpha')));
    const smm = { ...OS, privilege: 'smm' as const };
    const image = b.pflash.bytes.slice(0, b.driver.scan()[0]!.size);
    assert.ok(ftwWrite(b.pflash, smm, image, new Uint8Array(1)) > 0);
    if (cut) {
      // The power went after "spare complete": the store erased, the journal not at "destination complete".
      b.pflash.bytes.fill(0xff, 0, b.pflash.size);
      b.pflash.bytes[b.pflash.workingOffset] = 0xfc;
    }
    const t0 = b.sim.now;
    const r = b.run(b.driver.recover(OS));
    assert.deepEqual(r, { ftwRedone: cut, reclaimed: false, live: 1 });
    assert.deepEqual(b.driver.readBack('A'), enc('alpha'));
    return { ns: b.sim.now - t0, f: b.pflash, len: image.length };
  };
  const redo = recoverNs(true);
  assert.ok(redo.ns - recoverNs(false).ns >= redo.f.programCost(redo.len), 'at least the image programmed back');
});
