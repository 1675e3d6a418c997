#!/usr/bin/env node
// Runs the uvu suites (TypeScript through tsx) and ends with the line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped). Exit status is uvu's.
import { spawn } from 'node:child_process';

const pattern = process.argv[2] ?? '\\.test\\.ts$';
const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern, '-c', 'false'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (chunk) => { out += chunk; process.stdout.write(chunk); });
child.on('close', (code, signal) => {
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? NaN);
  const total = num('Total'), passed = num('Passed'), skipped = num('Skipped') || 0;
  if (Number.isNaN(total)) {
    console.log(`test runner ended without a summary (exit ${code ?? signal})`);
    console.log('0 passed, 1 failed');
    process.exit(code || 1);
  }
  // uvu's Total counts the tests that ran; skipped ones are outside it.
  const failed = total - passed;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code ?? 1);
});
