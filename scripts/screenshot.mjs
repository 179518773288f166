#!/usr/bin/env node
// Takes a screenshot of the built app as a user first sees it (one screen, not the whole page):
//   node scripts/screenshot.mjs <hash> <out.png> [--run] [--size 1280x800] [--phone]
// expects `npx vite preview --port $PORT` (default 4317) to be serving dist/. A quick link runs by
// itself; --run presses Run as well (for links that wait for it) and waits until the run is done.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const args = process.argv.slice(2);
const [hash = '', out = 'screenshot.png'] = args.filter((a) => !a.startsWith('--') && !/^\d+x\d+$/.test(a));
const size = args[args.indexOf('--size') + 1] ?? '1280x800';
const [width, height] = (args.includes('--size') ? size : '1280x800').split('x').map(Number);
const port = process.env.PORT ?? '4317';
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
});
const context = await browser.newContext({ viewport: { width, height }, ...(args.includes('--phone') ? { isMobile: true, hasTouch: true } : {}) });
const page = await context.newPage();
await page.goto(`http://localhost:${port}/${hash}`);
await page.locator('.app:not([data-gpu="probing"])').waitFor({ timeout: 60000 });
const idle = () => page.waitForFunction(() => !document.querySelector('[data-testid="progress"]'), null, { timeout: 300000 });
await page.waitForTimeout(1000);
await idle();
if (args.includes('--run')) {
  await page.locator('button.primary:visible').first().click();
  await page.waitForTimeout(500);
  await idle();
}
await page.waitForTimeout(1500);
await page.screenshot({ path: out, fullPage: process.env.FULL === '1' });
await browser.close();
