import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('structured lab: a Monarch projection by link, its approximation error, its picture, and the speed against dense in one job', async ({ page }) => {
  const errors = await openApp(page, '#lesson=monarch&step=3');
  await expect(page.getByLabel('Variant')).toHaveValue('monarch-unfused');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  const lab = page.getByTestId('structured-lab');
  await expect(lab).toBeVisible();
  await expect(lab.getByTestId('structured-costs')).toContainText('flops');
  await expect(lab.getByRole('img', { name: /Monarch: R has 8 blocks of 8×8/ })).toBeVisible();
  await expect(lab.getByTestId('structured-approximation')).toContainText('Approximation error');
  await expect(
    lab
      .getByRole('figure', { name: /Approximation error against parameters/ })
      .locator('.main-svg')
      .first(),
  ).toBeVisible();
  // The structure and the dense kernel of each size, alternating in one worker job.
  await lab.getByLabel('Parameter to vary').selectOption('n');
  await lab.getByLabel('Values').fill('64, 128');
  await lab.getByRole('button', { name: 'Measure against dense' }).click();
  const rows = lab.getByTestId('structured-speed-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('×', { timeout: 90_000 });
  await expect(lab.getByTestId('structured-crossover')).toContainText(/Crossover|No crossover/);
  expect(errors).toEqual([]);
});

test('structured lab: the fault-tolerant Strassen finds and corrects a flipped bit, and says so', async ({ page }) => {
  await openApp(page, '#v=1&f=structured&k=strassen-abft&M=64&N=64&K=64&fault=bitflip&product=3&row=5&col=7&bit=26&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');
  await expect(page.getByTestId('abft-summary')).toContainText('Verdict: as expected');
  await expect(page.getByTestId('abft-summary')).toContainText('detected, located and corrected');
  await expect(page.getByTestId('abft-verdicts').locator('tbody tr').nth(2)).toContainText('corrected (one element)');
  await expect(page.getByTestId('strassen-products')).toBeVisible();
});
