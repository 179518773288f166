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
