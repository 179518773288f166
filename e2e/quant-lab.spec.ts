import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('quantization lab: a quantized matmul is measured against the baseline its variant names', async ({ page }) => {
  const shape = 'M=1&N=64&K=256&TM=1&strategy=row&dist=gaussian&outliers=0&outlierScale=20';
  await openApp(page, `#v=1&f=quant&k=gemm-w4&${shape}&groupSize=32&act=f32&seed=1&reps=1`);
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByText(/rerun with “Matmul, float32 weights \(baseline\)” at the same shape/)).toBeVisible();
  const table = page.getByRole('table', { name: /Matmul runs at 1×64×256/ });
  await expect(table).toContainText('no run of “Matmul, float32 weights (baseline)” yet');
  // The baseline at the same shape (same page, so the panel keeps the session's runs).
  await page.evaluate((hash) => (location.hash = hash), `#v=1&f=quant&k=gemm-f32&${shape}&seed=1&reps=1`);
  await expect(page.getByLabel('Variant')).toHaveValue('gemm-f32');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tbody tr').filter({ hasText: 'int4' })).toContainText(/\d(\.\d+)?×/);
  await expect(table.locator('tbody tr').filter({ hasText: 'float32 weights' })).toContainText('1.00×');
  await expect(page.getByText(/rerun with/)).toHaveCount(0);
});

test('quantization lab: the seed variants show their own figures (multiplications removed, the rotation’s effect)', async ({ page }) => {
  await openApp(page, '#v=1&f=quant&k=ternary&M=1&N=64&K=256&TM=1&scale=channel&packing=base3&dist=gaussian&outliers=0&outlierScale=20&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByText(/Multiplications: 64 against a dense matmul's 16,384 \(99\.6\d*% removed\)/)).toBeVisible();
  await page.evaluate(
    () =>
      (location.hash =
        '#v=1&f=quant&k=hadamard-mxfp4&M=4&N=32&K=256&TM=1&dist=gaussian&outliers=8&outlierScale=20&rotate=1&block=64&rotationSeed=1&weights=f32&rounding=nearest-even&seed=1&reps=1'),
  );
  await expect(page.getByLabel('Variant')).toHaveValue('hadamard-mxfp4');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  const table = page.getByRole('table', { name: /other schemes on the same inputs/ });
  await expect(table).toContainText('MXFP4 activations without the rotation');
});
