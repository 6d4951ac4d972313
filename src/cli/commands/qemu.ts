/**
 * `entropy-bench qemu capture|compare`: run the real QEMU virtio-rng + Linux guest stack and
 * compare it with the model (src/qemu/, docs/qemu-trace.md).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.ts';
import { capture } from '../../qemu/capture.ts';
import { compareTrace, formatCompare } from '../../qemu/compare.ts';
import { FIXTURE_PLANS, findFixturePlan, fixtureKernel, fixturesWithoutKernel } from '../../qemu/fixture-plans.ts';
import { hostKernels, MissingToolError } from '../../qemu/guest-image.ts';
import { checkPlan, INT64_MAX, type CapturePlan } from '../../qemu/plan.ts';
import { readTrace, traceDirs } from '../../qemu/trace.ts';
import { LINUX_KERNELS } from '../../os/linux-hwrng.ts';
import { EXIT_FAILED, EXIT_USAGE, setExit, type CliContext } from '../context.ts';

export interface CaptureCliOptions {
  fixture?: string;
  plan?: string;
  maxBytes?: string;
  period?: string;
  backend?: string;
  readSize?: string;
  total?: string;
  deadline?: string;
  readers?: string;
  accel?: string;
  kernel?: string;
  raw?: boolean;
  repeat?: string;
  schedTrace?: boolean;
}

/**
 * Where each capture goes: OUT for one plan captured once, OUT/PLAN with `--fixture all`, and
 * under that 1 … N with `--repeat N` (N > 1), so that `qemu compare OUT` finds them all.
 */
export function captureDirs(outDir: string, planName: string, fixtureAll: boolean, repeat: number): string[] {
  const dir = fixtureAll ? join(outDir, planName) : outDir;
  return repeat === 1 ? [dir] : Array.from({ length: repeat }, (_, k) => join(dir, String(k + 1)));
}

function intOpt(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new InputError(`--${name}: expected an integer in [${min}, ${max}], found '${v}'`);
  return Number(v);
}

/** The plans a capture command line asks for (one or more). */
export function plansFrom(opts: CaptureCliOptions): CapturePlan[] {
  if (opts.fixture !== undefined) {
    if (opts.fixture === 'all') return [...FIXTURE_PLANS];
    const p = findFixturePlan(opts.fixture);
    if (p === undefined) throw new InputError(`--fixture: '${opts.fixture}' is not a fixture plan; expected all or one of ${FIXTURE_PLANS.map((x) => x.name).join(', ')}`);
    return [p];
  }
  if (opts.plan !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(opts.plan, 'utf8'));
    } catch (e) {
      throw new InputError(`${opts.plan}: cannot read a JSON plan (${(e as Error).message.split('\n')[0]})`);
    }
    // A trace's own params.json holds its plan: re-capture that run's plan as it is.
    const trace = typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === 'entropy-bench-qemu-trace';
    return [checkPlan(trace ? `${opts.plan}: plan` : opts.plan, trace ? (raw as { plan?: unknown }).plan : raw)];
  }
  const backend = opts.backend ?? 'builtin';
  if (backend !== 'builtin' && backend !== 'random' && backend !== 'egd') throw new InputError(`--backend: expected builtin, random or egd, found '${backend}'`);
  const maxBytes = opts.maxBytes === undefined ? INT64_MAX : intOpt('max-bytes', opts.maxBytes, 0, 1, Number.MAX_SAFE_INTEGER);
  const periodMs = intOpt('period', opts.period, 65536, 1, 0xffffffff);
  const size = intOpt('read-size', opts.readSize, 64, 1, 1 << 20);
  const total = intOpt('total', opts.total, 4096, 1, 1 << 30);
  const deadlineMs = intOpt('deadline', opts.deadline, 3000, 1, 600_000);
  const n = intOpt('readers', opts.readers, 1, 1, 8);
  const readers = Array.from({ length: n }, (_, i) => ({ tag: String.fromCharCode(97 + i), size, total, deadlineMs, pauseEvery: 0, pauseMs: 0, startDelayMs: 0 }));
  return [{ name: `l${opts.maxBytes ?? 'unlimited'}-p${periodMs}-r${size}-${backend}`, backend, maxBytes, periodMs, steps: [{ op: 'read', readers }] }];
}

export function register(program: Command, ctx: CliContext): void {
  const qemu = program
    .command('qemu')
    .summary('capture real QEMU virtio-rng runs and compare them with the model')
    .description(
      'Run the real thing: boot a tiny Linux guest under qemu-system-x86_64 with a rate-limited\n' +
        'virtio-rng device, record QEMU\'s own virtio_rng trace events and every read(2) of\n' +
        '/dev/hwrng in the guest (a trace directory, docs/qemu-trace.md), and replay the same guest\n' +
        'program in the model window by window. Needs (Debian): qemu-system-x86 linux-image-amd64\n' +
        'busybox-static gcc; KVM when /dev/kvm works, TCG otherwise.',
    );
  qemu
    .command('capture')
    .summary('boot the guest under QEMU and write a trace directory')
    .argument('<out-dir>', 'trace directory to write (with --fixture all: one sub-directory per plan)')
    .option('--fixture <name>', "one of the committed fixture plans, or 'all'")
    .option('--plan <file.json>', 'a capture plan (the "plan" object of params.json), or a trace\'s params.json to capture its plan again')
    .option('--max-bytes <n>', 'QEMU virtio-rng max-bytes (default: unlimited)')
    .option('--period <ms>', 'QEMU virtio-rng period, ms (default 65536)')
    .option('--backend <kind>', 'builtin | random | egd (default builtin)')
    .option('--read-size <n>', 'bytes per read(2) of /dev/hwrng (default 64)')
    .option('--total <n>', 'bytes each reader reads (default 4096)')
    .option('--deadline <ms>', 'a reader still blocked this long after starting is reported pending (default 3000)')
    .option('--readers <n>', 'concurrent readers (default 1)')
    .option('--accel <kind>', 'force tcg or kvm (default: kvm if /dev/kvm works, else tcg)')
    .option('--kernel <release>', 'guest kernel: a release with /boot/vmlinuz-RELEASE (6.1.0-50-amd64) or its Debian version (6.1.176); default: a fixture plan\'s own kernel, else the newest')
    .option('--raw', 'also keep QEMU\'s raw trace log and the serial console in the directory')
    .option('--sched-trace', 'also record the guest scheduler\'s task switches and wake-ups (ftrace) into sched.txt')
    .option('--repeat <n>', 'capture each plan n times, into OUT/1 … OUT/n (with --fixture all: OUT/PLAN/1 …): the spread between identical runs (default 1)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  entropy-bench qemu capture out/l1024 --max-bytes 1024 --period 1000\n' +
        '  entropy-bench qemu capture test/fixtures/qemu --fixture all\n' +
        '  entropy-bench qemu capture out/l100-k176 --fixture l100-p1000-r64-builtin --kernel 6.1.176\n' +
        '  entropy-bench qemu capture out/three --max-bytes 512 --period 250 --readers 3 --total 2048 --repeat 6\n' +
        '  entropy-bench qemu compare out/three\n' +
        '\nExit status: 0 = captured, 2 = bad options or a missing tool (the message says what to install;\n' +
        'with --fixture all, a plan whose kernel is not installed is skipped and the others captured).',
    )
    .action(async (outDir: string, opts: CaptureCliOptions) => {
      if (opts.accel !== undefined && opts.accel !== 'tcg' && opts.accel !== 'kvm') throw new InputError(`--accel: expected tcg or kvm, found '${opts.accel}'`);
      const plans = plansFrom(opts);
      const repeat = intOpt('repeat', opts.repeat, 1, 1, 1000);
      // `--fixture all` without --kernel: a plan whose own kernel is not installed is skipped,
      // said before anything boots, so that the others are still captured (exit 2 at the end).
      const skipped = opts.fixture === 'all' && opts.kernel === undefined ? fixturesWithoutKernel(plans, hostKernels()) : new Map<string, string>();
      for (const [name, why] of skipped) ctx.err(`entropy-bench qemu capture: skipping ${name}: ${why}\n`);
      for (const plan of plans) {
        if (skipped.has(plan.name)) continue;
        const kernel = opts.kernel ?? (opts.fixture !== undefined ? fixtureKernel(plan.name) : undefined);
        for (const dir of captureDirs(outDir, plan.name, opts.fixture === 'all', repeat)) {
          try {
            const r = await capture(plan, dir, { accel: opts.accel as 'tcg' | 'kvm' | undefined, kernel, keepRaw: opts.raw === true, schedTrace: opts.schedTrace === true, log: (l) => ctx.err(l + '\n') });
            const reads = r.readers.map((x) => `${x.tag}: ${x.reads.length} reads, ${x.end.status}`).join('; ');
            ctx.out(`${dir}: QEMU ${r.params.qemu.version} ${r.params.qemu.accel}, kernel ${r.params.kernel.version}; ${r.device.length} device events; ${reads}\n`);
          } catch (e) {
            if (e instanceof MissingToolError) {
              ctx.err(`entropy-bench qemu capture: ${e.message}\n`);
              setExit(ctx, EXIT_USAGE);
              return;
            }
            throw e;
          }
        }
      }
      if (skipped.size > 0) {
        ctx.err(`entropy-bench qemu capture: captured ${plans.length - skipped.size} of ${plans.length} plans; ${skipped.size} skipped (above)\n`);
        setExit(ctx, EXIT_USAGE);
      }
    });
  qemu
    .command('compare')
    .summary('replay trace directories in the model and compare window by window')
    .argument('<trace-dir...>', 'trace directories written by `qemu capture`, or a directory holding them at any depth (`capture --fixture all`, `--repeat`)')
    .option('--json', 'print the comparisons as JSON')
    .option('--no-timing', 'report window-start and throughput misses without failing on them (host-load sensitive)')
    .option('--no-host-stalls', "the model alone: do not replay the real run's host stalls (a window timer over 1 ms late, a waiting reader's restart 2.5–50 ms after a refill) as inputs")
    .option('--model-kernel <version>', `run the model as this guest kernel (${LINUX_KERNELS.join(' or ')}) whatever the trace's was; default: the trace's own, or for a 6.1 release the model was not measured on, the nearer measured one (said in the output)`)
    .addHelpText(
      'after',
      '\nBars: bytes per window exact, window starts within 2 ms, read sizes exact, a pending (hung)\n' +
        'reader exactly when the real one was, bulk throughput within 25 %.\n' +
        '\nThe real run\'s host stalls (QEMU\'s threads held off the CPU: a timer fired late, a waiting\n' +
        'reader restarted late) are inputs, like the readers\' starts, and each is named in the output;\n' +
        '--no-host-stalls shows the model alone (docs/qemu-trace.md, Window-start timing).\n' +
        '\nA trace from a kernel the model was not measured on is compared all the same, with a stand-in\n' +
        'named in the output ("modelled as …, not measured"; --json: kernelMeasured false).\n' +
        '\nExit status: 0 = every trace within tolerance, 1 = some trace outside, 2 = unreadable trace.',
    )
    .action((dirs: string[], opts: { json?: boolean; timing?: boolean; hostStalls?: boolean; modelKernel?: string }) => {
      const known: readonly string[] = LINUX_KERNELS;
      if (opts.modelKernel !== undefined && !known.includes(opts.modelKernel)) {
        throw new InputError(`--model-kernel: expected ${LINUX_KERNELS.join(' or ')} (the kernels the model was measured on), found '${opts.modelKernel}'`);
      }
      const over = opts.modelKernel === undefined ? {} : { 'linux-guest': { kernel: opts.modelKernel } };
      const results = dirs.flatMap(traceDirs).map((d) => compareTrace(readTrace(d), over, { timing: opts.timing !== false, hostStalls: opts.hostStalls !== false }));
      const outside = results.filter((r) => !r.ok).map((r) => r.trace);
      const summary = results.length < 2 ? '' : `\n${results.length - outside.length} of ${results.length} traces within tolerance${outside.length === 0 ? '' : `; outside: ${outside.join(', ')}`}\n`;
      ctx.out(opts.json === true ? JSON.stringify(results, null, 2) + '\n' : results.map(formatCompare).join('\n') + summary);
      if (results.some((r) => !r.ok)) setExit(ctx, EXIT_FAILED);
    });
}
