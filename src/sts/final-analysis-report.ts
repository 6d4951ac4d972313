/**
 * The second-level table laid out as NIST sts-2.1.2's finalAnalysisReport.txt: per row the
 * counts C1..C10 ("%3d "), the uniformity P_T (" %8.6f " then "*" below 0.0001, or
 * "    ----    " when it was not computed), the proportion ("%4d/%-4d", "*" when outside the
 * bounds) and the test name, in the reference's row order; then the footer with the minimum
 * pass rates. With rule 'sts-2.1.2' entries (second-level.ts) each row's numbers and flags are
 * the reference's; the rows carry no template or state labels, exactly like the reference
 * (the JSON output has them).
 */
import { stsMinimumPassCount, type SecondLevelEntry } from './second-level.ts';

const RULE = '------------------------------------------------------------------------------';
const DASHES = '- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -';

const int = (n: number, w: number): string => String(n).padStart(w);

/** One row as computeMetrics prints it. */
export function finalAnalysisRow(e: SecondLevelEntry): string {
  let row = e.histogram.map((c) => `${int(c, 3)} `).join('');
  if (e.uniformityP === undefined) row += '    ----    ';
  else row += ` ${e.uniformityP.toFixed(6).padStart(8)} ${e.uniformityPass ? ' ' : '*'} `;
  if (e.sampleSize === 0) row += ` ------     ${e.test}`;
  else row += `${int(e.passed, 4)}/${String(e.sampleSize).padEnd(4)} ${e.proportionPass ? ' ' : '*'}  ${e.test}`;
  return row;
}

const EXCURSION = new Set(['RandomExcursions', 'RandomExcursionsVariant']);

/**
 * The whole table and footer. `source` fills the "generator is <...>" line. The footer's
 * sample sizes are those of the last excursion and the last other row, as the reference
 * takes them.
 */
export function finalAnalysisReport(entries: readonly SecondLevelEntry[], source: string, alpha = 0.01): string {
  const lines = [
    RULE,
    'RESULTS FOR THE UNIFORMITY OF P-VALUES AND THE PROPORTION OF PASSING SEQUENCES',
    RULE,
    `   generator is <${source}>`,
    RULE,
    ' C1  C2  C3  C4  C5  C6  C7  C8  C9 C10  P-VALUE  PROPORTION  STATISTICAL TEST',
    RULE,
    ...entries.map(finalAnalysisRow),
    '',
    '',
    DASHES,
  ];
  const general = entries.filter((e) => !EXCURSION.has(e.test)).at(-1);
  const excursion = entries.filter((e) => EXCURSION.has(e.test)).at(-1);
  const sts = entries.every((e) => e.rule === 'sts-2.1.2');
  const minimum = (e: SecondLevelEntry): string =>
    sts
      ? `approximately = ${stsMinimumPassCount(e.sampleSize, alpha)}`
      : `${Math.ceil(e.proportionInterval[0] * e.sampleSize - 1e-9)} (SP 800-22 §4.2.1: proportion ≥ ${e.proportionInterval[0].toFixed(6)})`;
  if (general) {
    if (general.sampleSize === 0) {
      lines.push('The minimum pass rate for each statistical test with the exception of the', 'random excursion (variant) test is undefined.', '');
    } else {
      lines.push(
        'The minimum pass rate for each statistical test with the exception of the',
        `random excursion (variant) test is ${minimum(general)} for a`,
        `sample size = ${general.sampleSize} binary sequences.`,
        '',
      );
    }
  }
  if (excursion) {
    if (excursion.sampleSize === 0) lines.push('The minimum pass rate for the random excursion (variant) test is undefined.', '');
    else {
      lines.push(
        'The minimum pass rate for the random excursion (variant) test',
        `is ${minimum(excursion)} for a sample size = ${excursion.sampleSize} binary sequences.`,
        '',
      );
    }
  }
  lines.push(DASHES);
  return lines.join('\n') + '\n';
}
