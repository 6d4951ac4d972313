/**
 * JUnit XML for CI test panels: one <testcase> per scenario expectation (class
 * = the cell) and, when a gate result is given, one per gate check (class =
 * 'gate'). Failures carry the message; every text is XML-escaped and stripped
 * of characters XML 1.0 forbids.
 */
import type { ReportDocument } from './document.ts';
import { isFailing, type GateResult } from './gate.ts';
import { fmt, xmlEscape } from './format.ts';

interface Case {
  classname: string;
  name: string;
  failure?: string;
  skipped?: string;
}

function suiteXml(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="0"`;
    if (c.failure !== undefined) return `${open}>\n      <failure message="${xmlEscape(c.failure)}" type="assertion">${xmlEscape(c.failure)}</failure>\n    </testcase>`;
    if (c.skipped !== undefined) return `${open}>\n      <skipped message="${xmlEscape(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  return [`  <testsuite name="${xmlEscape(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`, ...body, '  </testsuite>'].join('\n');
}

export function renderJUnit(doc: ReportDocument, gate?: GateResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  if (doc.run) {
    const cases: Case[] = doc.run.expectations.map((e) => ({
      classname: e.cell,
      name: e.expression,
      ...(e.passed ? {} : { failure: `${e.cell}: expected ${e.metric} ${e.op} ${fmt(e.limit, 6)}, got ${fmt(e.actual, 6)} (${e.expression})` }),
    }));
    suites.push(suiteXml(`scenario ${doc.run.scenario.name} (seed ${doc.run.scenario.seed})`, cases));
    tests += cases.length;
    failures += cases.filter((c) => c.failure !== undefined).length;
  }
  // Each declared bar of the benchmarks (a same-run ratio with `atLeast`) is a test case:
  // a missed bar is a failure, not a passing line in a log. With a gate result the
  // gate's own bar checks carry them.
  const bars = gate ? [] : (doc.benchmarks?.suites ?? []).flatMap((s) => s.ratios.filter((r) => r.atLeast !== undefined).map((r) => ({ s, r })));
  if (bars.length) {
    const cases: Case[] = bars.map(({ s, r }) => ({
      classname: `bench.${s.name}`,
      name: `${r.name} ≥ ${fmt(r.atLeast!, 6)}`,
      ...(r.value >= r.atLeast!
        ? {}
        : { failure: `${s.name}/${r.name} = ${fmt(r.value, 6)}${r.range ? ` (range ${fmt(r.range[0], 4)}–${fmt(r.range[1], 4)} over ${r.processValues?.length ?? '?'} processes)` : ''}, below the bar ${fmt(r.atLeast!, 6)}: ${r.numerator} ÷ ${r.denominator}` }),
    }));
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
    suites.push(suiteXml('gate', cases));
    tests += cases.length;
    failures += cases.filter((c) => c.failure !== undefined).length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="entropy-bench" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
