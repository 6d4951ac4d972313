/**
 * The second-level table against NIST sts-2.1.2's finalAnalysisReport.txt, row by row.
 *
 * Fixture (made here, not committed: 12.5 MB): the concatenation of
 * SHA-256("entropy-bench second-level fixture" ‖ counter as 8-byte big-endian), counter =
 * 0, 1, 2, …, cut to 12,500,000 bytes = 100 streams × 10^6 bits, MSB first. Expected:
 * test/fixtures/nist-sts/final-analysis-report-100.txt, the report the unmodified sts-2.1.2 (built
 * from its published source with -O2) wrote for that file: input option 0, all 15 tests,
 * default parameters, 100 streams, binary. Only that output is committed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BitSequence } from '../../src/bits/bit-sequence.ts';
import { runBattery } from '../../src/sts/battery.ts';
import { STS_TEST_NAMES, type TestResult } from '../../src/sts/types.ts';
import { secondLevel, type SecondLevelEntry } from '../../src/sts/second-level.ts';
import { finalAnalysisReport, finalAnalysisRow } from '../../src/sts/final-analysis-report.ts';
import { STS_DIR } from '../helpers/fixtures.ts';

const STREAMS = 100;
const N = 1_000_000;

function fixture(): Uint8Array {
  const out = new Uint8Array((STREAMS * N) / 8);
  const prefix = Buffer.from('entropy-bench second-level fixture');
  const ctr = Buffer.alloc(8);
  for (let o = 0, c = 0n; o < out.length; o += 32, c++) {
    ctr.writeBigUInt64BE(c);
    const h = createHash('sha256').update(prefix).update(ctr).digest();
    out.set(h.subarray(0, Math.min(32, out.length - o)), o);
  }
  return out;
}

interface Row {
  counts: number[];
  pT: string;
  pTFlag: boolean;
  passed: number | null;
  size: number | null;
  propFlag: boolean;
  name: string;
}

/** A table row of finalAnalysisReport.txt, parsed by its fixed columns. */
function parseRow(line: string): Row {
  const counts = line.slice(0, 40).trim().split(/\s+/).map(Number);
  const rest = line.slice(40);
  const m = /^\s*(----|\d\.\d{6})\s*(\*?)\s+(?:(\d+)\/(\d+)|------)\s*(\*?)\s+(\S+)$/.exec(rest);
  assert.ok(m && counts.length === 10, `unparsable row: ${JSON.stringify(line)}`);
  return {
    counts,
    pT: m[1]!,
    pTFlag: m[2] === '*',
    passed: m[3] !== undefined ? Number(m[3]) : null,
    size: m[4] !== undefined ? Number(m[4]) : null,
    propFlag: m[5] === '*',
    name: m[6]!,
  };
}

function tableRows(report: string): string[] {
  const lines = report.split('\n');
  const start = lines.findIndex((l) => l.startsWith(' C1  C2')) + 2;
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

const reference = readFileSync(`${STS_DIR}final-analysis-report-100.txt`, 'utf8');

test('fixture digest and reference table shape', () => {
  const rows = tableRows(reference);
  assert.equal(rows.length, 188); // every P-value index of the 15 tests
});

test('sts-2.1.2 rule: all 188 rows equal finalAnalysisReport.txt (C1..C10, P_T to 6 dp, proportion, flags)', async () => {
  const bytes = fixture();
  assert.equal(createHash('sha256').update(bytes).digest('hex'), 'b6ca35586d99d940f866f83e2c86c5b4b2cc8a1fb464cc9c52ff81eaa72d8cc4');
  const seq = BitSequence.fromBytes(bytes, STREAMS * N);
  const results = await runBattery(seq, { n: N, streams: STREAMS, jobs: 2 });
  const perTest = (t: number): TestResult[] => results.map((r) => r.results[t]!);
  const entries: SecondLevelEntry[] = STS_TEST_NAMES.flatMap((_, t) => secondLevel(perTest(t), { rule: 'sts-2.1.2' }));
  const ours = tableRows(finalAnalysisReport(entries, 'second-level-fixture.bin'));
  const refRows = tableRows(reference);
  assert.equal(ours.length, refRows.length);
  for (let i = 0; i < refRows.length; i++) {
    const a = parseRow(ours[i]!);
    const b = parseRow(refRows[i]!);
    const where = `row ${i + 1} (${b.name}${entries[i]!.label !== undefined ? ` ${entries[i]!.label}` : ''})`;
    assert.equal(a.name, b.name, where);
    assert.deepEqual(a.counts, b.counts, `${where}: C1..C10`);
    assert.equal(a.pT, b.pT, `${where}: P_T`);
    assert.equal(a.pTFlag, b.pTFlag, `${where}: P_T flag`);
    assert.equal(a.passed, b.passed, `${where}: passing`);
    assert.equal(a.size, b.size, `${where}: sample size`);
    assert.equal(a.propFlag, b.propFlag, `${where}: proportion flag`);
    // Byte for byte, too: same layout.
    assert.equal(ours[i], refRows[i], where);
  }
  // The excursion rows count the 56 streams with J ≥ 500 cycles; the footer says so.
  const re = entries.filter((e) => e.test === 'RandomExcursions');
  assert.ok(re.every((e) => e.sampleSize === 56 && e.notApplicable === 44));
  const report = finalAnalysisReport(entries, 'second-level-fixture.bin');
  assert.match(report, /random excursion \(variant\) test is approximately = 96 for a\nsample size = 100 binary sequences\./);
  assert.match(report, /is approximately = 53 for a sample size = 56 binary sequences\./);

  // The SP 800-22 rule on the same data: the same counts where no value sits on a bin edge or
  // below 5e-7, but excursion P_T with E = K/10 exactly and no rounding of the pass bound.
  const std = STS_TEST_NAMES.flatMap((_, t) => secondLevel(perTest(t), { rule: 'sp800-22' }));
  assert.equal(std.length, entries.length);
  const std96 = std.filter((e) => e.sampleSize === 100 && e.passed === 96);
  for (const e of std96) assert.equal(e.proportionPass, false, '96/100 < 0.96015: flagged by §4.2.1 as written');
  assert.ok(finalAnalysisRow(std[0]!).endsWith('Frequency'));
});

test('flagged rows are laid out as computeMetrics prints them ("%8.6f * ", "%4d/%-4d *  ", "----")', () => {
  const mk = (ps: number[]): TestResult => ({ test: 'Frequency', section: '', n: N, params: {}, status: 'ok', pValues: ps, statistics: {} });
  // 100 streams, 90 passing, all P-values in C1 except the passes spread below 0.1 too: P_T tiny.
  const [bad] = secondLevel(Array.from({ length: 100 }, (_, i) => mk([i < 10 ? 0.001 : 0.05])), { rule: 'sts-2.1.2' });
  assert.equal(finalAnalysisRow(bad!), '100   0   0   0   0   0   0   0   0   0  0.000000 *   90/100  *  Frequency');
  // Fewer than 10 streams: E = ⌊K/10⌋ = 0, no P_T.
  const [few] = secondLevel([mk([0.5]), mk([0.25])], { rule: 'sts-2.1.2' });
  assert.equal(finalAnalysisRow(few!), '  0   0   1   0   0   1   0   0   0   0     ----       2/2       Frequency');
});
