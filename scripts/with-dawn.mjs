#!/usr/bin/env node
// Runs a command with the environment Dawn needs (see dawn-env.mjs). The dynamic loader reads
// LD_LIBRARY_PATH only when a process starts, so it has to be set before the child is spawned.
import { spawnSync } from 'node:child_process';
import { dawnEnv } from './dawn-env.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-dawn.mjs <command> [args…]');
  process.exit(2);
}
const result = spawnSync(cmd, args, {
  stdio: 'inherit',
  env: { ...process.env, ...dawnEnv(process.env) },
  shell: process.platform === 'win32',
});
process.exit(result.status ?? 1);
