import { expect, test } from '@playwright/test';
import { openApp, seriousViolations } from './helpers';

test('sparsity lab, mixture of experts: routing and waste after a run, then the padded layout timed beside the block-sparse one', async ({ page }) => {
  const errors = await openApp(
    page,
    '#v=1&f=sparse&k=moe-grouped&tokens=96&hidden=24&ffn=20&experts=5&skew=40&strategy=block-sparse&tile=8&tn=8&seed=1&reps=2',
  );
  // The quick link runs by itself.
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('moe-routing')).toContainText('96 tokens to 5 experts');
  await expect(page.getByRole('img', { name: /Tokens per expert: / })).toBeVisible();
  const layouts = page.getByTestId('moe-layouts');
  await expect(layouts.locator('tbody tr').first()).toContainText('(this run)');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: /Switch to Padded batched GEMM/ }).click();
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(layouts.locator('tbody tr').nth(1)).toContainText('(this run)');
  // Both layouts measured in this session: the padded row carries its time over the block-sparse time.
  await expect(layouts.locator('tbody tr').nth(1)).toContainText(/\d×/);
  await expect(layouts.locator('tbody tr').first()).toContainText(/ms|µs|s/);
  expect(errors).toEqual([]);
});

test('sparsity lab, SpGEMM: partial products per row with the table capacity, and the fallback rows', async ({ page }) => {
  const errors = await openApp(
    page,
    '#v=1&f=sparse&k=spgemm-hash&M=48&N=40&K=50&density=3&pattern=skewed&block=8&densityB=30&strategy=hash&table=16&wg=8&seed=1&reps=2',
  );
  await expect(page.getByRole('img', { name: /Spy plot of A/ })).toBeVisible();
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('spgemm-summary')).toContainText(/rows? needs? more slots than the 16-slot hash table/);
  await expect(
    page
      .getByRole('figure', { name: /Partial products and distinct columns per row/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  await expect(page.getByTestId('spgemm-merges')).toContainText('Expand, sort, compress');
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
