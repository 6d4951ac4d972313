/**
 * Rounds of fresh measuring processes (bench/sample.ts), and their summary.
 *
 * A task's speed differs more between two Node processes than between two calls
 * in one (V8 settles a hot function into different code, the heap is laid out
 * differently, the neighbours change), so a single process's tinybench rme says
 * nothing about the next run. bench/main.ts therefore runs `rounds` processes and
 * keeps each task's per-process median (TaskResult.processMs): the spread of those
 * IS the run-to-run noise the gate must allow for.
 *
 * With several builds (the side-by-side gate: this checkout and the baseline
 * commit's), every round runs one process of each build, the order alternating
 * from round to round (AB, BA, AB, ...), so slow drift of the machine's load falls
 * on both builds alike.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { median, medianAbsoluteDeviation, mean } from 'simple-statistics';
import type { SampleOutput } from './sample.ts';
import { barDecision } from '../src/report/bar.ts';
import type { RunnerSettings, SuiteResult, TaskResult } from '../src/report/benchmark-result.ts';

export interface Build {
  label: string;
  /** Checkout whose bench/sample.ts runs (its node_modules must be installed). */
  dir: string;
}

export interface BuildSamples {
  label: string;
  settings: RunnerSettings;
  /** One entry per process, in the order they ran. */
  processes: SampleOutput[];
}

/** Runs one bench/sample.ts process of `build` and parses its JSON. */
export function runSampleProcess(build: Build, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<SampleOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(build.dir, 'bench', 'sample.ts'), ...args], {
      cwd: build.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${build.label}: bench/sample.ts exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        resolve(JSON.parse(out) as SampleOutput);
      } catch {
        reject(new Error(`${build.label}: bench/sample.ts printed no JSON result`));
      }
    });
  });
}

/** `rounds` rounds of one process per build, alternating the order each round. */
export async function runRounds(
  builds: Build[],
  opts: { rounds: number; args: string[]; envFor?: (b: Build) => NodeJS.ProcessEnv; onProcess?: (round: number, build: string) => void },
): Promise<BuildSamples[]> {
  const got = new Map<string, SampleOutput[]>(builds.map((b) => [b.label, []]));
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      opts.onProcess?.(r + 1, b.label);
      got.get(b.label)!.push(await runSampleProcess(b, opts.args, opts.envFor?.(b) ?? process.env));
    }
  }
  return builds.map((b) => {
    const processes = got.get(b.label)!;
    return { label: b.label, settings: processes[0]!.settings, processes };
  });
}

/** 95 % margin of a median from its spread between processes, in percent (MAD·1.4826 ≈ σ; the median's SE ≈ 1.2533·σ/√n). */
function betweenProcessRme(values: number[]): number {
  const m = median(values);
  if (values.length < 2 || !(m > 0)) return 0;
  return (100 * 1.96 * 1.2533 * 1.4826 * medianAbsoluteDeviation(values)) / m / Math.sqrt(values.length);
}

/**
 * Folds the per-process results of one build into one SuiteResult per suite: each
 * task keeps its per-process medians (processMs) and reports the median of them;
 * each declared ratio is computed within each process (a same-run ratio) and
 * reported as the median over processes with its range; a bar passes unless
 * src/report/bar.ts finds it missed.
 */
export function summarize(processes: SampleOutput[], suiteOf: (o: SampleOutput) => SuiteResult[]): SuiteResult[] {
  const first = suiteOf(processes[0]!);
  return first.map((s0) => {
    const per = processes.map((p) => {
      const s = suiteOf(p).find((x) => x.name === s0.name);
      if (!s) throw new Error(`bench: a process did not run suite ${s0.name}`);
      return s;
    });
    const tasks: TaskResult[] = s0.tasks.map((t0) => {
      const runs = per.map((s) => s.tasks.find((t) => t.name === t0.name)!);
      const processMs = runs.map((t) => t.medianMs ?? t.meanMs);
      const medianMs = median(processMs);
      return {
        name: t0.name,
        // Same units per call in every process: rescale the first process's throughput.
        throughput: (t0.throughput * (t0.medianMs ?? t0.meanMs)) / medianMs,
        meanMs: mean(runs.map((t) => t.meanMs)),
        medianMs,
        rmePercent: betweenProcessRme(processMs),
        samples: runs.reduce((a, t) => a + t.samples, 0),
        sampleMs: runs[0]!.sampleMs,
        processMs,
      };
    });
    const ratios = s0.ratios.map((r0) => {
      const processValues = per.map((s) => s.ratios.find((r) => r.name === r0.name)!.value);
      const value = median(processValues);
      const { pass: _p, value: _v, ...decl } = r0;
      return {
        ...decl,
        value,
        range: [Math.min(...processValues), Math.max(...processValues)] as [number, number],
        processValues,
        // Missed only when the processes show it (src/report/bar.ts), not when noise pulls the median under.
        ...(r0.atLeast !== undefined ? { pass: barDecision({ value, atLeast: r0.atLeast, processValues }).verdict !== 'missed' } : {}),
      };
    });
    return { name: s0.name, unit: s0.unit, tasks, ratios };
  });
}
