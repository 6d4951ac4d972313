/**
 * Access control: SMM entropy device (our design), pflash secure=on (docs/model.md §1.5) and
 * SMRAM/TSEG blackhole (§1.6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PFLASH_COMPONENT, Pflash, PowerLoss } from '../../src/devices/pflash.ts';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import {
  REG_CONTROL,
  REG_DATA,
  REG_SIGNATURE,
  REG_STATUS,
  SMM_DEVICE_COMPONENT,
  SMM_DEVICE_SIGNATURE,
  STATUS_BACKEND_FAILED,
  STATUS_DATA_READY,
  STATUS_HEALTH_ALARM,
  SmmEntropyDevice,
} from '../../src/devices/smm-entropy-device.ts';
import { SMRAM_COMPONENT, Smram } from '../../src/devices/smram.ts';
import { FW, OS, SMM, bench, hostSource, runProc } from './fixture.ts';

function device(over: ParamValues = {}) {
  const b = bench();
  const host = hostSource(b);
  const dev = new SmmEntropyDevice(b.sim, resolveParams('smm-device', over), { name: 'host', fill: (n) => host.read(n) }, b.vcpus, b.metrics, b.taps);
  return { b, dev };
}

test('SMM device: SMM sees the signature, gets bytes; fw_cfg announces port 0x0510', () => {
  const { b, dev } = device();
  assert.deepEqual([dev.window.space, dev.window.base], ['io', 0x0510]);
  assert.deepEqual([...dev.fwCfgBlob()], [0x10, 0x05]);
  assert.equal(runProc(b.sim, dev.read32(SMM, REG_SIGNATURE)), SMM_DEVICE_SIGNATURE);
  runProc(b.sim, dev.read32(SMM, REG_STATUS)); // starts the FIFO fill
  assert.equal(runProc(b.sim, dev.read32(SMM, REG_STATUS)) & STATUS_DATA_READY, STATUS_DATA_READY);
  const r = runProc(b.sim, dev.readEntropy(SMM, 32));
  assert.equal(r.status, 'ok');
  assert.equal(r.bytes.length, 32);
  assert.ok(!r.bytes.every((x) => x === 0xff));
  assert.equal(dev.blockedAttempts, 0);
});

test('SMM device: non-SMM reads return all-ones, writes are dropped, every attempt counted', () => {
  const { b, dev } = device();
  runProc(b.sim, dev.read32(SMM, REG_STATUS));
  b.sim.run();
  const before = dev.buffered;
  assert.equal(runProc(b.sim, dev.read32(OS, REG_SIGNATURE)), 0xffffffff);
  assert.equal(runProc(b.sim, dev.read32(OS, REG_DATA)), 0xffffffff);
  const r = runProc(b.sim, dev.readEntropy({ ...OS, privilege: 'third-party' }, 16));
  assert.ok(r.bytes.every((x) => x === 0xff));
  runProc(b.sim, dev.write32(OS, REG_CONTROL, 1)); // would flush the FIFO
  assert.equal(dev.buffered, before); // nothing changed
  assert.equal(dev.blockedAttempts, 4);
  assert.equal(b.metrics.value('isolation.blocked'), 4);
  assert.equal(b.metrics.value('isolation.violations'), 0);
  assert.equal(b.metrics.valueFor('bytes', 'os'), undefined);
});

test('SMM device with smm-only=false leaks bytes to the OS and counts violations', () => {
  const { b, dev } = device({ 'smm-only': false });
  runProc(b.sim, dev.read32(SMM, REG_STATUS));
  b.sim.run();
  const r = runProc(b.sim, dev.readEntropy(OS, 16));
  assert.ok(!r.bytes.every((x) => x === 0xff));
  assert.equal(b.metrics.value('isolation.violations'), 1);
});

test('pflash secure=on: non-SMM write → MEMTX_ERROR, dropped and counted; reads see array data', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', undefined), b.vcpus, b.metrics);
  assert.equal(runProc(b.sim, f.program(SMM, 0, new Uint8Array([0x12, 0x34]))), true);
  assert.equal(runProc(b.sim, f.program(OS, 0, new Uint8Array([0x00, 0x00]))), false);
  assert.deepEqual([...f.read(OS, 0, 3)], [0x12, 0x34, 0xff]);
  assert.equal(f.blockedWrites, 1);
  assert.equal(b.metrics.value('isolation.blocked'), 1);
  assert.equal(runProc(b.sim, f.erase(OS, 0, 1)), false);
  assert.equal(f.read(OS, 0, 1)[0], 0x12);
});

test('pflash NOR semantics: program clears bits only; erase sets a block to 0xFF', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', undefined), b.vcpus, b.metrics);
  runProc(b.sim, f.program(SMM, 10, new Uint8Array([0xf0])));
  runProc(b.sim, f.program(SMM, 10, new Uint8Array([0x3c])));
  assert.equal(f.read(SMM, 10, 1)[0], 0x30);
  runProc(b.sim, f.erase(SMM, 10, 1));
  assert.equal(f.read(SMM, 10, 1)[0], 0xff);
});

test('pflash NOR semantics hold on every path (erased-suffix copy, word-wise AND, partial erase): a byte-wise model agrees', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  // Erasing a low block must not make data above it look erased.
  f.programNow(SMM, 8000, new Uint8Array(10));
  runProc(b.sim, f.erase(SMM, 0, 10));
  f.programNow(SMM, 8000, new Uint8Array(10).fill(0xff));
  assert.deepEqual(f.read(SMM, 8000, 10), new Uint8Array(10));
  const model = new Uint8Array(16384).fill(0xff);
  model.fill(0, 8000, 8010);
  let x = 0x2545f491;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x >>> 8);
  for (let step = 0; step < 400; step++) {
    if (rnd() % 17 === 0) {
      const off = rnd() % 16384;
      const n = 1 + (rnd() % 6000);
      const end = Math.min(16384, off + n);
      runProc(b.sim, f.erase(SMM, off, end - off));
      model.fill(0xff, Math.floor(off / 4096) * 4096, Math.min(16384, Math.ceil(end / 4096) * 4096));
      continue;
    }
    // aligned and unaligned offsets, short and long (word-path) writes, views at odd byte offsets
    const n = rnd() % 3 === 0 ? 64 + (rnd() % 1100) : 1 + (rnd() % 40);
    const off = (rnd() % 2 === 0 ? rnd() & ~3 : rnd()) % (16384 - n);
    const backing = new Uint8Array(n + 3);
    for (let i = 0; i < backing.length; i++) backing[i] = rnd() & 0xff;
    const s0 = rnd() % 4;
    const data = backing.subarray(s0, s0 + n);
    f.programNow(SMM, off, data);
    for (let i = 0; i < data.length; i++) model[off + i] = model[off + i]! & data[i]!;
  }
  assert.deepEqual(f.read(SMM, 0, 16384), model);
});

test('pflash secure=off: a non-SMM write lands and is an isolation violation', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { secure: false }), b.vcpus, b.metrics);
  assert.equal(runProc(b.sim, f.program(OS, 0, new Uint8Array([0]))), true);
  assert.equal(b.metrics.value('isolation.violations'), 1);
});

test('pflash write cost: writes-per-byte MMIO exits per byte', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', undefined), b.vcpus, b.metrics);
  runProc(b.sim, f.program(SMM, 0, new Uint8Array(100)));
  assert.equal(b.sim.now, 100 * 2 * 10000);
});

test('SMRAM (TSEG 16 MiB): SMM reads back what it wrote; non-SMM reads all-ones, writes dropped, counted', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', undefined), b.metrics);
  assert.equal(s.sizeBytes, 16 * 1024 * 1024);
  const at = s.allocate(32);
  const key = new Uint8Array(32).map((_, i) => i + 1);
  assert.equal(s.write(SMM, at, key), true);
  assert.deepEqual(s.read(SMM, at, 32), key);
  assert.ok(s.read(OS, at, 32).every((x) => x === 0xff));
  assert.equal(s.write(OS, at, new Uint8Array(32)), false);
  assert.deepEqual(s.read(SMM, at, 32), key);
  assert.equal(b.metrics.value('isolation.blocked'), 2);
  // across a page boundary
  s.write(SMM, 4090, key);
  assert.deepEqual(s.read(SMM, 4090, 32), key);
});

test('pflash secure=on refuses every privilege but SMM (firmware, 3rd-party, OS), program and erase alike', () => {
  for (const privilege of ['firmware', 'third-party', 'os'] as const) {
    const b = bench();
    const f = new Pflash(resolveParams('pflash', undefined), b.vcpus, b.metrics);
    const ctx = { ...OS, privilege };
    assert.equal(runProc(b.sim, f.program(ctx, 0, new Uint8Array([0]))), false, privilege);
    assert.equal(f.programNow(ctx, 4, new Uint8Array([0])), -1, privilege);
    assert.equal(runProc(b.sim, f.erase(ctx, 0, 1)), false, privilege);
    assert.deepEqual([...f.read(ctx, 0, 8)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], privilege);
    assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 3, violations: 0 }, privilege);
  }
});

test('SMRAM with D_LCK: a non-SMM write of ESMRAMC.T_EN is refused and counted; TSEG stays a blackhole', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', undefined), b.metrics);
  s.write(SMM, 0, new Uint8Array([1, 2, 3, 4]));
  assert.equal(s.writeEsmramc(OS, false), false);
  assert.equal(s.tsegEnabled, true);
  assert.deepEqual([...s.read(OS, 0, 4)], [0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 2, violations: 0 });
  // SMM itself may not change a locked register either, but that is not an attempt from outside.
  assert.equal(s.writeEsmramc(SMM, false), false);
  assert.equal(b.metrics.value('isolation.blocked'), 2);
});

test('SMRAM without D_LCK: the OS clears T_EN, then reads the keys and writes TSEG; every access is a violation', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', { 'd-lck': false }), b.metrics);
  const key = new Uint8Array([9, 8, 7, 6]);
  s.write(SMM, 64, key);
  // Before T_EN is cleared the blackhole still holds.
  assert.deepEqual([...s.read(OS, 64, 4)], [0xff, 0xff, 0xff, 0xff]);
  assert.equal(s.writeEsmramc(OS, false), true);
  assert.equal(s.tsegEnabled, false);
  assert.deepEqual(s.read(OS, 64, 4), key);
  assert.equal(s.write(OS, 64, new Uint8Array(4)), true);
  assert.deepEqual([...s.read(SMM, 64, 4)], [0, 0, 0, 0]);
  assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 1, violations: 2 });
});

test('pflash batched paths (programNow, eraseNow) keep the same access rule: refused outside SMM with one exit, nothing changes; SMM pays per write and erases exactly the covering blocks', () => {
  const b = bench();
  const p = resolveParams('pflash', undefined);
  const exit = p['mmio-exit-ns'] as number;
  const perByte = p['writes-per-byte'] as number;
  const f = new Pflash(p, b.vcpus, b.metrics);
  const bs = f.blockBytes;
  assert.equal(f.programNow(SMM, 0, new Uint8Array(3 * bs).fill(0)), Math.ceil(3 * bs * perByte) * exit);
  assert.equal(f.programCost(3 * bs), Math.ceil(3 * bs * perByte) * exit);
  assert.equal(f.mmioWrites, Math.ceil(3 * bs * perByte));
  const zeros = (from: number, n: number) => f.read(OS, from, n).every((x) => x === 0);
  const ones = (from: number, n: number) => f.read(OS, from, n).every((x) => x === 0xff);
  // Refused: -1, one exit counted, flash untouched, a blocked attempt.
  let w = f.mmioWrites;
  assert.equal(f.eraseNow(OS, 0, bs), -1);
  assert.equal(f.programNow(FW, 0, new Uint8Array([0x0f])), -1);
  assert.equal(f.mmioWrites, w + 2);
  assert.ok(zeros(0, 3 * bs));
  assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 2, violations: 0 });
  // n = 0 still erases the one block holding offset; a range across a boundary erases both blocks; others keep their bits.
  w = f.mmioWrites;
  assert.equal(f.eraseNow(SMM, bs + 5, 0), 2 * exit);
  assert.ok(zeros(0, bs) && ones(bs, bs) && zeros(2 * bs, bs));
  assert.equal(f.mmioWrites, w + 2);
  f.programNow(SMM, bs, new Uint8Array(bs).fill(0));
  w = f.mmioWrites;
  assert.equal(f.eraseNow(SMM, bs - 1, 2), 4 * exit);
  assert.equal(f.mmioWrites, w + 4);
  assert.ok(ones(0, 2 * bs) && zeros(2 * bs, bs));
  // The generator erase: same blocks, the time is 2 exits per block.
  f.programNow(SMM, 0, new Uint8Array(2 * bs).fill(0));
  const t0 = b.sim.now;
  w = f.mmioWrites;
  assert.equal(runProc(b.sim, f.erase(SMM, bs - 1, 2)), true);
  assert.equal(b.sim.now - t0, 4 * exit);
  assert.equal(f.mmioWrites, w + 4);
  assert.ok(ones(0, 2 * bs) && zeros(2 * bs, bs));
  const t1 = b.sim.now;
  assert.equal(runProc(b.sim, f.erase(OS, 2 * bs, 1)), false);
  assert.equal(b.sim.now - t1, exit);
  assert.ok(zeros(2 * bs, bs));
  // A refused program through the generator: one exit, then stop.
  const t2 = b.sim.now;
  w = f.mmioWrites;
  assert.equal(runProc(b.sim, f.program(OS, 0, new Uint8Array(64))), false);
  assert.deepEqual([b.sim.now - t2, f.mmioWrites - w], [exit, 1]);
  assert.ok(ones(0, 64));
});

test('pflash secure=off: eraseNow and programNow from outside SMM land and each counts as a violation', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { secure: false }), b.vcpus, b.metrics);
  assert.ok(f.programNow(SMM, 0, new Uint8Array(8).fill(0)) > 0);
  assert.ok(f.eraseNow(OS, 0, 1) > 0);
  assert.ok(f.read(OS, 0, 8).every((x) => x === 0xff));
  assert.ok(f.programNow(OS, 0, new Uint8Array([0x0f])) > 0);
  assert.equal(f.read(OS, 0, 1)[0], 0x0f);
  assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 0, violations: 2 });
});

test('SMM device registers: DATA gives SMM the next 4 FIFO bytes little-endian (the bytes it is credited with), CONTROL bit 0 from SMM flushes, other bits and other registers do nothing', () => {
  const { b, dev } = device();
  const exit = resolveParams('smm-device', undefined)['pio-exit-ns'] as number;
  runProc(b.sim, dev.read32(SMM, REG_STATUS));
  b.sim.run();
  const full = dev.buffered;
  assert.ok(full >= 8);
  const v = runProc(b.sim, dev.read32(SMM, REG_DATA));
  const tap = b.taps.data().find((t) => t.name === 'smm/smm-device')!;
  const got = tap.bytes.subarray(0, 4);
  assert.equal(v, (got[0]! | (got[1]! << 8) | (got[2]! << 16) | (got[3]! << 24)) >>> 0);
  assert.equal(b.metrics.valueFor('bytes', 'smm'), 4);
  assert.equal(runProc(b.sim, dev.read32(SMM, 16)), 0xffffffff); // no register there
  // CONTROL bit 0 (flush) clears a latched health alarm; bit 0 clear, or another register, does not.
  dev.healthAlarm = true;
  runProc(b.sim, dev.write32(SMM, REG_CONTROL, 2));
  runProc(b.sim, dev.write32(SMM, REG_STATUS, 1));
  assert.equal(dev.healthAlarm, true);
  runProc(b.sim, dev.write32(OS, REG_CONTROL, 1)); // dropped outside SMM
  assert.equal(dev.healthAlarm, true);
  runProc(b.sim, dev.write32(SMM, REG_CONTROL, 1));
  assert.equal(dev.healthAlarm, false);
  assert.equal(dev.blockedAttempts, 1);
  dev.blockedAttempts = 0;
  // Each port access is one exit.
  const t0 = b.sim.now;
  runProc(b.sim, dev.read32(SMM, REG_SIGNATURE));
  assert.equal(b.sim.now - t0, exit);
  assert.equal(dev.blockedAttempts + dev.violations, 0);
});

test('SMM device readEntropy: ⌈n/4⌉ exits; a blocked read costs as much and gets n all-ones bytes, credited to nobody; an open device counts each leak as a violation and credits the bytes to the reader', () => {
  const exit = resolveParams('smm-device', undefined)['pio-exit-ns'] as number;
  {
    const { b, dev } = device();
    runProc(b.sim, dev.read32(SMM, REG_STATUS));
    b.sim.run();
    let t0 = b.sim.now;
    const r = runProc(b.sim, dev.readEntropy(SMM, 13));
    assert.deepEqual([r.status, r.bytes.length, b.sim.now - t0], ['ok', 13, 4 * exit]);
    t0 = b.sim.now;
    const blocked = runProc(b.sim, dev.readEntropy(OS, 9));
    assert.deepEqual([blocked.status, blocked.bytes.length, blocked.alarm, b.sim.now - t0], ['ok', 9, false, 3 * exit]);
    assert.ok(blocked.bytes.every((x) => x === 0xff));
    assert.deepEqual([dev.blockedAttempts, dev.violations], [1, 0]);
    assert.equal(b.metrics.valueFor('bytes', 'os'), undefined);
    assert.equal(b.taps.data().some((t) => t.name === 'os/smm-device'), false);
  }
  {
    const { b, dev } = device({ 'smm-only': false });
    runProc(b.sim, dev.read32(SMM, REG_STATUS));
    b.sim.run();
    const r = runProc(b.sim, dev.readEntropy(OS, 8));
    assert.equal(r.bytes.length, 8);
    assert.equal(runProc(b.sim, dev.read32(OS, REG_SIGNATURE)), SMM_DEVICE_SIGNATURE);
    assert.deepEqual([dev.blockedAttempts, dev.violations], [0, 2]);
    assert.equal(b.metrics.valueFor('bytes', 'os'), 8);
    assert.deepEqual(b.taps.data().find((t) => t.name === 'os/smm-device')!.bytes.subarray(0, 8), r.bytes);
  }
  {
    // More than the FIFO holds right now: what there is, 'not-ready'.
    const { b, dev } = device();
    const r = runProc(b.sim, dev.readEntropy(SMM, 4));
    assert.deepEqual([r.status, r.bytes.length], ['not-ready', 0]);
    assert.equal(b.metrics.valueFor('bytes', 'smm'), undefined, 'no bytes, nobody credited');
  }
});

test('SMRAM: blocked reads and writes are counted apart; a write across pages (SMM) reads back whole; an unlocked T_EN set back by SMM restores the blackhole', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', { 'd-lck': false }), b.metrics);
  const data = new Uint8Array(10000).map((_, i) => (i * 7 + 1) & 0xff);
  assert.equal(s.write(SMM, 4000, data), true);
  assert.deepEqual(s.read(SMM, 4000, 10000), data);
  assert.deepEqual([...s.read(SMM, 3996, 4)], [0, 0, 0, 0]);
  assert.deepEqual([...s.read(SMM, 14000, 4)], [0, 0, 0, 0]);
  assert.ok(s.read(OS, 4000, 16).every((x) => x === 0xff));
  assert.equal(s.write(OS, 4000, new Uint8Array(16)), false);
  assert.equal(s.write(OS, 4000, new Uint8Array(16)), false);
  assert.deepEqual([s.blockedReads, s.blockedWrites], [1, 2]);
  assert.equal(s.writeEsmramc(OS, false), true);
  assert.equal(s.write(OS, 4000, new Uint8Array(4)), true);
  assert.equal(s.writeEsmramc(SMM, true), true);
  assert.ok(s.read(OS, 4000, 4).every((x) => x === 0xff));
  assert.deepEqual(s.read(SMM, 4000, 4), new Uint8Array(4));
  assert.deepEqual({ blocked: b.metrics.value('isolation.blocked'), violations: b.metrics.value('isolation.violations') }, { blocked: 4, violations: 1 });
  // Locked: a request for the value T_EN already has is not refused (nothing to change), but counted from outside.
  const l = new Smram(resolveParams('smram', undefined), b.metrics);
  assert.equal(l.writeEsmramc(OS, true), true);
  assert.equal(l.blockedWrites, 1);
});

test('access paths, edges: erase covers exactly [offset, offset + n) from any block; a refused generator erase and an SMM program count their exits; SMRAM pages never written read zeros and two writes to one page keep each other', () => {
  const b = bench();
  const p = resolveParams('pflash', undefined);
  const exit = p['mmio-exit-ns'] as number;
  const f = new Pflash(p, b.vcpus, b.metrics);
  const bs = f.blockBytes;
  const perByte = p['writes-per-byte'] as number;
  let w = f.mmioWrites;
  assert.equal(runProc(b.sim, f.program(SMM, 0, new Uint8Array(4 * bs).fill(0))), true);
  assert.equal(f.mmioWrites - w, Math.ceil(4 * bs * perByte));
  const zeros = (from: number, n: number) => f.read(OS, from, n).every((x) => x === 0);
  const ones = (from: number, n: number) => f.read(OS, from, n).every((x) => x === 0xff);
  // Exactly one whole block, generator and batched.
  assert.equal(runProc(b.sim, f.erase(SMM, 0, bs)), true);
  assert.ok(ones(0, bs) && zeros(bs, 3 * bs));
  assert.equal(f.eraseNow(SMM, bs, bs), 2 * exit);
  assert.ok(ones(bs, bs) && zeros(2 * bs, 2 * bs));
  // From a later block: the time counts that block only.
  const t0 = b.sim.now;
  w = f.mmioWrites;
  assert.equal(runProc(b.sim, f.erase(SMM, 3 * bs, 1)), true);
  assert.deepEqual([b.sim.now - t0, f.mmioWrites - w], [2 * exit, 2]);
  assert.equal(f.eraseNow(SMM, 2 * bs, 1), 2 * exit);
  assert.ok(ones(0, 4 * bs));
  w = f.mmioWrites;
  assert.equal(runProc(b.sim, f.erase(OS, 0, 1)), false);
  assert.equal(f.mmioWrites - w, 1);
  const s = new Smram(resolveParams('smram', undefined), b.metrics);
  assert.deepEqual([...s.read(SMM, 5 * 4096 + 8, 4)], [0, 0, 0, 0]);
  assert.equal(s.write(SMM, 5 * 4096 + 8, new Uint8Array([1, 2])), true);
  assert.equal(s.write(SMM, 5 * 4096 + 100, new Uint8Array([3, 4])), true);
  assert.deepEqual([...s.read(SMM, 5 * 4096 + 8, 2), ...s.read(SMM, 5 * 4096 + 100, 2)], [1, 2, 3, 4]);
  assert.deepEqual([...s.read(SMM, 8, 2)], [0, 0]);
});

test('SMM device: STATUS reads report exactly the state and take no bytes; DATA on an empty FIFO returns 0 and credits nothing; after a flush the device serves fresh bytes; taps say who got what from where', () => {
  const { b, dev } = device();
  assert.equal(runProc(b.sim, dev.read32(SMM, REG_DATA)), 0); // nothing filled yet
  assert.equal(b.metrics.valueFor('bytes', 'smm'), undefined);
  b.sim.run();
  for (let i = 0; i < 3; i++) assert.equal(runProc(b.sim, dev.read32(SMM, REG_STATUS)), STATUS_DATA_READY);
  assert.equal(b.metrics.valueFor('bytes', 'smm'), undefined);
  dev.healthAlarm = true;
  runProc(b.sim, dev.write32(SMM, REG_CONTROL, 1));
  b.sim.run();
  const r = runProc(b.sim, dev.readEntropy(SMM, 8));
  assert.deepEqual([r.status, r.bytes.length], ['ok', 8]);
  assert.equal(typeof runProc(b.sim, dev.read32(SMM, REG_DATA)), 'number');
  assert.equal(b.metrics.valueFor('bytes', 'smm'), 12);
  const tap = b.taps.data().find((t) => t.name === 'smm/smm-device')!;
  assert.deepEqual([tap.consumer, tap.source, tap.kind, tap.totalBytes], ['smm', 'smm-device', 'conditioned', 12]);
});

test('SMRAM: a write across a page boundary keeps what SMM wrote earlier elsewhere on both pages', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', undefined), b.metrics);
  assert.equal(s.write(SMM, 100, new Uint8Array([1, 2])), true);
  assert.equal(s.write(SMM, 4096 + 200, new Uint8Array([3, 4])), true);
  const across = new Uint8Array(20).map((_, i) => 0x40 + i);
  assert.equal(s.write(SMM, 4090, across), true);
  assert.deepEqual([...s.read(SMM, 100, 2), ...s.read(SMM, 4096 + 200, 2)], [1, 2, 3, 4]);
  assert.deepEqual(s.read(SMM, 4090, 20), across);
});

test('pflash layout and bounds: store ‖ FTW working block ‖ FTW spare; an access outside the array, at a negative or fractional offset or with a negative length is a RangeError naming it', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  assert.deepEqual([f.size, f.workingOffset, f.spareOffset, f.bytes.length], [16384, 16384, 20480, 36864]);
  assert.equal(f.read(SMM, 36863, 1)[0], 0xff);
  assert.equal(f.read(SMM, 36864, 0).length, 0);
  for (const [offset, n] of [[36863, 2], [-1, 1], [0.5, 1], [0, -1]] as const) {
    assert.throws(() => f.read(SMM, offset, n), { name: 'RangeError', message: `pflash access [${offset}, ${offset + n}) outside 36864 bytes` });
  }
  assert.throws(() => f.programNow(SMM, 36863, new Uint8Array(2)), { message: 'pflash access [36863, 36865) outside 36864 bytes' });
  assert.throws(() => f.eraseNow(SMM, 36864, 1), { message: 'pflash access [36864, 36865) outside 36864 bytes' });
  assert.throws(() => runProc(b.sim, f.program(SMM, -4, new Uint8Array(1))), { message: 'pflash access [-4, -3) outside 36864 bytes' });
  assert.throws(() => runProc(b.sim, f.erase(SMM, 0, -2)), { message: 'pflash access [0, -2) outside 36864 bytes' });
});

test('pflash power cut: armPowerCut(k) lets k byte programs / block erases complete and interrupts the next (a program keeps its first bytes, an erase the given fraction of its block); every later operation throws PowerLoss; flashOps counts what completed', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  assert.deepEqual([f.powerLost, f.flashOps], [false, 0]);
  f.programNow(SMM, 0, new Uint8Array(4));
  assert.equal(f.flashOps, 4);
  // Exactly the budget: it all lands and the power is still on.
  f.armPowerCut(2);
  assert.ok(f.programNow(SMM, 10, new Uint8Array(2)) > 0);
  assert.deepEqual([f.powerLost, f.flashOps], [false, 6]);
  assert.throws(() => f.programNow(SMM, 20, new Uint8Array(1)), { name: 'PowerLoss', message: 'power lost during a pflash operation' });
  assert.equal(f.read(SMM, 20, 1)[0], 0xff);
  assert.deepEqual([f.powerLost, f.flashOps], [true, 6]);
  // A program interrupted after 3 of its 5 bytes.
  const g = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  g.armPowerCut(3);
  assert.throws(() => g.programNow(SMM, 100, new Uint8Array(5)), PowerLoss);
  assert.deepEqual([...g.read(SMM, 99, 7)], [0xff, 0, 0, 0, 0xff, 0xff, 0xff]);
  assert.deepEqual([g.powerLost, g.flashOps], [true, 3]);
  // After the cut nothing lands: program, erase, generator paths alike.
  assert.throws(() => g.programNow(SMM, 200, new Uint8Array(0)), PowerLoss); // even nothing to program
  assert.throws(() => g.eraseNow(SMM, 0, 1), PowerLoss);
  assert.throws(() => runProc(b.sim, g.program(SMM, 300, new Uint8Array(1))), PowerLoss);
  assert.deepEqual([...g.read(SMM, 99, 7), g.read(SMM, 300, 1)[0]], [0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.equal(g.flashOps, 3);
  // An erase: the first block completes, the second is cut with a quarter of it erased.
  const e = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  e.programNow(SMM, 0, new Uint8Array(3 * 4096));
  e.armPowerCut(1, 0.25);
  assert.throws(() => e.eraseNow(SMM, 0, 3 * 4096), PowerLoss);
  const erased = (from: number, n: number) => e.read(SMM, from, n).every((x) => x === 0xff);
  const zero = (from: number, n: number) => e.read(SMM, from, n).every((x) => x === 0);
  assert.ok(erased(0, 4096 + 1024) && zero(4096 + 1024, 3072) && zero(8192, 4096));
  assert.deepEqual([e.powerLost, e.flashOps], [true, 3 * 4096 + 1]);
  // The default fraction is a half; a budget of 0 cuts the first block.
  const h = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  h.programNow(SMM, 4096, new Uint8Array(4096));
  h.armPowerCut(0);
  assert.throws(() => runProc(b.sim, h.erase(SMM, 4096, 1)), PowerLoss);
  assert.ok(h.read(SMM, 4096, 2048).every((x) => x === 0xff) && h.read(SMM, 6144, 2048).every((x) => x === 0));
});

test('pflash, SMRAM and SMM device descriptors: their scenario keys, roles and the metrics they record; every parameter row has its type, unit, a description and a source (estimates say so first)', () => {
  const rows = (c: { params: typeof PFLASH_COMPONENT.params }) => c.params.map((p) => [p.name, p.type, 'unit' in p ? p.unit : null]);
  assert.deepEqual(
    [PFLASH_COMPONENT, SMRAM_COMPONENT, SMM_DEVICE_COMPONENT].map((c) => [c.name, c.produces, c.consumes, c.metrics]),
    [
      ['pflash', ['pflash'], [], ['isolation.blocked', 'isolation.violations']],
      ['smram', ['smram'], [], ['isolation.blocked', 'isolation.violations']],
      ['smm-device', ['smm-entropy-device'], ['host-entropy'], ['isolation.blocked', 'isolation.violations', 'bytes']],
    ],
  );
  assert.deepEqual(rows(PFLASH_COMPONENT), [['secure', 'boolean', null], ['size-bytes', 'integer', 'bytes'], ['block-bytes', 'integer', 'bytes'], ['mmio-exit-ns', 'number', 'ns'], ['writes-per-byte', 'number', null]]);
  assert.deepEqual(rows(SMRAM_COMPONENT), [['tseg-mbytes', 'integer', 'MiB'], ['d-lck', 'boolean', null]]);
  assert.deepEqual(rows(SMM_DEVICE_COMPONENT), [
    ['io-port', 'integer', null], ['fw-cfg-name', 'string', null], ['smm-only', 'boolean', null], ['backend', 'string', null],
    ['fifo-bytes', 'integer', 'bytes'], ['pio-exit-ns', 'number', 'ns'], ['retry-ns', 'number', 'ns'],
  ]);
  for (const c of [PFLASH_COMPONENT, SMRAM_COMPONENT, SMM_DEVICE_COMPONENT]) {
    assert.ok(c.description.length >= 10, c.name);
    for (const p of c.params) {
      assert.ok(p.description.length >= 10 && p.source.length >= 9, `${c.name}.${p.name}`);
      if (/estimate/i.test(p.source)) assert.match(p.source, /^estimate: /, `${c.name}.${p.name}`);
    }
  }
  assert.deepEqual(SMM_DEVICE_COMPONENT.params.find((p) => p.name === 'backend')!.enum, ['dedicated', 'shared']);
  assert.equal(resolveParams('smm-device', undefined)['fw-cfg-name'], 'opt/org.entropy-bench/smm-entropy');
  assert.equal(resolveParams('smm-device', undefined)['backend'], 'dedicated');
});

test('pflash NOR AND, edge paths: a word-wise program ANDs its unaligned tail too; a program that starts in written flash and runs past it leaves no byte there that a later program could set back to 1', () => {
  const b = bench();
  const f = new Pflash(resolveParams('pflash', { 'size-bytes': 16384, 'block-bytes': 4096 }), b.vcpus, b.metrics);
  // 0x0F everywhere in [0, 80), then 67 bytes of 0x3C at 4 (aligned source and target: the word path, tail of 3).
  f.programNow(SMM, 0, new Uint8Array(80).fill(0x0f));
  f.programNow(SMM, 4, new Uint8Array(67).fill(0x3c));
  assert.deepEqual([...f.read(SMM, 0, 80)], [...Array<number>(4).fill(0x0f), ...Array<number>(67).fill(0x0c), ...Array<number>(9).fill(0x0f)]);
  // Written [100, 101), then [100, 102) (starts below the known-erased suffix), then 0xFF at 101: stays 0.
  f.programNow(SMM, 100, new Uint8Array([0x00]));
  f.programNow(SMM, 100, new Uint8Array([0xff, 0x00]));
  f.programNow(SMM, 101, new Uint8Array([0xff]));
  assert.deepEqual([...f.read(SMM, 99, 4)], [0xff, 0x00, 0x00, 0xff]);
});

test('SMRAM allocator and bounds: allocations are 16-byte aligned and end at TSEG exactly; reserveBelow keeps the allocator above records in flash; an access outside TSEG is a RangeError naming it', () => {
  const b = bench();
  const s = new Smram(resolveParams('smram', { 'tseg-mbytes': 1 }), b.metrics);
  const size = 1 << 20;
  assert.equal(s.sizeBytes, size);
  assert.deepEqual([s.allocate(1), s.allocate(16), s.allocate(17), s.allocate(0), s.allocate(32)], [0, 16, 32, 64, 64]);
  s.reserveBelow(50); // below the allocator: nothing changes
  assert.equal(s.allocate(1), 96);
  s.reserveBelow(113); // rounded up to 16
  assert.equal(s.allocate(1), 128);
  s.reserveBelow(160); // already a multiple of 16
  assert.equal(s.allocate(1), 160);
  s.reserveBelow(size - 32);
  assert.equal(s.allocate(32), size - 32); // ends exactly at the top
  assert.throws(() => s.allocate(1), { message: 'SMRAM exhausted: 1 bytes requested, 0 left' });
  const t = new Smram(resolveParams('smram', { 'tseg-mbytes': 1 }), b.metrics);
  t.reserveBelow(size - 16);
  assert.throws(() => t.allocate(17), { message: 'SMRAM exhausted: 17 bytes requested, 16 left' });
  assert.equal(t.allocate(16), size - 16);
  assert.equal(t.read(SMM, size - 1, 1)[0], 0);
  assert.equal(t.read(SMM, size, 0).length, 0);
  for (const [offset, n] of [[size - 1, 2], [-1, 1], [0.5, 1], [0, -1]] as const) {
    assert.throws(() => t.read(SMM, offset, n), { name: 'RangeError', message: `SMRAM access [${offset}, ${offset + n}) outside TSEG of ${size} bytes` });
  }
  assert.throws(() => t.write(SMM, size - 2, new Uint8Array(3)), { name: 'RangeError', message: `SMRAM access [${size - 2}, ${size + 1}) outside TSEG of ${size} bytes` });
  assert.throws(() => t.write(OS, -2, new Uint8Array(1)), { message: `SMRAM access [-2, -1) outside TSEG of ${size} bytes` });
});

test('SMM device FIFO: a backend that delivers nothing sets BACKEND_FAILED and is asked again after retry-ns; DATA_READY from 4 bytes; an alarmed chunk latches HEALTH_ALARM and marks the bytes read from it; the FIFO refills to fifo-bytes exactly; dataEvent fires on new data', () => {
  const b = bench();
  const answers: Array<{ n: number; alarm?: boolean }> = [{ n: 0 }, { n: 3 }, { n: 5, alarm: true }];
  const asked: Array<[number, number]> = [];
  const backend = {
    name: 'scripted',
    *fill(n: number) {
      asked.push([b.sim.now, n]);
      yield 1000;
      const a = answers.shift() ?? { n };
      return { bytes: new Uint8Array(a.n).map((_, i) => 0x10 * asked.length + i), alarm: a.alarm ?? false };
    },
  };
  const dev = new SmmEntropyDevice(b.sim, resolveParams('smm-device', { 'fifo-bytes': 8, 'retry-ns': 50_000, 'pio-exit-ns': 0 }), backend, b.vcpus, b.metrics, b.taps);
  assert.deepEqual([dev.window.fwCfgName, dev.window.base, [...dev.fwCfgBlob()]], ['opt/org.entropy-bench/smm-entropy', 0x0510, [0x10, 0x05]]);
  const ev = dev.dataEvent();
  assert.equal(dev.dataEvent(), ev, 'one pending event until data comes');
  const status = () => runProc(b.sim, dev.read32(SMM, REG_STATUS), b.sim.now);
  assert.equal(status(), 0); // starts the refill
  b.sim.run(1000);
  assert.deepEqual([status(), dev.backendFailed, ev.triggered], [STATUS_BACKEND_FAILED, true, false]);
  b.sim.run(51_000);
  assert.deepEqual(asked, [[0, 8], [51_000, 8]]);
  b.sim.run(52_000); // 3 bytes: below one DATA read
  assert.deepEqual([status(), dev.buffered, dev.backendFailed, ev.triggered], [0, 3, false, true]);
  assert.notEqual(dev.dataEvent(), ev, 'a fired event is not handed out again');
  b.sim.run(53_000); // 5 more, alarmed: full
  assert.deepEqual(asked, [[0, 8], [51_000, 8], [52_000, 5]]);
  assert.equal(status(), STATUS_DATA_READY | STATUS_HEALTH_ALARM);
  assert.equal(dev.buffered, 8);
  b.sim.run(60_000);
  assert.equal(asked.length, 3, 'a full FIFO asks for nothing');
  // 2 bytes from the clean chunk: not alarmed; then 4 reaching into the alarmed chunk: alarmed.
  const r1 = runProc(b.sim, dev.readEntropy(SMM, 2), b.sim.now);
  assert.deepEqual([[...r1.bytes], r1.alarm], [[0x20, 0x21], false]);
  const r2 = runProc(b.sim, dev.readEntropy(SMM, 4), b.sim.now);
  assert.deepEqual([[...r2.bytes], r2.alarm, r2.status], [[0x22, 0x30, 0x31, 0x32], true, 'ok']);
  b.sim.run(b.sim.now + 2000);
  assert.deepEqual(asked.slice(3), [[60_000, 2], [61_000, 4]], 'each refill asks for what is missing then');
  assert.equal(dev.buffered, 8);
  // Exactly 4 bytes left (the refill not back yet): DATA_READY.
  runProc(b.sim, dev.readEntropy(SMM, 4), b.sim.now);
  assert.deepEqual([dev.buffered, status() & STATUS_DATA_READY], [4, STATUS_DATA_READY]);
  b.sim.run(b.sim.now + 1000);
  assert.equal(dev.buffered, 8);
  // The alarm stays latched until SMM flushes.
  assert.equal(status() & STATUS_HEALTH_ALARM, STATUS_HEALTH_ALARM);
  runProc(b.sim, dev.write32(SMM, REG_CONTROL, 1), b.sim.now);
  assert.deepEqual([dev.healthAlarm, dev.buffered], [false, 0]);
});
