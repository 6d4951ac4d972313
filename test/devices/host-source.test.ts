import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OS, bench, hostSource, runProc } from './fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

void OS;

test('seeded backend: same seed → same bytes; different seed → different bytes', () => {
  const a = bench(1, 5);
  const b = bench(1, 5);
  const c = bench(1, 6);
  const x = runProc(a.sim, hostSource(a).read(64)).bytes;
  assert.deepEqual(runProc(b.sim, hostSource(b).read(64)).bytes, x);
  assert.notDeepEqual(runProc(c.sim, hostSource(c).read(64)).bytes, x);
});

test('stuck source: RCT alarms with H = 8 (cutoff C = 4, SP 800-90B §4.4.1) and the raw tap records it', () => {
  const b = bench();
  const h = hostSource(b, { fault: 'stuck', 'stuck-value': 0x5a });
  const r = runProc(b.sim, h.read(64));
  assert.ok(r.bytes.every((x) => x === 0x5a));
  assert.equal(r.alarm, true);
  assert.equal(h.rct!.cutoff, 4);
  assert.equal(b.metrics.value('health.rct'), 16); // ⌊64 / 4⌋ alarms (the counter restarts after each)
  assert.ok(b.metrics.value('health.apt') >= 1); // APT C = 13 of W = 512 (§7.2)
  assert.equal(b.taps.total('host-source/raw'), 64);
});

test('healthy seeded source: no alarms over 64 KiB', () => {
  const b = bench();
  const h = hostSource(b);
  assert.equal(runProc(b.sim, h.read(65536)).alarm, false);
  assert.equal(b.metrics.value('health.rct') + b.metrics.value('health.apt'), 0);
});

test('biased source: P(1) ≈ p-one', () => {
  const b = bench();
  const r = runProc(b.sim, hostSource(b, { fault: 'biased', 'p-one': 0.75, 'health-tests': false }).read(20000)).bytes;
  let ones = 0;
  for (const x of r) for (let k = 0; k < 8; k++) ones += (x >> k) & 1;
  const p = ones / (8 * r.length);
  assert.ok(Math.abs(p - 0.75) < 0.01, `p = ${p}`);
});

test('repeating block and fail-after', () => {
  const b = bench();
  const rep = runProc(b.sim, hostSource(b, { fault: 'repeating', 'repeat-block': 16, 'health-tests': false }).read(64)).bytes;
  for (let i = 16; i < 64; i++) assert.equal(rep[i], rep[i - 16]);
  const h = hostSource(b, { fault: 'fail-after', 'fail-after-bytes': 100 });
  assert.equal(runProc(b.sim, h.read(60)).bytes.length, 60);
  assert.equal(runProc(b.sim, h.read(60)).bytes.length, 40);
  assert.equal(runProc(b.sim, h.read(60)).bytes.length, 0);
  assert.equal(h.exhausted, true);
});

test('throughput and latency: requests are served FIFO at the configured rate', () => {
  const b = bench();
  const h = hostSource(b, { throughput: 1e6, latency: 1000 }); // 1 B/µs
  b.sim.spawn('a', h.read(1000));
  b.sim.spawn('b', h.read(1000));
  b.sim.run();
  assert.equal(b.sim.now, 2 * (1000 + 1e6));
  const s = bench();
  const slow = hostSource(s, { throughput: 1e6, latency: 1000, fault: 'slow', 'slow-factor': 10 });
  runProc(s.sim, slow.read(10));
  assert.equal(s.sim.now, 10 * (1000 + 10 * 1000));
});

test('file backend: the file bytes in order, then nothing; a missing file is an InputError', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = tempDir('hostsrc-');
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, Buffer.from([1, 2, 3, 4, 5]));
  const b = bench();
  const h = hostSource(b, { backend: 'file', file: path, 'health-tests': false });
  assert.deepEqual([...runProc(b.sim, h.read(3)).bytes], [1, 2, 3]);
  assert.deepEqual([...runProc(b.sim, h.read(3)).bytes], [4, 5]);
  assert.equal(runProc(b.sim, h.read(3)).bytes.length, 0);
  assert.throws(() => hostSource(b, { backend: 'file', file: join(dir, 'missing') }), /host-source\.file: '.*missing': no such file/);
});

test('keystream: AES-256-CTR from the seed, the same stream however it is split (across the 64 KiB chunk boundary too)', async () => {
  const { Keystream } = await import('../../src/devices/keystream.ts');
  const { Prng } = await import('../../src/sim/prng.ts');
  const { createCipheriv } = await import('node:crypto');
  const whole = new Keystream(new Prng(9)).take(65536 + 100);
  // Known answer: AES-256-CTR of zeros under the key and IV the seed's PRNG draws first.
  const rng = new Prng(9);
  const c = createCipheriv('aes-256-ctr', Buffer.from(rng.bytes(32)), Buffer.from(rng.bytes(16)));
  assert.deepEqual(whole, new Uint8Array(c.update(new Uint8Array(65536 + 100))));
  const split = new Keystream(new Prng(9));
  const parts = [split.take(65530), split.take(10), split.take(96)];
  assert.deepEqual(new Uint8Array(Buffer.concat(parts)), whole);
  assert.equal(new Keystream(new Prng(9)).take(0).length, 0);
});

test('drawAfterRun continues the same stream outside health tests, metrics and taps; the output stream notes what was delivered', () => {
  const a = bench(1, 5);
  const whole = runProc(a.sim, hostSource(a).read(64)).bytes;
  const b = bench(1, 5);
  const h = hostSource(b);
  const first = runProc(b.sim, h.read(32)).bytes;
  assert.equal(h.output.produced, 32);
  const after = h.drawAfterRun(32);
  assert.deepEqual([...first, ...after], [...whole]);
  assert.equal(h.bytesDelivered, 64);
  assert.equal(h.requests, 1);
  assert.equal(b.taps.total('host-source/raw'), 32);
  // fail-after keeps failing after the run
  const f = bench();
  const g = hostSource(f, { fault: 'fail-after', 'fail-after-bytes': 10 });
  assert.equal(runProc(f.sim, g.read(8)).bytes.length, 8);
  assert.equal(g.drawAfterRun(8).length, 2);
  assert.equal(g.drawAfterRun(8).length, 0);
});

test('a source that delivers nothing records no raw tap and raises no alarm; exhausted only once fail-after-bytes are out', () => {
  const b = bench();
  const h = hostSource(b, { fault: 'fail-after', 'fail-after-bytes': 16 });
  assert.equal(h.exhausted, false);
  runProc(b.sim, h.read(15));
  assert.equal(h.exhausted, false);
  runProc(b.sim, h.read(15));
  assert.equal(h.exhausted, true);
  const before = b.taps.total('host-source/raw');
  const r = runProc(b.sim, h.read(4));
  assert.deepEqual({ n: r.bytes.length, alarm: r.alarm, tap: b.taps.total('host-source/raw') }, { n: 0, alarm: false, tap: before });
  const e = bench();
  const empty = hostSource(e, { fault: 'fail-after', 'fail-after-bytes': 0 });
  runProc(e.sim, empty.read(4));
  assert.equal(e.taps.has('host-source/raw'), false);
  assert.equal(empty.exhausted, true);
});

test('file backend: exhausted at the end of the file, not before; a path is required', async () => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = tempDir('hostsrc-end-');
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, Buffer.from([9, 8, 7, 6]));
  const b = bench();
  const h = hostSource(b, { backend: 'file', file: path, 'health-tests': false });
  runProc(b.sim, h.read(3));
  assert.equal(h.exhausted, false);
  runProc(b.sim, h.read(1));
  assert.equal(h.exhausted, true);
  assert.throws(() => hostSource(b, { backend: 'file' }), /host-source\.file: backend 'file' needs a file path/);
  // the seeded and os backends are never exhausted
  assert.equal(hostSource(b).exhausted, false);
  const os = hostSource(b, { backend: 'os', 'health-tests': false });
  assert.equal(runProc(b.sim, os.read(16)).bytes.length, 16);
  assert.equal(os.exhausted, false);
});

test('repeating: the block continues across reads; health tests off: no alarm, no RCT/APT', () => {
  const b = bench();
  const h = hostSource(b, { fault: 'repeating', 'repeat-block': 16, 'health-tests': false });
  const x = runProc(b.sim, h.read(10)).bytes;
  const y = runProc(b.sim, h.read(30)).bytes;
  const all = [...x, ...y];
  for (let i = 16; i < all.length; i++) assert.equal(all[i], all[i - 16], `byte ${i}`);
  assert.equal(h.rct, null);
  assert.equal(h.apt, null);
  const s = bench();
  const stuck = hostSource(s, { fault: 'stuck', 'health-tests': false });
  assert.equal(runProc(s.sim, stuck.read(64)).alarm, false);
  assert.equal(s.metrics.value('health.rct'), 0);
});

test('health tests: an alarm flags only the delivery it fired in; H sets the cutoffs (§4.4.1: C = 1 + ⌈20/H⌉)', () => {
  const b = bench();
  const h = hostSource(b, { 'claimed-entropy': 1 });
  assert.equal(h.rct!.cutoff, 21);
  const ok = runProc(b.sim, h.read(256));
  assert.equal(ok.alarm, false);
  const s = bench();
  const stuck = hostSource(s, { fault: 'stuck', 'claimed-entropy': 1 });
  assert.equal(runProc(s.sim, stuck.read(20)).alarm, false); // 20 repeats: below C = 21
  assert.equal(runProc(s.sim, stuck.read(1)).alarm, true); // the 21st
  assert.equal(s.metrics.value('health.rct'), 1);
  assert.equal(runProc(s.sim, stuck.read(1)).alarm, false, 'the count restarted: an earlier alarm does not flag this delivery');
  assert.equal(s.metrics.value('health.rct'), 1);
  assert.equal(runProc(s.sim, stuck.read(40)).alarm, true);
  assert.equal(s.metrics.value('health.rct'), 2, 'metrics add each delivery\'s new alarms: ⌊62 / 21⌋ in all');
});

test('slow fault only: latency and throughput unchanged without it; a request arriving later starts then', () => {
  const b = bench();
  const h = hostSource(b, { throughput: 1e6, latency: 1000, 'slow-factor': 10 });
  runProc(b.sim, h.read(10));
  assert.equal(b.sim.now, 1000 + 10 * 1000);
  assert.equal(h.reserve(10, 50_000), 50_000 + 1000 + 10 * 1000);
  assert.equal(h.reserve(10), 50_000 + 2 * (1000 + 10 * 1000)); // behind the first (FIFO)
});

test('biased: each bit is one draw of the run\'s PRNG, 1 when below p-one, most significant bit first', async () => {
  const b = bench(1, 3);
  const h = hostSource(b, { fault: 'biased', 'p-one': 0.3, 'health-tests': false });
  const got = [...runProc(b.sim, h.read(15)).bytes, ...runProc(b.sim, h.read(25)).bytes]; // split or not: the same draws
  const rng = bench(1, 3).rng.fork('host');
  const { Keystream } = await import('../../src/devices/keystream.ts');
  void new Keystream(rng); // the seeded backend keys its keystream from the PRNG first
  const want = Array.from({ length: 40 }, () => {
    let x = 0;
    for (let k = 0; k < 8; k++) x = (x << 1) | (rng.next() < 0.3 ? 1 : 0);
    return x;
  });
  assert.deepEqual(got, want);
});

test('repeating: the block is the first repeat-block bytes the backend would have given', () => {
  const a = bench(1, 4);
  const clean = runProc(a.sim, hostSource(a).read(16)).bytes;
  const b = bench(1, 4);
  const rep = runProc(b.sim, hostSource(b, { fault: 'repeating', 'repeat-block': 16, 'health-tests': false }).read(40)).bytes;
  assert.deepEqual([...rep], [...clean, ...clean, ...clean.subarray(0, 8)]);
});

test('only fault fail-after caps the source: a healthy one delivers past fail-after-bytes and is never exhausted', () => {
  const b = bench();
  const h = hostSource(b, { 'fail-after-bytes': 100 });
  assert.equal(runProc(b.sim, h.read(8192)).bytes.length, 8192);
  assert.equal(h.exhausted, false);
});

test('a request after an idle period starts then: latency + size / throughput from its arrival', () => {
  const b = bench();
  const h = hostSource(b, { throughput: 1e6, latency: 1000 });
  b.sim.run(1e6);
  runProc(b.sim, h.read(10));
  assert.equal(b.sim.now, 1e6 + 1000 + 10 * 1000);
});

test('the raw tap and the quality stream say what the bytes are: raw with the claimed entropy, and the conditioned host output', () => {
  const b = bench();
  const h = hostSource(b, { 'claimed-entropy': 7 });
  runProc(b.sim, h.read(32));
  const tap = b.taps.data().find((t) => t.name === 'host-source/raw')!;
  assert.deepEqual({ consumer: tap.consumer, source: tap.source, kind: tap.kind, h: tap.claimedEntropyPerSample }, { consumer: 'host-source', source: 'host-source', kind: 'raw', h: 7 });
  assert.deepEqual(h.output.meta, { source: 'host-source', kind: 'conditioned' });
});

test('parameter units show in the refusal (spec.ts: "below the minimum 1 (ms)")', async () => {
  const { resolveParams } = await import('../../src/designs/components.ts');
  const units: Record<string, [number, string]> = {
    throughput: [0, 'B/s'], latency: [-1, 'ns'], 'repeat-block': [0, 'bytes'], 'fail-after-bytes': [-1, 'bytes'], 'claimed-entropy': [0, 'bits/byte'],
  };
  for (const [name, [v, unit]] of Object.entries(units)) {
    assert.throws(() => resolveParams('host-source', { [name]: v }), (e: Error) => e.message.endsWith(`(${unit})`), name);
  }
});

test('the health metrics are the tests\' alarm counts: each delivery adds only its new alarms', () => {
  const b = bench();
  const h = hostSource(b, { fault: 'stuck' });
  for (let i = 0; i < 3; i++) assert.equal(runProc(b.sim, h.read(600)).alarm, true);
  assert.ok(h.apt!.alarms >= 2 && h.rct!.alarms >= 2);
  assert.deepEqual([b.metrics.value('health.rct'), b.metrics.value('health.apt')], [h.rct!.alarms, h.apt!.alarms]);
});
