import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../src/glob.ts';

test("'*' matches any run of characters, '/' and leading dots included, anchored at both ends", () => {
  assert.equal(globMatch('smm-variable/*', 'smm-variable/a/b'), true);
  assert.equal(globMatch('*', 'smm-device/virtio-drain/seed=1'), true);
  assert.equal(globMatch('*/seed=1', 'x/y/seed=1'), true);
  assert.equal(globMatch('*/seed=1', 'x/y/seed=12'), false);
  assert.equal(globMatch('a*', 'a'), true);
  assert.equal(globMatch('*', '.hidden'), true);
  assert.equal(globMatch('a', 'ab'), false);
  assert.equal(globMatch('b', 'ab'), false);
  assert.equal(globMatch('*:setvariable.p99', 'smm/x/seed=1:setvariable.p99'), true);
});

test('regular-expression characters in a glob are literal', () => {
  assert.equal(globMatch('x.y', 'x.y'), true);
  assert.equal(globMatch('x.y', 'xzy'), false);
  assert.equal(globMatch('a+b', 'aab'), false);
  assert.equal(globMatch('sts/Rank (1 Mbit)', 'sts/Rank (1 Mbit)'), true);
  assert.equal(globMatch('a$', 'a$'), true);
});
