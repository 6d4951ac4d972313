/**
 * `entropy-bench qemu`: the initramfs archive, trace parsing, window inference, and the replay
 * of every committed real QEMU trace (test/fixtures/qemu/, docs/qemu-trace.md) through the model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newcArchive } from '../../src/qemu/cpio.ts';
import { parseCapture, schedSection, tickGrid, runQemu } from '../../src/qemu/capture.ts';
import { compareTrace, formatCompare } from '../../src/qemu/compare.ts';
import { FIXTURE_PLANS, findFixturePlan, fixtureKernel, fixturesWithoutKernel } from '../../src/qemu/fixture-plans.ts';
import { bzImageVersion, hostKernels, MissingToolError, selectKernel } from '../../src/qemu/guest-image.ts';
import { guestOffsetNs, readTrace, traceDirs } from '../../src/qemu/trace.ts';
import { inferWindows } from '../../src/qemu/windows.ts';
import { probeTiming, replay, type ReplayOverrides } from '../../src/qemu/replay.ts';
import { InputError } from '../../src/errors.ts';
import { LinuxHwrng, modelledKernel } from '../../src/os/linux-hwrng.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { captureDirs, plansFrom } from '../../src/cli/commands/qemu.ts';
import { initScript, SCHED_TRACE_EVENTS } from '../../src/qemu/plan.ts';

const FIXTURES = new URL('../fixtures/qemu/', import.meta.url).pathname;
const fixtureDirs = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'params.json'))).sort();

test('cpio newc: 110-byte headers, 4-byte alignment, TRAILER!!!; the system cpio lists it', (t) => {
  const a = newcArchive([
    { path: 'bin', kind: 'dir', perm: 0o755 },
    { path: 'bin/x', kind: 'file', perm: 0o755, data: 'hello' },
    { path: 'bin/sh', kind: 'symlink', perm: 0o777, data: 'x' },
  ]);
  const text = Buffer.from(a).toString('latin1');
  assert.equal(text.slice(0, 6), '070701');
  assert.equal(a.length % 4, 0);
  // second header starts at 110 + "bin\0" padded to 4 (114 → 116)
  assert.equal(text.slice(116, 122), '070701');
  assert.equal(parseInt(text.slice(116 + 54, 116 + 62), 16), 5); // c_filesize of bin/x
  assert.ok(text.includes('TRAILER!!!'));
  if (!existsSync('/usr/bin/cpio')) {
    t.diagnostic('skipped the system cpio cross-check: /usr/bin/cpio is not installed');
    return;
  }
  const dir = tempDir('eb-cpio-');
  try {
    const f = join(dir, 'a.cpio');
    writeFileSync(f, a);
    const list = execFileSync('/usr/bin/cpio', ['-it', '-F', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(list.trim().split('\n'), ['bin', 'bin/x', 'bin/sh']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseCapture: QEMU trace stamps become virtual ns from vm_state_notify; marks align guest time', () => {
  const plan = findFixturePlan('l1024-p1000-r64-builtin')!;
  const trace = [
    '1@1000.000000:vm_state_notify running 1 reason 9 (running)',
    '1@1001.000000:virtio_rng_request rng 0x1: 0 bytes requested, 1024 bytes quota left',
    '1@1001.000500:virtio_rng_request rng 0x1: 64 bytes requested, 1024 bytes quota left',
    '1@1001.000520:virtio_rng_pushed rng 0x1: 64 bytes pushed',
    '1@1002.000000:pci_cfg_read mch 00:00.0 @0xfc -> 0x0',
    '1@1003.000000:pci_cfg_read mch 00:00.0 @0xfc -> 0x0',
  ].join('\n');
  const serial = [
    'EB uname 6.1.0-57-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)',
    'EB mark probe 498000000 501000000',
    'EB mark step0 1499900000 1500100000',
    'EB start a 1500200000 64 4096',
    'EB r a 1500300000 64',
    'EB end a 1600000000 pending 1 64 1500400000',
    'EB tick 6686283348 6686400000 4294893922',
    'EB done',
  ].join('\r\n');
  const r = parseCapture(plan, { release: '6.1.0-57-amd64', rngBuiltin: false }, '7.2.22', 'tcg', serial, trace);
  assert.deepEqual(r.device.map((e) => [e.t, e.kind, e.size, e.quota]), [
    [1_000_000_000, 'request', 0, 1024],
    [1_000_500_000, 'request', 64, 1024],
    [1_000_520_000, 'push', 64, null],
  ]);
  assert.equal(r.params.kernel.version, '6.1.192');
  // the tick between 6686283348 and 6686400000 ns: at 6686341674, 2.341674 ms into its 4 ms
  assert.equal(r.params.jiffiesPhase, 467);
  assert.equal(r.params.tickOffsetNs, 2_341_674);
  // guest 1.5 s ↔ virtual 3 s (step0, the narrowest bracket): offset 1.5 s; the probe mark's 3 ms
  // bracket, midpoint 0.4995 s ↔ 2 s, would give 1.5005 s
  assert.equal(r.params.alignment.guestOffsetNs, 1_500_000_000);
  assert.equal(r.readers[0]!.reads[0]!.t, 3_000_300_000);
  assert.equal(r.readers[0]!.end.status, 'pending');
  assert.equal(r.readers[0]!.end.pendingSinceNs, 3_000_400_000);
});

test('readTrace: a malformed line is an InputError naming file and line', () => {
  const dir = tempDir('eb-trace-');
  try {
    const src = join(FIXTURES, 'l100-p1000-r64-builtin');
    for (const f of ['params.json', 'readers.tsv']) writeFileSync(join(dir, f), execFileSync('cat', [join(src, f)]));
    writeFileSync(join(dir, 'device.tsv'), 't_ns\tevent\tsize\tquota\n12\trequest\tx\t5\n');
    assert.throws(() => readTrace(dir), (e: unknown) => e instanceof InputError && /device\.tsv: line 2: size "x" is not an integer/.test(e.message));
    for (const f of ['device.tsv']) writeFileSync(join(dir, f), execFileSync('cat', [join(src, f)]));
    const params = JSON.parse(execFileSync('cat', [join(src, 'params.json')], { encoding: 'utf8' }));
    for (const bad of [512, -1, 3.5, '7']) {
      writeFileSync(join(dir, 'params.json'), JSON.stringify({ ...params, jiffiesPhase: bad }));
      assert.throws(() => readTrace(dir), (e: unknown) => e instanceof InputError && /params\.json: jiffiesPhase: .*, expected a whole number 0\.\.511/.test(e.message), String(bad));
    }
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ ...params, jiffiesPhase: 7 }));
    assert.equal(readTrace(dir).params.jiffiesPhase, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('window inference recovers the device model\'s own allotments from its event log', () => {
  for (const name of ['l1024-p1000-reset-builtin', 'l1024-p1000-two-readers-builtin', 'l1000-p1000-r64-builtin']) {
    const trace = readTrace(join(FIXTURES, name));
    const m = replay(trace);
    const ws = inferWindows(m.device, trace.params.plan.maxBytes, trace.params.plan.periodMs);
    // every allotment's bytes are what QEMU's quota allows at most
    for (const w of ws) assert.ok(w.bytes <= trace.params.plan.maxBytes, `${name}: ${w.bytes}`);
    assert.ok(ws.length >= 2, name);
  }
});

// The committed real runs (QEMU 7.2 TCG, Debian kernels 6.1.192 and 6.1.176) through the model.
// Known deviations, each described in docs/qemu-trace.md: replayed and printed, not gated.
const KNOWN = new Set<string>([
  // three readers and khwrngd on one vCPU: khwrngd's 64 bytes land a window early in the model
  'l512-p250-three-readers-builtin',
]);

for (const name of fixtureDirs) {
  test(`replay ${name}: bytes per window, read sizes and hangs as in the real run`, (t) => {
    const trace = readTrace(join(FIXTURES, name));
    const r = compareTrace(trace);
    if (KNOWN.has(name)) {
      t.diagnostic(`known deviation (docs/qemu-trace.md): ${r.failures.join('; ')}`);
      return;
    }
    for (const rd of r.readers) {
      // without a rate limit, done on one side and still streaming on the other is throughput's call
      const streaming = r.notes.some((n) => n.startsWith(`reader ${rd.tag}: real `) && n.includes('still streaming at the deadline'));
      if (!streaming) assert.equal(rd.modelStatus, rd.realStatus, `${name} reader ${rd.tag}: ${rd.realStatus} vs ${rd.modelStatus}`);
      assert.ok(!r.failures.some((f) => f.startsWith(`reader ${rd.tag}: read `)), `${name} reader ${rd.tag}: read sizes differ`);
      if (!r.limited && rd.realBps !== null) {
        assert.ok(Math.abs(rd.modelBps! - rd.realBps) <= 0.25 * rd.realBps, `${name}: ${rd.modelBps} vs ${rd.realBps} B/s`);
      }
    }
    if (!r.limited) return;
    for (const w of r.windows) assert.equal(w.modelBytes, w.realBytes, `${name} window ${w.index}`);
    // concurrent readers, judged together: their merged read sizes and the bytes they got per window
    const group = r.failures.filter((f) => /^readers \S+: (merged read|bytes per window|ends)/.test(f));
    assert.deepEqual(group, [], name);
    const errs = r.windows.filter((w) => w.startErrorNs !== null).map((w) => Math.abs(w.startErrorNs!));
    t.diagnostic(`window start |error| ms: ${errs.map((e) => (e / 1e6).toFixed(3)).join(' ')}`);
  });
}

test('unlimited, quiet host (unlimited-r4096-egd-quiet): the real reader finished first and the model\'s was still reading at the trace\'s end: pending, not hung; the 25 % throughput bar decides', () => {
  const trace = readTrace(join(FIXTURES, 'unlimited-r4096-egd-quiet'));
  const r = compareTrace(trace);
  const a = r.readers[0]!;
  assert.equal(a.realStatus, 'done');
  assert.equal(a.modelStatus, 'pending');
  assert.ok(a.modelReads < a.realReads, `${a.modelReads} vs ${a.realReads} reads`);
  // real 0.245 MB/s, model 0.196 (−20 %)
  assert.ok(Math.abs(a.modelBps! / a.realBps! - 1) < 0.25);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.ok(r.notes.some((n) => n.includes('still streaming at the deadline')));
  // a model 40 % too slow is still a miss, now on throughput alone
  const slow = compareTrace(trace, { 'virtio-rng': { 'fill-latency-egd': 480_000 } });
  assert.equal(slow.ok, false);
  assert.deepEqual(slow.failures.map((f) => f.replace(/[0-9.]+ MB\/s/g, 'x').replace(/[0-9]+ \/ [0-9]+ µs/g, 'y')), [
    'reader a: throughput real x, model x; request → request median / 90th percentile real y, model y',
  ]);
  // The miss is explained by the request period: the real one is the trace's own (180 / 314 µs
  // here), and each 64-byte request of the model waits one backend fill, so 200 µs more fill
  // latency is 200 µs more per request.
  const s = slow.readers[0]!;
  assert.deepEqual(s.realRequestPeriodNs, a.realRequestPeriodNs);
  assert.deepEqual(s.realRequestPeriodNs, [180_000, 313_800]);
  assert.equal(s.modelRequestPeriodNs![0] - a.modelRequestPeriodNs![0], 480_000 - 280_000);
  // and the replayed reader ends pending with the read it was in, not at time 0
  const m = replay(trace).readers[0]!;
  assert.equal(m.end.status, 'pending');
  assert.equal(m.end.t, trace.params.endNs + 1);
  assert.ok(m.end.pendingSinceNs !== null && m.end.t - m.end.pendingSinceNs < 100e6);
});

test('khwrngd sleeps on the timer wheel: the guest\'s jiffies phase (hwread jiffies, /proc/schedstat) puts window 1 of the gaps plan within 2 ms; a phase one jiffy off misses it by 20–28 ms, as the model without the wheel missed it by 31–43 ms', () => {
  const trace = readTrace(join(FIXTURES, 'l4096-p2000-r64-gaps-builtin-jiffies'));
  assert.equal(trace.params.jiffiesPhase, 467);
  const start1 = (over: ReplayOverrides = {}): number => compareTrace(trace, over).windows[1]!.startErrorNs!;
  assert.ok(Math.abs(start1()) < 2e6, `${start1() / 1e6} ms`);
  assert.equal(compareTrace(trace).ok, true);
  // window 1 starts when khwrngd's second 1 s sleep ends (nothing else reads at that refill)
  for (const wrong of [466, 468]) assert.ok(Math.abs(start1({ 'linux-guest': { 'jiffies-phase': wrong } })) > 3e6, `phase ${wrong}`);
});

/** A fixture's probe: its timing as read from the device log, DRIVER_OK's request, and the guest re-posts after the prefetch push before the first reader. */
function khwrngdProbe(name: string) {
  const trace = readTrace(join(FIXTURES, name));
  const t0 = trace.params.probeNs;
  const e1 = trace.device.find((e) => e.t >= t0)!;
  const push = trace.device.find((e) => e.t >= t0 && e.kind === 'push')!;
  const firstReader = Math.min(...trace.readers.map((r) => r.startNs));
  const rePosts = trace.device.filter((e) => e.kind === 'request' && e.t > push.t && e.t < firstReader && e.size > 0);
  return { trace, t0, timing: probeTiming(trace, t0)!, e1, rePosts };
}

test('khwrngd\'s first read is read from the device log (its first re-post): a fresh gaps capture whose khwrngd ran 11.3 ms after the probe, 6 ms before the model\'s own estimate, which put its next 1 s sleep across a 32 ms timer-wheel grid line (window 1 31.8 ms late)', () => {
  const { trace, t0, timing, e1, rePosts } = khwrngdProbe('l4096-p2000-r64-gaps-builtin-khwrngd-early');
  const firstRePost = rePosts[0]!;
  assert.equal(timing.khwrngdNs, firstRePost.t - e1.t);
  assert.ok(firstRePost.t - t0 < 12e6 && firstRePost.t - t0 > 11e6, `${(firstRePost.t - t0) / 1e6} ms`);
  // the model's khwrngd re-posts when the real one did
  assert.ok(replay(trace).device.some((e) => e.kind === 'request' && e.t === firstRePost.t && e.size === 64));
  const r = compareTrace(trace);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.ok(Math.abs(r.windows[1]!.startErrorNs!) < 0.5e6, `${r.windows[1]!.startErrorNs! / 1e6} ms`);
});

test('khwrngd\'s first sleep is timed from the end of its first read as the device log shows it: a capture whose read took 0.75 ms to come back (0.10–0.34 ms in 26 others, 0.06 ms in the model) slept from the next jiffy', () => {
  const { trace, timing, e1, rePosts } = khwrngdProbe('l4096-p2000-r64-gaps-builtin-slow-read');
  assert.equal(rePosts.length, 2);
  assert.equal(timing.khwrngdNs, rePosts[0]!.t - e1.t);
  assert.equal(timing.khwrngdEndNs, rePosts[1]!.t - e1.t);
  assert.equal(rePosts[1]!.t - rePosts[0]!.t, 753_000);
  const r = compareTrace(trace);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.ok(Math.abs(r.windows[1]!.startErrorNs!) < 0.5e6, `${r.windows[1]!.startErrorNs! / 1e6} ms`);
  // the real read ended 0.48 ms before a jiffy edge: crediting for less than that sleeps a step early
  const short = compareTrace(trace, { 'linux-guest': { 'khwrngd-credit-ns': 400_000 } });
  assert.ok(short.windows[1]!.startErrorNs! < -30e6, `${short.windows[1]!.startErrorNs! / 1e6} ms`);
});

test('guest ↔ virtual time from the best-placed mark: a boot mark whose bracket spanned 6.2 ms put guest uptime, and with it khwrngd\'s timer-wheel grid, 2.9 ms off (window 1 2.8 ms late); the narrowest mark is right', () => {
  const trace = readTrace(join(FIXTURES, 'l4096-p2000-r64-gaps-builtin-boot-mark'));
  const marks = trace.params.alignment.marks;
  const widths = marks.map((m) => m.guestAfterNs - m.guestBeforeNs);
  assert.equal(marks[0]!.label, 'boot');
  assert.ok(widths[0]! > 6e6 && Math.max(...widths.slice(1)) < 0.5e6, widths.join(' '));
  const best = guestOffsetNs(marks)!;
  const narrowest = marks[widths.indexOf(Math.min(...widths))]!;
  assert.equal(best, Math.round(narrowest.virtualNs! - (narrowest.guestBeforeNs + narrowest.guestAfterNs) / 2));
  // every other mark agrees with it to 0.05 ms; the boot mark's midpoint is 2.9 ms off
  for (const m of marks.slice(1)) assert.ok(Math.abs(m.virtualNs! - (m.guestBeforeNs + m.guestAfterNs) / 2 - best) < 0.05e6, m.label);
  const first = Math.round(marks[0]!.virtualNs! - (marks[0]!.guestBeforeNs + marks[0]!.guestAfterNs) / 2);
  assert.ok(Math.abs(first - best) > 2.5e6, `${(first - best) / 1e6} ms`);
  const r = compareTrace(trace);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.ok(Math.abs(r.windows[1]!.startErrorNs!) < 0.5e6);
  const fromFirst = compareTrace(trace, { 'linux-guest': { 'uptime-at-probe-ns': trace.params.probeNs - first } });
  assert.ok(fromFirst.windows[1]!.startErrorNs! > 2e6, `${fromFirst.windows[1]!.startErrorNs! / 1e6} ms`);
  assert.equal(guestOffsetNs(marks.map((m) => ({ ...m, virtualNs: null }))), undefined);
});

test('khwrngd sleeps after crediting its bytes (khwrngd-credit-ns): a fresh gaps capture whose khwrngd read ended 0.5 ms before a jiffy edge slept from the next jiffy, so its next read came one 32 ms grid step later', () => {
  const trace = readTrace(join(FIXTURES, 'l4096-p2000-r64-gaps-builtin-credit'));
  const r = compareTrace(trace);
  assert.equal(r.ok, true, r.failures.join('; '));
  assert.ok(Math.abs(r.windows[1]!.startErrorNs!) < 0.5e6);
  const none = compareTrace(trace, { 'linux-guest': { 'khwrngd-credit-ns': 0 } });
  assert.ok(none.windows[1]!.startErrorNs! < -30e6, `${none.windows[1]!.startErrorNs! / 1e6} ms`);
});

test('tickGrid: a tick bracketed by CLOCK_MONOTONIC reads gives jiffies − INITIAL_JIFFIES − ⌊t / 4 ms⌋ mod 512 and t mod 4 ms (HZ 250: INITIAL_JIFFIES = 2^32 − 75000)', () => {
  // the jiffies fixture's reading: monotonic 6686283348 ns = 1671 jiffies; jiffies 4294893922 = INITIAL + 1626
  assert.deepEqual(tickGrid('6686283348', '6686283348', '4294893922'), { jiffiesPhase: 467, tickOffsetNs: 2283348 });
  assert.deepEqual(tickGrid('4000000', '4000000', String(2 ** 32 - 75000 + 1)), { jiffiesPhase: 0, tickOffsetNs: 0 });
  assert.deepEqual(tickGrid('0', '0', String(2 ** 32 - 75000 + 511)), { jiffiesPhase: 511, tickOffsetNs: 0 });
  // the tick is taken at the bracket's midpoint
  assert.deepEqual(tickGrid('7999000', '8003000', String(2 ** 32 - 75000 + 2)), { jiffiesPhase: 0, tickOffsetNs: 1000 });
  assert.deepEqual(tickGrid('7997000', '7999000', String(2 ** 32 - 75000 + 2)), { jiffiesPhase: 1, tickOffsetNs: 3998000 });
});

test('window starts within 2 ms of the real ones (timing gated): every window up to the first real host stall of its run, and every transition without one', () => {
  let before = 0;
  let transitions = 0;
  let stalls = 0;
  for (const name of fixtureDirs) {
    if (KNOWN.has(name)) continue;
    const r = compareTrace(readTrace(join(FIXTURES, name)));
    let stalled = false;
    for (const w of r.windows) {
      if (w.hostStall !== null) {
        stalled = true;
        stalls++;
      }
      if (!stalled && w.index > 0) {
        before++;
        assert.ok(Math.abs(w.startErrorNs!) <= 2e6, `${name} window ${w.index}: start error ${w.startErrorNs! / 1e6} ms`);
      }
      if (w.hostStall === null && w.stepErrorNs !== null) {
        transitions++;
        assert.ok(Math.abs(w.stepErrorNs) <= 2e6, `${name} window ${w.index}: one-step error ${w.stepErrorNs / 1e6} ms`);
      }
    }
  }
  // Not vacuous: most windows of the committed runs are judged; the stalls are real-run events
  // (timer 1.6–18 ms late, guest/EGD 10–18 ms late) on the loaded capture host. The three
  // 6.1.176 captures (a quiet host, load average 2–3) add 5 windows and 5 transitions, no stall;
  // the gaps plan with its jiffies phase recorded adds 1 and 1, and its four 2026-12-07 captures
  // (khwrngd early, a wide boot mark, khwrngd's sleep in the next jiffy, its slow first read) 4 and 4;
  // the three-reader capture of 2026-12-08 (its timer 1.0 ms late at window 2, 3.1 ms at 3) 1 and 9,
  // and 2 stalls; the EGD capture with a late first reply (6.1.176, 2026-12-08) 1 and 1; the two
  // captures beside CPU hogs (6.1.176, 2026-12-08) 2 and 4, and 2 stalls; the three-reader capture
  // whose probe kick came 4.1 ms late (6.1.176, no window stall) 11 and 11.
  assert.deepEqual([before, transitions, stalls], [34, 49, 13], 'windows before a stall, transitions without one, stalls');
});

test('after a real host stall, replayed as an input, window starts are still within 2 ms: all 28 such windows but one, where the real grid slipped a ms per window', () => {
  const outside: string[] = [];
  let after = 0;
  for (const name of fixtureDirs) {
    if (KNOWN.has(name)) continue;
    const r = compareTrace(readTrace(join(FIXTURES, name)));
    const first = r.windows.findIndex((w) => w.hostStall !== null);
    if (first < 0) continue;
    for (const w of r.windows.slice(first)) {
      if (w.startErrorNs === null) continue;
      after++;
      if (Math.abs(w.startErrorNs) > 2e6) outside.push(`${name} window ${w.index}`);
    }
  }
  // l1024-p1000-r4096-builtin: the real reader re-posted 1.2–1.3 ms after each deadline, the
  // model's 0.87 ms, so the real windows slip a ms each time and the model's stay on the grid
  assert.deepEqual([after, outside], [28, ['l1024-p1000-r4096-builtin window 4']]);
});

test('a probe whose own kick QEMU served 4.1 ms late (host stall): the guest posted the prefetch at its usual time, so the early read ran before the fill and found nothing (6.1.176, three readers: 448 bytes to the readers in window 0, not 384)', () => {
  const trace = readTrace(join(FIXTURES, 'l512-p250-three-readers-builtin-late-kick'));
  const timing = probeTiming(trace, trace.params.probeNs)!;
  assert.deepEqual([timing.readyKickNs, timing.kickNs, timing.postNs], [4_142_000, 4_141_999, 720_000]);
  const group = (over: ReplayOverrides = {}) => compareTrace(trace, over).groups[0]!;
  assert.deepEqual(group().realBytesPerWindow.slice(0, 2), [448, 512]);
  assert.deepEqual(group().modelBytesPerWindow.slice(0, 2), [448, 512]);
  // taking the post as just before QEMU's late kick (the rule before): the early read found the
  // prefetch filled and took 32 bytes, and the readers got 384
  assert.deepEqual(group({ 'linux-guest': { 'ready-post-ns': 1e9 } }).modelBytesPerWindow[0], 384);
});

test("EGD at probe: whether the backend's first reply beat the driver's separately served kick is read from the log (0.2–81 ms in the captures); when it did not, QEMU asked for the buffer twice and window 0 got 960 bytes, in the model too", () => {
  for (const [name, fill] of [['l1024-p1000-r64-egd', 12_105_000], ['l1024-p1000-r64-egd-late-reply', 3_695_000]] as const) {
    const trace = readTrace(join(FIXTURES, name));
    const timing = probeTiming(trace, trace.params.probeNs)!;
    assert.equal(timing.firstFillNs, fill, name);
    assert.ok(timing.kickNs - timing.readyKickNs < fill, name); // the kick came first: an over-request
    const r = compareTrace(trace);
    assert.deepEqual([r.windows[0]!.realBytes, r.windows[0]!.modelBytes], [960, 960], name);
  }
  // builtin: no such race at any probe (the reply is in 11–24 µs, the kick comes 0.1–1 ms later)
  for (const name of fixtureDirs.filter((n) => !n.includes('-egd'))) {
    const trace = readTrace(join(FIXTURES, name));
    assert.equal(probeTiming(trace, trace.params.probeNs)?.firstFillNs, undefined, name);
  }
});

test('host stalls are read from the real run alone (a timer fired 3.9 ms late, a reader woken 11.6 ms after a refill, an EGD reply 10 ms late) and replayed as inputs; a reader paused on purpose is no stall', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-r4096-builtin'));
  // the model alone: its own timer and guest, 80 µs and 0.794 ms, and the windows after the
  // stalls 11–13 ms early
  const alone = compareTrace(trace, {}, { hostStalls: false });
  assert.match(alone.windows[1]!.hostStall ?? '', /^timer fired 3\.941 ms after its deadline$/);
  assert.match(alone.windows[2]!.hostStall ?? '', /^refill → next request 11\.581 ms with a reader waiting$/);
  assert.equal(alone.windows[3]!.hostStall, null);
  assert.equal(alone.windows[1]!.modelTimerLateNs, 80_000);
  assert.deepEqual(alone.hostStallInputs, { timerLate: [], startGap: [] });
  assert.ok(alone.windows.slice(2).every((w) => w.startErrorNs! < -11e6));
  // the replay takes both stalls (the timer of window 0, the start of window 2) and predicts the
  // rest: window 2 within 0.4 ms, then the real grid slips ~0.4 ms more than the model's per window
  const r = compareTrace(trace);
  assert.deepEqual(r.hostStallInputs, { timerLate: [0], startGap: [2] });
  assert.equal(r.windows[1]!.modelTimerLateNs, 3_941_000);
  assert.equal(r.windows[2]!.modelGapNs, r.windows[2]!.realGapNs);
  assert.deepEqual(r.windows.map((w) => Math.round(w.startErrorNs! / 1e5) / 10), [0, 0, -0.3, -1.4, -2.4]);
  assert.ok(r.notes.some((n) => /^window 2: real host stall \(refill → next request 11\.581 ms with a reader waiting\); .*the replay took it as an input$/.test(n)), r.notes.join('; '));
  const egd = compareTrace(readTrace(join(FIXTURES, 'l1024-p1000-r64-egd')), {}, { hostStalls: false });
  assert.match(egd.windows[1]!.hostStall ?? '', /refill → next request 10\.253 ms/);
  assert.equal(compareTrace(readTrace(join(FIXTURES, 'l1024-p1000-r64-egd'))).ok, true);
  // a reader paused on purpose leaves the window unstarted in the model too: no stall, no input
  const gaps = compareTrace(readTrace(join(FIXTURES, 'l4096-p2000-r64-gaps-builtin')));
  assert.ok(gaps.windows[1]!.realGapNs! > 600e6);
  assert.equal(gaps.windows[1]!.hostStall, null);
  assert.deepEqual(gaps.hostStallInputs, { timerLate: [], startGap: [] });
});

test('EGD capture: QEMU asked for the prefetch buffer twice at DRIVER_OK (960 bytes pushed in the first window); the replay does the same', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-r64-egd'));
  const head = (ev: readonly { kind: string; size: number; quota: number | null }[]) => ev.slice(0, 5).map((e) => [e.kind, e.size, e.quota]);
  const expected = [['request', 0, 1024], ['request', 64, 1024], ['request', 64, 1024], ['push', 64, null], ['request', 64, 896]];
  assert.deepEqual(head(trace.device), expected);
  assert.deepEqual(head(replay(trace).device), expected);
  const r = compareTrace(trace);
  assert.equal(r.windows[0]!.realBytes, 960);
  assert.equal(r.windows[0]!.modelBytes, 960);
});

test('probe races read from the device log: the early read found the prefetch filled in 18 of 26 probes (two khwrngd re-posts), not in the three EGD captures, the paused-reader one, the two fresh two-reader captures where khwrngd ran first and the two l100 captures where it found nothing', () => {
  const early = (name: string): boolean[] => {
    const trace = readTrace(join(FIXTURES, name));
    const loads = [trace.params.probeNs, ...trace.params.alignment.marks.filter((m) => /-removed$/.test(m.label)).map((m) => m.virtualNs!)];
    return loads.map((t0) => (probeTiming(trace, t0)!.registerNs ?? 0) > 0);
  };
  assert.deepEqual(early('l1024-p1000-r64-egd'), [false]);
  assert.deepEqual(early('l4096-p2000-r64-gaps-builtin'), [false]);
  assert.deepEqual(early('l1024-p1000-reset-builtin'), [true, true]);
  // The re-post count tells only on 6.1.192 (6.1.176 re-posts once either way: the guest's own estimate).
  const on192 = fixtureDirs.filter((d) => readTrace(join(FIXTURES, d)).params.kernel.version === '6.1.192');
  const all = on192.flatMap(early);
  assert.equal(all.filter(Boolean).length, 18);
  assert.equal(all.length, 26);
  assert.deepEqual(early('l4096-p2000-r64-gaps-builtin-jiffies'), [true]);
  assert.deepEqual(early('unlimited-r4096-egd-quiet'), [false]);
  const k176 = fixtureDirs.filter((d) => d.endsWith('-k6.1.176'));
  assert.equal(k176.length, 3);
  for (const d of k176) assert.equal(probeTiming(readTrace(join(FIXTURES, d)), readTrace(join(FIXTURES, d)).params.probeNs)!.registerNs, undefined, d);
});

test('l100 on 6.1.192 when the early read found nothing (3 of 24 fresh captures, and a CI run): khwrngd takes 64, the reader drains the 36 left, re-posts, completes at the refill and then hangs; the refill\'s own request is not a guest re-post', () => {
  for (const name of ['l100-p1000-r64-builtin-early-empty', 'l100-p1000-r64-builtin-early-empty-one-kick']) {
    const trace = readTrace(join(FIXTURES, name));
    const a = trace.readers.find((r) => r.tag === 'a')!;
    assert.deepEqual(a.reads.map((r) => r.n), [64], name);
    assert.equal(a.end.status, 'pending', name);
    const timing = probeTiming(trace, trace.params.probeNs)!;
    assert.equal(timing.registerNs, 0, name);
    // Counting the timer's refill request as a re-post made this khwrngd-first: 2 reads, no hang.
    assert.equal(timing.earlyAfterKhwrngd, false, name);
    const r = compareTrace(trace, {}, { timing: false });
    assert.ok(r.ok, `${name}: ${r.failures.join('; ')}`);
    const m = r.readers[0]!;
    assert.deepEqual([m.realReads, m.modelReads, m.realStatus, m.modelStatus], [1, 1, 'hang', 'hang'], name);
  }
  // The two-reader capture where khwrngd did run first keeps its extra re-post.
  const first = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin-khwrngd-first'));
  assert.equal(probeTiming(first, first.params.probeNs)!.earlyAfterKhwrngd, true);
});

test('kernel 6.1.176 captures (issue #12): short completions reassembled, no hang (l1000: 47 × 64 bytes, 1000 per window; l100: 3 × 64, 100 per window); the replay models the trace\'s kernel, and as 6.1.192 it would hang', () => {
  const l1000 = readTrace(join(FIXTURES, 'l1000-p1000-r64-builtin-k6.1.176'));
  const l100 = readTrace(join(FIXTURES, 'l100-p1000-r64-builtin-k6.1.176'));
  for (const t of [l1000, l100]) {
    assert.equal(t.params.kernel.version, '6.1.176');
    assert.equal(t.params.kernel.release, '6.1.0-50-amd64');
    // QEMU pushed a short completion in every window (quota 1000 or 100 is not a multiple of 64)
    assert.ok(t.device.some((e) => e.kind === 'push' && e.size > 0 && e.size < 64), t.dir);
  }
  const a = compareTrace(l1000);
  assert.equal(a.kernel, '6.1.176');
  assert.ok(a.ok, a.failures.join('; '));
  assert.deepEqual(a.windows.map((w) => [w.realBytes, w.modelBytes]), [[1000, 1000], [1000, 1000], [1000, 1000]]);
  assert.deepEqual([a.readers[0]!.realStatus, a.readers[0]!.realReads, a.readers[0]!.modelReads], ['done', 47, 47]);
  // The same trace modelled as 6.1.192: the reader blocks for good after 14 reads (as on the
  // real 6.1.192, fixture l1000-p1000-r64-builtin) and window 1 gets 64 bytes, not 1000.
  const as192 = compareTrace(l1000, { 'linux-guest': { kernel: '6.1.192' } });
  assert.equal(as192.readers[0]!.modelReads, 14);
  assert.equal(as192.windows[1]!.modelBytes, 64);
  assert.ok(!as192.ok);
  const b = compareTrace(l100);
  assert.ok(b.ok, b.failures.join('; '));
  assert.deepEqual(b.windows.map((w) => [w.realBytes, w.modelBytes]), [[100, 100], [100, 100]]);
  assert.deepEqual([b.readers[0]!.realStatus, b.readers[0]!.modelStatus], ['pending', 'pending']);
  assert.equal(compareTrace(l100, { 'linux-guest': { kernel: '6.1.192' } }).readers[0]!.modelStatus, 'hang');
});

test('l100 on 6.1.176: the reader keeps reading_mutex across its read(2) loop (mutex_unlock wakes khwrngd but does not hand over): 3 reads of 64 bytes in 3 of 3 captures, 2 if the lock were handed over at once', () => {
  const trace = readTrace(join(FIXTURES, 'l100-p1000-r64-builtin-k6.1.176'));
  const sizes = (reads: ReadonlyArray<{ n: number }>) => reads.map((x) => x.n);
  assert.deepEqual(sizes(trace.readers[0]!.reads), [64, 64, 64]);
  assert.deepEqual(sizes(replay(trace).readers[0]!.reads), [64, 64, 64]);
  // The woken khwrngd running before the reader locks again (FIFO hand-over at unlock): it takes
  // 64 of window 2's 100 bytes and the reader gets two reads — off by one read, which the cut
  // tolerance would not catch, so it is asserted here.
  assert.deepEqual(sizes(replay(trace, { 'linux-guest': { 'mutex-wake-ns': 0 } }).readers[0]!.reads), [64, 64]);
});

test('a kernel the model was not measured on: a 6.1 release gets the nearer measured one as a stand-in, said in the comparison; another series is an InputError naming params.json', () => {
  // modelledKernel(): measured ones as they are; later releases 6.1.192 (the copy_data backport
  // stays), earlier ones 6.1.176, in between the nearer (ties to the newer)
  const k = (v: string) => modelledKernel(v);
  assert.deepEqual(k('6.1.192'), { kernel: '6.1.192', measured: true });
  assert.deepEqual(k('6.1.176'), { kernel: '6.1.176', measured: true });
  assert.deepEqual(k('6.1.200'), { kernel: '6.1.192', measured: false });
  assert.deepEqual(k('6.1.150'), { kernel: '6.1.176', measured: false });
  assert.deepEqual(k('6.1.180'), { kernel: '6.1.176', measured: false });
  assert.deepEqual(k('6.1.184'), { kernel: '6.1.192', measured: false });
  for (const v of ['6.12.57', '5.10.1', '6.1', '6.1.x', '']) assert.equal(k(v), undefined, v);

  const trace = readTrace(join(FIXTURES, 'l1000-p1000-r64-builtin'));
  const as = (version: string) => ({ ...trace, params: { ...trace.params, kernel: { ...trace.params.kernel, version } } });
  // the 6.1.192 capture replayed as its own kernel, as a later release (the same: it hangs after
  // 14 reads), and, by override, as 6.1.176 (no hang)
  assert.equal(replay(trace).readers[0]!.reads.length, 14);
  const later = compareTrace(as('6.1.200'));
  assert.equal(later.ok, true, later.failures.join('; '));
  assert.deepEqual([later.kernel, later.modelKernel, later.kernelMeasured], ['6.1.200', '6.1.192', false]);
  assert.ok(later.notes.some((n) => /^kernel 6\.1\.200 modelled as 6\.1\.192: the model was not measured on this kernel/.test(n)), later.notes.join('; '));
  assert.match(formatCompare(later), /\(kernel 6\.1\.200 modelled as 6\.1\.192, not measured, builtin\) — within tolerance/);
  const own = compareTrace(trace);
  assert.deepEqual([own.modelKernel, own.kernelMeasured], ['6.1.192', true]);
  assert.ok(!own.notes.some((n) => n.startsWith('kernel ')));
  assert.ok(replay(as('6.1.200'), { 'linux-guest': { kernel: '6.1.176' } }).readers[0]!.reads.length > 14);
  // an earlier release is read and run as 6.1.176: this hung capture is then outside tolerance
  const earlier = compareTrace(as('6.1.170'));
  assert.deepEqual([earlier.modelKernel, earlier.kernelMeasured, earlier.ok], ['6.1.176', false, false]);
  // another series: one line, naming the file and what would do
  const other = as('6.12.57');
  assert.throws(() => replay(other), (e: unknown) => e instanceof InputError && /params\.json: kernel\.version "6\.12\.57", expected a Linux 6\.1 release \(the model was measured on 6\.1\.176 and 6\.1\.192; qemu compare --model-kernel picks one for another kernel\)$/.test(e.message));
  const forced = compareTrace(other, { 'linux-guest': { kernel: '6.1.192' } });
  assert.deepEqual([forced.modelKernel, forced.kernelMeasured, forced.ok], ['6.1.192', false, true]);
});

test('guest kernel selection: newest release by default (numeric order), --kernel by release or Debian version, else one line listing the available ones', () => {
  const dir = tempDir('eb-kernels-');
  try {
    const boot = join(dir, 'boot');
    const mods = join(dir, 'modules');
    const bz = (text: string): Buffer => {
      const b = Buffer.alloc(0x1000);
      b.write('HdrS', 0x202, 'latin1');
      b.writeUInt16LE(0x400 - 0x200, 0x20e);
      b.write(text, 0x400, 'latin1');
      return b;
    };
    mkdirSync(boot, { recursive: true });
    for (const [rel, deb] of [['6.1.0-9-amd64', '6.1.99-1'], ['6.1.0-50-amd64', '6.1.176-1'], ['6.1.0-57-amd64', '6.1.192-3'], ['6.1.0-60-amd64', '6.1.200-1']] as const) {
      writeFileSync(join(boot, `vmlinuz-${rel}`), bz(`${rel} (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian ${deb} (2026-07-02)`));
      if (rel !== '6.1.0-60-amd64') {
        mkdirSync(join(mods, rel), { recursive: true });
        writeFileSync(join(mods, rel, 'modules.dep'), '');
      }
    }
    const ks = hostKernels(boot, mods);
    // 6.1.0-60 has no modules tree; 6.1.0-9 sorts below 6.1.0-50
    assert.deepEqual(ks.map((k) => [k.release, k.version]), [['6.1.0-57-amd64', '6.1.192'], ['6.1.0-50-amd64', '6.1.176'], ['6.1.0-9-amd64', '6.1.99']]);
    assert.equal(selectKernel(ks).release, '6.1.0-57-amd64');
    assert.equal(selectKernel(ks, '6.1.0-50-amd64').kernel, join(boot, 'vmlinuz-6.1.0-50-amd64'));
    assert.equal(selectKernel(ks, '6.1.176').release, '6.1.0-50-amd64');
    assert.throws(
      () => selectKernel(ks, '6.1.0-60-amd64'),
      (e: unknown) =>
        e instanceof MissingToolError &&
        e.message === '--kernel 6.1.0-60-amd64: expected a release with /boot/vmlinuz-RELEASE and /lib/modules/RELEASE, or its Debian version; available: 6.1.0-57-amd64 (6.1.192), 6.1.0-50-amd64 (6.1.176), 6.1.0-9-amd64 (6.1.99)',
    );
    assert.throws(() => selectKernel([]), (e: unknown) => e instanceof MissingToolError && /^no \/boot\/vmlinuz-\* with its \/lib\/modules tree/.test(e.message));
    assert.equal(bzImageVersion(Buffer.alloc(0x1000)), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fixture plans on another kernel: the 6.1.176 ones are the same guest program under a -k6.1.176 name, captured on 6.1.176 by default', () => {
  for (const base of ['l1000-p1000-r64-builtin', 'l100-p1000-r64-builtin', 'l1024-p1000-r64-builtin']) {
    const p = findFixturePlan(`${base}-k6.1.176`)!;
    assert.deepEqual({ ...p, name: base }, findFixturePlan(base));
    assert.equal(fixtureKernel(p.name), '6.1.176');
    assert.equal(fixtureKernel(base), undefined);
    // the committed capture ran that plan on that kernel
    const t = readTrace(join(FIXTURES, p.name));
    assert.deepEqual(t.params.plan, p);
    assert.equal(t.params.kernel.version, '6.1.176');
  }
  assert.equal(new Set(FIXTURE_PLANS.map((p) => p.name)).size, FIXTURE_PLANS.length);
  // the three-reader capture named its plan l512-p250-r64-builtin; `--fixture` knows it by the folder's name
  const three = readTrace(join(FIXTURES, 'l512-p250-three-readers-builtin'));
  assert.deepEqual({ ...findFixturePlan('l512-p250-three-readers-builtin')!, name: three.params.plan.name }, three.params.plan);
});

test('qemu capture --plan takes a plan, or a trace\'s params.json to capture its plan again; a bad one is one line naming the field', () => {
  const dir = tempDir('eb-plan-');
  try {
    const params = join(FIXTURES, 'l512-p250-three-readers-builtin', 'params.json');
    assert.deepEqual(plansFrom({ plan: params }), [readTrace(join(FIXTURES, 'l512-p250-three-readers-builtin')).params.plan]);
    const bare = join(dir, 'plan.json');
    writeFileSync(bare, JSON.stringify(findFixturePlan('l100-p1000-r64-builtin')));
    assert.deepEqual(plansFrom({ plan: bare }), [findFixturePlan('l100-p1000-r64-builtin')]);
    const bad = join(dir, 'params.json');
    writeFileSync(bad, JSON.stringify({ format: 'entropy-bench-qemu-trace', version: 1, plan: { ...findFixturePlan('l100-p1000-r64-builtin'), backend: 'tpm' } }));
    assert.throws(() => plansFrom({ plan: bad }), (e: unknown) => e instanceof InputError && e.message === `${bad}: plan.backend: "tpm", expected builtin, random or egd`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('qemu capture --fixture all: a plan whose own kernel is not installed is named with the package to install; the others are not', () => {
  const k = (release: string, version: string | null) => ({ release, version, kernel: `/boot/vmlinuz-${release}`, modulesDir: `/lib/modules/${release}` });
  const only192 = [k('6.1.0-57-amd64', '6.1.192')];
  const missing = fixturesWithoutKernel(FIXTURE_PLANS, only192);
  assert.deepEqual([...missing.keys()], FIXTURE_PLANS.filter((p) => fixtureKernel(p.name) !== undefined).map((p) => p.name));
  assert.equal(missing.size, 3);
  for (const why of missing.values()) {
    assert.equal(why, 'kernel 6.1.176 is not installed (Debian: apt-get install linux-image-6.1.0-50-amd64); available: 6.1.0-57-amd64 (6.1.192)');
  }
  // installed, found by Debian version or by release; no kernel at all is the capture's own error
  assert.equal(fixturesWithoutKernel(FIXTURE_PLANS, [...only192, k('6.1.0-50-amd64', '6.1.176')]).size, 0);
  assert.equal(fixturesWithoutKernel(FIXTURE_PLANS, [k('6.1.176', null)]).size, 0);
  assert.equal(fixturesWithoutKernel(FIXTURE_PLANS, []).size, 0);
});

test('paused-reader capture: window 0 carries 2176 bytes in both (khwrngd re-posted once: the early read found no data)', () => {
  const r = compareTrace(readTrace(join(FIXTURES, 'l4096-p2000-r64-gaps-builtin')));
  assert.deepEqual(r.windows.map((w) => [w.realBytes, w.modelBytes]), [[2176, 2176], [3072, 3072]]);
  assert.ok(r.ok, r.failures.join('; '));
});

test('two concurrent readers: judged together (merged sizes, bytes per window, ends); which reader got which 64 bytes is information only', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin'));
  const r = compareTrace(trace);
  assert.ok(r.ok, r.failures.join('; '));
  assert.equal(r.groups.length, 1);
  assert.deepEqual(r.groups[0]!.realBytesPerWindow, r.groups[0]!.modelBytesPerWindow);
  assert.ok(r.readers.every((x) => x.shared));
  // A fresh capture where the scheduler gave b's first three reads to a: per reader it differs,
  // together it is the same run — still within tolerance.
  const [a, b] = [trace.readers.find((x) => x.tag === 'a')!, trace.readers.find((x) => x.tag === 'b')!];
  const moved = b.reads.splice(0, 3);
  a.reads.push(...moved);
  a.reads.sort((x, y) => x.t - y.t);
  const swapped = compareTrace(trace);
  assert.ok(swapped.ok, swapped.failures.join('; '));
  assert.ok(swapped.notes.some((n) => /reader b: read .* information/.test(n)), swapped.notes.join('; '));
  // Together they got 64 bytes fewer in window 1: outside tolerance.
  const w1 = a.reads.findIndex((x) => x.t > swapped.windows[1]!.realStart!);
  a.reads.splice(w1, 1);
  const short = compareTrace(trace);
  assert.equal(short.ok, false);
  assert.ok(short.failures.some((f) => /readers a\+b: (bytes per window|merged read)/.test(f)), short.failures.join('; '));
});

test('window timer armed on a ms edge: a request stamped x.000 ms may have armed the timer in ms x−1 (clock read before the µs stamp)', () => {
  // Synthetic: arm stamped exactly on 5000 ms, refill 85 µs after 5999 ms (before 6000 − 50 µs).
  const ev = (t: number, kind: 'request' | 'push', size: number, quota: number | null) => ({ t, kind, size, quota });
  const early = [ev(5_000_000_000, 'request', 64, 1024), ev(5_000_020_000, 'push', 64, null), ev(5_999_085_000, 'request', 64, 1024), ev(5_999_100_000, 'push', 64, null), ev(5_999_500_000, 'request', 64, 960)];
  const w = inferWindows(early, 1024, 1000);
  assert.deepEqual(w.map((x) => [x.refillAt, x.start, x.deadline, x.bytes]), [[null, 5_000_000_000, 5_999_000_000, 64], [5_999_085_000, 5_999_500_000, 6_999_000_000, 64]]);
  // The same stamp with the refill after 6000 ms: the timer was armed in ms 5000 (deadline 6000).
  const late = early.map((e, i) => (i >= 2 ? { ...e, t: e.t + 1_000_000 } : e));
  assert.deepEqual(inferWindows(late, 1024, 1000).map((x) => x.deadline), [6_000_000_000, 7_000_000_000]);
  // 20 µs past the edge the stamp decides alone: a full-quota request 915 µs before its deadline is no refill.
  const clear = early.map((e, i) => (i < 2 ? { ...e, t: e.t + 20_000 } : e));
  assert.equal(inferWindows(clear, 1024, 1000).length, 1);
});

test('two-reader capture whose DRIVER_OK request was stamped 6610.000000 ms: refill at 7609.085 ms is window 0\'s (1024 bytes, not 2048); the replay arms the timer in ms 6609 too', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin-ms-edge'));
  assert.equal(trace.device[0]!.t, 6_610_000_000);
  const r = compareTrace(trace);
  assert.ok(r.ok, r.failures.join('; '));
  assert.deepEqual(r.windows.map((w) => w.realBytes), [1024, 1024, 1024]);
  assert.deepEqual(r.groups[0]!.realBytesPerWindow, [896, 1024, 960]);
  const m = replay(trace).device.filter((e) => e.kind === 'request' && e.quota === 1024);
  // the model's first refill follows a 7609 ms deadline (plus its timer latency), like the real one
  assert.ok(m[m.findIndex((e) => e.t > 7e9)]!.t < 7_610_000_000);
  for (const w of r.windows) assert.ok(Math.abs(w.startErrorNs!) <= 2e6, `window ${w.index}: ${w.startErrorNs}`);
});

test('khwrngd ran before add_early_randomness (fresh two-reader capture): the early read took 32 bytes of the buffer khwrngd\'s re-post filled, the first reader dropped the rest; readers got 896 bytes in window 0', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin-khwrngd-first'));
  const timing = probeTiming(trace, trace.params.probeNs)!;
  assert.equal(timing.registerNs, 0);
  assert.equal(timing.earlyAfterKhwrngd, true);
  // The EGD capture's first read completed after a push too, but a stalled guest (one request
  // before it, for a buffered copy): there the early read found nothing, the reader got 896.
  const egd = readTrace(join(FIXTURES, 'l1024-p1000-r64-egd'));
  assert.equal(probeTiming(egd, egd.params.probeNs)!.earlyAfterKhwrngd, false);
  const r = compareTrace(trace, {}, { timing: false });
  assert.ok(r.ok, r.failures.join('; '));
  assert.deepEqual(r.groups[0]!.realBytesPerWindow, [896, 1024, 1024, 1024]);
  assert.deepEqual(r.groups[0]!.modelBytesPerWindow, [896, 1024, 1024, 1024]);
  // Read as "the early read found nothing" (khwrngd leaves a full buffer), the readers get 960.
  const hwrngProbe = LinuxHwrng.prototype.probe;
  LinuxHwrng.prototype.probe = function (probeNs, t = {}) {
    return hwrngProbe.call(this, probeNs, { ...t, earlyAfterKhwrngd: false });
  };
  try {
    const wrong = compareTrace(trace, {}, { timing: false });
    assert.deepEqual(wrong.groups[0]!.modelBytesPerWindow.slice(0, 1), [960]);
    assert.equal(wrong.ok, false);
  } finally {
    LinuxHwrng.prototype.probe = hwrngProbe;
  }
});

test('two readers, bytes per window: a read completing between a refill and the next window\'s start may carry either window\'s bytes (fresh capture: a reader returned old bytes 0.85 ms after the refill)', () => {
  const trace = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin-late-reader'));
  const r = compareTrace(trace, {}, { timing: false });
  assert.ok(r.ok, r.failures.join('; '));
  // by completion time the real readers got 832 + 1088 in windows 0 and 1, the model 896 + 1024
  assert.deepEqual(r.groups[0]!.realBytesPerWindow.slice(0, 2), [832, 1088]);
  assert.deepEqual(r.groups[0]!.modelBytesPerWindow.slice(0, 2), [896, 1024]);
  // Where no read completed between a refill and the next start, a moved read is not excused.
  const other = readTrace(join(FIXTURES, 'l1024-p1000-two-readers-builtin-khwrngd-first'));
  const r2 = compareTrace(other, {}, { timing: false });
  assert.ok(r2.ok, r2.failures.join('; '));
  const a = other.readers.find((x) => x.tag === 'a')!;
  const k = a.reads.findIndex((x) => x.t > r2.windows[1]!.realStart! + 50e6);
  a.reads[k]!.t = r2.windows[1]!.realStart! - 300e6;
  a.reads.sort((x, y) => x.t - y.t);
  const moved = compareTrace(other, {}, { timing: false });
  assert.equal(moved.ok, false);
  assert.ok(moved.failures.some((f) => /readers a\+b: bytes per window real 960 /.test(f)), moved.failures.join('; '));
});

test('cli: qemu compare exits 0 within tolerance, 1 outside, 2 on an unreadable trace (one line)', async () => {
  const { main } = await import('../../src/cli/index.ts');
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(['node', 'entropy-bench', 'qemu', 'compare', ...args], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };
  const ok = await run(join(FIXTURES, 'l1000-p1000-r64-builtin'), '--json');
  assert.equal(ok.code, 0);
  const parsed = JSON.parse(ok.out) as Array<{ ok: boolean; readers: Array<{ realStatus: string; modelStatus: string }> }>;
  assert.equal(parsed[0]!.readers[0]!.realStatus, 'hang');
  assert.equal(parsed[0]!.readers[0]!.modelStatus, 'hang');
  // window starts up to 17 ms late: the real timer fired late on the loaded capture host
  const bad = await run(join(FIXTURES, 'l1024-p1000-r4096-builtin'));
  assert.equal(bad.code, 1);
  assert.match(bad.out, /OUTSIDE tolerance/);
  // host stalls replayed as inputs by default; --no-host-stalls: the model alone (the timer fired
  // 18 ms late, the waiting readers restarted 7–18 ms after three refills)
  const late = join(FIXTURES, 'l1024-p1000-two-readers-builtin-late-reader');
  const withStalls = await run(late);
  assert.equal(withStalls.code, 0);
  assert.equal(withStalls.out.match(/the replay took it as an input/g)?.length, 3);
  const alone = await run(late, '--no-host-stalls');
  assert.equal(alone.code, 1);
  assert.match(alone.out, /FAIL window 3: bytes real 1024 model 1024, start error -57\.340 ms/);
  assert.ok(!alone.out.includes('the replay took it as an input'));
  // --model-kernel: a measured kernel, whatever the trace's; anything else is one line and exit 2
  const as176 = await run(join(FIXTURES, 'l1000-p1000-r64-builtin'), '--model-kernel', '6.1.176');
  assert.equal(as176.code, 1);
  assert.match(as176.out, /\(kernel 6\.1\.192 modelled as 6\.1\.176, builtin\) — OUTSIDE tolerance/);
  assert.match(as176.out, /note kernel 6\.1\.192 modelled as 6\.1\.176 \(--model-kernel\)/);
  const badKernel = await run(join(FIXTURES, 'l1000-p1000-r64-builtin'), '--model-kernel', '6.1.200');
  assert.equal(badKernel.code, 2);
  assert.equal(badKernel.err, "entropy-bench: --model-kernel: expected 6.1.176 or 6.1.192 (the kernels the model was measured on), found '6.1.200'\n");
  const missing = await run(join(FIXTURES, 'no-such-trace'));
  assert.equal(missing.code, 2);
  assert.equal(missing.err.trim().split('\n').length, 1);
  assert.match(missing.err, /no-such-trace: no such directory$/m);
  // a directory that is neither a trace nor holds one
  const empty = tempDir('eb-compare-empty-');
  const none = await run(empty);
  assert.equal(none.code, 2);
  assert.match(none.err, /not a trace directory \(no params\.json, nor a sub-directory with one\)$/m);
  // what `qemu capture OUT --fixture all` writes: every sub-directory holding a trace, in name
  // order, and one summary line naming those outside tolerance
  const parent = tempDir('eb-compare-all-');
  symlinkSync(join(FIXTURES, 'l1024-p1000-r4096-builtin'), join(parent, 'b-r4096'));
  symlinkSync(join(FIXTURES, 'l1000-p1000-r64-builtin'), join(parent, 'a-l1000'));
  mkdirSync(join(parent, 'logs'));
  const all = await run(parent);
  assert.equal(all.code, 1);
  assert.deepEqual([...all.out.matchAll(/^(\S+): \S+ \(kernel/gm)].map((m) => m[1]), [join(parent, 'a-l1000'), join(parent, 'b-r4096')]);
  assert.match(all.out, new RegExp(`\\n1 of 2 traces within tolerance; outside: ${join(parent, 'b-r4096').replace(/[.]/g, '\\.')}\\n$`));
  const allJson = await run(parent, '--json');
  assert.equal((JSON.parse(allJson.out) as unknown[]).length, 2);
  // `capture --repeat`'s OUT/1 … OUT/N, at any depth, numbers in numeric order; a dangling link is skipped,
  // a link to an ancestor not followed round
  const deep = tempDir('eb-compare-repeat-');
  for (const k of [10, 2, 1]) {
    mkdirSync(join(deep, 'plan'), { recursive: true });
    symlinkSync(join(FIXTURES, 'l1000-p1000-r64-builtin'), join(deep, 'plan', String(k)));
  }
  symlinkSync(join(deep, 'gone'), join(deep, 'plan', 'dangling'));
  symlinkSync(deep, join(deep, 'plan', 'up')); // a link back up the tree is walked once
  assert.deepEqual(traceDirs(deep), ['1', '2', '10'].map((k) => join(deep, 'plan', k)));
  const many = await run(deep);
  assert.equal(many.code, 0);
  assert.match(many.out, /\n3 of 3 traces within tolerance\n$/);
  rmSync(deep, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
  rmSync(parent, { recursive: true, force: true });
});

test('--sched-trace: the guest records task switches and wake-ups on CLOCK_MONOTONIC from before the first step to after the last, prints them between two markers, and the capture keeps just those lines', () => {
  const plan = findFixturePlan('l1024-p1000-two-readers-builtin')!;
  const plain = initScript(plan, ['virtio_pci'], false);
  assert.ok(!plain.includes('tracefs') && !plain.includes('EB sched-begin'));
  const lines = initScript(plan, ['virtio_pci'], false, { schedTrace: true }).split('\n');
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  const mount = at(/mount -t tracefs/);
  const on = at(/^echo 1 > \S+\/tracing_on$/);
  const off = at(/^echo 0 > \S+\/tracing_on$/);
  assert.ok(mount > at(/hwread mark probed/) && mount < on, 'traced from after the probe');
  assert.ok(at(/^echo mono > \S+\/trace_clock$/) > mount && at(/^echo mono > \S+\/trace_clock$/) < on);
  for (const e of SCHED_TRACE_EVENTS) assert.ok(at(new RegExp(`events/${e}/enable$`)) < on, e);
  assert.ok(on < at(/hwread mark step0/) && off > at(/^wait$/) && off < at(/hwread jiffies/), 'on before the first step, off after the last, before jiffies');
  assert.ok(at(/EB sched-begin/) === off + 1 && at(/cat \S+\/trace$/) === off + 2 && at(/EB sched-end/) === off + 3);
  // the capture side: the lines between the markers, carriage returns dropped; nothing if absent
  const serial = 'EB r a 1 64\r\nEB sched-begin\r\n# tracer: nop\r\n  hwread-99 [000] d..2. 2.1: sched_switch: x\r\nEB sched-end\r\nEB done\r\n';
  assert.equal(schedSection(serial), '# tracer: nop\n  hwread-99 [000] d..2. 2.1: sched_switch: x\n');
  assert.equal(schedSection('EB done\n'), '');
});

test('capture --repeat: OUT, OUT/PLAN with --fixture all, and 1 … N below either when repeated', () => {
  assert.deepEqual(captureDirs('out', 'l100', false, 1), ['out']);
  assert.deepEqual(captureDirs('out', 'l100', true, 1), [join('out', 'l100')]);
  assert.deepEqual(captureDirs('out', 'l100', false, 3), ['1', '2', '3'].map((k) => join('out', k)));
  assert.deepEqual(captureDirs('out', 'l100', true, 2), ['1', '2'].map((k) => join('out', 'l100', k)));
});

test('runQemu gives up on a guest silent on its serial port (a nested-KVM boot that never starts), not on one that wrote', async () => {
  const dir = tempDir('eb-runqemu-');
  const serial = join(dir, 'serial.log');
  // /bin/sleep stands in for QEMU: it never writes the serial file.
  const t0 = Date.now();
  const silent = await runQemu(['30'], '/bin/sleep', 60_000, { file: serial, ms: 300 });
  assert.equal(silent.silent, true);
  assert.equal(silent.timedOut, false);
  assert.ok(Date.now() - t0 < 10_000, 'killed at the silence limit, not at the timeout');
  // A guest that has written something is left to finish.
  writeFileSync(serial, 'EB start\n');
  const spoke = await runQemu(['1'], '/bin/sleep', 60_000, { file: serial, ms: 300 });
  assert.deepEqual([spoke.silent, spoke.timedOut, spoke.code], [false, false, 0]);
  // Without a silence rule only the timeout applies.
  const plain = await runQemu(['30'], '/bin/sleep', 300);
  assert.deepEqual([plain.silent, plain.timedOut], [false, true]);
  rmSync(dir, { recursive: true, force: true });
});
