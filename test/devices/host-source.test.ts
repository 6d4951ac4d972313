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
