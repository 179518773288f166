import { expect, test } from '@playwright/test';
import { openApp } from './helpers';

// A chart that leaves the page must let go of it: plotly's responsive charts hold their root from
// a window 'resize' listener until purged, so an unpurged chart kept its whole detached lab panel
// alive (the soak saw ~50 KB per run). Going back and forth between two labs must not add
// listeners, or detached charts, run after run.
const SCAN = '#v=1&f=scan&k=blelloch&channels=2&length=500&mode=inclusive&decay=decay&wg=64&seed=1&reps=2';
const MATMUL = '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2';

test('charts that leave the page are released: window listeners stay bounded over many lab switches', async ({ page }) => {
  const errors = await openApp(page, SCAN);
  const cdp = await page.context().newCDPSession(page);
  const resizeListeners = async () => {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
    return listeners.filter((l) => l.type === 'resize').length;
  };
  const visitScan = async () => {
    await page.goto(`./${SCAN}`);
    await expect(page.getByTestId('scan-error-by-position').locator('.main-svg').first()).toBeAttached({ timeout: 60_000 });
  };
  const visitMatmul = async () => {
    await page.goto(`./${MATMUL}`);
    await expect(page.getByTestId('bound')).toContainText('yes', { timeout: 60_000 });
  };
  await visitScan();
  await visitMatmul();
  await visitScan();
  const before = await resizeListeners();
  for (let i = 0; i < 6; i++) {
    await visitMatmul();
    await visitScan();
  }
  const after = await resizeListeners();
  // Six more round trips, each drawing the scan lab's charts anew: without purging, each trip
  // left its charts' listeners behind (at least one per chart).
  expect(after).toBeLessThanOrEqual(before + 2);
  expect(errors).toEqual([]);
});
