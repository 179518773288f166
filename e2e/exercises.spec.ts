// Exercises and the class board in Chromium (WebGPU on SwiftShader), as a student and a teacher
// use them: the starter fails with its verdict, the pasted solution passes, the result link opens
// in a fresh browser context (the teacher's) and joins the class board; a tampered link is
// refused; progress survives a reload.
import { expect, test, type Page } from '@playwright/test';
import { openApp, seriousViolations } from './helpers';

test.use({ viewport: { width: 1280, height: 1800 } });

/** Replaces the editor's whole text, as a paste does. */
async function pasteIntoEditor(page: Page, text: string) {
  const content = page.locator('.cm-content');
  await expect(content).toBeVisible({ timeout: 30_000 });
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+v');
}

test('solve an exercise by pasting the solution, share the result, and the teacher adds it to the board', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors = await openApp(page, '#exercises');
  await expect(page.getByRole('heading', { name: 'Exercises', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Zip: α·x + y' }).click();
  await expect(page).toHaveURL(/#exercise=zip$/);
  await expect(page.getByRole('heading', { name: 'Zip: α·x + y' })).toBeVisible();
  await expect(page.locator('.cm-content')).toContainText('TODO: scale x[i] by sizes.alpha', { timeout: 30_000 });

  // The starter fails, and the verdict says where.
  await page.getByRole('button', { name: 'Submit' }).click();
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveAttribute('data-kind', 'wrong', { timeout: 90_000 });
  await expect(page.getByTestId('verdict-message')).toContainText(/First failing shape: n = \d+: \d+ of \d+ outputs/);

  // Hints one at a time.
  await page.getByRole('button', { name: 'Show hint 1 of 2' }).click();
  await expect(page.getByTestId('hint')).toHaveCount(1);

  // The solution is behind a confirmation.
  await page.getByRole('button', { name: 'Show the solution…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('recorded with every result');
  await page.getByRole('button', { name: 'Yes, show the solution' }).click();
  const solution = (await page.getByTestId('solution').textContent()) ?? '';
  expect(solution).toContain('sizes.alpha * x[i] + y[i]');

  await pasteIntoEditor(page, solution);
  await expect(page.locator('.cm-content')).toContainText('z[i] = sizes.alpha * x[i] + y[i];');
  await page.getByLabel('Your name (shown on the class board)').fill('Ada');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(verdict).toHaveAttribute('data-kind', 'passed', { timeout: 90_000 });
  await expect(page.getByTestId('verdict-message')).toContainText('Passed: all 5 hidden shapes are within the float64 bound');
  const link = await page.getByTestId('result-link').inputValue();
  expect(link).toMatch(/#sub=[A-Za-z0-9_-]+$/);

  // Progress survives a reload: the last result, the hint, the solution viewed.
  await page.reload();
  await expect(page.getByTestId('saved-result')).toContainText('passed', { timeout: 30_000 });
  await expect(page.getByTestId('hint')).toHaveCount(1);
  await expect(page.getByTestId('solution')).toBeVisible();
  expect(errors).toEqual([]);

  // The teacher, in a fresh browser context (nothing shared with the student's).
  const teacher = await browser.newContext();
  const board = await teacher.newPage();
  await openApp(board, `#${link.split('#')[1]}`);
  const incoming = board.getByTestId('incoming');
  await expect(incoming).toContainText('Ada');
  await expect(incoming).toContainText('passed');
  await board.getByRole('button', { name: 'Add to my class board' }).click();
  const row = board.getByTestId('board-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Ada');
  await expect(row).toContainText('✓ passed');
  await expect(row).toContainText('1 of 1');
  await expect(row).toContainText('solution viewed');

  // The same link again, a tampered copy and a damaged one: refused, each with its reason.
  const code = link.split('#sub=')[1];
  const damaged = `${link.split('#')[0]}#sub=${code.slice(0, code.length - 12)}`;
  await board.getByLabel('Result links').fill([link, damaged, 'https://example.org/not-a-result'].join('\n'));
  await board.getByRole('button', { name: 'Add to the board' }).click();
  const refusals = board.getByTestId('board-refusal');
  await expect(refusals).toHaveCount(3);
  await expect(refusals.nth(0)).toContainText('duplicate');
  await expect(refusals.nth(1)).toContainText(/damaged|not a Kernel Lab result/);
  await expect(refusals.nth(2)).toContainText('not a Kernel Lab result link');
  await expect(board.getByTestId('board-row')).toHaveCount(1);

  // The board is kept in the teacher's browser.
  await board.reload();
  await expect(board.getByTestId('board-row')).toHaveCount(1, { timeout: 30_000 });

  // The source rode along: the teacher judges it again on this device.
  await board.getByRole('button', { name: 'Re-judge here' }).click();
  await expect(board.getByTestId('rejudged')).toContainText('Re-judged here: passed (agrees)', { timeout: 90_000 });
  await teacher.close();
});

test('an unknown exercise in a link says so and shows the list', async ({ page }) => {
  await openApp(page, '#exercise=no-such-exercise');
  await expect(page.getByRole('alert').filter({ hasText: 'There is no exercise "no-such-exercise"' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Map: square every element' })).toBeVisible();
  // Back to the lab, whose lessons link to the exercises.
  await page.getByRole('button', { name: '← Back to the lab' }).click();
  await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeVisible();
});

test('a lesson step links to the exercise that asks what it teaches', async ({ page }) => {
  await openApp(page, '#lesson=tiling&step=2');
  const links = page.getByTestId('lesson-exercises');
  await expect(links).toContainText('Matrix multiplication, tiled in workgroup memory');
  await links.getByRole('link', { name: 'Matrix multiplication, tiled in workgroup memory' }).click();
  await expect(page).toHaveURL(/#exercise=tiled-matmul$/);
  await expect(page.getByRole('link', { name: /Why tiling matters, step 2/ })).toBeVisible();
});

test('axe finds no serious violations on the exercises menu, an exercise with its verdict, and the board', async ({ page }) => {
  await openApp(page, '#exercises');
  expect(await seriousViolations(page)).toEqual([]);
  await openApp(page, '#exercise=guard');
  await expect(page.locator('.cm-content')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Submit' }).click();
  // The starter reads and writes past the end: the bounds checker says where.
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-kind', 'out-of-bounds', { timeout: 90_000 });
  await expect(page.getByTestId('verdict-message')).toContainText(/Out of bounds at line \d+/);
  expect(await seriousViolations(page)).toEqual([]);
  await openApp(page, '#board');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the exercises work offline after the first visit, progress included', async ({ page, context }) => {
  await openApp(page, '#exercise=map');
  await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
  await page.reload(); // now controlled by the service worker
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  await expect(page.locator('.cm-content')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Show hint 1 of 2' }).click();
  await expect(page.getByTestId('hint')).toHaveCount(1);
  // A reload aborts IndexedDB writes still in flight: wait until the hint is stored (on a busy
  // machine the write can take longer than the test takes to reach the reload).
  const storedHints = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('kernel-lab-exercises');
          open.onsuccess = () => {
            const request = open.result.transaction('progress', 'readonly').objectStore('progress').get('map');
            request.onsuccess = () => resolve(request.result?.hintsShown ?? -1);
            request.onerror = () => resolve(-1);
          };
          open.onerror = () => resolve(-1);
        }),
    );
  await expect.poll(storedHints, { timeout: 10_000 }).toBe(1);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  await expect(page.locator('.cm-content')).toContainText('TODO: write x[i] squared.', { timeout: 30_000 });
  await expect(page.getByTestId('hint')).toHaveCount(1);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-kind', 'wrong', { timeout: 90_000 });
  await context.setOffline(false);
});
