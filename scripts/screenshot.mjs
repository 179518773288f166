#!/usr/bin/env node
// Takes a screenshot of the built app after a run: node scripts/screenshot.mjs <hash> <out.png> [--sweep]
// (expects `npx vite preview --port 4317` to be serving dist/).
import { chromium } from 'playwright-core';

const [hash = '', out = 'screenshot.png', mode = ''] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
await page.goto(`http://localhost:4317/${hash}`);
await page.getByTestId('device-panel').getByText('WebGPU').first().waitFor({ timeout: 60000 }).catch(() => {});
if (mode === '--run') {
  await page.getByRole('button', { name: /^Run (sweep )?on GPU$/ }).click();
  await page.getByTestId('results').waitFor({ timeout: 120000 });
  await page.waitForTimeout(1500);
}
await page.screenshot({ path: out, fullPage: true });
await browser.close();
