/**
 * A fresh directory under the OS temp dir for one test file, removed when the test (or, at
 * the top level, the file) that made it ends, so `npm test` leaves nothing behind in /tmp.
 */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => {
    // A row that made a file unreadable on purpose must not fail the run on cleanup.
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* left behind: harmless */
    }
  });
  return dir;
}
