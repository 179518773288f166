import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('quantization lab: the GPU codec is bit-identical to the TypeScript codec, and the format charts draw', async ({ page }) => {
  await openApp(page, '#lesson=formats-outliers&step=4');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('results')).toContainText('mxfp4');
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByText(/GPU codec: every code and scale equals the TypeScript codec; 4\.25 bits per value, SQNR [\d.]+ dB/)).toBeVisible();
  await expect(
    page
      .getByRole('figure', { name: /Histogram of the tensor/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole('figure', { name: /SQNR and relative Frobenius error against bits per value/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
});

test('sparsity lab: spy plot, row histogram and throughput against density with the dense line', async ({ page }) => {
  await openApp(page, '#v=1&f=sparse&k=csr-row&M=128&N=16&K=128&density=10&pattern=skewed&block=8&wg=64&seed=1&reps=2&sw=density:50,10,2');
  await expect(page.getByRole('img', { name: /Spy plot of A/ })).toBeVisible();
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '3', { timeout: 90_000 });
  await expect(page.getByRole('img', { name: /Histogram of non-zeros per row: .* empty rows/ })).toBeVisible();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(
    page
      .getByRole('figure', { name: /GFLOP\/s against the density of A/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
});

test('scan lab: dataflow diagram, and a variant measured against the copy roof of the same shape', async ({ page }) => {
  await openApp(page, '#v=1&f=scan&k=blelloch&channels=2&length=500&mode=inclusive&decay=decay&wg=256&seed=1&reps=2');
  await expect(page.getByTestId('dataflow-svg')).toBeVisible();
  await expect(page.getByTestId('dataflow-counts')).toContainText('Depth');
  await expect(page.getByTestId('scan-copy-roof')).toContainText('No copy run at this shape yet');
  await page.getByRole('button', { name: 'Switch to the copy kernel at this shape' }).click();
  await expect(page.getByLabel('Variant')).toHaveValue('copy');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await page.getByLabel('Variant').selectOption('blelloch');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('results')).toContainText('Blelloch');
  const table = page.getByTestId('scan-copy-roof').locator('tbody tr');
  await expect(table).toHaveCount(2);
  await expect(table.filter({ hasText: 'Copy' })).toContainText('100%');
  await expect(table.filter({ hasText: 'Blelloch' })).toContainText(/\d%/);
});

test("scan lab: an SSM initialisation as scan channels shows each mode's memory next to the float32 error", async ({ page }) => {
  await openApp(page, '#v=1&f=scan&k=serial-lookback&channels=5&length=3001&mode=inclusive&decay=ptd&wg=16&vec4s=2&spin=256&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  const memory = page.getByTestId('scan-ssm-memory');
  await expect(memory).toContainText('What the initialisation remembers: PTD');
  await expect(memory).toContainText('κ_F(V)');
  await expect(memory.locator('tbody tr')).toHaveCount(3); // 5 channels: modes 0, 1 as pairs, mode 2 as its real part
  await expect(page.getByTestId('scan-ssm-impulse')).toBeVisible();
});

test('scan lab: the Spatial-Mamba demo scans the sample photograph from public/ and shows the receptive field', async ({ page }) => {
  await openApp(page, '#v=1&f=scan&k=spatial-mamba&width=64&height=64&dilations=1,3,5&image=mandrill&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  for (const id of ['spatial-image', 'spatial-output', 'spatial-rf-scan', 'spatial-rf-fused']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
});
