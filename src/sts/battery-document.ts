/**
 * The document `entropy-bench sts` reports, made here so the CLI only parses options and
 * formats: the battery over K streams (./battery.ts), each stream's full results streamed out
 * as JSON as soon as it and the streams before it are done (the `--json` document, written
 * field by field so memory does not grow with K), then the second-level table (§4.2,
 * ./second-level.ts) and the battery verdict (./verdict.ts), which need only each result's
 * status and P-values: that is all that is kept per stream.
 */
import type { BitFormat } from '../bits/read.ts';
import type { StreamSource } from '../bits/stream-source.ts';
import { JsonObjectWriter } from '../io/json-writer.ts';
import { runBattery, type StreamResult } from './battery.ts';
import type { TestParams } from './registry.ts';
import { secondLevel, type SecondLevelEntry, type SecondLevelRule } from './second-level.ts';
import type { StsTestName, TestResult } from './types.ts';
import { batteryVerdict, type BatteryVerdict } from './verdict.ts';

export interface BatteryRun {
  bits: StreamSource;
  /** Input name as the document records it ('-' for standard input). */
  source: string;
  format: BitFormat;
  /** Bits per stream. */
  n: number;
  streams: number;
  tests: readonly StsTestName[];
  params: Partial<Record<StsTestName, TestParams>>;
  jobs: number;
  alpha: number;
  familyAlpha: number;
  /** The smallest stream length every chosen test needs (the verdict's small-n check). */
  minBits: number;
  secondLevel: SecondLevelRule;
  onProgress?: (done: number, total: number) => void;
  /** Where the `--json` document goes, chunk by chunk; without it no JSON is made. */
  json?: (chunk: string) => void;
}

export interface BatteryOutcome {
  /** Per stream, per test: status, P-values and labels only (the full results went to `json`). */
  perStream: TestResult[][];
  verdict: BatteryVerdict;
  /** The second-level rows (K > 1 only). */
  secondLevel?: SecondLevelEntry[];
}

/** JSON replacer: NaN and ±Infinity are printed as null, never as invalid JSON. */
function finiteOrNull(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/** One stream's entry of the document's `results`. */
function streamJson(r: StreamResult, alpha: number): unknown {
  return {
    stream: r.stream,
    offset: r.offset,
    n: r.n,
    tests: Object.fromEntries(
      r.results.map((t) => [
        t.test,
        {
          section: t.section,
          status: t.status,
          ...(t.reason !== undefined ? { reason: t.reason } : {}),
          pValues: t.pValues,
          ...(t.labels !== undefined ? { labels: t.labels } : {}),
          passed: t.status === 'ok' ? t.pValues.map((p) => p >= alpha) : [],
          params: t.params,
          statistics: t.statistics,
        },
      ]),
    ),
  };
}

/** The `statistics` of every kept result: the report reads none of them. */
const NO_STATISTICS: TestResult['statistics'] = Object.freeze({});

/** True when two parameter records have the same keys and values. */
function sameParams(a: TestResult['params'], b: TestResult['params']): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * What the verdict and the second level read of a result (test, status, reason, n, params,
 * P-values, labels), without its statistics. Params and labels equal to the first stream's
 * share its object, and the P-values are copied to an array of their exact length, so that
 * a stream costs about its P-values (~1.5 KB for the full battery) however many streams run.
 * The params stay: the second level's uniformity check depends on them (Serial's m,
 * BlockFrequency's M, ...).
 */
function essentials(t: TestResult, first: TestResult | undefined): TestResult {
  const same = first?.labels !== undefined && t.labels !== undefined && first.labels.length === t.labels.length && first.labels.every((l, i) => l === t.labels![i]);
  return {
    test: t.test,
    section: t.section,
    n: t.n,
    params: first !== undefined && sameParams(first.params, t.params) ? first.params : t.params,
    status: t.status,
    ...(t.reason !== undefined ? { reason: t.reason } : {}),
    pValues: t.pValues.slice(),
    ...(t.labels !== undefined ? { labels: same ? first.labels : t.labels } : {}),
    statistics: NO_STATISTICS,
  };
}

/** Runs the battery over `run.streams` streams and returns what the report needs; writes the JSON document to `run.json` if given. */
export async function runBatteryDocument(run: BatteryRun): Promise<BatteryOutcome> {
  const { alpha, tests } = run;
  const perStream: TestResult[][] = [];
  let json: JsonObjectWriter | undefined;
  const onResult = (r: StreamResult): void => {
    if (run.json !== undefined) {
      if (json === undefined) {
        json = new JsonObjectWriter(run.json, finiteOrNull);
        json.field('tool', 'entropy-bench sts');
        json.field('standard', 'NIST SP 800-22 Rev 1a; P-values as NIST sts-2.1.2 computes them');
        json.field('input', { source: run.source, format: run.format, bitsRead: run.bits.length });
        json.field('n', run.n);
        json.field('streams', run.streams);
        json.field('alpha', alpha);
        json.field('tests', tests);
        json.field('params', Object.fromEntries(tests.map((t) => [t, r.results.find((x) => x.test === t)?.params ?? {}])));
        json.beginArray('results');
      }
      json.item(streamJson(r, alpha));
    }
    perStream.push(r.results.map((t, i) => essentials(t, perStream[0]?.[i])));
  };
  await runBattery(run.bits, {
    n: run.n,
    streams: run.streams,
    tests: [...tests],
    params: run.params,
    jobs: run.jobs,
    ...(run.onProgress !== undefined ? { onProgress: run.onProgress } : {}),
    onResult,
  });
  const verdict = batteryVerdict(perStream, { alpha, familyAlpha: run.familyAlpha, minBits: run.minBits });
  const entries =
    run.streams > 1 ? tests.flatMap((_, t) => secondLevel(perStream.map((rs) => rs[t]!), { alpha, rule: run.secondLevel })) : undefined;
  if (json !== undefined) {
    const { entries: _omit, ...verdictOut } = verdict;
    json.endArray();
    if (entries) json.field('secondLevel', entries);
    json.field('verdict', verdictOut);
    json.end();
  }
  return { perStream, verdict, ...(entries !== undefined ? { secondLevel: entries } : {}) };
}
