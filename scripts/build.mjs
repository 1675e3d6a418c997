#!/usr/bin/env node
// Bundles the TypeScript sources into dist/voipwatch.mjs (dependencies stay external), so the
// command starts without compiling TypeScript on every run: tsx's loader costs about 0.9 s
// of start-up on Node 20. bin/voipwatch.js uses the bundle only while it is newer than every
// source file, and otherwise runs the sources through tsx.
import { build } from 'esbuild';
import { renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/voipwatch.mjs`;
const tmp = `${out}.${process.pid}.tmp`;
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  outfile: tmp,
  logLevel: 'warning',
});
// Renamed into place so a concurrent start never imports half a file.
renameSync(tmp, out);
