/**
 * GitHub Actions' job summary: Markdown appended to the file $GITHUB_STEP_SUMMARY names shows on
 * the run's summary page. `report --format md`, `gate` and `npm run bench` all add theirs here.
 */
import { appendFileSync } from 'node:fs';

/** Appends Markdown to $GITHUB_STEP_SUMMARY when GitHub Actions provides one. */
export function appendStepSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + '\n');
}
