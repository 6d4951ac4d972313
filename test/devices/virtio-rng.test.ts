/**
 * virtio-rng against QEMU's limiter semantics (docs/model.md §1.2, §0 rows 1–5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtioRngClient } from '../../src/firmware/virtio-rng-dxe.ts';
import { resolveParams } from '../../src/designs/components.ts';
import { FW, OS, SMM, bench, runProc, virtio } from './fixture.ts';

const MS = 1e6;

test('defaults: max-bytes INT64_MAX per 65536 ms, queue of 8 (docs/model.md §0 rows 1, 2, 5)', () => {
  const p = resolveParams('virtio-rng', undefined);
  assert.equal(p['max-bytes'], 9223372036854775807);
  assert.equal(p['period'], 65536);
  assert.equal(p['queue-size'], 8);
  const b = bench();
  const d = virtio(b);
  assert.equal(d.periodNs, 65536 * MS);
  assert.equal(d.maxBytes, Number.MAX_SAFE_INTEGER);
});

test('max-bytes=1024, period=1000: a 4096-byte OVMF request completes in 4 windows, the 4th at ≥ 3 s', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1024, period: 1000 });
  d.setDriverOk(true);
  const client = new VirtioRngClient(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  const r = runProc(b.sim, client.read(FW, 4096));
  assert.equal(r.status, 'success');
  assert.equal(r.bytes.length, 4096);
  // 4 allotments of 1024 bytes: the first window's, then 3 refills (each refill serves the
  // queued buffer at once; the next kick opens the next window lazily)
  assert.equal(d.refills, 3);
  assert.equal(d.windowStarts.length, 3);
  assert.ok(b.sim.now >= 3000 * MS, `finished at ${b.sim.now} ns`);
  assert.ok(b.sim.now < 3100 * MS, `finished at ${b.sim.now} ns`);
  // windows start lazily: each starts after the previous window's refill, which QEMU's ms timer
  // sets at floor(start in ms) + period (so up to 1 ms less than start + period, never earlier)
  for (let i = 1; i < 3; i++) assert.ok(d.windowStarts[i]! >= Math.floor(d.windowStarts[i - 1]! / MS) * MS + 1000 * MS);
  assert.equal(d.quotaExhaustionEvents, 3);
  assert.equal(d.bytesCharged, 4096);
});

test('ms timer grid: the window timer fires at floor(start in ms) + period, plus timer-latency', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000, 'timer-latency': 400_000 });
  const refills: number[] = [];
  b.sim.spawn('guest', (function* () {
    yield 2.7 * MS; // the driver becomes ready at 2.7 ms: window 1 opens at 2.7 ms
    d.setDriverOk(true);
    for (let i = 0; i < 3; i++) {
      const r = d.post(OS, 64)!;
      d.notify();
      yield r.done;
      refills.push(d.refills);
    }
  })());
  b.sim.run();
  assert.equal(d.windowStarts[0], 2.7 * MS);
  // deadline 2 ms + 1000 ms (0.7 ms before start + period), refill 0.4 ms later
  assert.deepEqual(d.windows.slice(0, 2).map((w) => w.expiresAt), [1002.4 * MS, 2002.4 * MS]);
  assert.equal(d.windows[1]!.refillAt, 1002.4 * MS);
  assert.deepEqual(d.windows.map((w) => w.bytes), [64, 64, 64]);
  assert.deepEqual(refills, [0, 1, 2]);
});

test('unused quota does not carry over; the window starts at the first request after a refill', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1024, period: 1000 });
  const got: Array<[number, number]> = [];
  b.sim.spawn('guest', (function* () {
    d.setDriverOk(true); // DRIVER_OK runs process(): the first window opens at t = 0
    const a = yield* d.read(OS, 512);
    got.push([b.sim.now, a!.length]);
    yield 1500 * MS - b.sim.now; // idle across the refill at 1 s (512 unused bytes are lost)
    const c = yield* d.read(OS, 2048);
    got.push([b.sim.now, c!.length]);
  })());
  b.sim.run();
  assert.equal(d.windowStarts[0], 0);
  assert.equal(d.windowStarts[1], 1500 * MS + d.notifyNs); // lazily, at the 1.5 s kick (after the 1.5 µs notify exit)
  assert.equal(got[0]![1], 512);
  assert.equal(got[1]![1], 1024); // reset to max-bytes, not 1024 + 512
  assert.ok(got[1]![0] < 1501 * MS);
});

test('quota 0: buffers wait in the ring without error and are served at the refill', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  const first = d.post(OS, 64)!;
  d.notify();
  b.sim.run(10 * MS);
  assert.ok(first.done.triggered);
  const second = d.post(OS, 64)!;
  d.notify();
  b.sim.run(999 * MS);
  assert.equal(second.done.triggered, false); // still queued, no short/zero completion
  assert.equal(d.queued, 1);
  assert.equal(d.quotaExhaustionEvents, 1);
  b.sim.run(1001 * MS);
  assert.ok(second.done.triggered);
  assert.equal(second.done.value!.length, 64);
});

test('device reset keeps the quota and the window (firmware and OS share one window)', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 100, period: 1000 });
  d.setDriverOk(true);
  b.sim.spawn('fw', d.read(FW, 100));
  b.sim.run(10 * MS);
  const t = b.sim.now;
  d.setDriverOk(false); // ExitBootServices: reset
  d.setDriverOk(true); // OS driver binds
  assert.equal(d.quotaRemaining, 0);
  assert.equal(d.windowStarts.length, 1);
  let doneAt = -1;
  b.sim.spawn('os', (function* () { yield* d.read(OS, 10); doneAt = b.sim.now; })());
  b.sim.run();
  assert.ok(doneAt >= 1000 * MS && doneAt < 1001 * MS, `OS waited for the firmware's window to end (done at ${doneAt}, first read done at ${t})`);
});

test('one queue of 8 buffers: a 9th post is refused; FIFO service order', () => {
  const b = bench();
  const d = virtio(b);
  d.setDriverOk(true);
  const reqs = Array.from({ length: 8 }, (_, i) => d.post({ ...OS, actor: `g${i}` }, 16 + i));
  assert.ok(reqs.every((r) => r !== null));
  assert.equal(d.post(OS, 16), null);
  d.notify();
  b.sim.run();
  assert.deepEqual(reqs.map((r) => r!.done.value!.length), [16, 17, 18, 19, 20, 21, 22, 23]);
  assert.equal(b.metrics.valueFor('bytes', 'g3'), 19);
});

test('a failed host backend leaves buffers queued (no completion)', () => {
  const b = bench();
  const d = virtio(b, {}, { fault: 'fail-after', 'fail-after-bytes': 32 });
  d.setDriverOk(true);
  const a = d.post(OS, 32)!;
  d.notify();
  b.sim.run(5 * MS);
  const c = d.post(OS, 32)!;
  d.notify();
  b.sim.run(100 * MS);
  assert.ok(a.done.triggered);
  assert.equal(c.done.triggered, false);
  assert.equal(d.queued, 1);
  assert.equal(d.backendRequests, 2, 'an empty delivery is not retried: the buffer waits for the next kick');
  assert.equal(d.bytesCharged, 32);
});

test('shared draw (SMM device on the shared backend) waits for the refill of the same window', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  runProc(b.sim, d.read(OS, 64)); // the OS uses the whole window
  const r = runProc(b.sim, d.sharedDraw(32));
  assert.equal(r.bytes.length, 32);
  assert.ok(b.sim.now >= 1000 * MS);
});

test('device absent: reads return null, nothing is queued', () => {
  const b = bench();
  const d = virtio(b, { present: false });
  d.setDriverOk(true);
  assert.equal(runProc(b.sim, d.read(OS, 64)), null);
  assert.equal(d.post(OS, 64), null);
  assert.equal(d.windowStarts.length, 0);
});

test('a guest cannot post while every vCPU is in SMM; SMM code can', () => {
  for (const ctx of [OS, SMM]) {
    const b = bench();
    const d = virtio(b, { 'ready-kick-latency': 0 });
    d.setDriverOk(true);
    b.sim.run(1 * MS);
    b.vcpus.enterSmm();
    b.sim.at(5 * MS, () => b.vcpus.exitSmm());
    let doneAt = -1;
    b.sim.spawn('reader', (function* () { yield* d.read(ctx, 16); doneAt = b.sim.now; })());
    b.sim.run(10 * MS);
    const posted = d.events.filter((e) => e.kind === 'request' && e.size === 16)[0]!.t;
    if (ctx.privilege === 'smm') assert.ok(posted < 2 * MS && doneAt < 2 * MS, `smm: posted ${posted}, done ${doneAt}`);
    else assert.ok(posted >= 5 * MS && doneAt > 5 * MS, `os: posted ${posted}, done ${doneAt}`);
  }
});

test('inferred (§1.2): two kicks before a delivery both request the queued bytes; the excess is charged', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1000, period: 1000 });
  d.setDriverOk(true);
  b.sim.run(1 * MS); // past the DRIVER_OK ioeventfd kick (below)
  const a = d.post(OS, 100)!;
  d.notify(); // asks the backend for 100
  const c = d.post(OS, 100)!;
  d.notify(); // asks again for 200 (both buffers still queued)
  b.sim.run(10 * MS);
  // the first delivery (100) completes `a` and, with `c` still queued, runs process() again:
  // a third request for 100; the 200 then completes `c` and the last 100 find no buffer
  assert.equal(d.backendRequests, 3);
  assert.ok(a.done.triggered && c.done.triggered);
  assert.equal(d.bytesCharged, 400);
  assert.equal(d.quotaRemaining, 600);
});

test('§1.2 FIFO + partial fill: a buffer ≥ max-bytes queued ahead takes the whole refill; the one behind waits for the next refill', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1024, period: 1000 });
  d.setDriverOk(true); // window 1 opens at t = 0
  const drain = (actor: string) => d.post({ ...OS, actor }, 4096)!;
  const first = drain('drain');
  d.notify(); // request = queued bytes (4096) capped at the quota (1024)
  b.sim.run(1 * MS);
  assert.equal(first.done.value!.length, 1024); // returned short: the used length is what was written
  assert.equal(d.quotaRemaining, 0);
  const second = drain('drain'); // the driver re-posts at once
  d.notify(); // quota 0: stays queued, no completion
  b.sim.run(500 * MS);
  const smm = d.post({ privilege: 'smm', cpu: 0, actor: 'smm' }, 32)!;
  d.notify();
  // Refill at 1 s: process() asks for min(4096 + 32, 1024) bytes; chr_read pops the queue in
  // order, so the 4096-byte buffer ahead gets all 1024 (short) and the SMM buffer gets none.
  b.sim.run(1001 * MS);
  assert.equal(d.refills, 1);
  assert.equal(second.done.value!.length, 1024);
  assert.equal(smm.done.triggered, false);
  assert.equal(d.queued, 1);
  // Buffers remained, so chr_read called process() again: that opened the next window at the
  // delivery (after the refill), so the SMM buffer waits a full period more. QEMU arms the timer
  // at qemu_clock_get_ms() + period: the deadline is 2000 ms on the ms grid (not w2 + 1000 ms),
  // and the refill runs timer-latency after it.
  const w2 = d.windowStarts[1]!;
  assert.ok(w2 > 1000 * MS && w2 < 1001 * MS, `window 2 at ${w2}`);
  const refill2 = 2000 * MS + d.timerLatencyNs;
  assert.ok(refill2 < w2 + 1000 * MS, 'the grid deadline is earlier than start + period');
  b.sim.run(refill2 - 1);
  assert.equal(smm.done.triggered, false); // still window 2
  b.sim.run(refill2 + 1 * MS);
  assert.equal(smm.done.value!.length, 32); // served at the 2nd refill: waited 1.5 periods
  assert.equal(b.metrics.valueFor('bytes', 'smm'), 32);
  assert.equal(b.metrics.valueFor('bytes', 'drain'), 2048);
});

test('DRIVER_OK: QEMU serves its own ioeventfd kick ready-kick-latency later; a guest kick before it is read with it', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1024, period: 1000, 'ready-kick-latency': 200_000 });
  d.setDriverOk(true); // set_status's process(): nothing queued
  const r = d.post(OS, 64)!;
  b.sim.at(50_000, () => d.notify()); // the guest's kick at 50 µs: same eventfd, not yet read
  b.sim.run(10 * MS);
  assert.ok(r.done.triggered);
  const req = d.events.filter((e) => e.kind === 'request');
  assert.deepEqual(req.map((e) => [e.t, e.size, e.quota]), [[0, 0, 1024], [200_000, 64, 1024]]);
  assert.equal(d.bytesCharged, 64);
});

test('DRIVER_OK race with a slow backend (rng-egd): buffer posted before the ioeventfd kick is served, kick served after: 64 bytes asked twice, 128 charged, one push', () => {
  // The EGD capture (test/fixtures/qemu/l1024-p1000-r64-egd): requests 0, 64, 64 at DRIVER_OK, then one push and quota 896.
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1024, period: 1000, backend: 'egd', 'ready-kick-latency': 434_000, 'fill-latency-egd': 280_000 });
  d.setDriverOk(true);
  b.sim.at(430_000, () => void d.post(OS, 64)); // posted before the main loop reads the eventfd
  b.sim.at(644_000, () => d.notify()); // the driver's kick, read separately
  b.sim.run(10 * MS);
  const ev = d.events.map((e) => [e.kind, e.size, e.quota]);
  assert.deepEqual(ev, [['request', 0, 1024], ['request', 64, 1024], ['request', 64, 1024], ['push', 64, null]]);
  assert.equal(d.bytesCharged, 128);
  assert.equal(d.quotaRemaining, 1024 - 128);
  // the same kick before the ioeventfd kick is served: one request, 64 charged
  const b2 = bench();
  const d2 = virtio(b2, { 'max-bytes': 1024, period: 1000, backend: 'egd', 'ready-kick-latency': 434_000, 'fill-latency-egd': 280_000 });
  d2.setDriverOk(true);
  b2.sim.at(430_000, () => {
    d2.post(OS, 64);
    d2.notify();
  });
  b2.sim.run(10 * MS);
  assert.equal(d2.bytesCharged, 64);
});

test('QEMU get_request_size(): the traced size is whole buffers up to the quota (64 with 36 or 0 bytes left)', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 100, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  b.sim.run(1 * MS);
  for (let i = 0; i < 3; i++) {
    d.post(OS, 64);
    d.notify();
    b.sim.run(b.sim.now + 1 * MS);
  }
  const req = d.events.filter((e) => e.kind === 'request').slice(-3).map((e) => [e.size, e.quota]);
  // as in test/fixtures/qemu/l100-p1000-r64-builtin: 64/100, 64/36, 64/0
  assert.deepEqual(req, [[64, 100], [64, 36], [64, 0]]);
  assert.equal(d.bytesCharged, 100);
});

test('trace-limit keeps the first N device events and allotments and counts them all', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000, 'trace-limit': 2, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  for (let i = 0; i < 3; i++) runProc(b.sim, d.read(OS, 64)); // 3 allotments: the initial one and 2 refills
  assert.equal(d.events.length, 2);
  assert.ok(d.eventCount > 2, `${d.eventCount} events`);
  assert.equal(d.windows.length, 2);
  assert.equal(d.windowCount, d.refills + 1);
  assert.ok(d.refills >= 2);
  const none = bench();
  const z = virtio(none, { 'trace-limit': 0 });
  z.setDriverOk(true);
  runProc(none.sim, z.read(OS, 16));
  assert.deepEqual([z.events.length, z.windows.length, z.windowCount], [0, 0, z.refills + 1]);
  assert.ok(z.eventCount >= 2);
});

test('the traced quota is clamped to UINT32_MAX as QEMU prints it; the start of each allotment is recorded', () => {
  const b = bench();
  const d = virtio(b); // max-bytes INT64_MAX
  d.setDriverOk(true);
  assert.deepEqual(d.events[0], { t: 0, kind: 'request', size: 0, quota: 0xffffffff });
  assert.deepEqual(d.windows[0], { refillAt: null, start: 0, expiresAt: 65536 * MS + d.timerLatencyNs, bytes: 0 });
  assert.equal(d.windowOpen, true);
});

test('quota exhaustion is counted once per window (metric quota.exhaustions and its series), again in the next window', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  d.post(OS, 64);
  d.notify();
  b.sim.run(1 * MS); // quota now 0
  d.post(OS, 16);
  d.notify();
  d.post(OS, 16);
  d.notify(); // a second exhausted process() in the same window
  assert.equal(d.quotaExhaustionEvents, 1);
  assert.equal(b.metrics.value('quota.exhaustions'), 1);
  b.sim.run(1001 * MS); // the refill serves both (32 of 64), the window stays open
  assert.equal(d.queued, 0);
  d.post(OS, 64);
  d.notify(); // 32 left: a short 32-byte push, the buffer is gone
  b.sim.run(b.sim.now + 1 * MS);
  d.post(OS, 16);
  d.notify(); // quota 0 in the second window: counted again
  assert.equal(d.quotaExhaustionEvents, 2);
  assert.equal(b.metrics.value('quota.exhaustions'), 2);
  const series = b.metrics.seriesData().find((s) => s.name === 'virtio-rng/quota-exhausted');
  assert.deepEqual(series?.points.map(([, v]) => v), [1, 1]);
});

test('DRIVER_OK twice before the ioeventfd kick is served: one eventfd, read once', () => {
  const b = bench();
  const d = virtio(b, { 'ready-kick-latency': 200_000 });
  d.setDriverOk(true);
  d.setDriverOk(true);
  b.sim.run(10 * MS);
  assert.deepEqual(d.events.map((e) => e.t), [0, 0, 200_000]);
});

test('reset before the ioeventfd kick is served: the kick is dropped and guest kicks are served again', () => {
  const b = bench();
  const d = virtio(b, { 'ready-kick-latency': 200_000 });
  d.setDriverOk(true);
  d.setDriverOk(false);
  b.sim.run(10 * MS);
  assert.deepEqual(d.events.map((e) => e.t), [0]); // set_status' own process() only
  // DRIVER_OK again before the dropped kick would have been served: only the new kick is served
  const e = bench();
  const x = virtio(e, { 'ready-kick-latency': 200_000 });
  x.setDriverOk(true);
  x.setDriverOk(false);
  e.sim.at(100_000, () => x.setDriverOk(true));
  e.sim.run(10 * MS);
  assert.deepEqual(x.events.map((ev) => ev.t), [0, 100_000, 300_000]);
  // A later DRIVER_OK and its kick: after that kick is served, the guest's own kick is a process()
  b.sim.at(20 * MS, () => d.setDriverOk(true));
  b.sim.run(21 * MS);
  const r = d.post(OS, 16)!;
  d.notify();
  b.sim.run(30 * MS);
  assert.equal(r.done.value!.length, 16);
});

test('a delivery that arrives after the device was reset is dropped and not charged (QEMU chr_read: guest not ready)', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 1000, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  b.sim.run(1 * MS);
  const r = d.post(OS, 100)!;
  d.notify(); // asks the backend for 100; the fill takes 12 µs
  d.setDriverOk(false);
  b.sim.run(10 * MS);
  assert.equal(r.done.triggered, false);
  assert.equal(d.bytesCharged, 0);
  assert.equal(d.quotaRemaining, 1000);
});

test('a full ring: a 9th reader waits for a free slot and is served after the first completion', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  const got: number[] = [];
  for (let i = 0; i < 9; i++) b.sim.spawn(`r${i}`, (function* () { got.push((yield* d.read(OS, 8))!.length); })());
  b.sim.run();
  assert.deepEqual(got, [8, 8, 8, 8, 8, 8, 8, 8, 8]);
  assert.equal(d.bytesCharged, 72);
  assert.equal(d.refills, 1); // 64 bytes per window: the 9th buffer waited for the refill
});

test('the OS sees a completion only outside SMM; an SMM reader sees it at once', () => {
  for (const ctx of [OS, SMM]) {
    const b = bench();
    const d = virtio(b, { 'ready-kick-latency': 0 });
    d.setDriverOk(true);
    b.sim.run(1 * MS);
    let doneAt = -1;
    b.sim.spawn('reader', (function* () { yield* d.read(ctx, 16); doneAt = b.sim.now; })());
    b.sim.at(1 * MS + 5_000, () => b.vcpus.enterSmm()); // an SMI while the backend fills the buffer
    b.sim.at(3 * MS, () => b.vcpus.exitSmm());
    b.sim.run();
    if (ctx.privilege === 'smm') assert.ok(doneAt < 2 * MS, `smm reader done at ${doneAt}`);
    else assert.equal(doneAt, 3 * MS);
  }
});

test('pushed bytes are tapped and counted per consumer; push events name who posted', () => {
  const b = bench();
  const d = virtio(b, { 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  let r: Uint8Array = new Uint8Array(0);
  let doneAt = -1;
  b.sim.spawn('guest', (function* () { r = (yield* d.read({ ...OS, actor: 'guest-a' }, 24))!; doneAt = b.sim.now; })());
  b.sim.run(10 * MS);
  assert.equal(b.taps.total('guest-a/virtio-rng'), 24);
  assert.equal(b.metrics.valueFor('bytes', 'guest-a'), 24);
  const push = d.events.filter((e) => e.kind === 'push');
  assert.deepEqual(push.map(({ kind, size, quota, actor }) => ({ kind, size, quota, actor })), [{ kind: 'push', size: 24, quota: null, actor: 'guest-a' }]);
  assert.equal(push[0]!.t, doneAt); // the push completes the read
  assert.equal(r.length, 24);
});

test('shared draw takes at most the quota left, charges it to the window, waits for the refill at quota 0, opens a window lazily', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  b.sim.run(1 * MS); // window 1 opened at DRIVER_OK
  const draw = (n: number) => {
    const p = b.sim.spawn('smm-device', d.sharedDraw(n));
    b.sim.run(b.sim.now + 1 * MS);
    assert.ok(p.triggered);
    return p.value!;
  };
  assert.equal(draw(100).bytes.length, 64);
  assert.deepEqual([d.quotaRemaining, d.bytesCharged, d.windows[0]!.bytes], [0, 64, 64]);
  const waiting = b.sim.spawn('smm-device', d.sharedDraw(8)); // quota 0: waits for the refill
  b.sim.run(999 * MS);
  assert.equal(waiting.triggered, false);
  b.sim.run(1001 * MS);
  assert.equal(waiting.value!.bytes.length, 8);
  assert.equal(d.quotaExhaustionEvents, 1);
  const refill = d.windows[1]!.refillAt!;
  assert.deepEqual(d.windowStarts, [0, refill]); // the draw at the refill opened window 2
  assert.deepEqual([d.quotaRemaining, d.bytesCharged, d.windows[1]!.bytes], [56, 72, 8]);
  b.sim.run(2001 * MS); // window 2's refill; nobody draws: no window open
  assert.equal(d.windowOpen, false);
  const t = b.sim.now;
  assert.equal(draw(16).bytes.length, 16);
  assert.equal(d.windowOpen, true);
  assert.deepEqual(d.windowStarts, [0, refill, t]);
  assert.deepEqual([d.quotaRemaining, d.windows[2]!.bytes], [48, 16]);
});

test('before DRIVER_OK: no posts, reads return null at once (even during SMM), a kick does nothing', () => {
  const b = bench();
  const d = virtio(b);
  assert.equal(d.post(OS, 16), null);
  d.notify();
  assert.deepEqual([d.events.length, d.windowStarts.length], [0, 0]);
  b.vcpus.enterSmm();
  let doneAt = -1;
  b.sim.spawn('reader', (function* () { assert.equal(yield* d.read(OS, 16), null); doneAt = b.sim.now; })());
  b.sim.at(5 * MS, () => b.vcpus.exitSmm());
  b.sim.run();
  assert.equal(doneAt, 0);
});

test('a reset while readers wait for a ring slot wakes them: the device went away, their reads return null', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000 });
  d.setDriverOk(true);
  d.post(OS, 64);
  d.notify();
  b.sim.run(1 * MS); // quota 0 from now to the refill at 1 s
  const got: Array<number | null> = [];
  for (let i = 0; i < 9; i++) b.sim.spawn(`r${i}`, (function* () { const r = yield* d.read(OS, 8); got.push(r === null ? null : r.length); })());
  b.sim.run(10 * MS); // 8 posted and waiting for quota, the 9th waits for a slot
  assert.equal(d.queued, 8);
  d.setDriverOk(false);
  b.sim.run(20 * MS);
  assert.deepEqual(got, [null]);
});

test('QEMU get_request_size(): whole buffers are added until they reach the quota (virtqueue_get_avail_bytes stops at >= max_in_bytes)', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 100, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  b.sim.run(1 * MS);
  for (let i = 0; i < 3; i++) d.post(OS, 64);
  d.notify();
  assert.deepEqual(d.events.at(-1), { t: 1 * MS, kind: 'request', size: 128, quota: 100 }); // 64 < 100, 128 ≥ 100
  const e = bench();
  const x = virtio(e, { 'max-bytes': 64, period: 1000, 'ready-kick-latency': 0 });
  x.setDriverOk(true);
  e.sim.run(1 * MS);
  x.post(OS, 64);
  x.post(OS, 64);
  x.notify();
  assert.deepEqual(x.events.at(-1), { t: 1 * MS, kind: 'request', size: 64, quota: 64 }); // the first buffer reaches it exactly
});

test('a delivery covering one and a half buffers: the first completes whole, the second short with the rest', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 150, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  b.sim.run(1 * MS);
  const a = d.post({ ...OS, actor: 'a' }, 100)!;
  const c = d.post({ ...OS, actor: 'c' }, 100)!;
  d.notify(); // asks for min(200, 150)
  b.sim.run(2 * MS);
  assert.deepEqual([a.done.value!.length, c.done.value!.length], [100, 50]);
  assert.deepEqual(d.events.filter((e) => e.kind === 'push').map((e) => [e.actor, e.size]), [['a', 100], ['c', 50]]);
  const tap = b.taps.data().find((t) => t.name === 'c/virtio-rng')!;
  assert.deepEqual({ consumer: tap.consumer, source: tap.source, kind: tap.kind, total: tap.totalBytes }, { consumer: 'c', source: 'virtio-rng', kind: 'conditioned', total: 50 });
});

test('an OS read started during SMM posts its buffer only after RSM: a refill inside the SMI does not serve it', () => {
  const b = bench();
  const d = virtio(b, { 'max-bytes': 64, period: 1000, 'ready-kick-latency': 0 });
  d.setDriverOk(true);
  d.post(OS, 64);
  d.notify();
  b.sim.run(500 * MS); // quota 0 until the refill at 1000.08 ms
  b.vcpus.enterSmm();
  b.sim.at(1500 * MS, () => b.vcpus.exitSmm());
  b.sim.at(600 * MS, () => void b.sim.spawn('os', d.read(OS, 16)));
  b.sim.run(1600 * MS);
  const push = d.events.filter((e) => e.kind === 'push');
  assert.equal(push.length, 2);
  assert.ok(push[1]!.t >= 1500 * MS, `pushed at ${push[1]!.t}`);
});

test('rng-random backend: its own fill latency (22 µs measured) from request to push; the OS driver binds by default (§6.1); latencies in ns', () => {
  const b = bench();
  const d = virtio(b, { backend: 'random', 'ready-kick-latency': 0 });
  assert.equal(d.fillLatencyNs, 22_000);
  d.setDriverOk(true);
  b.sim.run(1 * MS);
  d.post(OS, 16);
  d.notify();
  b.sim.run(2 * MS);
  const push = d.events.find((e) => e.kind === 'push')!;
  assert.equal(push.t, 1 * MS + 22_000 + 2_000 + 16 * 2.5); // + host-source latency 2 µs + 16 B at 400 MB/s
  assert.equal(resolveParams('virtio-rng', undefined)['os-driver'], true);
  for (const name of ['fill-latency-builtin', 'fill-latency-random', 'fill-latency-egd', 'timer-latency', 'ready-kick-latency', 'notify-ns']) {
    assert.throws(() => resolveParams('virtio-rng', { [name]: -1 }), (e: Error) => e.message.endsWith('(ns)'), name);
  }
  assert.throws(() => resolveParams('virtio-rng', { 'max-bytes': 0 }), (e: Error) => e.message.endsWith('(bytes)'));
});
