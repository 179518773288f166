import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { openApp } from './helpers';

test('walks a lesson end to end, with the step in the URL', async ({ page }) => {
  await openApp(page, '#lesson=tiling');
  const lesson = page.getByTestId('lesson');
  await expect(lesson).toContainText('step 1 of 3');
  await expect(lesson).toContainText('The naive kernel');
  await expect(page.getByLabel('Variant')).toHaveValue('naive');
  expect(page.url()).toContain('lesson=tiling&step=1');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('bound')).toContainText('yes, every element');

  await page.getByRole('button', { name: 'Next step →' }).click();
  await expect(lesson).toContainText('The tiled kernel');
  await expect(page.getByLabel('Variant')).toHaveValue('tiled');
  expect(page.url()).toContain('step=2');
  // The keyboard (a presentation clicker) drives the steps too.
  await page.locator('body').press('n');
  await expect(lesson).toContainText('step 3 of 3');
  await page.locator('body').press('b');
  await expect(lesson).toContainText('step 2 of 3');

  // Reload: the lesson and step survive in the URL.
  await page.reload();
  await expect(page.getByTestId('lesson')).toContainText('step 2 of 3');
});

test('a link to a lesson that does not exist warns visibly, never substitutes silently', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&lesson=no-such-lesson&step=4');
  await expect(page.getByTestId('link-problems')).toContainText('the lesson "no-such-lesson" does not exist');
  await expect(page.getByTestId('lesson')).toHaveCount(0);
  await expect(page.getByLabel('Variant')).toHaveValue('tiled');
});

test('presenter mode: large type, controls collapsed, keyboard run', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&ui=present');
  const app = page.locator('.app');
  await expect(app).toHaveAttribute('data-mode', 'present');
  const fontSize = await app.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontSize).toBeGreaterThan(20);
  await expect(page.getByLabel('M (rows of A and C)')).toBeHidden(); // inside the collapsed Controls
  await page.locator('body').press('r');
  await expect(page.getByTestId('results')).toBeVisible();
  await page.locator('body').press('p');
  await expect(app).toHaveAttribute('data-mode', 'normal');
});

test('embed mode shows one experiment, one chart and a Run button', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:2,4,8&ui=embed');
  await expect(page.locator('.app')).toHaveAttribute('data-mode', 'embed');
  await expect(page.getByLabel('M (rows of A and C)')).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /History|Compare/ })).toHaveCount(0);
  // A quick link runs by itself; Run runs it again.
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '3', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '3');
});

test('a teacher hides and locks controls, and the link carries it', async ({ page, browser }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2');
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByText('Classroom: hide or lock controls').click();
  await page.getByLabel('Hide seed').check();
  await page.getByLabel('Lock tile').check();
  await expect(page.getByTestId('share-link')).toHaveValue(/hide=seed&lock=tile/);
  const link = await page.getByTestId('share-link').inputValue();
  // The embed keeps the classroom's hidden and locked controls.
  await expect(page.getByTestId('embed-snippet')).toHaveValue(/<iframe src="[^"]*ui=embed&hide=seed&lock=tile"/);

  const student = await (await browser.newContext()).newPage();
  await openApp(student, link.slice(link.indexOf('#')));
  await expect(student.getByLabel('Seed')).toBeHidden();
  await expect(student.getByLabel(/Tile size T.*locked by the teacher/)).toBeDisabled();
  await expect(student.getByLabel('M (rows of A and C)')).toBeEnabled();
});

test('a link with a results snapshot shows the sender and the receiver side by side', async ({ page, browser }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=48&N=48&K=48&tile=8&seed=5&reps=2');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('results')).toBeVisible();
  await page.getByRole('button', { name: 'Share' }).click();
  await page.getByLabel(/Include my results/).check();
  await expect(page.getByTestId('share-link')).toHaveValue(/snap=/);
  const link = await page.getByTestId('share-link').inputValue();
  expect(link.length).toBeLessThan(1500);

  const receiver = await (await browser.newContext()).newPage();
  await openApp(receiver, link.slice(link.indexOf('#')));
  const panel = receiver.getByTestId('snapshot-compare');
  await expect(panel).toBeVisible();
  await expect(receiver.getByTestId('sender-device')).toContainText('swiftshader');
  // A quick link runs by itself: the receiver's own figure arrives without a click.
  await expect(receiver.getByTestId('my-gflops')).toHaveText(/^\d/, { timeout: 60_000 });
  await expect(panel.locator('tbody tr')).toHaveCount(1);
});

test('history survives a reload; export then import reproduces the runs; a corrupt file changes nothing', async ({ page }, testInfo) => {
  await openApp(page, '#v=1&f=matmul&k=naive&M=16&N=16&K=16&wg=8&seed=1&reps=2');
  // The link runs by itself on the GPU (it is predicted to be quick).
  await expect(page.getByTestId('headline-time')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'History (1)' })).toBeVisible();
  await page.getByRole('button', { name: 'Run on CPU (emulated)' }).click();
  await expect(page.getByTestId('results')).toContainText('CPU float32 emulation');
  await expect(page.getByRole('tab', { name: 'History (2)' })).toBeVisible();

  // Reload the plain page (reopening the link would run it again, by design).
  await page.goto('./');
  await page.reload();
  await page.getByRole('tab', { name: 'History (2)' }).click();
  const table = page.getByTestId('history-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await page.getByLabel('Search runs (kernel, variant, shape, adapter)').fill('cpu');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await page.getByLabel('Search runs (kernel, variant, shape, adapter)').fill('');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const file = testInfo.outputPath('runs.json');
  await (await download).saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported.runs).toHaveLength(2);

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csvFile = testInfo.outputPath('runs.csv');
  await (await csvDownload).saveAs(csvFile);
  expect(readFileSync(csvFile, 'utf8').trim().split('\n')).toHaveLength(3);

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page.getByRole('tab', { name: 'History (0)' })).toBeVisible();

  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('import-message')).toContainText('Imported 2 run(s)');
  await expect(table.locator('tbody tr')).toHaveCount(2);

  const corrupt = testInfo.outputPath('corrupt.json');
  exported.runs[1].result.gflops = 'fast';
  writeFileSync(corrupt, JSON.stringify(exported));
  await page.getByTestId('import-file').setInputFiles(corrupt);
  await expect(page.getByTestId('import-message')).toContainText(/Nothing was imported: run 2: (result\.)?gflops/);
  await expect(table.locator('tbody tr')).toHaveCount(2);

  // Pin both and compare side by side.
  const rows = table.locator('tbody tr');
  await rows.nth(0).getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(rows.nth(0).getByRole('button', { name: 'Unpin' })).toBeVisible();
  await rows.nth(1).getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unpin' })).toHaveCount(2);
  await page.getByRole('tab', { name: 'Compare (2)' }).click();
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(3);
});
