import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.test.ts';
import { SP800_90B_DIR } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const dir = tempDir('eb-health-');
const file = (name: string, data: Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const DATA = SP800_90B_DIR;

test('health: no alarm on truerand_8bit at H = 7 (exit 0)', async () => {
  const r = await runCli(['health', `${DATA}truerand_8bit.bin`, '--entropy', '7']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /cutoff C = 4 identical/); // 1 + ⌈20/7⌉
  assert.match(r.out, /W = 512, cutoff C = 18/);
  assert.match(r.out, /No alarm/);
});

test('health: a stuck stretch alarms at the right sample (exit 1), JSON has the indices', async () => {
  const data = new Uint8Array(5000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 3)) & 0xff;
  data.fill(0xaa, 3000, 3010); // 10 identical samples from index 3000
  const p = file('stuck.bin', data);
  const r = await runCli(['health', p, '--bits', '8', '--entropy', '8', '--json']); // RCT C = 4
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out) as { rct: { cutoff: number; firstAlarmIndex: number; alarmIndices: number[] }; pass: boolean };
  assert.equal(j.rct.cutoff, 4);
  assert.equal(j.rct.firstAlarmIndex, 3003);
  assert.deepEqual(j.rct.alarmIndices, [3003, 3007]);
  assert.equal(j.pass, false);
  const text = await runCli(['health', p, '--bits', '8', '--entropy', '8']);
  assert.match(text.out, /ALARM: first at sample 3003/);
});

test('health: binary sources use W = 1024 (from --bits 1 or --binary)', async () => {
  const bits = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 31);
  const p = file('bits.bin', bits);
  const r = await runCli(['health', p, '--bits', '1', '--entropy', '0.5', '--json']);
  const j = JSON.parse(r.out) as { apt: { window: number; cutoff: number } };
  assert.equal(j.apt.window, 1024);
  assert.equal(j.apt.cutoff, 793);
});

test('health: a byte wider than --bits is exit 2 naming the offset and value', async () => {
  const data = new Uint8Array(100);
  data[42] = 9;
  const r = await runCli(['health', file('wide.bin', data), '--bits', '3', '--entropy', '1']);
  assert.equal(r.code, 2);
  assert.match(r.err, /byte 42 is 9/);
});

test('health: bad --entropy and missing file are exit 2', async () => {
  const p = file('ok.bin', new Uint8Array(10).fill(1));
  assert.equal((await runCli(['health', p, '--bits', '1', '--entropy', '2'])).code, 2);
  assert.equal((await runCli(['health', p, '--entropy', 'abc'])).code, 2);
  assert.equal((await runCli(['health', join(dir, 'nope.bin'), '--entropy', '1'])).code, 2);
  assert.equal((await runCli(['health', p])).code, 2); // --entropy is required
});

test('health --help teaches the cutoffs and shows examples', async () => {
  const r = await runCli(['health', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Repetition Count Test/);
  assert.match(r.out, /CRITBINOM/);
  assert.match(r.out, /Examples:/);
  assert.match(r.out, /Exit status/);
});

test('health: a file larger than one read (3 MiB) gives the same report as the same bytes whole, offsets global', async () => {
  // 4-bit samples with stuck stretches spread over the file, so alarms land in every 1 MiB piece.
  const n = 3 * (1 << 20) + 12345;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 2654435761) >>> 28) & 0x0f;
  for (let at = 1000; at < n - 100; at += 700_001) data.fill(5, at, at + 40);
  const p = file('big4.bin', data);
  const streamed = await runCli(['health', p, '--entropy', '3', '--json']);
  const { HealthMonitor } = await import('../../src/entropy/health/index.ts');
  const m = new HealthMonitor({ entropyPerSample: 3 });
  m.feedAll(data);
  const expected = m.report();
  const j = JSON.parse(streamed.out) as { bitsPerSymbol: number; samples: number; rct: { alarmIndices: number[] }; apt: { alarmIndices: number[] } };
  assert.equal(j.bitsPerSymbol, 4); // inferred across pieces
  assert.equal(j.samples, n);
  assert.deepEqual(j.rct.alarmIndices, expected.rct.alarmIndices);
  assert.deepEqual(j.apt.alarmIndices, expected.apt.alarmIndices);
  assert.ok(j.rct.alarmIndices.some((i) => i > 2 * (1 << 20)), 'alarms in the last piece too');
  // A byte too wide for --bits deep in the file is named by its global offset.
  data[2_500_000] = 0x80;
  const bad = await runCli(['health', file('bad4.bin', data), '--bits', '4', '--entropy', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /byte 2500000 is 128 \(0x80\), expected a value below 16 for 4-bit samples/);
  // Without --bits the width is inferred over the whole file: that byte makes it 8 bits.
  const wide = await runCli(['health', file('wide.bin', data), '--entropy', '3', '--json']);
  assert.equal((JSON.parse(wide.out) as { bitsPerSymbol: number }).bitsPerSymbol, 8);
});
