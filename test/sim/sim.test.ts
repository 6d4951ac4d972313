import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resource, Sim, type Proc } from '../../src/sim/sim.ts';
import { Vcpus } from '../../src/sim/vcpus.ts';
import type { AccessContext } from '../../src/devices/access.ts';

test('events run in time order, ties in insertion order', () => {
  const sim = new Sim();
  const log: string[] = [];
  sim.at(20, () => log.push('b@20'));
  sim.at(10, () => log.push('a@10'));
  sim.at(20, () => log.push('c@20'));
  sim.at(5, () => log.push('z@5'));
  sim.run();
  assert.deepEqual(log, ['z@5', 'a@10', 'b@20', 'c@20']);
  assert.equal(sim.now, 20);
  assert.equal(sim.events, 4);
});

test('processes: timeouts, waiting on an event gets its value, join on a process', () => {
  const sim = new Sim();
  const ev = sim.event<number>('answer');
  const log: Array<[string, number]> = [];
  const waiter = sim.spawn(
    'waiter',
    (function* (): Proc<number> {
      const v = yield* ev.wait();
      log.push(['got', sim.now]);
      return v * 2;
    })(),
  );
  sim.spawn(
    'producer',
    (function* () {
      yield* sim.timeout(1500);
      ev.succeed(21);
    })(),
  );
  let joined = -1;
  sim.spawn(
    'joiner',
    (function* () {
      joined = (yield waiter) as number;
    })(),
  );
  sim.run();
  assert.deepEqual(log, [['got', 1500]]);
  assert.equal(joined, 42);
});

test('waitFor gives up at the timeout, and reports an event that fires in time', () => {
  const sim = new Sim();
  const late = sim.event('late');
  const early = sim.event('early');
  sim.at(100, () => early.succeed());
  sim.at(1000, () => late.succeed());
  const out: Array<[boolean, number]> = [];
  sim.spawn('a', (function* () { out.push([yield* sim.waitFor(late, 500), sim.now]); })());
  sim.spawn('b', (function* () { out.push([yield* sim.waitFor(early, 500), sim.now]); })());
  sim.run();
  assert.deepEqual(out.sort((x, y) => x[1] - y[1]), [[true, 100], [false, 500]]);
});

test('run(until) stops at the horizon and advances the clock', () => {
  const sim = new Sim();
  let ticks = 0;
  sim.spawn('ticker', (function* () { for (;;) { yield 10; ticks++; } })());
  sim.run(95);
  assert.equal(ticks, 9);
  assert.equal(sim.now, 95);
});

test('Resource is FIFO', () => {
  const sim = new Sim();
  const r = new Resource(sim, 'lock');
  const order: string[] = [];
  for (const name of ['a', 'b', 'c']) {
    sim.spawn(name, (function* () {
      yield* r.acquire();
      order.push(`${name}@${sim.now}`);
      yield 10;
      r.release();
    })());
  }
  sim.run();
  assert.deepEqual(order, ['a@0', 'b@10', 'c@20']);
});

test('SMM steals time from every vCPU: overlapped non-SMM work ends later by the SMM time', () => {
  const sim = new Sim();
  const v = new Vcpus(sim, 2);
  const os: AccessContext = { privilege: 'os', cpu: 1, actor: 'os' };
  const smm: AccessContext = { privilege: 'smm', cpu: 0, actor: 'smm' };
  let doneAt = -1;
  let smmDone = -1;
  sim.spawn('os-work', (function* () { yield* v.execute(os, 100_000); doneAt = sim.now; })());
  sim.spawn('smi', (function* () {
    yield 40_000;
    v.enterSmm();
    yield* v.execute(smm, 30_000); // SMM code itself is not delayed
    v.exitSmm();
    smmDone = sim.now;
  })());
  sim.run();
  assert.equal(smmDone, 70_000);
  assert.equal(doneAt, 130_000);
  assert.equal(v.smmTimeNs(), 30_000);
});

test('non-SMM work cannot start while SMM is active; two works on one vCPU serialise', () => {
  const sim = new Sim();
  const v = new Vcpus(sim, 1);
  const os: AccessContext = { privilege: 'os', cpu: 0, actor: 'os' };
  const ends: number[] = [];
  v.enterSmm();
  sim.at(50, () => v.exitSmm());
  sim.spawn('w1', (function* () { yield* v.execute(os, 10); ends.push(sim.now); })());
  sim.spawn('w2', (function* () { yield* v.execute(os, 10); ends.push(sim.now); })());
  sim.run();
  assert.deepEqual(ends, [60, 70]);
});

test('same program, same seed: identical event count and end time', () => {
  const runOnce = (): [number, number] => {
    const sim = new Sim();
    for (let i = 0; i < 50; i++) {
      sim.spawn(`p${i}`, (function* () { for (let k = 0; k < 20; k++) yield ((i * 7919 + k * 104729) % 1000) + 1; })());
    }
    sim.run();
    return [sim.events, sim.now];
  };
  assert.deepEqual(runOnce(), runOnce());
});
