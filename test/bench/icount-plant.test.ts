import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANT_TOLERANCE, sizePlant } from '../../bench/icount-plant.ts';

test('sizePlant: converges on the target when the loop costs more per iteration than guessed and changes tier between attempts', () => {
  // A loop that costs 14 instructions per iteration in its first call (a lower tier), 5 after,
  // plus 3000 fixed: a first guess of 5 per iteration overshoots by ~2.8x, as the old plant did.
  const calls: number[] = [];
  const measure = (n: number) => {
    calls.push(n);
    return 3000 + (calls.length === 1 ? 14 : 5) * n;
  };
  const target = 580_000;
  const { attempts, best } = sizePlant(target, target / 5, measure);
  assert.ok(attempts[0]!.instructions > 2.5 * target, 'the first attempt overshoots');
  const got = attempts[best]!.instructions;
  assert.ok(Math.abs(got - target) <= PLANT_TOLERANCE * target, `${got} within ${PLANT_TOLERANCE} of ${target}`);
  assert.equal(best, attempts.length - 1, 'stops at the first attempt within tolerance');
  assert.deepEqual(attempts.map((a) => a.iterations), calls);
});

test('sizePlant: keeps the closest attempt when none lands within tolerance, and refuses a non-positive target', () => {
  // Alternating costs: never within 0.2 %; the best of the attempts is returned.
  let k = 0;
  const { attempts, best } = sizePlant(1000, 100, (n) => (k++ % 2 ? 9 : 11) * n, 4);
  assert.equal(attempts.length, 4);
  const errs = attempts.map((a) => Math.abs(a.instructions - 1000));
  assert.equal(errs[best], Math.min(...errs));
  assert.throws(() => sizePlant(0, 1, () => 1), /target 0 instructions; expected > 0/);
});
