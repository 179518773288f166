#!/usr/bin/env node
// `npm test`: lint and format check (Biome), typecheck, unit + GPU tests (Vitest, WebGPU through
// Dawn), build the static site, then end-to-end tests in Chromium (Playwright). Ends with one line
// "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dawnEnv } from './dawn-env.mjs';

const env = { ...process.env, ...dawnEnv(process.env) };
const bin = (name) => `node_modules/.bin/${name}`;
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  console.log(`=== ${name}: exit ${r.status ?? r.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** One Vitest run; its counts join the totals, and a failure or an empty run is named. */
function vitest(title, name, outputFile, extra = []) {
  rmSync(outputFile, { force: true });
  const ok = step(title, bin('vitest'), ['run', ...extra, '--reporter=default', '--reporter=json', `--outputFile=${outputFile}`]);
  const v = readJson(outputFile);
  if (v) {
    passed += v.numPassedTests;
    failed += v.numFailedTests;
    skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  }
  if (!ok) failures.push(name);
  if (!v || v.numTotalTests === 0) failures.push(`${name} ran no tests`);
}

const only = process.argv[2]; // optional: "unit" or "e2e"

if (!only || only === 'unit') {
  if (!step('lint', bin('biome'), ['ci', '--error-on-warnings', '.'])) failures.push('lint');
  if (!step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) failures.push('typecheck');
  vitest('unit + GPU tests', 'vitest', '.vitest-results.json');
  // Timed properties run alone, with no other test file sharing the cores (vite.config.ts).
  env.KERNEL_LAB_TIMING = '1';
  vitest('timed GPU tests, alone', 'timed vitest', '.vitest-timing.json', ['--no-file-parallelism']);
  delete env.KERNEL_LAB_TIMING;
}

if (!only || only === 'e2e') {
  if (!step('build', bin('vite'), ['build', '--logLevel', 'warn'])) failures.push('build');
  else {
    rmSync('.e2e-results.json', { force: true });
    const ok = step('end-to-end tests', bin('playwright'), ['test']);
    const e = readJson('.e2e-results.json');
    if (e?.stats) {
      passed += e.stats.expected;
      failed += e.stats.unexpected + (e.stats.flaky ?? 0);
      skipped += e.stats.skipped;
    }
    if (!ok) failures.push('playwright');
    if (!e || !existsSync('.e2e-results.json')) failures.push('playwright wrote no results');
  }
}

if (failures.length) console.log(`\nfailed steps: ${failures.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length || failed ? 1 : 0);
