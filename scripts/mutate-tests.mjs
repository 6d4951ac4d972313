// Runs the given node:test files in this one process (run with `node --import tsx`): the command
// each mutant of `npm run mutate` runs. Cheaper than `node --test`, which spawns a process per
// file; node:test still sets a non-zero exit code when a test fails.
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(file).href);
