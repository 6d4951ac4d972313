/**
 * The failure catalogue of issue 10 §3, one test per row: each case spawns the
 * real CLI and must end with the given exit status and ONE line on stderr
 * that contains the key words (the path and the problem), never a stack trace.
 *
 * Permission cases need a user that permissions apply to: as root (which
 * ignores file modes) the CLI is started as user `nobody` (uid 65534); when
 * that is impossible the row is skipped with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xorshiftBytes } from '../helpers/xorshift.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'entropy-bench.js');
const dir = tempDir('failures-');
chmodSync(dir, 0o755);

// Inputs the rows share.
const randomBin = join(dir, 'random.bin');
writeFileSync(randomBin, xorshiftBytes(20_000, 3, 8));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');
const aDir = join(dir, 'a-dir');
mkdirSync(aDir);
const readOnlyDir = join(dir, 'read-only');
mkdirSync(readOnlyDir);
chmodSync(readOnlyDir, 0o555);
const unreadable = join(dir, 'unreadable.bin');
writeFileSync(unreadable, xorshiftBytes(2000, 4, 8));
chmodSync(unreadable, 0o000);
const baseline = join(ROOT, 'reports', 'baseline.json');
const baselineDoc = JSON.parse(readFileSync(baseline, 'utf8')) as { run: { shard?: { index: number; count: number }; scale?: string } };

/** A copy of the committed baseline report marked as shard k/n (and optionally another scale). */
function shardFile(name: string, index: number, count: number, scale?: string): string {
  const doc = structuredClone(baselineDoc);
  doc.run.shard = { index, count };
  if (scale !== undefined) doc.run.scale = scale;
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(doc));
  return f;
}

function scenario(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const asNobody = process.getuid?.() === 0;
// As nobody the CLI must also reach the checkout: a clone under a private directory (mktemp -d is
// mode 700) is out of nobody's reach, and then the permission rows cannot run at all.
const canDropPrivileges =
  !asNobody || spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)}, require('fs').constants.R_OK)`], { uid: 65534, gid: 65534 }).status === 0;

interface Row {
  name: string;
  args: string[];
  code: number;
  /** Every regex must match the single stderr line. */
  words: RegExp[];
  /** stdout disposition: 'pipe' (default), a file descriptor (e.g. /dev/full), or 'ignore' (= closed, see bin/). */
  stdout?: 'pipe' | 'ignore' | number;
  /** Run as a user that file permissions apply to. */
  unprivileged?: boolean;
  /** Several stderr lines are fine (a note, not a failure). */
  multiLine?: boolean;
  /** Extra check after the run. */
  after?: (r: { out: string; err: string; cwd: string }) => void;
  cwd?: string;
  /** Command to run instead of the CLI (e.g. the bench). */
  argv0?: string[];
}

const S = '00'.repeat(32);
const ROWS: Row[] = [
  // --out / --junit locations, checked before the work starts.
  { name: 'run --out under /proc', args: ['run', 'scenarios/baseline.yaml', '--scale', 'quick', '--out', '/proc/x'], code: 2, words: [/--out \/proc\/x/, /pseudo file system/] },
  { name: 'run --out under an existing regular file', args: ['run', 'scenarios/baseline.yaml', '--scale', 'quick', '--out', join(aFile, 'sub')], code: 2, words: [/a-file/, /is a file, not a directory/] },
  { name: 'run --out in a directory that cannot be written', args: ['run', 'scenarios/baseline.yaml', '--scale', 'quick', '--out', join(readOnlyDir, 'out')], code: 2, words: [/read-only/, /permission denied/], unprivileged: true },
  { name: 'report --out /dev/full', args: ['report', baseline, '--out', '/dev/full'], code: 2, words: [/--out \/dev\/full/, /pseudo file system|character device/] },
  { name: 'report --out onto a directory', args: ['report', baseline, '--out', aDir], code: 2, words: [/a-dir/, /is a directory/] },
  { name: 'report --out in a directory that cannot be written', args: ['report', baseline, '--out', join(readOnlyDir, 'r.md')], code: 2, words: [/read-only\/r\.md/, /permission denied/], unprivileged: true },
  { name: 'report merge --out under /proc', args: ['report', 'merge', shardFile('m1.json', 1, 1), '--out', '/proc/merged.json'], code: 2, words: [/\/proc\/merged\.json/, /pseudo file system/] },
  { name: 'gate --junit /dev/full', args: ['gate', '-b', baseline, '-c', baseline, '--junit', '/dev/full'], code: 2, words: [/--junit \/dev\/full/] },
  { name: 'gate --junit under an existing regular file', args: ['gate', '-b', baseline, '-c', baseline, '--junit', join(aFile, 'j.xml')], code: 2, words: [/--junit .*a-file\/j\.xml/, /not a directory/] },
  { name: 'drbg generate --out /dev/full', args: ['drbg', 'generate', '--mech', 'ctr-aes256', '--seed-hex', S, '--bytes', '100', '--out', '/dev/full'], code: 2, words: [/--out \/dev\/full/] },
  { name: 'drbg generate --out in a directory that cannot be written', args: ['drbg', 'generate', '--mech', 'ctr-aes256', '--seed-hex', S, '--bytes', '100', '--out', join(readOnlyDir, 'x.bin')], code: 2, words: [/read-only\/x\.bin/, /permission denied/], unprivileged: true },
  { name: 'drbg generate endless into a file', args: ['drbg', 'generate', '--mech', 'ctr-aes256', '--seed-hex', S, '--out', join(dir, 'endless.bin')], code: 2, words: [/endless\.bin/, /give --bytes/] },
  { name: 'npm run bench --out under /proc', argv0: ['--import', 'tsx', join(ROOT, 'bench', 'main.ts')], args: ['--quick', '--skip-matrix', '--out', '/proc/x'], code: 2, words: [/\/proc\/x/, /pseudo file system/] },
  // Standard output full or closed.
  { name: 'stdout full (/dev/full)', args: ['sts', randomBin, '--tests', 'frequency'], stdout: -1, code: 2, words: [/standard output/, /ENOSPC/] },
  { name: 'stdout closed', args: ['--version'], stdout: 'ignore', code: 2, words: [/standard output: closed/] },
  // Unreadable inputs.
  { name: 'sts: unreadable binary file', args: ['sts', unreadable, '--format', 'binary', '--bits', '1000', '--tests', 'frequency'], code: 2, words: [/unreadable\.bin/, /permission denied/], unprivileged: true },
  { name: 'sts: unreadable file, format auto', args: ['sts', unreadable, '--bits', '1000', '--tests', 'frequency'], code: 2, words: [/unreadable\.bin/, /permission denied/], unprivileged: true },
  { name: 'sts: a file whose read fails (EIO)', args: ['sts', '/proc/self/mem', '--format', 'binary', '--bits', '1000', '--tests', 'frequency'], code: 2, words: [/\/proc\/self\/mem/, /cannot read \(EIO\)/] },
  { name: 'estimate: unreadable file', args: ['estimate', unreadable, '8'], code: 2, words: [/unreadable\.bin/, /permission denied/], unprivileged: true },
  // Scenarios.
  {
    name: 'YAML alias bomb',
    args: ['run', scenario('bomb.yaml', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nname: *d\n'), '--out', join(dir, 'o1')],
    code: 2,
    words: [/bomb\.yaml/, /alias/],
  },
  { name: 'scenario larger than 1 MiB', args: ['run', scenario('big.yaml', `name: big\ndescription: "${'x'.repeat(1_100_000)}"\n`), '--out', join(dir, 'o2')], code: 2, words: [/big\.yaml/, /more than the 1048576/] },
  {
    name: 'scenario with too many expectations',
    args: ['run', scenario('exp.yaml', `name: exp\ndesign: shared-virtio\nexpect:\n  '*':\n${'    - setvariable.completed > 0\n'.repeat(10_001)}`), '--out', join(dir, 'o3')],
    code: 2,
    words: [/exp\.yaml/, /10001 expectations, more than the limit of 10000/],
  },
  {
    name: 'scenario expanding to too many cells',
    args: [
      'run',
      scenario('cells.yaml', `name: cells\ndesigns: [shared-virtio, smm-device]\nmatrix:\n  seeds: 1000\n  adversaries:\n${Array.from({ length: 6 }, (_, i) => `    - { name: host-fault, label: f${i}, params: { fault: stuck } }\n`).join('')}`),
      '--out',
      join(dir, 'o4'),
    ],
    code: 2,
    words: [/cells\.yaml/, /12000 cells/, /limit of 10000/],
  },
  { name: 'runtime: 99999999s', args: ['run', scenario('long.yaml', 'name: long\nruntime: 99999999s\ndesign: shared-virtio\n'), '--out', join(dir, 'o5')], code: 2, words: [/long\.yaml/, /\/runtime/, /longer than the 60 s/] },
  {
    name: 'host-source file: /dev/zero',
    args: ['run', scenario('zero.yaml', 'name: zero\nruntime: 100ms\ndesign: shared-virtio\nparams:\n  host-source: { backend: file, file: /dev/zero }\n'), '--out', join(dir, 'o6')],
    code: 2,
    words: [/host-source\.file/, /\/dev\/zero/, /character device/],
  },
  {
    name: 'host-source file: a FIFO',
    args: ['run', scenario('fifo.yaml', `name: fifo\nruntime: 100ms\ndesign: shared-virtio\nparams:\n  host-source: { backend: file, file: ${join(dir, 'fifo')} }\n`), '--out', join(dir, 'o7')],
    code: 2,
    words: [/host-source\.file/, /fifo/, /is a FIFO/],
  },
  // report merge.
  { name: 'report merge: a missing shard', args: ['report', 'merge', shardFile('s1of3.json', 1, 3), shardFile('s3of3.json', 3, 3)], code: 2, words: [/missing shard 2\/3/] },
  { name: 'report merge: the same shard twice', args: ['report', 'merge', shardFile('d1.json', 1, 2), shardFile('d2.json', 2, 2), shardFile('d1-again.json', 1, 2)], code: 2, words: [/shard 1\/2 given twice/, /d1\.json/, /d1-again\.json/] },
  { name: 'report merge: mixed scales', args: ['report', 'merge', shardFile('q1.json', 1, 2, 'quick'), shardFile('f2.json', 2, 2, 'default')], code: 2, words: [/f2\.json: scale 'default' differs/] },
  { name: 'report merge: mixed shard counts', args: ['report', 'merge', shardFile('c1.json', 1, 2), shardFile('c2.json', 2, 3)], code: 2, words: [/c2\.json: shard 2\/3 differs in shard count/] },
  { name: 'report merge: no files', args: ['report', 'merge'], code: 2, words: [/missing required argument 'files'/] },
  // Gate configuration.
  { name: 'gate config relative: .inf', args: ['gate', '-b', baseline, '-c', baseline, '--config', scenario('inf.yaml', 'virtual:\n  relative: .inf\n')], code: 2, words: [/inf\.yaml/, /\/virtual\/relative: expected a finite number, found \.inf/] },
  { name: 'gate config naming a reference task that does not exist', args: ['gate', '-b', baseline, '-c', baseline, '--config', scenario('ref.yaml', 'wallClock:\n  references: { drbg: no-such-task }\n')], code: 2, words: [/ref\.yaml/, /calibration task 'no-such-task'/, /does not exist/] },
  // Bounded, with a note (not a failure).
  {
    name: 'estimate --jobs 64 is bounded with a message',
    args: ['estimate', randomBin, '8', '--iid', '--shuffles', '20', '--jobs', '64'],
    code: -1,
    multiLine: true,
    words: [/--jobs 64 is more than the \d+ CPU\(s\) here; using \d+ threads/],
  },
  {
    name: 'run without --out leaves the current directory alone',
    args: ['run', join(ROOT, 'scenarios', 'baseline.yaml'), '--scale', 'quick'],
    cwd: tempDir('run-cwd-'),
    code: -1,
    multiLine: true,
    words: [],
    after: ({ out, cwd }) => {
      assert.deepEqual(readdirSync(cwd), [], 'run wrote into the current directory');
      const m = /wrote (.*report\.json)/.exec(out);
      assert.ok(m && existsSync(m[1]!), out);
      assert.ok(!m[1]!.startsWith(cwd));
    },
  },
];

spawnSync('mkfifo', [join(dir, 'fifo')]);

for (const row of ROWS) {
  const skip = row.unprivileged && !canDropPrivileges ? 'cannot start a process as user nobody that reaches this checkout (permissions do not apply to root; a checkout under a mode-700 directory is out of nobody\'s reach)' : false;
  test(`failure catalogue: ${row.name} → exit ${row.code === -1 ? '0/1' : row.code}`, { skip }, () => {
    const full = row.stdout === -1 ? openSync('/dev/full', 'w') : undefined;
    const stdout = full ?? row.stdout ?? 'pipe';
    const opts: SpawnSyncOptions = {
      cwd: row.cwd ?? ROOT,
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['pipe', stdout, 'pipe'],
      // The sources as they are, not the last build (bin/entropy-bench.js).
      env: { ...process.env, ENTROPY_BENCH_FROM_SOURCE: '1' },
      ...(row.unprivileged && asNobody ? { uid: 65534, gid: 65534 } : {}),
    };
    const r = spawnSync(process.execPath, [...(row.argv0 ?? [BIN]), ...row.args], opts);
    if (full !== undefined) closeSync(full);
    const err = String(r.stderr ?? '');
    const out = String(r.stdout ?? '');
    assert.equal(r.signal, null, `killed by ${r.signal} (timeout?)`);
    if (row.code === -1) assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${err}`);
    else assert.equal(r.status, row.code, `exit ${r.status}, stderr: ${err}`);
    const lines = err.split('\n').filter((l) => l !== '');
    if (!row.multiLine) assert.equal(lines.length, 1, `expected one stderr line, got:\n${err}`);
    assert.doesNotMatch(err, /^\s+at .*:\d+:\d+\)?$/m, 'stack trace on stderr');
    for (const w of row.words) assert.match(err, w);
    row.after?.({ out, err, cwd: opts.cwd as string });
  });
}
