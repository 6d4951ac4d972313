/**
 * EFI_RNG_PROTOCOL producers (VirtioRngDxe, RngDxe), the timer RngLib and the TLS client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../src/designs/components.ts';
import type { ParamValues } from '../../src/params/spec.ts';
import { RdrandUnit } from '../../src/devices/rdrand.ts';
import { CounterRngLib } from '../../src/firmware/counter-rnglib.ts';
import { RngDxe } from '../../src/firmware/rng-dxe.ts';
import type { EfiRngProtocol } from '../../src/firmware/rng-protocol.ts';
import { TlsClient } from '../../src/firmware/tls-client.ts';
import { VirtioRngDxe, noticeTime, pollPoint } from '../../src/firmware/virtio-rng-dxe.ts';
import { FW, bench, runProc, virtio } from '../devices/fixture.ts';

test('VirtioFlush back-off: stalls 1, 2, 4 … 1024 µs then 1024 µs steps (docs/model.md §0 row 11)', () => {
  const us = 1000;
  assert.equal(pollPoint(1, us, 1024 * us, 0), 1 * us);
  assert.equal(pollPoint(3, us, 1024 * us, 0), 7 * us);
  assert.equal(pollPoint(11, us, 1024 * us, 0), 2047 * us);
  assert.equal(pollPoint(12, us, 1024 * us, 0), 3071 * us);
  assert.equal(noticeTime(5 * us, us, 1024 * us, 0), 7 * us);
  assert.equal(noticeTime(2047 * us, us, 1024 * us, 0), 2047 * us);
  assert.equal(noticeTime(2047 * us + 1, us, 1024 * us, 0), 3071 * us);
  // with overhead per stall
  // poll points 11, 23, 37 µs: a completion at 25 µs is noticed at the third
  assert.equal(pollPoint(3, us, 1024 * us, 10 * us), 37 * us);
  assert.equal(noticeTime(25 * us, us, 1024 * us, 10 * us), 37 * us);
  // noticing is always at a poll point ≥ the completion
  for (const t of [1, 999, 1000, 123456, 5e6, 7.77e8]) {
    const n = noticeTime(t, us, 1024 * us, 3 * us);
    assert.ok(n >= t);
    assert.ok(n - t < 1024 * us + 3 * us);
  }
});

test('VirtioRngDxe: RAW only, not connected before BDS, gone after ExitBootServices', () => {
  const b = bench();
  const d = virtio(b);
  const dxe = new VirtioRngDxe(b.sim, d, b.vcpus, resolveParams('virtio-rng-dxe', undefined));
  assert.equal(dxe.available(), false);
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32)).status, 'device-error');
  dxe.connect();
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32, 'SP800-90-CTR-256')).status, 'unsupported');
  const r = runProc(b.sim, dxe.getRng(FW, 32));
  assert.equal(r.status, 'success');
  assert.equal(r.bytes.length, 32);
  dxe.exitBootServices();
  assert.equal(d.ready, false);
  assert.equal(runProc(b.sim, dxe.getRng(FW, 32)).status, 'device-error');
});

function rngDxe(over: ParamValues = {}, dxeOver: ParamValues = {}) {
  const b = bench();
  const u = new RdrandUnit(b.sim, resolveParams('rdrand', over), b.rng.fork('r'), b.vcpus, b.metrics, b.taps);
  return { b, u, dxe: new RngDxe(resolveParams('rng-dxe', dxeOver), u, b.vcpus) };
}

test('RngDxe installs only if a 64-bit RngLib read works; smm-only RDRAND makes DXE take a #UD', () => {
  const ok = rngDxe();
  assert.equal(runProc(ok.b.sim, ok.dxe.entry(FW)), true);
  const bad = rngDxe({ policy: 'smm-only' });
  assert.equal(runProc(bad.b.sim, bad.dxe.entry(FW)), false);
  assert.equal(bad.b.metrics.value('ud.nonsmm'), 1);
  assert.equal(bad.dxe.available(), false);
});

test('RngDxe RAW costs ≥ 320 µs per 16 bytes (32 × 10 µs delays, docs/model.md §0 row 14)', () => {
  const { b, dxe } = rngDxe({}, { 'pm-read-ns': 0 });
  runProc(b.sim, dxe.entry(FW));
  const t0 = b.sim.now;
  const r = runProc(b.sim, dxe.getRng(FW, 32, 'RAW'));
  assert.equal(r.status, 'success');
  assert.equal(r.bytes.length, 32);
  const per16 = (b.sim.now - t0) / 2;
  assert.ok(per16 >= 320_000, `${per16} ns per 16 B`);
  const ctr = runProc(b.sim, dxe.getRng(FW, 32, 'SP800-90-CTR-256'));
  assert.equal(ctr.bytes.length, 32);
});

test('timer RngLib: PM timer at 3.579545 MHz; its raw bytes hold little entropy, the SHA-256 output hides it', () => {
  const b = bench();
  const c = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  assert.equal(c.pmTimerAt(1e9), 3579545);
  assert.equal(c.pmTimerAt(0), 0);
  const raw = runProc(b.sim, c.rawBytes(FW, 4000));
  // successive differences cluster around (exit + delay) × 3.58 ticks/µs: few distinct values
  const diffs = new Set<number>();
  for (let i = 1; i < raw.length; i++) diffs.add((raw[i]! - raw[i - 1]! + 256) & 0xff);
  assert.ok(diffs.size < 40, `${diffs.size} distinct differences`);
  const out = runProc(b.sim, c.mixedBytes(FW, 4000));
  const od = new Set<number>();
  for (let i = 1; i < out.length; i++) od.add((out[i]! - out[i - 1]! + 256) & 0xff);
  assert.ok(od.size > 200, `${od.size} distinct differences in the hashed output`);
  assert.ok(b.taps.total('counter-rnglib/raw') >= 4000 + 4000);
  assert.equal(b.taps.total('counter-rnglib/output'), 4000);
});

function tls(over: ParamValues, proto: () => EfiRngProtocol | undefined, b = bench()) {
  const c = new CounterRngLib(b.sim, resolveParams('counter-rnglib', undefined), b.rng.fork('pm'), b.vcpus, b.metrics, b.taps);
  const t = new TlsClient(b.sim, resolveParams('tls', over), proto, c, b.vcpus, b.metrics, b.taps);
  return { b, t };
}

test('TLS: no EFI_RNG_PROTOCOL → deny (default) or degrade with the timer bytes', () => {
  const d = tls({ handshakes: 3 }, () => undefined);
  runProc(d.b.sim, d.t.httpsBoot(FW));
  assert.deepEqual([d.b.metrics.value('tls.done'), d.b.metrics.value('tls.denied'), d.b.metrics.value('tls.degraded')], [0, 3, 0]);
  const g = tls({ policy: 'degrade', handshakes: 2 }, () => undefined);
  runProc(g.b.sim, g.t.httpsBoot(FW));
  assert.deepEqual([g.b.metrics.value('tls.done'), g.b.metrics.value('tls.denied'), g.b.metrics.value('tls.degraded')], [2, 0, 2]);
  assert.equal(g.b.taps.total('tls/openssl-seed'), 64); // seeded once (§3.5: 32 + 16 + 16)
});

test('TLS with a protocol: OVMF X64 timer RngLib still degrades; DxeRngLib does not', () => {
  for (const [rnglib, degraded, fromDevice] of [['timer', 1, 16], ['protocol', 0, 16 + 64]] as const) {
    const b = bench();
    const dxe = new VirtioRngDxe(b.sim, virtio(b), b.vcpus, resolveParams('virtio-rng-dxe', undefined));
    dxe.connect();
    const { t } = tls({ rnglib }, () => dxe, b);
    runProc(b.sim, t.httpsBoot(FW));
    assert.deepEqual([b.metrics.value('tls.done'), b.metrics.value('tls.denied'), b.metrics.value('tls.degraded')], [1, 0, degraded]);
    assert.equal(b.taps.total('fw/virtio-rng'), fromDevice); // DxeNetLib 16 B (+ the OpenSSL seed)
  }
});

test('BaseRngLib with a narrower RDRAND operand: a 64-bit number takes ⌈8 / word-bytes⌉ RDRANDs (IA32: two 32-bit reads), never zero padding', () => {
  for (const wordBytes of [8, 4, 2]) {
    const { b, u, dxe } = rngDxe({ 'word-bytes': wordBytes });
    const before = u.instructions;
    const v = runProc(b.sim, dxe.rngLib.getRandomNumber64(FW))!;
    // 8 self-test samples, then the payload words
    assert.equal(u.instructions - before, 8 + 8 / wordBytes, `word-bytes ${wordBytes}`);
    // the payload is the unit's next words after the samples (a twin unit reads the same stream)
    const twin = rngDxe({ 'word-bytes': wordBytes });
    const words = runProc(twin.b.sim, twin.u.rdrandWords(FW, 8 + 8 / wordBytes)).bytes;
    assert.deepEqual(v, words.subarray(8 * wordBytes), `word-bytes ${wordBytes}`);
    // GetRandomNumber128 and the CTR-256 protocol path: all bytes from RDRAND
    const r = runProc(b.sim, dxe.rngLib.getBytes(FW, 64))!;
    assert.equal(r.length, 64);
    let zeros = 0;
    for (let i = 0; i + 4 <= 64; i += 4) if (r[i] === 0 && r[i + 1] === 0 && r[i + 2] === 0 && r[i + 3] === 0) zeros++;
    assert.equal(zeros, 0, `word-bytes ${wordBytes}: ${Buffer.from(r).toString('hex')}`);
  }
});
