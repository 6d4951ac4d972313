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
