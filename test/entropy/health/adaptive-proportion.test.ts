import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveProportionTest } from '../../../src/entropy/health/index.ts';
import { chunked, stuckThenRandom, xorshiftBytes } from './streams.ts';

/** SP 800-90B §4.4.2 pseudo-code, literally: returns the indices of failure signals. */
function standardApt(data: Uint8Array, w: number, c: number): number[] {
  const fails: number[] = [];
  for (let start = 0; start + 1 <= data.length; start += w) {
    const a = data[start];
    let b = 1;
    for (let i = 1; i < w && start + i < data.length; i++) {
      if (data[start + i] === a) {
        b++;
        if (b >= c) {
          fails.push(start + i);
          break; // the window has failed; later matches are the same failure
        }
      }
    }
  }
  return fails;
}

test('window size and cutoff follow the source type', () => {
  const bin = new AdaptiveProportionTest({ entropyPerSample: 1, binary: true });
  assert.equal(bin.window, 1024);
  assert.equal(bin.cutoff, 589);
  const other = new AdaptiveProportionTest({ entropyPerSample: 1 });
  assert.equal(other.window, 512);
  assert.equal(other.cutoff, 311);
});

test('a stuck source alarms at index C − 1, once per window', () => {
  const apt = new AdaptiveProportionTest({ entropyPerSample: 1, binary: true });
  assert.equal(apt.feedAll(new Uint8Array(1024)), 588);
  assert.equal(apt.feedAll(new Uint8Array(2048)), 588);
  assert.deepEqual(apt.alarmIndices, [588, 1024 + 588, 2048 + 588]);
  assert.equal(apt.alarms, 3);
});

test('a biased binary source (P(0) = 0.9) alarms within its first window at H = 1', () => {
  // 0 with probability 0.9: expected count of 0 in a window ≈ 922 ≫ C = 589.
  const rnd = xorshiftBytes(4096, 7, 8);
  const data = rnd.map((x) => (x < 230 ? 0 : 1));
  data[0] = 0;
  const apt = new AdaptiveProportionTest({ entropyPerSample: 1, binary: true });
  const first = apt.feedAll(data);
  assert.ok(first >= 588 && first < 1024, `first alarm at ${first}`);
  assert.deepEqual(apt.alarmIndices, standardApt(data, 1024, 589));
});

test('feedAll and feed agree with the standard pseudo-code on a faulty stream, any chunking', () => {
  const data = stuckThenRandom(300_000, 99);
  for (const binary of [false, true]) {
    for (const h of [1, 3, 6]) {
      const expected = standardApt(data, binary ? 1024 : 512, new AdaptiveProportionTest({ entropyPerSample: h, binary }).cutoff);
      assert.ok(expected.length > 5, 'the stream must exercise alarms');
      const bySample = new AdaptiveProportionTest({ entropyPerSample: h, binary, maxRecordedAlarms: 1e6 });
      for (const s of data) bySample.feed(s);
      assert.deepEqual(bySample.alarmIndices, expected, `feed, H = ${h}, binary = ${binary}`);
      const fast = new AdaptiveProportionTest({ entropyPerSample: h, binary, maxRecordedAlarms: 1e6 });
      for (const part of chunked(data, 1500)) fast.feedAll(part);
      assert.deepEqual(fast.alarmIndices, expected, `feedAll, H = ${h}, binary = ${binary}`);
      assert.equal(fast.firstAlarmIndex, expected[0]);
      assert.equal(fast.alarms, expected.length);
    }
  }
});

test('uniform random data raises no alarm over 10^6 samples', () => {
  // Bytes (true H = 8) at claimed H = 4: C = 62 in W = 512, while the count of the first
  // value is ~Bin(511, 1/256), mean 2: P(≥ 61) < 10^−60 per window.
  const apt = new AdaptiveProportionTest({ entropyPerSample: 4 });
  assert.equal(apt.feedAll(xorshiftBytes(1_000_000, 42, 8)), -1);
  // Fair bits at claimed H = 0.5: C = 793 in W = 1024, count ~Bin(1023, 1/2), mean 512,
  // sd 16: 793 is 17 sd out, P < 10^−60 per window.
  const bits = new AdaptiveProportionTest({ entropyPerSample: 0.5, binary: true });
  assert.equal(bits.feedAll(xorshiftBytes(1_000_000, 43, 1)), -1);
  assert.equal(apt.alarms + bits.alarms, 0);
});
