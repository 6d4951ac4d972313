/**
 * The report bundle: the files rendered from one report document and written together. Both
 * producers of a document write it through here, each choosing its files: `entropy-bench run`
 * writes report.json alone (`entropy-bench report` renders the rest on demand), `npm run bench`
 * writes all five (bench/main.ts). Neither renders anything itself.
 */
import { join } from 'node:path';
import { writeFilesTogether } from '../io/write.ts';
import { serializeReportDocument, type ReportDocument } from './document.ts';
import { renderGithubBenchmarkJson } from './github-benchmark.ts';
import { renderHtml } from './html.ts';
import { renderJUnit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { appendStepSummary } from './step-summary.ts';

/** What `entropy-bench report --format` renders a document as. */
export type ReportFormat = 'md' | 'html' | 'junit' | 'benchmark' | 'json';

/** The document rendered in one format (the document itself for 'json'). */
export async function renderReport(doc: ReportDocument, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'md':
      return renderMarkdown(doc);
    case 'html':
      return renderHtml(doc);
    case 'junit':
      return renderJUnit(doc);
    case 'benchmark':
      return renderGithubBenchmarkJson(doc);
    case 'json':
      return serializeReportDocument(doc);
  }
}

/** Each file a bundle can hold and the format it is rendered in. */
const BUNDLE_FORMATS = {
  'report.json': 'json',
  'report.md': 'md',
  'report.html': 'html',
  'junit.xml': 'junit',
  'benchmark.json': 'benchmark',
} as const satisfies Record<string, ReportFormat>;

export type BundleFile = keyof typeof BUNDLE_FORMATS;

/** Every file, in the order they are written and listed: what `npm run bench` writes. */
export const FULL_BUNDLE: readonly BundleFile[] = ['report.json', 'report.md', 'report.html', 'junit.xml', 'benchmark.json'];

export interface BundleOptions {
  /** The files to write, in this order (default: FULL_BUNDLE). */
  files?: readonly BundleFile[];
  /** The flag an output error names (e.g. '--out'). */
  flag?: string;
  /** Also append the Markdown report to $GITHUB_STEP_SUMMARY (src/report/step-summary.ts), when set. */
  stepSummary?: boolean;
}

/**
 * Renders `doc` into each of `files` and writes them into `outDir` together: replaced all at
 * once or none of them (src/io/write.ts writeFilesTogether). `outDir` must exist (prepareOutputDir
 * before the run). Returns the file names written, in order.
 */
export async function writeReportBundle(doc: ReportDocument, outDir: string, options: BundleOptions = {}): Promise<BundleFile[]> {
  const files = [...(options.files ?? FULL_BUNDLE)];
  const texts = new Map<BundleFile, string>();
  for (const name of files) texts.set(name, await renderReport(doc, BUNDLE_FORMATS[name]));
  writeFilesTogether(
    files.map((name) => [join(outDir, name), texts.get(name)!] as const),
    options.flag ?? '',
  );
  if (options.stepSummary) appendStepSummary(texts.get('report.md') ?? renderMarkdown(doc));
  return files;
}
