import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

test('matmul lab: a sweep fills the configuration heatmap, the tuner finds a tuned variant, the roofs are measured', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=regblock&M=64&N=64&K=64&BM=32&BN=32&BK=8&TM=4&TN=4&staging=global&vec4=0&seed=1&reps=2&sw=BM:16,32,64');
  await page.getByRole('button', { name: 'Run sweep on GPU' }).click();
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '3', { timeout: 90_000 });
  const heatmap = page.getByTestId('matmul-heatmap-svg');
  await expect(heatmap).toBeVisible();
  // Measured cells are drawn (one rect per measured configuration at least).
  await expect(heatmap.locator('rect').first()).toBeVisible();

  // The tuner, for a few seconds.
  const tuner = page.getByTestId('tuner');
  await tuner.getByLabel('Time budget (seconds)').fill('4');
  await tuner.getByRole('button', { name: 'Run autotuner' }).click();
  await expect(page.getByTestId('tune-result')).toBeVisible({ timeout: 110_000 });
  await expect(page.getByTestId('tune-result')).toContainText('every output within the float64 bound');
  await expect(page.getByTestId('tune-speedup')).toHaveText(/^\d/);
  await expect(page.getByTestId('tuned-configs')).toContainText('Tuned variant');
  await page.getByTestId('tuned-configs').getByRole('button', { name: 'Use the tuned configuration' }).click();
  // The tuner searches three register-blocked kernels: the form takes the one it offered.
  await expect(page.getByLabel('Variant')).toHaveValue(/^regblock(-bt|-quad)?$/);
  const tunedVariant = await page.getByLabel('Variant').inputValue();
  await expect(page).toHaveURL(new RegExp(`[#&]k=${tunedVariant}(&|$)`));

  // The tuned configuration is remembered for this device across reloads.
  await page.reload();
  await expect(page.getByTestId('tuned-configs')).toContainText('Tuned variant', { timeout: 60_000 });

  // The roofs.
  await page
    .getByTestId('roofline')
    .getByRole('button', { name: /Measure the roofs/ })
    .click();
  await expect(page.getByTestId('roof-fma')).toHaveText(/^\d.* GFLOP\/s$/, { timeout: 110_000 });
  await expect(page.getByTestId('roof-bw')).toHaveText(/^\d.* GB\/s$/);
});

test('matmul lab: the subgroup-matrix variant is offered only where the adapter has matrix units, and a link to it explains', async ({ page }) => {
  // SwiftShader has no subgroup matrices: the option is disabled and the reason is given.
  const errors = await openApp(page, '#v=1&f=matmul&k=subgroup-matrix&M=64&N=64&K=64&seed=1&reps=2');
  const option = page.locator('#variant option[value="subgroup-matrix"]');
  await expect(option).toBeDisabled();
  await expect(option).toContainText('not on this device');
  // The variants this device cannot run are folded into one line that expands to the reasons.
  await page.getByTestId('unavailable-variants').locator('summary').click();
  await expect(
    page.getByText(/Subgroup matrices \(cooperative matrix units\): this adapter does not offer "chromium-experimental-subgroup-matrix"/),
  ).toBeVisible();
  // The app keeps running: another variant still runs and is checked.
  await page.locator('#variant').selectOption('naive');
  await page.getByRole('button', { name: 'Run on GPU', exact: true }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element', { timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('matmul lab: the f16 accumulator lesson shows error growing with K, f16 against f32 accumulation', async ({ page }) => {
  const errors = await openApp(page, '#v=1&f=matmul&k=f16-acc16&M=16&N=16&K=64&seed=1&reps=2');
  const table = page.getByTestId('accumulation-table');
  await expect(table.locator('tbody tr')).toHaveCount(6, { timeout: 30_000 });
  const cells = async (row: number) => (await table.locator('tbody tr').nth(row).locator('td').allTextContents()).map((t) => parseFloat(t));
  const first = await cells(0);
  const last = await cells(5);
  // f16 accumulation errs more than f32 at every K, and its error grows with K.
  expect(first[0]).toBeGreaterThan(first[1]);
  expect(last[0]).toBeGreaterThan(100 * last[1]);
  expect(last[0]).toBeGreaterThan(5 * first[0]);
  await expect(page.getByTestId('accumulation-chart').locator('circle')).toHaveCount(12);
  // SwiftShader has no shader-f16: the page says so instead of offering a GPU sweep.
  await expect(page.getByTestId('accumulation')).toContainText('no "shader-f16"');
  expect(errors).toEqual([]);
});
