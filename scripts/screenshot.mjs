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
  await page.getByRole('button', { name: /^Run (sweep )?on GPU/ }).first().click();
  // Wait until the run (or sweep) has finished: no Cancel button left.
  await page.waitForTimeout(500);
  await page.waitForFunction(() => ![...document.querySelectorAll('button')].some((b) => b.textContent?.startsWith('Cancel')), null, { timeout: 300000 });
  await page.waitForTimeout(1500);
}
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: out, fullPage: process.env.FULL !== '0' });
await browser.close();
