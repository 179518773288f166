import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { openApp, seriousViolations } from './helpers';

test('axe finds no serious accessibility violations on the main views', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:4,8');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '2', { timeout: 60_000 });
  await expect(page.getByTestId('results')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: /History/ }).click();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('tab', { name: /Compare/ }).click();
  expect(await seriousViolations(page)).toEqual([]);
  await openApp(page, '#lesson=tiling&step=2&ui=present');
  expect(await seriousViolations(page)).toEqual([]);
});

test('axe finds no serious violations in any lab after a run', async ({ page }) => {
  const runs = [
    '#v=1&f=quant&k=codec&format=mxfp4&rows=16&cols=64&seed=1&reps=1',
    '#v=1&f=sparse&k=csr-row&M=64&N=16&K=64&density=10&seed=1&reps=1',
    '#v=1&f=scan&k=blelloch&channels=2&length=100&seed=1&reps=1',
  ];
  for (const hash of runs) {
    await openApp(page, hash);
    await page.getByRole('button', { name: 'Run on GPU' }).click();
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 });
    await page.waitForTimeout(1000); // lab panels draw their charts
    expect(await seriousViolations(page), hash).toEqual([]);
  }
});

test('the controls stay reachable by keyboard alone', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=naive&M=8&N=8&K=8&wg=4&seed=1&reps=2');
  // The link runs by itself first; then Tab until the Run button has focus, and press Enter.
  await expect(page.getByTestId('headline-time')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0);
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => document.activeElement?.textContent ?? '');
    if (name === 'Run on GPU') break;
  }
  await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'History (2)' })).toBeVisible({ timeout: 60_000 });
});

test('on a phone the layout reflows and the Run button is reachable', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await openApp(page);
  for (const family of ['matmul', 'quant', 'sparse', 'scan']) {
    await page.getByLabel('Family').selectOption(family);
    await page.waitForTimeout(500); // the family's lab panel loads lazily
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `page width with the ${family} lab open`).toBeLessThanOrEqual(375 + 1);
  }
  await page.getByLabel('Family').selectOption('matmul');
  const run = page.getByRole('button', { name: 'Run on GPU' });
  await run.scrollIntoViewIfNeeded();
  await expect(run).toBeInViewport();
  await context.close();
});

test('works offline after the first visit', async ({ page, context }) => {
  await openApp(page, '#v=1&f=matmul&k=naive&M=8&N=8&K=8&wg=4&seed=1&reps=2');
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.state;
  });
  await page.reload(); // now controlled by the service worker
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await context.setOffline(false);
});

test('plotly is not pre-cached, but once a chart has loaded it, charts work offline', async ({ page, context }) => {
  const link = '#v=1&f=matmul&k=tiled&M=16&N=16&K=16&tile=4&seed=1&reps=2&sw=tile:2,4';
  // The plain start page (a link would run, and chart, by itself).
  await openApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  const cachedPlotly = () =>
    page.evaluate(async () =>
      (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url))))
        .flat()
        .some((u) => u.includes('plotly')),
    );
  expect(await cachedPlotly()).toBe(false);
  await page.goto(`./${link}`);
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  await expect(page.getByTestId('sweep-chart').locator('.scatterlayer .point')).toHaveCount(2, { timeout: 90_000 });
  await expect.poll(cachedPlotly).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  await expect(page.getByTestId('sweep-chart').locator('.scatterlayer .point')).toHaveCount(2, { timeout: 90_000 });
  await context.setOffline(false);
});

test.describe('without WebGPU', () => {
  // The simulation below wraps the worker in a blob: URL, which the site's CSP (worker-src
  // 'self') rightly refuses; this test alone runs with the policy bypassed.
  test.use({ bypassCSP: true });

  test('without WebGPU the page explains why and the CPU reference still works', async ({ page }) => {
    await page.addInitScript(() => {
      // Simulate a browser without WebGPU, on the page and in its workers.
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
      const OriginalWorker = window.Worker;
      const blob = (code: string) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const hideGpu = blob(`Object.defineProperty(WorkerNavigator.prototype, 'gpu', { get: () => undefined });`);
      window.Worker = class extends OriginalWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          // Static imports evaluate in order, before the worker receives any message.
          super(blob(`import ${JSON.stringify(hideGpu)}; import ${JSON.stringify(new URL(url, location.href).href)};`), options);
        }
      } as typeof Worker;
    });
    await openApp(page, '#v=1&f=matmul&k=naive&M=8&N=8&K=8&wg=4&seed=1&reps=2');
    await expect(page.getByTestId('device-panel')).toContainText('No WebGPU device');
    await expect(page.getByTestId('gpu-reason')).toContainText('navigator.gpu is missing');
    await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeDisabled();
    await page.getByRole('button', { name: 'Run on CPU (emulated)' }).click();
    await expect(page.getByTestId('results')).toContainText('CPU float32 emulation (not GPU)');
    await expect(page.getByTestId('bound')).toContainText('yes, every element');
  });
});

test('the first page loads without plotly and its JavaScript stays under 300 KB gzip', async ({ page }) => {
  const html = readFileSync('dist/index.html', 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  expect(initial.some((f) => f.includes('plotly'))).toBe(false);
  const gzipBytes = initial.filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipSync(readFileSync(`dist/${f}`)).length, 0);
  console.log(`initial JavaScript: ${initial.join(', ')} = ${(gzipBytes / 1024).toFixed(1)} KiB gzip`);
  expect(gzipBytes).toBeLessThan(300 * 1024);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await openApp(page);
  expect(requested.some((u) => u.includes('plotly'))).toBe(false);
});
