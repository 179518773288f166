import { defineConfig } from 'vitest/config';
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
    include: ['tests/**/*.test.ts'],
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
