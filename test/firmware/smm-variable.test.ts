/**
 * SMM variable driver: real AES-256-GCM over real bytes, keys in SMRAM, records in pflash;
 * policies; fail closed on health alarms; nothing lost (docs/model.md §3.7 "future" model).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OS, variableBench } from './fixture.ts';
import { AdaptiveProportionTest } from '../../src/entropy/health/adaptive-proportion.ts';
import { ATTR_APPEND_WRITE, ATTR_NV_BS_RT, ATTR_TIME_BASED_AUTH, VAR_ADDED, VAR_DELETED, isDeleteRequest } from '../../src/firmware/smm-variable/index.ts';
import { KEY_MATERIAL_BATCH } from '../../src/firmware/smm-variable/key-material.ts';
import { AAD_FIXED } from '../../src/firmware/smm-variable/record.ts';

const enc = (s: string) => new TextEncoder().encode(s);

test('SetVariable then GetVariable round-trips; the flash holds ciphertext, not plaintext', () => {
  const b = variableBench();
  const data = enc('the quick brown fox jumps over the lazy dog, twice: the quick brown fox');
  const r = b.run(b.driver.setVariable(OS, 'SecretVar', data));
  assert.equal(r.status, 'success');
  const g = b.run(b.driver.getVariable(OS, 'SecretVar'));
  assert.equal(g.status, 'success');
  assert.deepEqual(g.data, data);
  const flash = Buffer.from(b.pflash.read(OS, 0, 4096));
  assert.equal(flash.indexOf(Buffer.from('quick brown')), -1);
  assert.ok(flash.indexOf(Buffer.from('SecretVar')) >= 0); // names are stored in clear
  assert.deepEqual(b.driver.verifyAll(), { checked: 1, ok: 1, lost: 0, lostNames: [] });
  assert.equal(b.metrics.value('smis'), 2);
  assert.equal(b.metrics.value('setvariable.completed'), 1);
});

test('keys live in SMRAM: the OS reads all-ones at the key slot; every write uses a fresh key and nonce', () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'A', enc('same')));
  b.run(b.driver.setVariable(OS, 'B', enc('same')));
  const recs = b.driver.scan();
  assert.equal(recs.length, 2);
  assert.notDeepEqual(recs[0]!.nonce, recs[1]!.nonce);
  assert.notDeepEqual(recs[0]!.ciphertext, recs[1]!.ciphertext);
  assert.ok(b.smram.read(OS, recs[0]!.slot, 32).every((x) => x === 0xff));
  assert.ok(!b.smram.read({ ...OS, privilege: 'smm' }, recs[0]!.slot, 32).every((x) => x === 0xff));
});

test("policy 'fail': a starved source gives EFI_NOT_READY and the previous value stays readable", () => {
  const b = variableBench({ 'smm-variable': { policy: 'fail' } });
  b.run(b.driver.setVariable(OS, 'V', enc('old value')));
  b.source.mode = 'not-ready';
  const r = b.run(b.driver.setVariable(OS, 'V', enc('new value')));
  assert.equal(r.status, 'not-ready');
  assert.deepEqual(b.driver.readBack('V'), enc('old value'));
  assert.deepEqual(b.driver.verifyAll(), { checked: 1, ok: 1, lost: 0, lostNames: [] });
  assert.equal(b.metrics.value('setvariable.failed'), 1);
});

test("policy 'degrade': falls back to the counter RngLib and counts it", () => {
  const b = variableBench({ 'smm-variable': { policy: 'degrade' } });
  b.run(b.driver.setVariable(OS, 'V', enc('x')));
  b.source.mode = 'not-ready';
  const r = b.run(b.driver.setVariable(OS, 'V', enc('y')));
  assert.equal(r.status, 'success');
  assert.equal(r.degraded, true);
  assert.equal(b.metrics.value('degraded-setvariables'), 1);
  assert.deepEqual(b.driver.readBack('V'), enc('y'));
  assert.ok(b.taps.total('counter-rnglib/raw') > 0);
});

test('fail closed: a stuck source trips the driver RCT (H = 8, C = 4); no variable is written under it', () => {
  const b = variableBench({ 'smm-variable': { policy: 'degrade' } });
  b.run(b.driver.setVariable(OS, 'V', enc('good')));
  b.source.mode = 'stuck';
  const r = b.run(b.driver.setVariable(OS, 'V', enc('bad')));
  assert.equal(r.status, 'device-error');
  assert.equal(b.metrics.value('fail-closed'), 1);
  assert.ok(b.metrics.value('health.rct') >= 1);
  assert.deepEqual(b.driver.readBack('V'), enc('good'));
  assert.equal(b.driver.scan().length, 1);
});

test('tampering with the ciphertext in flash is detected (GCM tag) and verifyAll reports the loss', () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'V', enc('authentic data')));
  const rec = b.driver.scan()[0]!;
  const at = rec.offset + 44 + 1; // first ciphertext byte (after the 1-byte name)
  const cur = b.pflash.read(OS, at, 1)[0]!;
  const flipped = cur & 0xfe ? cur & (cur - 1) : cur; // clear the lowest set bit (NOR can only clear)
  assert.notEqual(flipped, cur);
  b.run(b.pflash.program({ ...OS, privilege: 'smm' }, at, new Uint8Array([flipped])));
  assert.equal(b.run(b.driver.getVariable(OS, 'V')).status, 'security-violation');
  const v = b.driver.verifyAll();
  assert.equal(v.lost, 1);
  assert.deepEqual(v.lostNames, ['V']);
});

test('reclaim: rewriting variables in a small store compacts it and loses nothing', () => {
  const b = variableBench({ pflash: { 'size-bytes': 8192 } });
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 5; i++) {
      const r = b.run(b.driver.setVariable(OS, `Var${i}`, b.rng.bytes(200)));
      assert.equal(r.status, 'success');
    }
  }
  assert.deepEqual(b.driver.verifyAll(), { checked: 5, ok: 5, lost: 0, lostNames: [] });
  assert.ok(b.driver.scan().filter((r) => r.state === 0x3f).length === 5);
});

test('SetVariable latency = SMI overhead + handler + entropy + pflash program time', () => {
  const b = variableBench({ 'smm-variable': { 'seed-at-end-of-dxe': false } });
  const r = b.run(b.driver.setVariable(OS, 'V', new Uint8Array(100)));
  // SMI: 10 µs APM exit + 2 vCPUs × 10 µs + 5 µs RSM; handler 50 µs; one source call (1 µs);
  // crypt ≈ 1 ns/B; flash: (44 + 1 + 100 → 148 B) × 2 writes × 10 µs + two state bytes
  // (HEADER_VALID_ONLY, ADDED) × 2 writes × 10 µs.
  const flash = (148 * 2 + 2 * 2) * 10000;
  const fixed = 10000 + 2 * 10000 + 5000 + 50000 + 1000 + flash;
  assert.ok(r.latencyNs >= fixed && r.latencyNs < fixed + 1000, `latency ${r.latencyNs} vs ${fixed}`);
});

test('authenticated writes pay the signature check', () => {
  const a = variableBench();
  const plain = a.run(a.driver.setVariable(OS, 'V', new Uint8Array(10)));
  const b = variableBench();
  const auth = b.run(b.driver.setVariable(OS, 'V', new Uint8Array(10), { authenticated: true }));
  assert.equal(auth.latencyNs - plain.latencyNs, 1e6);
});

test('KEY_MATERIAL_BATCH: one DRBG request serves several writes, never spans a reseed, and every write still gets its own key', () => {
  // Spy on the driver's CTR_DRBG: the order of instantiate / reseed / generate (request bytes).
  const calls = (b: ReturnType<typeof variableBench>): string[] => {
    const log: string[] = [];
    const d = b.driver.drbg;
    const gen = d.generate.bind(d);
    const res = d.reseed.bind(d);
    const inst = d.instantiate.bind(d);
    d.generate = (n, o) => (log.push(`g${n}`), gen(n, o));
    d.reseed = (e, a) => (log.push('r'), res(e, a));
    d.instantiate = (e, n, p) => (log.push('i'), inst(e, n, p));
    return log;
  };
  const write = (b: ReturnType<typeof variableBench>, count: number) => {
    for (let i = 0; i < count; i++) assert.equal(b.run(b.driver.setVariable(OS, `V${i % 3}`, enc(`value ${i}`))).status, 'success');
  };
  // reseed-interval 5 (< the batch): a request covers exactly the 5 writes up to the next reseed (5 × 44 bytes).
  assert.equal(KEY_MATERIAL_BATCH, 64);
  const a = variableBench({ 'smm-variable': { 'reseed-interval': 5 } });
  const la = calls(a);
  write(a, 12);
  assert.deepEqual(la, ['i', 'g220', 'r', 'g220', 'r', 'g220']);
  // reseed-interval 70, 66 writes: a request for the batch (64 writes), then one for the 6 writes left before the reseed.
  const b = variableBench({ 'smm-variable': { 'reseed-interval': 70 } });
  const lb = calls(b);
  write(b, 66);
  assert.deepEqual(lb, ['i', `g${64 * 44}`, `g${6 * 44}`]);
  // Default reseed-interval 1 (prediction resistance): a reseed and a 44-byte request before every write.
  const c = variableBench();
  const lc = calls(c);
  write(c, 3);
  assert.deepEqual(lc, ['i', 'g44', 'r', 'g44', 'r', 'g44']);
  // Distinct keys and nonces for every write even when they come from one request; all readable.
  const nonces = new Set(a.driver.scan().map((r) => Buffer.from(r.nonce).toString('hex')));
  assert.equal(nonces.size, 12);
  assert.equal(a.driver.verifyAll().lost, 0);
});

test('SP 800-90B §4.3/§4.4: an alarm fails the source until a start-up test of 1024 fresh samples passes; meanwhile it fails closed', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('good'))).status, 'success');
  b.source.mode = 'stuck';
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('bad 1'))).status, 'device-error');
  assert.equal(b.driver.sourceFailed, true);
  // Still stuck: the start-up test (1024 samples) fails, so nothing is drawn for keys.
  const before = b.source.requests.length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('bad 2'))).status, 'device-error');
  assert.deepEqual(b.source.requests.slice(before), [1024]);
  // The source recovers: the next call passes a start-up test, then reseeds (32 bytes) and writes.
  b.source.mode = 'ok';
  const mark = b.source.requests.length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('good again'))).status, 'success');
  assert.deepEqual(b.source.requests.slice(mark), [1024, 32]);
  assert.equal(b.driver.sourceFailed, false);
  const k = b.driver.provenance.summary();
  assert.deepEqual(
    { failures: k.sourceFailures, tests: k.startupTests, passes: k.startupPasses, failClosed: k.failClosed, writes: k.writes, bad: k.badWrites },
    { failures: 1, tests: 2, passes: 1, failClosed: 2, writes: 2, bad: 0 },
  );
  assert.equal(b.metrics.value('fail-closed'), 2);
  assert.deepEqual(b.driver.readBack('V'), enc('good again'));
});

test("on-health-failure 'fallback': a failed source seeds from the declared counter fallback; those writes are keyed from a bad epoch", () => {
  const b = variableBench({ 'smm-variable': { 'on-health-failure': 'fallback' } });
  assert.equal(b.run(b.driver.setVariable(OS, 'A', enc('1'))).status, 'success');
  b.source.mode = 'stuck';
  const r = b.run(b.driver.setVariable(OS, 'B', enc('2')));
  assert.equal(r.status, 'success');
  assert.equal(r.degraded, true);
  const k = b.driver.provenance.summary();
  assert.equal(k.fallbackSeeds, 1);
  assert.equal(k.failClosed, 0);
  assert.deepEqual({ writes: k.writes, bad: k.badWrites, share: k.badWriteShare }, { writes: 2, bad: 1, share: 0.5 });
  assert.equal(k.badWritesByFlaw['unsafe-source'], 1);
  const last = b.driver.provenance.epochs.at(-1)!;
  assert.equal(last.source, 'counter-rnglib');
  assert.equal(last.streamOffset, -1);
});

test('key provenance: a repeating 16-byte source keys writes from bad epochs (repeats-earlier-output) before any health test alarms', () => {
  const b = variableBench();
  b.source.mode = 'repeating';
  // The instantiate (48 bytes = 3 blocks) already repeats itself; every reseed repeats it again.
  for (let i = 0; i < 3; i++) assert.equal(b.run(b.driver.setVariable(OS, `V${i}`, enc('x'))).status, 'success');
  assert.equal(b.metrics.value('health.rct') + b.metrics.value('health.apt'), 0, 'no health alarm yet: only provenance sees it');
  const k = b.driver.provenance.summary();
  assert.deepEqual({ epochs: k.epochs, bad: k.badEpochs, writes: k.writes, badWrites: k.badWrites }, { epochs: 3, bad: 3, writes: 3, badWrites: 3 });
  assert.deepEqual(b.driver.provenance.epochs.map((e) => [e.kind, e.streamOffset, e.bytes, e.flaws]), [
    ['instantiate', 0, 48, ['repeats-earlier-output']],
    ['reseed', 48, 32, ['repeats-earlier-output']],
    ['reseed', 80, 32, ['repeats-earlier-output']],
  ]);
  // A healthy source over many writes: no epoch is bad.
  const g = variableBench();
  for (let i = 0; i < 200; i++) g.run(g.driver.setVariable(OS, `V${i % 7}`, enc('x')));
  const gk = g.driver.provenance.summary();
  assert.deepEqual({ epochs: gk.epochs, bad: gk.badEpochs, writes: gk.writes, badWrites: gk.badWrites }, { epochs: 200, bad: 0, writes: 200, badWrites: 0 });
});

test('verifyAll compares contents and attributes: a ledger value that differs from the flash, or an unacknowledged name that is readable, counts as lost', () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'A', enc('alpha')));
  b.run(b.driver.setVariable(OS, 'B', enc('beta'), { authenticated: true }));
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
  b.driver.ledger.get('A')!.acked!.data![0] ^= 1;
  assert.deepEqual(b.driver.verifyAll().lostNames, ['A']);
  b.driver.ledger.get('A')!.acked!.data![0] ^= 1;
  b.driver.ledger.get('B')!.acked!.attributes = 0x07; // the flash says time-based authenticated (0x27)
  assert.deepEqual(b.driver.verifyAll().lostNames, ['B']);
  b.driver.ledger.get('B')!.acked = null; // as if B's write had never been acknowledged: it must not be readable
  assert.deepEqual(b.driver.verifyAll().lostNames, ['B']);
  assert.equal(b.driver.readRecord('B')!.attributes, 0x27);
});

test('the ledger keeps every attempted write: a refused write is attempted, not acknowledged, and the old value stays', () => {
  const b = variableBench({ 'smm-variable': { policy: 'fail' } });
  b.run(b.driver.setVariable(OS, 'V', enc('kept')));
  b.source.mode = 'not-ready';
  b.run(b.driver.setVariable(OS, 'V', enc('refused')));
  b.run(b.driver.setVariable(OS, 'W', enc('never')));
  const v = b.driver.ledger.get('V')!;
  assert.equal(v.attempts, 2);
  assert.deepEqual(v.attempted.data, enc('refused'));
  assert.deepEqual(v.acked!.data, enc('kept'));
  assert.equal(b.driver.ledger.get('W')!.acked, null);
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
});

test("the source's own alarm fails it even with the driver's health tests off: the bytes are not used, the write is refused, and only a passing start-up test brings it back", () => {
  const b = variableBench({ 'smm-variable': { 'health-tests': false } });
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('good'))).status, 'success');
  b.source.alarm = true;
  const scanBefore = b.driver.scan().length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('bad'))).status, 'device-error');
  assert.equal(b.driver.sourceFailed, true);
  assert.equal(b.driver.scan().length, scanBefore, 'nothing written under the alarm');
  let mark = b.source.requests.length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('bad'))).status, 'device-error');
  assert.deepEqual(b.source.requests.slice(mark), [1024], 'a start-up test only, failed by the alarm');
  b.source.alarm = false;
  mark = b.source.requests.length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('again'))).status, 'success');
  assert.deepEqual(b.source.requests.slice(mark), [1024, 32]);
  const k = b.driver.provenance.summary();
  assert.deepEqual({ failures: k.sourceFailures, tests: k.startupTests, passes: k.startupPasses, failClosed: k.failClosed }, { failures: 1, tests: 2, passes: 1, failClosed: 2 });
  assert.deepEqual(b.driver.readBack('V'), enc('again'));
});

test('an alarm without bytes (source not ready and in alarm) also fails the source; a plain not-ready or device error does not, and maps to its own status', () => {
  const a = variableBench({ 'smm-variable': { policy: 'fail' } });
  a.run(a.driver.setVariable(OS, 'V', enc('x')));
  a.source.mode = 'not-ready';
  a.source.alarm = true;
  assert.equal(a.run(a.driver.setVariable(OS, 'V', enc('y'))).status, 'device-error');
  assert.equal(a.driver.sourceFailed, true);
  assert.equal(a.driver.provenance.summary().failClosed, 1);
  const b = variableBench({ 'smm-variable': { policy: 'fail' } });
  b.run(b.driver.setVariable(OS, 'V', enc('x')));
  b.source.mode = 'error';
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('y'))).status, 'device-error');
  b.source.mode = 'not-ready';
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('y'))).status, 'not-ready');
  assert.equal(b.driver.sourceFailed, false);
  assert.deepEqual([b.driver.provenance.summary().failClosed, b.driver.provenance.summary().sourceFailures], [0, 0]);
  assert.deepEqual(b.driver.readBack('V'), enc('x'));
});

test("a failed source's start-up test that gets no bytes fails: still failed, fail closed, nothing keyed", () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'V', enc('x')));
  b.source.mode = 'stuck';
  b.run(b.driver.setVariable(OS, 'V', enc('y')));
  b.source.mode = 'not-ready';
  const mark = b.source.requests.length;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('z'))).status, 'device-error');
  assert.deepEqual(b.source.requests.slice(mark), [1024]);
  assert.equal(b.driver.sourceFailed, true);
  const k = b.driver.provenance.summary();
  assert.deepEqual({ tests: k.startupTests, passes: k.startupPasses, failClosed: k.failClosed }, { tests: 1, passes: 0, failClosed: 2 });
});

test("policy deadlines: 'wait' gives the source none, 'fail' and 'degrade' give it fail-timeout-ns from the call", () => {
  const w = variableBench();
  w.run(w.driver.setVariable(OS, 'V', enc('x')));
  assert.ok(w.source.deadlines.length > 0 && w.source.deadlines.every((d) => d === Infinity));
  for (const policy of ['fail', 'degrade'] as const) {
    const f = variableBench({ 'smm-variable': { policy, 'fail-timeout-ns': 777_000 } });
    f.run(f.driver.setVariable(OS, 'V', enc('x')));
    assert.ok(f.source.deadlines.length > 0 && f.source.deadlines.every((d) => d === 777_000), `${policy}: ${f.source.deadlines}`);
  }
});

test('every source byte the driver takes is tapped as its raw key material with the claimed entropy; a declared unsafe source keys degraded writes from bad epochs', () => {
  const b = variableBench({ 'smm-variable': { 'claimed-entropy': 6 } });
  b.run(b.driver.setVariable(OS, 'A', enc('1')));
  b.run(b.driver.setVariable(OS, 'B', enc('2')));
  assert.equal(b.taps.total('smm-variable/key-material'), b.source.requests.reduce((a, n) => a + n, 0));
  const tap = b.taps.data().find((t) => t.name === 'smm-variable/key-material')!;
  assert.deepEqual([tap.consumer, tap.source, tap.kind, tap.claimedEntropyPerSample], ['smm-variable', 'scripted', 'raw', 6]);
  b.source.unsafe = true;
  const r = b.run(b.driver.setVariable(OS, 'C', enc('3')));
  assert.deepEqual([r.status, r.degraded], ['success', true]);
  const k = b.driver.provenance.summary();
  assert.deepEqual({ writes: k.writes, bad: k.badWrites, unsafe: k.badWritesByFlaw['unsafe-source'] }, { writes: 3, bad: 1, unsafe: 1 });
});

test('entropy waits: each is a point of the wait series; a wait longer than starvation-threshold-ns counts as starvation, a shorter one does not', () => {
  const slow = variableBench({ 'smm-variable': { 'starvation-threshold-ns': 999 } });
  slow.run(slow.driver.setVariable(OS, 'V', enc('x')));
  assert.equal(slow.metrics.value('starvation.total'), 1000 * slow.source.calls);
  assert.equal(slow.metrics.value('starvation.longest'), 1000);
  const fast = variableBench({ 'smm-variable': { 'starvation-threshold-ns': 1000 } });
  fast.run(fast.driver.setVariable(OS, 'V', enc('x')));
  assert.equal(fast.metrics.value('starvation.total'), 0);
});

/**
 * policy 'degrade' while the source (and a scripted fallback, when there is one) answers
 * not-ready, then error: each write is refused with the source's own status, not degraded, no
 * DRBG epoch is seeded and the old value stays.
 */
function degradeWithNothingToDegradeTo(fallback: 'scripted' | null) {
  const d = variableBench({ 'smm-variable': { policy: 'degrade' }, fallback });
  assert.equal(d.run(d.driver.setVariable(OS, 'V', enc('old'))).status, 'success');
  const epochs = d.driver.provenance.epochs.length;
  for (const [mode, status] of [['not-ready', 'not-ready'], ['error', 'device-error']] as const) {
    d.source.mode = mode;
    if (d.scriptedFallback !== null) d.scriptedFallback.mode = mode;
    const r = d.run(d.driver.setVariable(OS, 'V', enc(`new (${mode})`)));
    assert.deepEqual([r.status, r.degraded], [status, false], mode);
  }
  assert.equal(d.driver.provenance.epochs.length, epochs, 'no DRBG epoch without entropy');
  assert.equal(d.driver.provenance.summary().fallbackSeeds, 0);
  assert.deepEqual(d.driver.readBack('V'), enc('old'));
  return d;
}

/**
 * on-health-failure 'fallback' with the source in alarm (stuck) and a fallback that is absent or
 * answers error: the write fails closed, no epoch is seeded, nothing is written, the old value stays.
 */
function failsClosedOnAlarm(fallback: 'scripted' | null) {
  const h = variableBench({ 'smm-variable': { 'on-health-failure': 'fallback' }, fallback });
  assert.equal(h.run(h.driver.setVariable(OS, 'V', enc('old'))).status, 'success');
  const epochs = h.driver.provenance.epochs.length;
  h.source.mode = 'stuck';
  if (h.scriptedFallback !== null) h.scriptedFallback.mode = 'error';
  const s = h.run(h.driver.setVariable(OS, 'V', enc('new')));
  assert.deepEqual([s.status, s.degraded], ['device-error', false]);
  assert.equal(h.driver.provenance.epochs.length, epochs);
  const k = h.driver.provenance.summary();
  assert.deepEqual({ failClosed: k.failClosed, fallbackSeeds: k.fallbackSeeds }, { failClosed: 1, fallbackSeeds: 0 });
  assert.equal(h.metrics.value('fail-closed'), 1);
  assert.equal(h.driver.scan().length, 1, 'nothing written');
  assert.deepEqual(h.driver.readBack('V'), enc('old'));
  return { h, k };
}

test("no declared fallback (the design's own source is the unsafe one): 'degrade' returns the source's own status and on-health-failure 'fallback' fails closed", () => {
  // Nothing to degrade to: the write is refused with the source's status (not a health failure).
  const d = degradeWithNothingToDegradeTo(null);
  assert.equal(d.driver.sourceFailed, false);
  // Source in alarm: no fallback to seed from, so it fails closed.
  const { k } = failsClosedOnAlarm(null);
  assert.equal(k.writes, 1);
});

test("a declared fallback that cannot deliver either is never used: 'degrade' returns the source's status, on-health-failure 'fallback' fails closed, no epoch is seeded from its empty answer", () => {
  const d = degradeWithNothingToDegradeTo('scripted');
  const fb = d.scriptedFallback!;
  assert.equal(fb.calls, 2, 'the fallback was asked each time');
  assert.equal(d.metrics.value('degraded-setvariables'), 0);
  // The same fallback, once it delivers, does seed (the path is reachable): a degraded write from a bad epoch.
  fb.mode = 'ok';
  const g = d.run(d.driver.setVariable(OS, 'V', enc('degraded')));
  assert.deepEqual([g.status, g.degraded], ['success', true]);
  assert.equal(d.driver.provenance.epochs.at(-1)!.source, 'scripted-fallback');
  assert.equal(d.driver.provenance.summary().fallbackSeeds, 1);

  const { h, k } = failsClosedOnAlarm('scripted');
  assert.equal(h.scriptedFallback!.calls, 1);
  assert.equal(k.sourceFailures, 1);
});

test('verifyAll: an acknowledged variable whose record is gone from the flash counts as lost (no crash), and the counts go to variables.checked/ok/lost', () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'A', enc('alpha')));
  b.run(b.driver.setVariable(OS, 'B', enc('beta')));
  b.run(b.driver.setVariable(OS, 'C', enc('gamma')));
  assert.deepEqual(b.driver.verifyAll(), { checked: 3, ok: 3, lost: 0, lostNames: [] });
  const counts = () => ['checked', 'ok', 'lost'].map((k) => b.metrics.value(`variables.${k}` as 'variables.checked'));
  assert.deepEqual(counts(), [3, 3, 0]);
  // B's record marked deleted behind the driver's back (NOR: the state byte's bits cleared).
  const rec = b.driver.scan().find((r) => r.name === 'B' && r.state === VAR_ADDED)!;
  b.run(b.pflash.program({ ...OS, privilege: 'smm' }, rec.offset + 2, new Uint8Array([VAR_ADDED & VAR_DELETED])));
  assert.equal(b.driver.readBack('B'), null);
  assert.deepEqual(b.driver.verifyAll(), { checked: 3, ok: 2, lost: 1, lostNames: ['B'] });
  assert.deepEqual(counts(), [3, 2, 1]);
});

test('finalize counts a wait still in progress at the end of the run as starvation, once; a wait that finished is not counted again', () => {
  const b = variableBench({ 'smm-variable': { 'starvation-threshold-ns': 999 } });
  b.run(b.driver.setVariable(OS, 'V', enc('x')));
  const waits = b.metrics.value('starvation.waits');
  assert.equal(waits, b.source.calls, 'every 1 µs source call is a wait above 999 ns');
  // The run ends a second later with nothing in progress: finalize adds nothing.
  b.run((function* () {
    yield 1e9;
  })());
  b.driver.finalize();
  assert.deepEqual([b.metrics.value('starvation.waits'), b.metrics.value('starvation.longest')], [waits, 1000]);
  // The source hangs and the run ends 5 s later, mid-wait: finalize counts that wait, once.
  b.source.mode = 'hang';
  const end = b.sim.now + 5e9;
  b.sim.spawn('stuck-write', b.driver.setVariable(OS, 'V', enc('y')));
  b.sim.run(end);
  assert.equal(b.metrics.value('starvation.waits'), waits, 'not yet counted: still waiting');
  b.driver.finalize();
  b.driver.finalize();
  assert.equal(b.metrics.value('starvation.waits'), waits + 1);
  const longest = b.metrics.value('starvation.longest');
  assert.ok(longest > 4.9e9 && longest <= 5e9, `${longest}`);
});

test('SP 800-90B §4.3: after a passing start-up test the continuous APT starts a fresh window, so a source that comes back biased fails again within one window', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('good'))).status, 'success');
  b.source.mode = 'stuck';
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('bad'))).status, 'device-error');
  assert.equal(b.driver.sourceFailed, true);
  // The start-up test sees 1024 good samples (two whole APT windows) and passes; from then on
  // the source repeats one byte value (BIASED_BYTE) at every 16th byte, 2 of each 32-byte reseed, never twice in
  // a row. A window that starts on it alarms at its cutoff-th occurrence: in reseed ⌈cutoff / 2⌉.
  b.source.mode = 'biased';
  b.source.next = ['ok'];
  const cutoff = new AdaptiveProportionTest({ entropyPerSample: 8 }).cutoff;
  const alarmAt = Math.ceil(cutoff / 2);
  const apt0 = b.metrics.value('health.apt');
  const statuses: string[] = [];
  for (let i = 1; i <= alarmAt; i++) statuses.push(b.run(b.driver.setVariable(OS, 'V', enc(`after ${i}`))).status);
  assert.equal(b.driver.provenance.summary().startupPasses, 1);
  assert.deepEqual(statuses, [...Array<string>(alarmAt - 1).fill('success'), 'device-error']);
  assert.equal(b.metrics.value('health.apt') - apt0, 1);
  assert.equal(b.driver.sourceFailed, true);
  assert.deepEqual(b.driver.readBack('V'), enc(`after ${alarmAt - 1}`));
});

// ---------------------------------------------------------------- deletes (UEFI 2.10 §8.2, edk2 UpdateVariable)

const SMM_CTX = { ...OS, privilege: 'smm' as const };

test('SetVariable with DataSize 0 deletes: the record is marked VAR_DELETED, GetVariable returns NOT_FOUND, its key is zeroised, verifyAll wants it absent', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('doomed'))).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'K', enc('kept'))).status, 'success');
  const [rec] = b.driver.scan();
  const r = b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0)));
  assert.deepEqual([r.status, r.degraded], ['success', false]);
  // No new record: edk2 only clears state bits of the live one (VAR_ADDED → VAR_ADDED & VAR_DELETED).
  assert.deepEqual(b.driver.scan().map((x) => [x.name, x.state]), [['V', VAR_ADDED & VAR_DELETED], ['K', VAR_ADDED]]);
  assert.deepEqual(b.run(b.driver.getVariable(OS, 'V')), { status: 'not-found', data: null });
  assert.equal(b.driver.readRecord('V'), undefined);
  assert.ok(b.smram.read(SMM_CTX, rec!.slot, 32).every((x) => x === 0), 'the deleted record key is zeroised');
  assert.deepEqual(b.driver.ledger.get('V')!.acked, { data: null, attributes: ATTR_NV_BS_RT });
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
  // The freed key slot is the next write's; the name can be created again.
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('reborn'))).status, 'success');
  assert.equal(b.driver.scan().at(-1)!.slot, rec!.slot);
  assert.deepEqual(b.driver.readBack('V'), enc('reborn'));
  assert.equal(b.metrics.value('setvariable.completed'), 4);
});

test('an acknowledged delete whose record is live again (state bits restored) is lost for verifyAll', () => {
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'V', enc('old')));
  const rec = b.driver.scan()[0]!;
  const key = b.smram.read(SMM_CTX, rec.slot, 32);
  b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0)));
  assert.deepEqual(b.driver.verifyAll().lost, 0);
  // A driver that forgot the mark and kept the key: the old value verifies and reads back.
  b.pflash.bytes[rec.offset + 2] = VAR_ADDED;
  b.smram.write(SMM_CTX, rec.slot, key);
  assert.deepEqual(b.driver.readBack('V'), enc('old'));
  assert.deepEqual(b.driver.verifyAll(), { checked: 1, ok: 0, lost: 1, lostNames: ['V'] });
});

test('Attributes without an access bit delete whatever the DataSize; an authenticated delete pays the signature check', () => {
  for (const attributes of [0, 0x01, ATTR_TIME_BASED_AUTH | 0x01]) {
    const b = variableBench();
    b.run(b.driver.setVariable(OS, 'V', enc('value')));
    const r = b.run(b.driver.setVariable(OS, 'V', enc('ignored data'), { attributes }));
    assert.equal(r.status, 'success', `attributes ${attributes}`);
    assert.equal(b.driver.readRecord('V'), undefined, `attributes ${attributes}`);
    assert.equal(b.driver.scan().length, 1, 'nothing written');
    assert.deepEqual(b.driver.verifyAll().lost, 0);
  }
  // Time-based authenticated: + auth-verify-ns (1 ms) over the same delete without it.
  const lat = (attributes: number) => {
    const b = variableBench();
    b.run(b.driver.setVariable(OS, 'V', enc('value')));
    return b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0), { attributes })).latencyNs;
  };
  assert.equal(lat(ATTR_NV_BS_RT | ATTR_TIME_BASED_AUTH) - lat(ATTR_NV_BS_RT), 1e6);
});

test('a delete costs the SMI, the handler and one state byte; it needs no entropy (succeeds with the source starved)', () => {
  const b = variableBench({ 'smm-variable': { policy: 'fail' } });
  b.run(b.driver.setVariable(OS, 'V', enc('value')));
  b.source.mode = 'not-ready';
  const calls = b.source.calls;
  const r = b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0)));
  assert.equal(r.status, 'success');
  assert.equal(b.source.calls, calls);
  // SMI: 10 µs APM exit + 2 vCPUs × 10 µs + 5 µs RSM; handler 50 µs; one state byte × 2 writes × 10 µs.
  assert.equal(r.latencyNs, 10000 + 2 * 10000 + 5000 + 50000 + 2 * 10000);
});

test('deleting a variable that does not exist is EFI_NOT_FOUND and writes nothing; the name stays absent', () => {
  const b = variableBench();
  const r = b.run(b.driver.setVariable(OS, 'Ghost', new Uint8Array(0)));
  assert.equal(r.status, 'not-found');
  assert.equal(b.driver.scan().length, 0);
  assert.equal(b.metrics.value('setvariable.failed'), 1);
  assert.deepEqual(b.driver.ledger.get('Ghost'), { attempts: 1, attempted: { data: null, attributes: ATTR_NV_BS_RT }, acked: null });
  // Deleted twice: the second is not found, the acknowledged delete still stands.
  b.run(b.driver.setVariable(OS, 'V', enc('v')));
  assert.equal(b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0))).status, 'not-found');
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
});

test('EFI_VARIABLE_APPEND_WRITE: 0 bytes change nothing (existing or not); data is appended to the old value, the flag is not stored', () => {
  const APPEND = ATTR_NV_BS_RT | ATTR_APPEND_WRITE;
  const b = variableBench();
  b.run(b.driver.setVariable(OS, 'V', enc('abc')));
  const before = Buffer.from(b.pflash.bytes);
  assert.equal(b.run(b.driver.setVariable(OS, 'V', new Uint8Array(0), { attributes: APPEND })).status, 'success');
  assert.equal(b.run(b.driver.setVariable(OS, 'New', new Uint8Array(0), { attributes: APPEND })).status, 'success');
  assert.equal(Buffer.compare(before, b.pflash.bytes), 0, 'the flash is untouched');
  assert.equal(b.driver.readRecord('New'), undefined);
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('def'), { attributes: APPEND })).status, 'success');
  assert.deepEqual(b.driver.readRecord('V'), { data: enc('abcdef'), attributes: ATTR_NV_BS_RT });
  // Appending to a name that does not exist creates it with the data.
  assert.equal(b.run(b.driver.setVariable(OS, 'New', enc('xyz'), { attributes: APPEND })).status, 'success');
  assert.deepEqual(b.driver.readRecord('New'), { data: enc('xyz'), attributes: ATTR_NV_BS_RT });
  assert.deepEqual(b.driver.ledger.get('V')!.acked, { data: enc('abcdef'), attributes: ATTR_NV_BS_RT });
  assert.deepEqual(b.driver.verifyAll(), { checked: 2, ok: 2, lost: 0, lostNames: [] });
  // Appending to a record that no longer verifies is refused (nothing to append to), the old record stays.
  const rec = b.driver.scan().find((x) => x.name === 'V' && x.state === VAR_ADDED)!;
  b.pflash.bytes[rec.offset + 44 + 1] ^= 1;
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('ghi'), { attributes: APPEND })).status, 'security-violation');
  assert.equal(b.driver.scan().filter((x) => x.name === 'V' && x.state === VAR_ADDED).length, 1);
});

test('isDeleteRequest: DataSize 0 without APPEND_WRITE, or no access bit (edk2 UpdateVariable)', () => {
  assert.equal(isDeleteRequest(ATTR_NV_BS_RT, 0), true);
  assert.equal(isDeleteRequest(ATTR_NV_BS_RT, 1), false);
  assert.equal(isDeleteRequest(ATTR_NV_BS_RT | ATTR_APPEND_WRITE, 0), false);
  assert.equal(isDeleteRequest(0x01 | ATTR_APPEND_WRITE, 5), true); // NV only: no access bit
  assert.equal(isDeleteRequest(0x03, 5), false); // BOOTSERVICE_ACCESS alone is access
  assert.equal(isDeleteRequest(0x05, 5), false); // RUNTIME_ACCESS alone too (edk2 refuses it earlier, not here)
});

test('an append pays the decryption of the old data on top of the write of the merged value', () => {
  const CRYPT = 7; // ns per byte, distinct from every other cost
  const latency = (attributes: number, first: Uint8Array, second: Uint8Array) => {
    const b = variableBench({ 'smm-variable': { 'crypt-ns-per-byte': CRYPT } });
    b.run(b.driver.setVariable(OS, 'V', first));
    const r = b.run(b.driver.setVariable(OS, 'V', second, { attributes }));
    assert.equal(r.status, 'success');
    return { r, b };
  };
  const old = new Uint8Array(1000).fill(0x41);
  const tail = new Uint8Array(24).fill(0x42);
  const merged = new Uint8Array([...old, ...tail]);
  const append = latency(ATTR_NV_BS_RT | ATTR_APPEND_WRITE, old, tail);
  const plain = latency(ATTR_NV_BS_RT, old, merged);
  assert.deepEqual(append.b.driver.readBack('V'), merged);
  assert.equal(append.r.latencyNs - plain.r.latencyNs, CRYPT * old.length);
});

test('a first SetVariable the source cannot seed returns its status and instantiates nothing; the next write instantiates; an append to a name never acknowledged writes its data alone', () => {
  const b = variableBench({ 'smm-variable': { policy: 'fail' } });
  b.source.next = ['not-ready'];
  assert.deepEqual(b.run(b.driver.setVariable(OS, 'V', enc('first'))).status, 'not-ready');
  assert.deepEqual([b.driver.seeded, b.driver.provenance.epochs.length, b.driver.scan().length], [false, 0, 0]);
  assert.equal(b.driver.ledger.get('V')!.acked, null);
  const r = b.run(b.driver.setVariable(OS, 'V', enc('tail'), { attributes: ATTR_NV_BS_RT | ATTR_APPEND_WRITE }));
  assert.deepEqual([r.status, r.degraded], ['success', false]);
  assert.deepEqual(b.driver.readRecord('V'), { data: enc('tail'), attributes: ATTR_NV_BS_RT });
  assert.deepEqual(b.driver.provenance.epochs.map((e) => e.kind), ['instantiate']);
  assert.deepEqual(b.driver.verifyAll(), { checked: 1, ok: 1, lost: 0, lostNames: [] });
});

test('EndOfDxe instantiates the DRBG through an SMI when seed-at-end-of-dxe is set; once seeded, or with it unset, it does nothing; a starved source leaves it unseeded', () => {
  const b = variableBench();
  assert.equal(b.run(b.driver.endOfDxe(OS)), true);
  assert.deepEqual([b.driver.seeded, b.source.calls, b.driver.provenance.epochs.map((e) => e.kind)], [true, 1, ['instantiate']]);
  const t = b.sim.now;
  assert.ok(t > 0, 'the SMI takes time');
  assert.equal(b.run(b.driver.endOfDxe(OS)), true);
  assert.deepEqual([b.source.calls, b.sim.now], [1, t], 'already seeded: no SMI, no source call');
  const off = variableBench({ 'smm-variable': { 'seed-at-end-of-dxe': false } });
  assert.equal(off.run(off.driver.endOfDxe(OS)), false);
  assert.deepEqual([off.driver.seeded, off.source.calls, off.sim.now], [false, 0, 0]);
  const starved = variableBench({ 'smm-variable': { policy: 'fail' } });
  starved.source.mode = 'not-ready';
  assert.equal(starved.run(starved.driver.endOfDxe(OS)), false);
  assert.deepEqual([starved.driver.seeded, starved.source.calls], [false, 1]);
});

test('variable names: empty or longer than 255 UTF-8 bytes are a security violation charged no handler time; 255 bytes is a name, charged as any other', () => {
  const HANDLER = 5e6; // far above everything else a write costs (flash programming is free here)
  const bench = () => variableBench({ 'smm-variable': { 'handler-ns': HANDLER }, pflash: { 'mmio-exit-ns': 0 } });
  const b = bench();
  for (const name of ['', 'A'.repeat(256), 'é'.repeat(128)]) {
    const r = b.run(b.driver.setVariable(OS, name, enc('x')));
    assert.deepEqual([r.status, r.degraded], ['security-violation', false], `${name.length} chars`);
    assert.ok(r.latencyNs < HANDLER, `${name.length} chars: ${r.latencyNs} ns`);
  }
  assert.deepEqual([b.driver.scan().length, b.source.calls], [0, 0]);
  const long = b.run(b.driver.setVariable(OS, 'A'.repeat(255), enc('x')));
  assert.equal(long.status, 'success');
  assert.deepEqual(b.driver.readBack('A'.repeat(255)), enc('x'));
  const short = bench();
  const one = short.run(short.driver.setVariable(OS, 'A', enc('x')));
  assert.ok(Math.abs(long.latencyNs - one.latencyNs) < 1e6, `${long.latencyNs} vs ${one.latencyNs} ns`);
});

test('SetVariable metrics: completed, latency samples and series (one per acknowledged write), the rate only at runtime; bytes taken counted for the driver', () => {
  const finish = (m: ReturnType<typeof variableBench>['metrics']) => m.finish({ virtualDurationNs: 1e9, runtimeNs: 1e9, events: 0 });
  for (const runtime of [true, false]) {
    const b = variableBench({ isRuntime: () => runtime, 'smm-variable': { policy: 'degrade' } });
    const lat = [b.run(b.driver.setVariable(OS, 'V', enc('a'))).latencyNs, b.run(b.driver.setVariable(OS, 'W', enc('b'))).latencyNs];
    b.source.mode = 'not-ready'; // degraded: the counter RngLib seeds, with the driver's context
    b.run(b.driver.setVariable(OS, 'V', enc('c')));
    const m = finish(b.metrics);
    assert.deepEqual([m.setVariable.completed, m.setVariable.perVirtualSecond, m.setVariable.latency.count], [3, runtime ? 3 : 0, 3]);
    const series = b.metrics.seriesData().find((s) => s.name === 'smm-variable/setvariable-latency-ns')!;
    assert.deepEqual(series.points.slice(0, 2).map((p) => p[1]), lat);
    assert.ok((m.bytesByConsumer['smm-variable'] ?? 0) > 0, 'the fallback read with the driver as consumer');
  }
});

test('the ledger keeps its own copy of the data: a caller reusing its buffer changes nothing verifyAll compares', () => {
  const b = variableBench();
  const buf = enc('value');
  b.run(b.driver.setVariable(OS, 'V', buf));
  buf.fill(0);
  assert.deepEqual(b.driver.ledger.get('V')!.acked!.data, enc('value'));
  assert.deepEqual(b.driver.verifyAll(), { checked: 1, ok: 1, lost: 0, lostNames: [] });
});

test('not degraded: a delete of nothing, an append of nothing, an append to a record that does not verify or whose length runs past the store', () => {
  const APPEND = ATTR_NV_BS_RT | ATTR_APPEND_WRITE;
  const b = variableBench({ pflash: { 'size-bytes': 4096, 'block-bytes': 512 } });
  const status = (name: string, data: Uint8Array, attributes = ATTR_NV_BS_RT) => {
    const r = b.run(b.driver.setVariable(OS, name, data, { attributes }));
    return [r.status, r.degraded];
  };
  assert.deepEqual(status('Nope', new Uint8Array(0)), ['not-found', false]);
  assert.deepEqual(status('Nope', new Uint8Array(0), APPEND), ['success', false]);
  b.run(b.driver.setVariable(OS, 'Fill', new Uint8Array(3000)));
  b.run(b.driver.setVariable(OS, 'V', enc('abc')));
  const rec = b.driver.scan().find((x) => x.name === 'V')!;
  assert.ok(rec.offset > 3000);
  // A data length that fits a store of 4096 bytes from offset 0 but not from the record (it
  // would run past the whole device, spare included): refused, not read.
  new DataView(b.pflash.bytes.buffer).setUint32(rec.offset + 4, 4096 + rec.offset - 60, true);
  assert.deepEqual(status('V', enc('def'), APPEND), ['security-violation', false]);
  new DataView(b.pflash.bytes.buffer).setUint32(rec.offset + 4, 3, true);
  b.pflash.bytes[rec.offset + 44 + 1] ^= 1; // the ciphertext: no longer verifies
  assert.deepEqual(status('V', enc('def'), APPEND), ['security-violation', false]);
});

test('a record that fills the store to its last byte is written without a reclaim', () => {
  const b = variableBench({ pflash: { 'size-bytes': 4096, 'block-bytes': 512 } });
  assert.equal(b.driver.reclaiming, false);
  b.run(b.driver.setVariable(OS, 'A', new Uint8Array(96)));
  const used = b.driver.scan()[0]!.size;
  // header 44 + name 1 + data, padded to 4: exactly the rest of the store
  const r = b.run(b.driver.setVariable(OS, 'B', new Uint8Array(4096 - used - 44 - 1 - 3)));
  assert.deepEqual([r.status, b.driver.reclaims, b.driver.reclaiming], ['success', 0, false]);
  const last = b.driver.scan().at(-1)!;
  assert.equal(last.offset + last.size, 4096);
  assert.deepEqual(b.driver.verifyAll().lost, 0);
});

test('pflash with free MMIO exits (mmio-exit-ns 0): a write programs at no cost and succeeds', () => {
  const b = variableBench({ pflash: { 'mmio-exit-ns': 0 } });
  assert.equal(b.run(b.driver.setVariable(OS, 'V', enc('free'))).status, 'success');
  assert.deepEqual(b.driver.readBack('V'), enc('free'));
});

test('SetVariable charges crypt-ns-per-byte for the data and the AAD (header fields ‖ name)', () => {
  const lat = (crypt: number) => {
    const b = variableBench({ 'smm-variable': { 'crypt-ns-per-byte': crypt } });
    return b.run(b.driver.setVariable(OS, 'Name', new Uint8Array(100))).latencyNs;
  };
  assert.equal(lat(1000) - lat(0), 1000 * (100 + AAD_FIXED + 4));
});

test('GetVariable reads the record the index names (not the first in flash), charges crypt-ns-per-byte per data byte, and is a device error when that record is gone', () => {
  const get = (crypt: number) => {
    const b = variableBench({ 'smm-variable': { 'crypt-ns-per-byte': crypt } });
    b.run(b.driver.setVariable(OS, 'A', enc('alpha')));
    b.run(b.driver.setVariable(OS, 'B', enc('bravo!')));
    const t0 = b.sim.now;
    const r = b.run(b.driver.getVariable(OS, 'B'));
    return { b, r, ns: b.sim.now - t0 };
  };
  const { b, r, ns } = get(1000);
  assert.deepEqual(r, { status: 'success', data: enc('bravo!') });
  assert.equal(ns - get(0).ns, 1000 * 6);
  // B's magic cleared in flash: the index still names it, the scan no longer finds it.
  const rec = b.driver.scan().find((x) => x.name === 'B')!;
  b.pflash.bytes[rec.offset] = 0;
  assert.deepEqual(b.run(b.driver.getVariable(OS, 'B')), { status: 'device-error', data: null });
  assert.deepEqual(b.run(b.driver.getVariable(OS, 'A')), { status: 'success', data: enc('alpha') });
});

test('a reclaim whose live records and new record fill the store exactly succeeds; reclaiming is false again after it; free MMIO exits (a zero-cost FTW) are no failure', () => {
  for (const exit of [undefined, 0]) {
    const b = variableBench({ pflash: { 'size-bytes': 4096, 'block-bytes': 512, ...(exit === undefined ? {} : { 'mmio-exit-ns': exit }) } });
    b.run(b.driver.setVariable(OS, 'A', new Uint8Array(96))); // 144 bytes
    b.run(b.driver.setVariable(OS, 'A', new Uint8Array(96))); // the first copy is garbage now
    // 44 + 1 + 3904 → 3952 bytes: with A's 144, exactly the store; it does not fit after the garbage.
    const r = b.run(b.driver.setVariable(OS, 'B', new Uint8Array(3904)));
    assert.deepEqual([r.status, b.driver.reclaims, b.driver.reclaiming], ['success', 1, false], `mmio-exit-ns ${exit}`);
    assert.deepEqual(b.driver.scan().map((x) => [x.name, x.offset, x.size]), [['A', 0, 144], ['B', 144, 3952]]);
    assert.equal(b.driver.verifyAll().lost, 0);
  }
});

test('a reclaim keeps the live records in their flash order (not the order the names were first written)', () => {
  const b = variableBench({ pflash: { 'size-bytes': 4096, 'block-bytes': 512 } });
  for (const name of ['A', 'B', 'C']) b.run(b.driver.setVariable(OS, name, new Uint8Array(96)));
  b.run(b.driver.setVariable(OS, 'A', new Uint8Array(96))); // A now after C
  b.run(b.driver.setVariable(OS, 'B', new Uint8Array(96))); // B after A
  const live = () => b.driver.scan().filter((x) => x.state === VAR_ADDED).map((x) => x.name);
  assert.deepEqual(live(), ['C', 'A', 'B']);
  // 144 × 3 live + 3520 → 3952: fits only after compacting the two garbage copies.
  b.run(b.driver.setVariable(OS, 'D', new Uint8Array(3520 - 44 - 1 - 3)));
  assert.equal(b.driver.reclaims, 1);
  assert.deepEqual(b.driver.scan().map((x) => x.name), ['C', 'A', 'B', 'D']);
  assert.equal(b.driver.verifyAll().lost, 0);
});
