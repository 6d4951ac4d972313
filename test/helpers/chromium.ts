/**
 * Where the browser checks of the HTML report find a Chromium to drive with
 * playwright-core, and what they say when there is none.
 *
 * Looked for, in this order: $CHROMIUM_PATH (an explicit choice); Debian's package
 * (/usr/bin/chromium, Ubuntu's /usr/bin/chromium-browser); and browsers that
 * `npx playwright install chromium` downloaded, under $PLAYWRIGHT_BROWSERS_PATH or
 * ~/.cache/ms-playwright, newest revision first: chromium-<rev>/chrome-linux64/chrome
 * since Playwright's switch to Chrome for Testing, chrome-linux/chrome before it,
 * then the headless shells (any revision works through playwright-core's CDP).
 *
 * No Chromium is not a failure of the code under test, so the check is skipped with
 * the reason and the install command; CI sets ENTROPY_BENCH_REQUIRE_CHROMIUM=1 to
 * turn a missing browser into a failure instead (.ci/run installs Debian's).
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Flags for this kind of machine: no sandbox as root, and no background networking (the network may be closed; Chromium would retry forever). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

const DEBIAN = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
// Relative to a revision directory of the Playwright cache, newest layout first.
const PLAYWRIGHT_LAYOUTS: Array<[prefix: string, exe: string]> = [
  ['chromium-', 'chrome-linux64/chrome'],
  ['chromium-', 'chrome-linux/chrome'],
  ['chromium_headless_shell-', 'chrome-headless-shell-linux64/chrome-headless-shell'],
  ['chromium_headless_shell-', 'chrome-linux/headless_shell'],
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Playwright browser cache `npx playwright install` fills under this environment. */
export function playwrightCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.PLAYWRIGHT_BROWSERS_PATH;
  // "0" means: inside the playwright-core package.
  if (set === '0') return join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), '.local-browsers');
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ms-playwright');
}

/** Every place looked at, in order (for the skip message and for tests of this helper). */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env, system: readonly string[] = DEBIAN): string[] {
  const out: string[] = [];
  if (env.CHROMIUM_PATH) out.push(env.CHROMIUM_PATH);
  out.push(...system);
  const cache = playwrightCacheDir(env);
  const revision = (d: string): number => Number(/-(\d+)$/.exec(d)?.[1] ?? -1);
  let dirs: string[] = [];
  try {
    dirs = readdirSync(cache).sort((a, b) => revision(b) - revision(a)); // newest revision first
  } catch {
    // No cache directory: nothing installed by Playwright.
  }
  for (const [prefix, exe] of PLAYWRIGHT_LAYOUTS) {
    for (const d of dirs) if (d.startsWith(prefix)) out.push(join(cache, d, exe));
  }
  return [...new Set(out)];
}

export type ChromiumLookup = { path: string; skip?: undefined } | { path?: undefined; skip: string };

/**
 * The first executable Chromium, or the reason to skip (what was searched and how to
 * install one). `system` replaces the distribution paths (for the helper's own test).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, system: readonly string[] = DEBIAN): ChromiumLookup {
  const candidates = chromiumCandidates(env, system);
  const path = candidates.find(executable);
  if (path) return { path };
  return {
    skip:
      `no Chromium found (looked in ${[...system, playwrightCacheDir(env)].join(', ')}; set CHROMIUM_PATH to choose one): ` +
      `install it with \`${CHROMIUM_INSTALL}\` (Debian/Ubuntu) or \`npx playwright install chromium\``,
  };
}
