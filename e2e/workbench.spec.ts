// The workbench (issue 12): one screen, links that run themselves, a form that never lies,
// Cancel that gives the page back, charts that belong to their experiment, locks that hold.
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, test, type Page } from '@playwright/test';
import { findVariant } from '../src/kernels/registry';
import { EXPERIMENT_FIELDS } from '../src/kernels/experiment';
import { parseParam, paramText } from '../src/kernels/schema';
import type { ParamDef } from '../src/kernels/types';
import { openApp } from './helpers';

const SMALL = '#v=1&f=matmul&k=naive&M=64&N=64&K=64&wg=8&seed=1&reps=5';

/** The test id of a field's problem message (parameters are `param-<key>`, seed and reps their own). */
const problemId = (key: string) => `${key === 'seed' || key === 'reps' ? key : `param-${key}`}-problem`;

function hashField(page: Page, key: string): Promise<string | undefined> {
  return page.evaluate(
    (k) =>
      new Map(
        location.hash
          .slice(1)
          .split('&')
          .map((p) => p.split('=').map(decodeURIComponent) as [string, string]),
      ).get(k),
    key,
  );
}

test.describe('one screen at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('a small link shows the headline result in the viewport with no click and no scroll', async ({ page }) => {
    await openApp(page, SMALL);
    await expect(page.getByTestId('headline')).toBeInViewport({ timeout: 60_000 });
    await expect(page.getByTestId('headline-time')).toHaveText(/\d (ms|µs|s)$/);
    await expect(page.getByTestId('headline-bound')).toHaveText('yes, every element');
    expect(await page.evaluate(() => [window.scrollY, document.querySelector('.output')?.scrollTop ?? 0])).toEqual([0, 0]);
    // The generated WGSL is one click away, in the same screen.
    await page.getByRole('tab', { name: 'WGSL' }).click();
    await expect(page.getByTestId('wgsl')).toBeInViewport();
    await expect(page.getByTestId('wgsl')).toContainText('@compute');
  });

  test("Run is in the viewport on first load for every family's default", async ({ page }) => {
    for (const family of ['matmul', 'quant', 'sparse', 'scan']) {
      await openApp(page, `#v=1&f=${family}`);
      // Run, or Cancel while the link runs by itself.
      await expect(page.locator('.run-bar').getByRole('button', { name: /^(Run (sweep )?on GPU|Cancel)$/ }), family).toBeInViewport();
      expect(await page.evaluate(() => window.scrollY), family).toBe(0);
    }
  });

  test('every run shows its prediction first; a run predicted to take minutes asks and says why', async ({ page }) => {
    await openApp(page, '#v=1&f=matmul&k=naive&M=2048&N=2048&K=2048&wg=8&seed=1&reps=5');
    await expect(page.getByTestId('no-result')).toContainText(/Not run by itself: it is predicted to take about \d+ (s|min|h)/);
    await expect(page.getByTestId('prediction')).toContainText(/Predicted: about \d+/);
    await page.getByRole('button', { name: 'Run on GPU' }).click();
    const ask = page.getByTestId('confirm-run');
    await expect(ask).toBeVisible();
    await expect(ask).toContainText(/predicted to take about \d+ (min|h)/);
    await page.getByRole('button', { name: 'Don’t run' }).click();
    await expect(ask).toHaveCount(0);
    await expect(page.getByTestId('progress')).toHaveCount(0);
  });

  test('a software adapter is labelled as such, from isFallbackAdapter', async ({ page }) => {
    await openApp(page, SMALL);
    const fallback = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      const info = a?.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
      return Boolean(info?.isFallbackAdapter ?? (a as (GPUAdapter & { isFallbackAdapter?: boolean }) | null)?.isFallbackAdapter);
    });
    await expect(page.getByTestId('headline')).toBeVisible({ timeout: 60_000 });
    if (fallback) {
      await expect(page.getByTestId('software-adapter')).toBeVisible();
      await expect(page.getByTestId('device-badge')).toContainText('software adapter');
      await expect(page.getByTestId('software-note')).toContainText('CPU speeds');
    } else {
      await expect(page.getByTestId('software-adapter')).toHaveCount(0);
      await expect(page.getByTestId('device-badge')).toHaveText('GPU');
    }
  });
});

test.describe('on a phone (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('a sticky bar keeps Run and the headline number on screen', async ({ page }) => {
    await openApp(page, SMALL);
    const bar = page.getByTestId('phone-bar');
    await expect(bar).toBeInViewport();
    await expect(page.getByTestId('phone-headline')).toHaveText(/\d (ms|µs|s) · [\d.e+-]+ GFLOP\/s/, { timeout: 60_000 });
    await page.mouse.wheel(0, 1500);
    await expect(bar).toBeInViewport();
    await expect(bar.getByRole('button', { name: 'Run' })).toBeInViewport();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(391);
  });
});

test.describe('the form never lies (UI level)', () => {
  const tiled = findVariant('matmul', 'tiled')!;
  const cases: [string, string, ParamDef][] = [
    ['M (rows of A and C)', 'M', tiled.params.find((p) => p.key === 'M')!],
    ['Seed', 'seed', { ...EXPERIMENT_FIELDS.seed }],
    ['Repetitions', 'reps', { ...EXPERIMENT_FIELDS.reps }],
  ];
  const keys = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '-', 'e', 'x', '.', 'Backspace'), { minLength: 1, maxLength: 8 });

  test('random keystrokes: the link and the next run hold the field’s parsed value, or the last valid one the message names', async ({ page }) => {
    // Repetitions high enough that the link does not run by itself while we type.
    await openApp(page, '#v=1&f=matmul&k=tiled&M=48&N=16&K=16&tile=4&seed=3&reps=150');
    for (const [label, key, def] of cases) {
      const field = page.getByLabel(label, { exact: true });
      let kept = (await hashField(page, key))!;
      for (const sequence of fc.sample(keys, { numRuns: 6, seed: label.length })) {
        await field.click();
        await field.press('Control+A');
        await field.press('Delete');
        for (const k of sequence) await (k === 'Backspace' ? field.press('Backspace') : field.pressSequentially(k));
        const typed = await field.inputValue();
        // Typing alone changes nothing outside the field.
        expect(await hashField(page, key), `${label} while typing ${JSON.stringify(typed)}`).toBe(kept);
        await field.press('Tab');
        const parsed = parseParam(def, typed);
        const now = await hashField(page, key);
        if (parsed.reason === null) {
          expect(now, `${label} ← ${JSON.stringify(typed)}`).toBe(paramText(parsed.value));
          await expect(field).toHaveValue(paramText(parsed.value));
          await expect(page.getByTestId(problemId(key))).toHaveCount(0);
          kept = now!;
        } else {
          expect(now, `${label} ← ${JSON.stringify(typed)} is refused`).toBe(kept);
          await expect(field).toHaveValue(typed);
          await expect(field).toHaveAttribute('aria-invalid', 'true');
          const problem = page.getByTestId(problemId(key));
          await expect(problem).toContainText(`The experiment keeps ${def.label} = ${kept}.`);
        }
      }
    }
    // The next run uses what the link says.
    const [M, seed] = [await hashField(page, 'M'), await hashField(page, 'seed')];
    await page.getByLabel('Repetitions', { exact: true }).fill('2');
    await page.getByLabel('Repetitions', { exact: true }).press('Enter');
    await page.getByRole('button', { name: 'Run on GPU' }).click();
    await expect(page.getByTestId('headline')).toContainText(`${M}×16×16`, { timeout: 60_000 });
    const history = await page.evaluate(() => location.hash);
    expect(history).toContain(`seed=${seed}`);
  });

  test('a sweep list is taken whole or not at all, with the reason', async ({ page }) => {
    await openApp(page, '#v=1&f=matmul&k=regblock&M=64&N=64&K=64&BM=32&BN=32&BK=8&TM=4&TN=4&staging=global&vec4=0&seed=1&reps=150&sw=BM:16,32');
    const values = page.getByLabel(/Values \(comma-separated/);
    await values.fill('16, 24, 64');
    await values.press('Enter');
    await expect(page.getByTestId('sweep-values-problem')).toContainText('Workgroup tile rows BM: 24 is not a power of two');
    await expect(page.getByTestId('sweep-values-problem')).toContainText('The experiment keeps the sweep BM: 16, 32.');
    expect(await hashField(page, 'sw')).toBe('BM:16,32');
    await values.fill('16, 64');
    await values.press('Enter');
    expect(await hashField(page, 'sw')).toBe('BM:16,64');
    await expect(page.getByTestId('sweep-values-problem')).toHaveCount(0);
  });
});

test('a cancelled long run gives the page back: a frame is painted within 2 s, and the worker is kept', async ({ page }) => {
  // Predicted under a minute (it does not ask first), long enough to cancel in the middle.
  await openApp(page, '#v=1&f=matmul&k=naive&M=128&N=128&K=128&wg=8&seed=1&reps=200');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('progress')).toContainText(/sample [1-9]\d* of 200/, { timeout: 60_000 });
  const paintedAfter = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const cancel = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!;
        const t0 = performance.now();
        cancel.click();
        // Two animation frames: the first after the click has been presented.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }),
  );
  console.log(`first frame after Cancel: ${paintedAfter.toFixed(0)} ms`);
  expect(paintedAfter).toBeLessThan(2000);
  await expect(page.getByTestId('notice')).toHaveText(/^Run cancelled\.\s*×?$/, { timeout: 10_000 });
  await expect(page.locator('.app')).toHaveAttribute('data-gpu', 'webgpu');
});

test('Cancel stops the CPU emulation and the float64 reference at once, without restarting the worker', async ({ page }) => {
  // 768³: one emulated run and the float64 reference take seconds each in JavaScript.
  await openApp(page, '#v=1&f=matmul&k=naive&M=768&N=768&K=768&wg=8&seed=1&reps=1');
  await page.getByRole('button', { name: 'Run on CPU (emulated)' }).click();
  await expect(page.getByTestId('progress')).toContainText(/CPU · (timing|reference)/, { timeout: 30_000 });
  await page.waitForTimeout(700); // inside the synchronous emulation (or reference) now
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('notice')).toHaveText(/^Run cancelled\.\s*×?$/, { timeout: 10_000 });
  const took = Date.now() - t0;
  console.log(`CPU run cancelled in ${took} ms`);
  expect(took).toBeLessThan(1500);
  // Same worker, same device: a GPU run starts right away.
  await page.getByLabel('M (rows of A and C)').fill('16');
  await page.getByLabel('M (rows of A and C)').press('Enter');
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await expect(page.getByTestId('headline')).toContainText('16×768×768', { timeout: 60_000 });
});

test('charts belong to experiments: a variant change clears the sweep chart, History keeps its points', async ({ page }) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:2,4');
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '2', { timeout: 90_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 60_000 });
  // A parameter change keeps the chart but says it is of another experiment.
  await page.getByLabel('M (rows of A and C)').fill('48');
  await page.getByLabel('M (rows of A and C)').press('Enter');
  await expect(page.getByTestId('sweep-stale-note')).toContainText('M 32 → 48');
  await page.getByLabel('Variant').selectOption('naive');
  await expect(chart).toHaveCount(0);
  await expect(page.getByTestId('headline')).toHaveCount(0);
  await page.getByRole('tab', { name: 'History (2)' }).click();
  await expect(page.getByTestId('history-table').locator('tbody tr')).toHaveCount(2);
});

test('classroom locks hold on every path: lesson picker, keyboard, sweep menu, History open, import; hidden controls hide their labels', async ({
  page,
}, testInfo) => {
  await openApp(page, '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=7&reps=2&lock=tile,seed&hide=reps');
  await expect(page.getByTestId('headline')).toBeVisible({ timeout: 60_000 });
  // Hidden: the control and its label.
  await expect(page.getByLabel('Repetitions')).toHaveCount(0);
  await expect(page.locator('.controls').getByText('Repetitions', { exact: true })).toHaveCount(0);
  // The sweep menu does not offer a locked parameter.
  await expect(page.locator('#sweep-param option[value="tile"]')).toHaveCount(0);
  await expect(page.locator('#sweep-param option[value="M"]')).toHaveCount(1);

  // History "open" and import: a file with a run of tile 2, seed 3.
  await page.getByRole('tab', { name: /History/ }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const file = testInfo.outputPath('runs.json');
  await (await download).saveAs(file);
  const runs = JSON.parse(readFileSync(file, 'utf8'));
  runs.runs[0].id = 'another-run';
  runs.runs[0].result.experiment.params.tile = 2;
  runs.runs[0].result.experiment.seed = 3;
  const other = testInfo.outputPath('other.json');
  writeFileSync(other, JSON.stringify(runs));
  await page.getByTestId('import-file').setInputFiles(other);
  await expect(page.getByTestId('import-message')).toContainText('Imported 1 run(s)');
  const imported = page.getByTestId('history-table').locator('tbody tr').filter({ hasText: /./ });
  await expect(imported).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    await page.getByTestId('history-table').locator('tbody tr').nth(i).getByRole('button', { name: 'Open' }).click();
    expect(await hashField(page, 'tile')).toBe('8');
    expect(await hashField(page, 'seed')).toBe('7');
  }
  await expect(page.getByLabel(/Tile size T.*locked by the teacher/)).toHaveValue('8');

  // The lesson picker, then the keyboard's next step (a tiled step with tile 16 in its link).
  await page.getByLabel('Lessons').selectOption('tiling');
  await expect(page.getByTestId('lesson')).toContainText('step 1 of 3');
  expect(await hashField(page, 'seed')).toBe('7');
  await page.locator('body').press('n');
  await expect(page.getByTestId('lesson')).toContainText('step 2 of 3');
  expect(await hashField(page, 'k')).toBe('tiled');
  expect(await hashField(page, 'tile')).toBe('8');
  expect(await hashField(page, 'seed')).toBe('7');
  await expect(page.getByTestId('notice')).toContainText('locked by the teacher');
});

test('the quant lab’s error-against-bits chart: point labels never overlap and stay inside the plot', async ({ page }) => {
  await openApp(page, '#v=1&f=quant&k=codec&format=mxfp4&rows=16&cols=64&seed=1&reps=1');
  const figure = page.getByRole('figure', { name: /SQNR and relative Frobenius error against bits per value/ });
  await figure.scrollIntoViewIfNeeded();
  await expect(figure.locator('.annotation').first()).toBeVisible({ timeout: 60_000 });
  const check = await figure.evaluate((root) => {
    const plot = root.querySelector('.nsewdrag')!.getBoundingClientRect();
    const labels = [...root.querySelectorAll('.annotation')].filter((a) => !a.textContent?.startsWith('Not labelled')).map((a) => a.getBoundingClientRect());
    let overlaps = 0;
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i], labels[j]];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
      }
    const outside = labels.filter((b) => b.left < plot.left - 1 || b.right > plot.right + 1 || b.top < plot.top - 1 || b.bottom > plot.bottom + 1).length;
    return { count: labels.length, overlaps, outside };
  });
  expect(check.count).toBeGreaterThanOrEqual(5);
  expect(check.overlaps).toBe(0);
  expect(check.outside).toBe(0);
  // Two y axes: the legend says which trace reads on which.
  await expect(figure.locator('.legend')).toContainText('(left axis)');
  await expect(figure.locator('.legend')).toContainText('(right axis)');
});
