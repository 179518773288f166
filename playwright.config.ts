import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';

const PORT = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Stop early in CI rather than letting a stuck browser wait out every test's timeout.
  maxFailures: process.env.CI ? 3 : 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '.e2e-results.json' }]] : [['list'], ['json', { outputFile: '.e2e-results.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}/`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      // Debian's Chromium with WebGPU through SwiftShader (a CPU Vulkan); see the README.
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // The built static site, as a teacher would publish it.
    command: `npx vite preview --host localhost --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
