// `npm run mutate -- SCOPE [UNIT]` (or MUTATE_SCOPE=SCOPE): mutation testing of the security policy
// with StrykerJS, one Stryker run per unit of the scope (scripts/mutate-scopes.mjs), each bounded by
// `timeout` (MUTATE_UNIT_TIMEOUT seconds, default 3600). Runs are incremental: results of unchanged
// code are reused; when a unit's test files changed since its last run the unit is rerun in full
// (--force), because without per-test coverage Stryker cannot tell which survivors a new test reaches.
// Prints the score per unit and for the scope (killed + timeout) / (killed + timeout + survived +
// no coverage), lists the survivors, and exits 1 when the scope is below the bar (85 %).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SCOPES } from './mutate-scopes.mjs';

const BAR = 85;
const [scope = process.env.MUTATE_SCOPE ?? '', onlyUnit = process.env.MUTATE_UNIT] = process.argv.slice(2);
const units = SCOPES[scope];
if (units === undefined) {
  process.stderr.write(`mutate: scope: expected one of ${Object.keys(SCOPES).join(', ')}, found '${scope}'\n`);
  process.exit(2);
}
if (onlyUnit !== undefined && units[onlyUnit] === undefined) {
  process.stderr.write(`mutate: unit of ${scope}: expected one of ${Object.keys(units).join(', ')}, found '${onlyUnit}'\n`);
  process.exit(2);
}
const unitTimeout = Number(process.env.MUTATE_UNIT_TIMEOUT ?? 3600);
if (!Number.isInteger(unitTimeout) || unitTimeout <= 0) {
  process.stderr.write(`mutate: MUTATE_UNIT_TIMEOUT: expected a positive whole number of seconds, found '${process.env.MUTATE_UNIT_TIMEOUT}'\n`);
  process.exit(2);
}
const dir = `reports/mutation/${scope}`;
mkdirSync(dir, { recursive: true });

/** Hash of a unit's test files and the helpers next to them (a changed fixture changes outcomes too). */
function testsHash(tests) {
  const h = createHash('sha256');
  const files = new Set(tests);
  for (const f of tests) {
    const fixture = f.replace(/[^/]+$/, 'fixture.ts');
    if (existsSync(fixture)) files.add(fixture);
  }
  for (const f of [...files].sort()) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const total = { detected: 0, undetected: 0 };
let failed = false;
for (const [name, unit] of Object.entries(units)) {
  if (onlyUnit !== undefined && name !== onlyUnit) continue;
  const hashFile = `${dir}/${name}.tests-sha256`;
  const hash = testsHash(unit.tests);
  const force = !existsSync(hashFile) || readFileSync(hashFile, 'utf8') !== hash || process.env.MUTATE_FORCE === '1';
  process.stdout.write(`\n== ${scope}/${name}: ${unit.mutate.join(' ')} against ${unit.tests.join(' ')}${force ? ' (full run)' : ' (incremental)'}\n`);
  const run = spawnSync(
    'timeout',
    ['--kill-after=30', String(unitTimeout), 'npx', 'stryker', 'run', 'stryker.config.mjs', ...(force ? ['--force'] : [])],
    { stdio: 'inherit', env: { ...process.env, MUTATE_SCOPE: scope, MUTATE_UNIT: name } },
  );
  if (run.status !== 0) {
    process.stderr.write(`mutate: ${scope}/${name}: stryker ${run.status === 124 ? `timed out after ${unitTimeout} s` : `exited ${run.status ?? run.signal}`}\n`);
    failed = true;
    continue;
  }
  writeFileSync(hashFile, hash);
  const report = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
  let detected = 0;
  let undetected = 0;
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (DETECTED.has(m.status)) detected++;
      else if (UNDETECTED.has(m.status)) {
        undetected++;
        survivors.push(`  ${m.status} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}${m.replacement !== undefined ? ` → ${JSON.stringify(m.replacement).slice(0, 80)}` : ''}`);
      }
    }
  }
  total.detected += detected;
  total.undetected += undetected;
  const score = (100 * detected) / Math.max(1, detected + undetected);
  process.stdout.write(`\n${scope}/${name}: ${score.toFixed(2)} % (${detected} detected of ${detected + undetected})\n${survivors.join('\n')}\n`);
}
const all = total.detected + total.undetected;
const score = (100 * total.detected) / Math.max(1, all);
process.stdout.write(`\n${scope}${onlyUnit ? `/${onlyUnit}` : ''}: mutation score ${score.toFixed(2)} % (${total.detected} detected of ${all}; bar ${BAR} %)${failed ? '; INCOMPLETE: a unit did not finish' : ''}\n`);
process.exit(failed ? 2 : score < BAR ? 1 : 0);
