import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Opens the app (optionally with a hash) and waits until the worker has reported the GPU. */
export async function openApp(page: Page, hash = '') {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`./${hash}`);
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  return errors;
}

export async function setNumber(page: Page, label: string | RegExp, value: number) {
  const input = page.getByLabel(label, { exact: typeof label === 'string' });
  await input.fill(String(value));
  await input.blur();
}

/** axe-core's serious and critical violations on the page (or inside `scope`), each with up to three of its nodes. */
export async function seriousViolations(page: Page, scope?: string) {
  const axe = new AxeBuilder({ page });
  const results = await (scope ? axe.include(scope) : axe).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join('; ')})`,
    );
}
