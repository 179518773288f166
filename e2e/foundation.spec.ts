import { expect, test } from '@playwright/test';
import { openApp, setNumber } from './helpers';

test('finds the WebGPU adapter and runs a tiled matmul checked against float64', async ({ page }) => {
  const errors = await openApp(page);
  await expect(page.getByTestId('adapter-name')).toBeVisible();
  await page.getByLabel('Variant').selectOption('tiled');
  await setNumber(page, 'M (rows of A and C)', 65);
  await setNumber(page, 'N (columns of B and C)', 33);
  await setNumber(page, 'K (inner dimension)', 47);
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  const results = page.getByTestId('results');
  await expect(results).toBeVisible();
  await expect(results).toContainText('65×33×47');
  await expect(page.getByTestId('gflops')).toHaveText(/^\d[\d.e+-]* GFLOP\/s$/);
  const gflops = parseFloat((await page.getByTestId('gflops').textContent())!);
  expect(gflops).toBeGreaterThan(0);
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('sqnr')).toContainText('dB');
  await expect(page.getByTestId('clock')).toContainText(/timestamp-query|wall clock/);
  await expect(page.getByTestId('error-heatmap')).toBeVisible();
  await expect(page.getByTestId('provenance')).toContainText('Ran on');
  expect(errors).toEqual([]);
});

test('sweeps the tile size and the chart fills in point by point', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=48&N=48&K=48&tile=8&seed=3&reps=2');
  await page.getByLabel('Sweep parameter').selectOption('tile');
  const values = page.getByLabel(/Values \(comma-separated/);
  await values.fill('2, 4, 8, 16');
  await values.press('Enter');
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '4', { timeout: 90_000 });
  // plotly drew one marker per point.
  await expect(chart.locator('.scatterlayer .point')).toHaveCount(4);
  await expect(page.getByTestId('sweep-table')).not.toContainText('pending');
});

test('shares a link that restores the same experiment in a fresh page', async ({ page, browser }) => {
  await openApp(page);
  await page.getByLabel('Variant').selectOption('tiled');
  await setNumber(page, 'Tile size T (T×T invocations)', 4);
  await setNumber(page, 'M (rows of A and C)', 20);
  await setNumber(page, 'Seed', 42);
  await page.getByLabel('Sweep parameter').selectOption('tile');
  await page.getByRole('button', { name: 'Share' }).click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('#v=1&f=matmul&k=tiled');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await openApp(other, link.slice(link.indexOf('#')));
  await expect(other.getByLabel('Variant')).toHaveValue('tiled');
  await expect(other.getByLabel('Tile size T (T×T invocations)')).toHaveValue('4');
  await expect(other.getByLabel('M (rows of A and C)')).toHaveValue('20');
  await expect(other.getByLabel('Seed')).toHaveValue('42');
  await expect(other.getByLabel('Sweep parameter')).toHaveValue('tile');
  await expect(other.getByTestId('link-problems')).toHaveCount(0);
  await fresh.close();
});

test('a garbage link shows what was rejected and the app still works', async ({ page }) => {
  const errors = await openApp(page, '#v=1&f=matmul&k=nope&M=-5&N=abc&K=%E0%A4%A&tile=999&seed=x&reps=0&zzz=1&sw=tile');
  const banner = page.getByTestId('link-problems');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('unknown variant "nope"');
  await expect(banner).toContainText('damaged part of the link');
  await expect(banner).toContainText('unknown field "zzz"');
  await expect(page.getByLabel('Variant')).toHaveValue('naive');
  await setNumber(page, 'M (rows of A and C)', 8);
  await setNumber(page, 'N (columns of B and C)', 8);
  await setNumber(page, 'K (inner dimension)', 8);
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  expect(errors).toEqual([]);
});

test('a configuration beyond the device limits says which limit, in words', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=64&N=64&K=64&tile=32');
  // SwiftShader allows 256 invocations per workgroup; a 32×32 tile needs 1024.
  const problems = page.getByRole('list', { name: 'Why this configuration cannot run' });
  const limit = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a?.limits.maxComputeInvocationsPerWorkgroup ?? 0;
  });
  if (limit < 1024) {
    await expect(problems).toContainText('maxComputeInvocationsPerWorkgroup');
    await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeDisabled();
  } else {
    await expect(problems).toHaveCount(0);
  }
});

test('cancel stops a long run and the app stays usable', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=naive&M=512&N=512&K=512&wg=8&seed=1&reps=50');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  // Predicted to take minutes on a first visit: it asks first, and says why.
  await expect(page.getByTestId('confirm-run')).toContainText('predicted to take about');
  await page.getByRole('button', { name: /^Run anyway/ }).click();
  await expect(page.getByTestId('progress')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText(/Run cancelled/)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeEnabled();
  // The UI stayed responsive: editing works right away.
  await setNumber(page, 'M (rows of A and C)', 16);
  await expect(page.getByLabel('M (rows of A and C)')).toHaveValue('16');
});

test('the CPU path is labelled as CPU, never as GPU', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=naive&M=16&N=16&K=16&wg=8&seed=1&reps=2');
  await page.getByRole('button', { name: 'Run on CPU (emulated)' }).click();
  await expect(page.getByTestId('results')).toContainText('CPU float32 emulation (not GPU)');
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
});
