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
