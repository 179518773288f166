// The live kernel editor in Chromium (WebGPU on SwiftShader), as a user drives it: compile errors
// inline at their line, Check finds the missing barrier, an edit travels in a link to a fresh
// browser context, an endless loop is refused and the next run succeeds; and the faults every run
// must survive (issue 13): a device destroyed mid-run, an uncaught error in the worker, the worker
// terminated — each followed by a run that works.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './helpers';

// A tall window: CodeMirror draws only the lines in view, and the tests find lines by their text.
test.use({ viewport: { width: 1280, height: 1800 } });

const TILED = '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2';

async function openEditor(page: Page, hash = TILED) {
  await openApp(page, hash);
  await page.locator('.controls').getByTestId('edit-wgsl').click();
  await expect(page.getByTestId('compile-status')).toContainText('Compiles, and its bindings match the harness', { timeout: 60_000 });
}

/** The editor line (1-based) that contains `text` (the n-th such line). */
async function lineOf(page: Page, text: string, nth = 0): Promise<number> {
  // CodeMirror draws only the lines in the window: bring the whole editor into view first.
  await page.locator('.cm-editor').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await expect.poll(async () => (await page.locator('.cm-content .cm-line').allTextContents()).filter((l) => l.includes(text)).length).toBeGreaterThan(nth);
  const lines = await page.locator('.cm-content .cm-line').allTextContents();
  const found = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes(text));
  expect(found.length, `a line with ${text}`).toBeGreaterThan(nth);
  return found[nth][1] + 1;
}

/** Puts the cursor at the end of editor line `line` (1-based). */
async function endOfLine(page: Page, line: number) {
  await page
    .locator('.cm-content .cm-line')
    .nth(line - 1)
    .click();
  await page.keyboard.press('End');
}

test('a syntax error is shown inline at its line and in the list', async ({ page }) => {
  await openEditor(page);
  const line = await lineOf(page, 'var acc = 0.0;');
  await endOfLine(page, line);
  await page.keyboard.press('Backspace'); // drop the semicolon
  // The parser stops where the next statement starts: the line after.
  await expect(page.getByTestId('editor-messages')).toContainText(`line ${line + 1}:`, { timeout: 30_000 });
  await expect(page.getByTestId('compile-status')).toContainText('Does not compile');
  const marked = page.locator('.cm-content .cm-line').nth(line).locator('.cm-lintRange-error, .cm-lintPoint-error');
  await expect(marked.first()).toBeAttached();
  await expect(page.getByRole('button', { name: 'Run edit on GPU' })).toBeDisabled();
});

test('the tiled kernel without its second barrier: Check reports the hazard with both lines', async ({ page }) => {
  await openEditor(page);
  const line = await lineOf(page, 'workgroupBarrier();', 1);
  await endOfLine(page, line);
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('compile-status')).toContainText('Compiles', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Check races and bounds' }).click();
  await expect(page.getByTestId('check-verdict')).toContainText('problem', { timeout: 90_000 });
  const hazard = page.getByTestId('check-problem').filter({ hasText: 'race' }).first();
  await expect(hazard).toContainText(/Write-after-read race on `tile[AB]\[\d+\]`/);
  await expect(hazard.getByRole('button', { name: /^line \d+$/ })).toHaveCount(2);
  // The same lines are marked in the code.
  await expect(page.locator('.cm-content .cm-lintRange-error').first()).toBeAttached();
});

test('an edit shared by link opens in the editor of a fresh context and runs through the harness', async ({ page, browser }) => {
  await openEditor(page);
  const line = await lineOf(page, 'var acc = 0.0;');
  await endOfLine(page, line);
  await page.keyboard.type(' // shared edit');
  await page.getByRole('button', { name: 'Share this edit' }).click();
  const url = await page.getByTestId('edit-link').inputValue();
  expect(url).toMatch(/[#&]edit=[\w-]+/);
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await openApp(fresh, url.slice(url.indexOf('#')));
  await expect(fresh.getByTestId('editor-origin')).toContainText('from the link');
  await expect(fresh.locator('.cm-content')).toContainText('var acc = 0.0; // shared edit');
  await expect(fresh.getByTestId('compile-status')).toContainText('Compiles', { timeout: 60_000 });
  await fresh.getByRole('button', { name: 'Run edit on GPU' }).click();
  await expect(fresh.getByTestId('editor-verdict')).toContainText('The edit passes', { timeout: 90_000 });
  await expect(fresh.getByTestId('editor-ratio')).toContainText('× the unedited kernel');
  // Both runs went into History; the edit under its hash.
  await fresh.getByRole('tab', { name: /History/ }).click();
  await expect(fresh.getByTestId('history-table')).toContainText('edited #');
  await context.close();
});

test('an endless loop is refused without taking the GPU, the text is kept, and the next run succeeds', async ({ page }) => {
  await openEditor(page);
  const line = await lineOf(page, 'k0 += T');
  await endOfLine(page, line);
  // `k0 += T) {` → `k0 += 0u) {`: the K loop never advances.
  for (let i = 0; i < ') {'.length; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('0u');
  await expect(page.getByTestId('compile-status')).toContainText('Compiles', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Run edit on GPU' }).click();
  await expect(page.getByTestId('editor-refused')).toContainText('never ends', { timeout: 90_000 });
  await expect(page.getByTestId('editor-refused')).toContainText(`line ${line}`);
  await expect(page.locator('.cm-content')).toContainText('k0 += 0u');
  // Fix it and run: the device is fine.
  await page.getByRole('button', { name: 'Reset to generated' }).click();
  await page.getByRole('button', { name: 'Run edit on GPU' }).click();
  await expect(page.getByTestId('editor-verdict')).toContainText('The edit passes', { timeout: 90_000 });
  // The draft survives a reload (IndexedDB): edit, reload, reopen.
  await endOfLine(page, line);
  await page.keyboard.type(' // kept');
  await page.waitForTimeout(1000);
  await page.reload();
  await expect(page.locator('.app')).not.toHaveAttribute('data-gpu', 'probing', { timeout: 60_000 });
  await page.locator('.controls').getByTestId('edit-wgsl').click();
  await expect(page.getByTestId('editor-origin')).toContainText('saved draft');
  await expect(page.locator('.cm-content')).toContainText('// kept');
});

test.describe('faults are recovered without a reload', () => {
  const SMALL = '#v=1&f=matmul&k=naive&M=8&N=8&K=8&wg=4&seed=1&reps=2';

  async function labWorker(page: Page) {
    await expect.poll(() => page.workers().filter((w) => w.url().includes('lab.worker')).length).toBeGreaterThan(0);
    return page
      .workers()
      .filter((w) => w.url().includes('lab.worker'))
      .at(-1)!;
  }

  async function runWorks(page: Page, label: string) {
    const t0 = Date.now();
    await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeEnabled({ timeout: 30_000 });
    const ready = Date.now() - t0;
    await page.getByRole('button', { name: 'Run on GPU' }).click();
    await expect(page.getByTestId('bound')).toContainText('yes, every element', { timeout: 30_000 });
    console.log(`${label}: Run enabled after ${ready} ms, result ${Date.now() - t0} ms after the fault was handled`);
  }

  test('a device.destroy() in the middle of a run', async ({ page }) => {
    await openApp(page, SMALL);
    // The quick link runs by itself; wait until it is done.
    await expect(page.getByTestId('bound')).toContainText('yes, every element');
    await expect(page.getByTestId('progress')).toHaveCount(0);
    const history = await page.getByRole('tab', { name: /History/ }).textContent();
    const worker = await labWorker(page);
    // The next command encoder destroys its device first: the run's submission meets a lost device.
    await worker.evaluate(() => {
      const original = GPUDevice.prototype.createCommandEncoder;
      let armed = true;
      GPUDevice.prototype.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
        if (armed) {
          armed = false;
          this.destroy();
        }
        return original.apply(this, args);
      };
    });
    await page.getByRole('button', { name: 'Run on GPU' }).click();
    await expect(page.getByTestId('run-error')).toContainText('device was lost', { timeout: 30_000 });
    await runWorks(page, 'device destroyed mid-run');
    // History keeps the run before the fault and gains the one after it.
    const count = (text: string | null) => Number(text!.match(/\d+/)![0]);
    await expect.poll(async () => count(await page.getByRole('tab', { name: /History/ }).textContent())).toBe(count(history) + 1);
  });

  test('an uncaught error in the worker', async ({ page }) => {
    await openApp(page, SMALL);
    const worker = await labWorker(page);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('injected fault');
      }, 0);
    });
    await expect(page.getByTestId('run-error')).toContainText('injected fault');
    await runWorks(page, 'uncaught error in the worker');
  });

  test('the worker terminated', async ({ page }) => {
    await page.addInitScript(() => {
      const Original = window.Worker;
      const made: Worker[] = [];
      (window as unknown as { __workers: Worker[] }).__workers = made;
      window.Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          made.push(this);
        }
      } as typeof Worker;
    });
    await openApp(page, SMALL);
    // The quick link runs by itself first; the worker dies between runs.
    await expect(page.getByTestId('bound')).toContainText('yes, every element');
    await expect(page.getByTestId('progress')).toHaveCount(0);
    await page.evaluate(() => (window as unknown as { __workers: Worker[] }).__workers.at(-1)!.terminate());
    await runWorks(page, 'worker terminated');
  });

  test('the worker killed in the middle of a run is noticed without Cancel', async ({ page }) => {
    await page.addInitScript(() => {
      const Original = window.Worker;
      const made: Worker[] = [];
      (window as unknown as { __workers: Worker[] }).__workers = made;
      window.Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          made.push(this);
        }
      } as typeof Worker;
    });
    // A run long enough to kill the worker while it is in flight (many repetitions of a small kernel).
    await openApp(page, '#v=1&f=matmul&k=naive&M=128&N=128&K=128&wg=8&seed=1&reps=200');
    // The link may run by itself (predicted quick) or wait for Run, which may ask first.
    const progress = page.getByTestId('progress');
    const confirm = page.getByTestId('confirm-run');
    if (!(await progress.isVisible())) await page.getByRole('button', { name: 'Run on GPU' }).click();
    await expect(progress.or(confirm)).toBeVisible();
    if (await confirm.isVisible()) await page.getByRole('button', { name: /Run anyway/ }).click();
    await expect(progress).toBeVisible();
    const killedAt = Date.now();
    await page.evaluate(() => (window as unknown as { __workers: Worker[] }).__workers.at(-1)!.terminate());
    await expect(page.getByTestId('run-error')).toContainText('stopped answering during the run', { timeout: 20_000 });
    console.log(`worker killed mid-run: noticed after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    await expect(page.getByTestId('progress')).toHaveCount(0);
    // A small experiment next (the long one would ask first), on the fresh worker.
    await page.evaluate((hash) => (window.location.hash = hash), SMALL);
    await expect(page.getByRole('button', { name: 'Run on GPU' })).toBeEnabled({ timeout: 30_000 });
    if (
      !(
        await page
          .getByTestId('bound')
          .textContent()
          .catch(() => '')
      )?.includes('yes')
    )
      await runWorks(page, 'worker killed mid-run');
    await expect(page.getByTestId('bound')).toContainText('yes, every element', { timeout: 30_000 });
  });
});
