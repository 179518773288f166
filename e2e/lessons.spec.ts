// Every lesson step's link opens in the browser and runs within its float64 bound on WebGPU
// (SwiftShader): one test per lesson, its steps in a loop, each opened from its own link.
import { expect, test } from '@playwright/test';
import { LESSONS } from '../src/lessons';
import { openApp } from './helpers';

for (const lesson of LESSONS) {
  test(`lesson ${lesson.id}: every step opens from its link and runs within the bound`, async ({ page }) => {
    test.setTimeout(120_000 * lesson.steps.length);
    for (let step = 1; step <= lesson.steps.length; step++) {
      const errors = await openApp(page, `#lesson=${lesson.id}&step=${step}`);
      await expect(page.getByTestId('lesson')).toContainText(`step ${step} of ${lesson.steps.length}`);
      await expect(page.getByTestId('lesson')).toContainText(lesson.steps[step - 1].title);
      const sweep = lesson.steps[step - 1].experiment.includes('&sw=');
      await page.getByRole('button', { name: sweep ? 'Run sweep on GPU' : 'Run on GPU' }).click();
      // A run predicted to be long asks first (the prediction is a guess until this device has run something).
      const confirm = page.getByTestId('confirm-run');
      if (await confirm.isVisible({ timeout: 1500 }).catch(() => false)) await confirm.getByRole('button').first().click();
      if (sweep) {
        const table = page.getByTestId('sweep-table');
        await expect(table).toBeVisible({ timeout: 30_000 });
        await expect(table.locator('tbody')).not.toContainText('pending', { timeout: 110_000 });
        await expect(table.locator('tbody')).toContainText('ok');
        await expect(table.locator('tbody')).not.toContainText('outside bound');
      } else {
        await expect(page.getByTestId('bound')).toContainText('yes, every element', { timeout: 110_000 });
      }
      expect(errors, `${lesson.id} step ${step}`).toEqual([]);
    }
  });
}
