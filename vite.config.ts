import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { dawnEnv } from './scripts/dawn-env.mjs';
import { offline } from './scripts/vite-offline.ts';
import { contentSecurityPolicy } from './scripts/vite-csp.ts';

// base './' so that `npm run build` gives a static site that works from any host and sub-path.
export default defineConfig({
  base: './',
  plugins: [react(), offline(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 5000 },
  test: {
    // Timed properties (tests/timing) run alone after the rest: `KERNEL_LAB_TIMING=1 vitest run
    // --no-file-parallelism` (scripts/test-all.mjs), so no other test file shares the cores.
    include: process.env.KERNEL_LAB_TIMING ? ['tests/timing/**/*.test.ts'] : ['tests/**/*.test.ts'],
    exclude: process.env.KERNEL_LAB_TIMING ? configDefaults.exclude : [...configDefaults.exclude, 'tests/timing/**'],
    environment: 'node',
    // Dawn aborts inside forked children; worker threads work.
    pool: 'threads',
    testTimeout: 120_000,
    // In CI a stuck GPU queue would make every later GPU test wait out its timeout: stop early.
    bail: process.env.CI ? 1 : 0,
    hookTimeout: 120_000,
    // Dawn (the `webgpu` package) finds SwiftShader's Vulkan through these variables.
    env: dawnEnv(process.env),
  },
});
