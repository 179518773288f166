import { expect, test } from '@playwright/test';
import { openApp, seriousViolations } from './helpers';

test('conv lab by link: a 2-D method runs within its bound, the bytes chart and the layout picture draw, and every method runs side by side', async ({
  page,
}) => {
  const errors = await openApp(
    page,
    '#v=1&f=conv&k=im2col&layout=nhwc&batch=1&cin=4&cout=8&height=10&width=10&kernel=3&stride=2&pad=1&dilation=1&BM=16&BN=16&TM=2&TN=4&seed=1&reps=2',
  );
  await expect(page.getByRole('heading', { name: 'Convolution lab' })).toBeVisible();
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('conv-verdict')).toContainText('Within the float64 bound');
  await expect(
    page
      .getByRole('figure', { name: /Bytes allocated by each method/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  await expect(page.getByTestId('conv-memory-table')).toContainText('column matrix');
  // The picture: pointing at an output names the inputs it reads.
  const picture = page.getByTestId('conv-layout-svg');
  await page.getByRole('button', { name: 'output (2, 3)' }).hover();
  await expect(picture).toHaveAttribute('aria-label', /output \(2, 3\) is selected and reads 9 input pixels and 0 padding zeros/);
  await page.getByRole('button', { name: 'output (0, 0)' }).focus();
  await expect(picture).toHaveAttribute('aria-label', /output \(0, 0\) is selected and reads 4 input pixels and 5 padding zeros/);
  // Every method at this shape, in one run: five run within their bounds; the 1×1 GEMM and Winograd
  // (stride 2) are refused with their reasons.
  await page.getByRole('button', { name: 'Run every method at this shape' }).click();
  const table = page.getByTestId('conv-methods-table');
  await expect(table.locator('tbody tr')).toHaveCount(7, { timeout: 120_000 });
  await expect(table.locator('tbody tr').filter({ hasText: /yes$/ })).toHaveCount(5);
  await expect(table.locator('tbody tr').filter({ hasText: '1×1 as a plain GEMM' })).toContainText('needs kernel size 1');
  await expect(table.locator('tbody tr').filter({ hasText: 'Winograd' })).toContainText('need stride 1');
  await expect(
    page
      .getByRole('figure', { name: /Median time of each method on the same shape/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  // The series runs in the worker: the form keeps the user's experiment.
  await expect(page.getByLabel('Variant')).toHaveValue('im2col');
  expect(await seriousViolations(page, '.conv-lab')).toEqual([]);
  expect(errors).toEqual([]);
});

test('conv lab, long 1-D: the FFT runs within its normwise bound, and the length series marks the direct/FFT crossover', async ({ page }) => {
  const errors = await openApp(page, '#v=1&f=conv&k=fft&channels=1&length=1000&filter=0&radix=4&fft=0&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('conv-verdict')).toContainText('L = 2048 = 4·4·4·4·4·2');
  await expect(page.getByTestId('conv-sequence-svg')).toBeVisible();
  await page.getByRole('button', { name: /^Time and error against length/ }).click();
  await expect(page.getByTestId('conv-sweep-table').locator('tbody tr')).toHaveCount(12, { timeout: 110_000 });
  await expect(page.getByTestId('conv-sweep-table').locator('tbody tr').filter({ hasText: /yes$/ })).toHaveCount(12);
  await expect(page.getByTestId('conv-crossover')).toContainText(
    /radix-2\/4 Stockham\).*(overtakes direct at N ≈ \d+|faster than direct at every length|slower than direct at every length)/,
  );
  await expect(
    page
      .getByRole('figure', { name: /against sequence length, with the crossovers/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole('figure', { name: /Error against float64 on the FFT's scale/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  expect(await seriousViolations(page, '.conv-lab')).toEqual([]);
  expect(errors).toEqual([]);
});
