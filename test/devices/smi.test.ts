/**
 * SMI cost model (docs/model.md §4.4): apm-exit + vcpus × (entry + rendezvous) + handler + rsm,
 * with the handler's lead time charged at entry and its RSM optionally folded into its last
 * wait — the total SMM time and the latency must be the same either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../src/designs/components.ts';
import { SmiController } from '../../src/devices/smi.ts';
import type { Proc } from '../../src/sim/sim.ts';
import { OS, bench, runProc } from './fixture.ts';

function smiBench() {
  const b = bench(4);
  return { b, smi: new SmiController(b.sim, resolveParams('smi', undefined), b.vcpus, b.metrics) };
}

test('defaults: 10 + 4 × (5 + 5) + 5 = 55 µs for 4 vCPUs; lead and folded RSM do not change the total', () => {
  for (const mode of ['plain', 'lead', 'fold'] as const) {
    const { b, smi } = smiBench();
    assert.equal(smi.overheadNs, 55_000);
    const handler = function* (): Proc<number> {
      if (mode !== 'lead') yield 7_000;
      yield 3_000 + (mode === 'fold' ? smi.foldRsm() : 0);
      return 42;
    };
    const r = runProc(b.sim, smi.trigger(OS, handler, mode === 'lead' ? 7_000 : 0));
    assert.equal(r, 42);
    assert.equal(b.sim.now, 55_000 + 10_000, mode);
    assert.equal(b.metrics.value('smm-time'), 55_000 - 10_000 + 10_000, `${mode}: SMM time excludes the APM exit`);
    assert.equal(b.vcpus.inSmm, false);
  }
});

test('foldRsm: only once, and never inside a nested in-SMM call', () => {
  const { b, smi } = smiBench();
  const folded: number[] = [];
  const inner = function* (): Proc<void> {
    folded.push(smi.foldRsm()); // nested: the outer SMI's RSM is not the inner handler's to take
  };
  const outer = function* (smm: typeof OS): Proc<void> {
    yield* smi.trigger(smm, inner);
    folded.push(smi.foldRsm(), smi.foldRsm());
    yield 1_000 + folded[1]!;
  };
  runProc(b.sim, smi.trigger(OS, outer));
  assert.deepEqual(folded, [0, 5_000, 0]);
  assert.equal(b.sim.now, 55_000 + 1_000);
});

test('the handler runs with an SMM context on the caller\'s vCPU; smis and SMM time are counted per SMI', () => {
  const { b, smi } = smiBench();
  const seen: unknown[] = [];
  runProc(b.sim, smi.trigger({ ...OS, cpu: 2, actor: 'caller' }, function* (smm) { seen.push(smm); yield 1_000; }));
  assert.deepEqual(seen, [{ privilege: 'smm', cpu: 2, actor: 'caller' }]);
  assert.equal(smi.smis, 1);
  assert.equal(b.metrics.value('smis'), 1);
  assert.equal(b.metrics.value('smm-time'), 40_000 + 1_000 + 5_000);
  assert.equal(smi.foldRsm(), 0, 'no SMI running: nothing to fold');
});

test('already in SMM: no new SMI, only the lead time and the handler (no APM exit, entry or RSM)', () => {
  const { b, smi } = smiBench();
  let inner = -1;
  const outer = function* (smm: typeof OS): Proc<void> {
    const t0 = b.sim.now;
    yield* smi.trigger(smm, function* () { yield 2_000; }, 3_000);
    inner = b.sim.now - t0;
  };
  runProc(b.sim, smi.trigger(OS, outer));
  assert.equal(inner, 5_000);
  assert.equal(smi.smis, 1);
  assert.equal(b.sim.now, 55_000 + 5_000);
});

test('one SMI at a time: a second caller waits for the first RSM; a throwing handler still leaves SMM', () => {
  const { b, smi } = smiBench();
  const done: number[] = [];
  for (const cpu of [0, 1]) b.sim.spawn(`c${cpu}`, (function* () { yield* smi.trigger({ ...OS, cpu }, function* () { yield 1_000; }); done.push(b.sim.now); })());
  b.sim.run();
  // both exit at 10 µs; the first SMI ends at 10 + 40 + 1 + 5 µs, the second follows at once
  assert.deepEqual(done, [56_000, 102_000]);
  assert.equal(b.metrics.value('smm-time'), 2 * 46_000);
  const t = smiBench();
  t.b.sim.spawn('bad', t.smi.trigger(OS, function* (): Proc<void> { yield 1_000; throw new Error('handler failed'); }));
  assert.throws(() => t.b.sim.run(), /handler failed/);
  assert.equal(t.b.vcpus.inSmm, false);
  assert.equal(t.b.vcpus.smmLock.busy, false);
  assert.equal(t.smi.smis, 1);
});

test('every SMI cost is a number of ns (shown in a refusal)', () => {
  for (const name of ['apm-exit-ns', 'entry-per-vcpu-ns', 'rendezvous-per-vcpu-ns', 'rsm-ns']) {
    assert.throws(() => resolveParams('smi', { [name]: -1 }), (e: Error) => e.message.endsWith('is below the minimum 0 (ns)'), name);
    assert.throws(() => resolveParams('smi', { [name]: 'x' as unknown as number }), /expected a finite number \(ns\)/, name);
  }
});
