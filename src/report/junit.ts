/**
 * JUnit XML for CI test panels: one <testcase> per scenario expectation (class
 * = the cell) and, when a gate result is given, one per gate check (class =
 * 'gate'). Failures carry the message; every text is XML-escaped and stripped
 * of characters XML 1.0 forbids.
 *
 * Times are real: from the document's wall-clock `timing` section, a suite's
 * `time` is the run's wall time and an expectation's is the wall time of simulating
 * its cell, shared equally among that cell's expectations (checking one is instant;
 * the simulation is what they cost), in seconds. A document without timing gets no
 * `time` attributes rather than a made-up 0. `timestamp` is `generatedAt` in the
 * JUnit XSD's form (UTC, seconds, no zone). The scenario suite's <properties> say
 * what was run: scenario name, file, sha256 digest, seed, scale, shard, tool and Node.
 */
import type { ReportDocument } from './document.ts';
import { isFailing, type GateResult } from './gate.ts';
import { fmt, xmlEscape } from './format.ts';
import { barDecision, describeBar } from './bar.ts';

interface Case {
  classname: string;
  name: string;
  /** Seconds; absent when unknown. */
  time?: number;
  failure?: string;
  skipped?: string;
}

interface SuiteInfo {
  /** Seconds. */
  time?: number;
  timestamp?: string;
  properties?: Array<[string, string]>;
}

/** Seconds with millisecond resolution, as JUnit readers expect. */
function seconds(s: number): string {
  return s.toFixed(3);
}

/** ISO 8601 as the JUnit XSD wants it: no fraction, no zone (generatedAt is UTC). */
export function junitTimestamp(iso: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m ? m[1] : undefined;
}

function suiteXml(name: string, cases: Case[], info: SuiteInfo = {}): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}"${c.time !== undefined ? ` time="${seconds(c.time)}"` : ''}`;
    if (c.failure !== undefined) return `${open}>\n      <failure message="${xmlEscape(c.failure)}" type="assertion">${xmlEscape(c.failure)}</failure>\n    </testcase>`;
    if (c.skipped !== undefined) return `${open}>\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  const attrs = `${info.timestamp !== undefined ? ` timestamp="${xmlEscape(info.timestamp)}"` : ''}${info.time !== undefined ? ` time="${seconds(info.time)}"` : ''}`;
  const props = info.properties?.length
    ? ['    <properties>', ...info.properties.map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`), '    </properties>']
    : [];
  return [`  <testsuite name="${xmlEscape(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"${attrs}>`, ...props, ...body, '  </testsuite>'].join('\n');
}

export function renderJUnit(doc: ReportDocument, gate?: GateResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  const timestamp = doc.generatedAt !== undefined ? junitTimestamp(doc.generatedAt) : undefined;
  let totalTime: number | undefined;
  if (doc.run) {
    const run = doc.run;
    const cellMs = new Map((doc.timing?.cells ?? []).map((c) => [c.id, c.ms]));
    const perCell = new Map<string, number>();
    for (const e of run.expectations) perCell.set(e.cell, (perCell.get(e.cell) ?? 0) + 1);
    const cases: Case[] = run.expectations.map((e) => {
      const ms = cellMs.get(e.cell);
      return {
        classname: e.cell,
        name: e.expression,
        ...(ms !== undefined ? { time: ms / 1000 / perCell.get(e.cell)! } : {}),
        ...(e.passed ? {} : { failure: `${e.cell}: expected ${e.metric} ${e.op} ${fmt(e.limit, 6)}, got ${fmt(e.actual, 6)} (${e.expression})` }),
      };
    });
    const s = run.scenario;
    const properties: Array<[string, string]> = [
      ['scenario', s.name],
      ['scenario.file', s.file],
      ['scenario.sha256', s.sha256],
      ['seed', String(s.seed)],
      ...(run.scale !== undefined ? [['scale', run.scale] as [string, string]] : []),
      ...(run.shard !== undefined ? [['shard', `${run.shard.index}/${run.shard.count}`] as [string, string]] : []),
      ['tool', `${doc.tool.name} ${doc.tool.version}`],
      ['node', doc.environment.node],
      ['cpu', `${doc.environment.cpuModel} × ${doc.environment.cpus}`],
    ];
    if (doc.timing) totalTime = doc.timing.totalMs / 1000;
    suites.push(
      suiteXml(`scenario ${s.name} (seed ${s.seed})`, cases, {
        ...(timestamp !== undefined ? { timestamp } : {}),
        ...(doc.timing ? { time: doc.timing.totalMs / 1000 } : {}),
        properties,
      }),
    );
    tests += cases.length;
    failures += cases.filter((c) => c.failure !== undefined).length;
  }
  // Each declared bar of the benchmarks (a same-run ratio with `atLeast`) is a test case:
  // a missed bar is a failure, not a passing line in a log. With a gate result the
  // gate's own bar checks carry them.
  const bars = gate ? [] : (doc.benchmarks?.suites ?? []).flatMap((s) => s.ratios.filter((r) => r.atLeast !== undefined).map((r) => ({ s, r })));
  if (bars.length) {
    const cases: Case[] = bars.map(({ s, r }) => {
      const d = barDecision({ value: r.value, atLeast: r.atLeast!, ...(r.processValues ? { processValues: r.processValues } : {}) });
      return {
        classname: `bench.${s.name}`,
        name: `${r.name} ≥ ${fmt(r.atLeast!, 6)}`,
        ...(d.verdict !== 'missed'
          ? {}
          : { failure: `${s.name}/${r.name} = ${fmt(r.value, 6)}${r.range ? ` (range ${fmt(r.range[0], 4)}–${fmt(r.range[1], 4)} over ${r.processValues?.length ?? '?'} processes)` : ''}, below the bar ${fmt(r.atLeast!, 6)}: ${describeBar(d)}; ${r.numerator} ÷ ${r.denominator}` }),
      };
    });
    suites.push(suiteXml('benchmark bars', cases));
    tests += cases.length;
    failures += cases.filter((c) => c.failure !== undefined).length;
  }
  if (gate) {
    const cases: Case[] = gate.checks.map((c) => ({
      classname: 'gate',
      name: c.metric,
      ...(isFailing(c.verdict) ? { failure: c.message ?? `${c.metric}: ${c.verdict}` } : {}),
    }));
    suites.push(suiteXml('gate', cases, timestamp !== undefined ? { timestamp } : {}));
    tests += cases.length;
    failures += cases.filter((c) => c.failure !== undefined).length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="entropy-bench" tests="${tests}" failures="${failures}" errors="0"${totalTime !== undefined ? ` time="${seconds(totalTime)}"` : ''}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
