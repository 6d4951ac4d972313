/**
 * Crash consistency of the SMM variable store under power loss (edk2 variable-state protocol
 * and FTW reclaim): 1000 seeded cuts, and the recovery rules one by one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPowerCuts } from '../../src/firmware/power-cut.ts';
import { PowerLoss } from '../../src/devices/pflash.ts';
import { VAR_ADDED, VAR_IN_DELETED_TRANSITION } from '../../src/firmware/smm-variable/index.ts';
import { OS, variableBench } from './fixture.ts';

const enc = (s: string) => new TextEncoder().encode(s);

test('1000 seeded power cuts during SetVariable and reclaim: acknowledged writes read back exactly, nothing half-visible, the store always recovers', () => {
  const r = runPowerCuts({ seed: 1, cuts: 1000 });
  assert.equal(r.cuts, 1000);
  // The campaign really exercised what it claims to: reclaims, cuts inside them, FTW restarts, dirty stores.
  assert.ok(r.reclaims >= 2, `reclaims ${r.reclaims}`);
  assert.ok(r.cutsInReclaim >= 100, `cuts in reclaim ${r.cutsInReclaim}`);
  assert.ok(r.ftwRedone > 0 && r.recoveryReclaims > 0, JSON.stringify(r));
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
