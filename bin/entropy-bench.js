#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run directly on Node 20
// (which has no type stripping), then hands over to the commander wiring.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv);
