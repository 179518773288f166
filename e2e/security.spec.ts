import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './helpers';

/** Collects Content-Security-Policy violations reported to the page (and its console). */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(`${e.violatedDirective}: ${e.blockedURI}`),
    );
  });
  return violations;
}

test('the built site ships a strict Content-Security-Policy: no inline script, no eval', () => {
  const html = readFileSync('dist/index.html', 'utf8');
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  expect(csp).toBeDefined();
  const directives = Object.fromEntries(
    csp!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  expect(directives['script-src']).toEqual(["'self'"]);
  expect(directives['worker-src']).toEqual(["'self'"]);
  expect(directives['connect-src']).toEqual(["'self'"]);
  expect(directives['object-src']).toEqual(["'none'"]);
  expect(csp).not.toContain('unsafe-eval');
  // No inline script in the page the policy would have to allow.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
});

test('everything works under the policy: runs, the worker, lazy labs, charts and their downloads', async ({ page }) => {
  const violations = await watchCsp(page);
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:2,4,8');
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '3', { timeout: 90_000 });
  await expect(chart.locator('.scatterlayer .point')).toHaveCount(3);
  // The modebar: download and view controls only, never plotly's upload to its cloud.
  const modebar = chart.locator('.modebar');
  await chart.hover();
  await expect(modebar.locator('[data-title^="Download plot" i]')).toHaveCount(1);
  await expect(modebar.locator('.modebar-btn')).toHaveCount(7);
  await expect(modebar).not.toContainText(/cloud|Chart Studio|Share/i);
  await expect(page.locator('[data-title*="Cloud" i], [data-title*="Chart Studio" i]')).toHaveCount(0);
  // A chart download goes through data: URLs (allowed for images).
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /PNG/ }).first().click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);
  // A lab panel loaded lazily, with plotly charts of its own.
  await page.getByLabel('Family').selectOption('quant');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 });
  expect(violations).toEqual([]);
});

test('the policy refuses an injected inline script, and the watcher above sees it (so that test can fail)', async ({ page }) => {
  const violations = await watchCsp(page);
  await openApp(page);
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.append(script);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});
