/** How the browser checks find Chromium (test/helpers/chromium.ts), on fake installs in a temp directory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CHROMIUM_INSTALL, findChromium } from './chromium.ts';
import { tempDir } from './temp-dir.ts';

function fakeBinary(path: string, mode = 0o755): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

test('nothing installed: a skip reason naming where it looked and the install command', () => {
  const cache = tempDir('pw-empty-');
  const r = findChromium({ PLAYWRIGHT_BROWSERS_PATH: cache }, ['/nonexistent/chromium']);
  assert.equal(r.path, undefined);
  assert.ok(r.skip?.includes(CHROMIUM_INSTALL), r.skip);
  assert.ok(r.skip?.includes('/nonexistent/chromium') && r.skip.includes(cache), r.skip);
});

test('Playwright cache: the newest revision wins, old and new layouts and headless shells are found', () => {
  const cache = tempDir('pw-cache-');
  const env = { PLAYWRIGHT_BROWSERS_PATH: cache };
  const shell = fakeBinary(join(cache, 'chromium_headless_shell-1100', 'chrome-linux', 'headless_shell'));
  assert.equal(findChromium(env, []).path, shell);
  const old = fakeBinary(join(cache, 'chromium-1100', 'chrome-linux', 'chrome'));
  assert.equal(findChromium(env, []).path, old, 'a full browser before a headless shell');
  fakeBinary(join(cache, 'chromium-999', 'chrome-linux64', 'chrome'));
  const cft = fakeBinary(join(cache, 'chromium-1200', 'chrome-linux64', 'chrome'));
  assert.equal(findChromium(env, []).path, cft, 'revision 1200 is newer than 999');
  // Not executable: not a candidate.
  fakeBinary(join(cache, 'chromium-1300', 'chrome-linux64', 'chrome'), 0o644);
  assert.equal(findChromium(env, []).path, cft);
});

test('the distribution package comes before Playwright, and CHROMIUM_PATH before both', () => {
  const dir = tempDir('pw-sys-');
  const cache = join(dir, 'cache');
  fakeBinary(join(cache, 'chromium-1200', 'chrome-linux64', 'chrome'));
  const debian = fakeBinary(join(dir, 'usr-bin-chromium'));
  assert.equal(findChromium({ PLAYWRIGHT_BROWSERS_PATH: cache }, [debian]).path, debian);
  const chosen = fakeBinary(join(dir, 'my-chrome'));
  assert.equal(findChromium({ PLAYWRIGHT_BROWSERS_PATH: cache, CHROMIUM_PATH: chosen }, [debian]).path, chosen);
});
