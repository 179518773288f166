#!/usr/bin/env node
// npm run soak -- [runs, default 1000] [--every N, default 100]
// Runs many small experiments through the real path a user takes — the built site in Chromium,
// links that run by themselves (or the Run button), the lab worker, the GPU runner, History in IndexedDB — and prints, every N
// runs: the page's and the worker's JavaScript heap (after a forced GC), the GPU buffers alive in
// the worker, the saved runs and their size, and the time per run. Growth that is not History's
// own is a leak. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 ? Number(args[everyAt + 1]) : 100;
const PORT = Number(process.env.SOAK_PORT ?? 4398);
const ORIGIN = `http://localhost:${PORT}`;
// Three small experiments of different families, in turn.
const LINKS = [
  '#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2',
  '#v=1&f=scan&k=blelloch&channels=2&length=500&mode=inclusive&decay=decay&wg=64&seed=1&reps=2',
  '#v=1&f=sparse&k=csr-row&M=32&N=32&K=64&density=10&pattern=random&seed=1&reps=2',
];

const server = spawn(
  process.execPath,
  [join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'preview', '--host', 'localhost', '--port', String(PORT), '--strictPort'],
  { stdio: 'ignore' },
);
process.on('exit', () => server.kill());
for (let i = 0; ; i++) {
  try {
    if ((await fetch(ORIGIN)).ok) break;
  } catch {}
  if (i > 100) throw new Error('vite preview did not start');
  await new Promise((r) => setTimeout(r, 200));
}

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
});
const page = await browser.newPage();
await page.goto(`${ORIGIN}/${LINKS[0]}`);
await page.waitForSelector('.app:not([data-gpu="probing"])', { timeout: 60_000 });

// Count live GPU buffers in the worker that owns the device: every buffer created and not yet
// destroyed (counted from here on; the device's own setup happened before).
async function instrumentWorker() {
  const worker = page.workers().find((w) => w.url().includes('lab.worker'));
  if (!worker) throw new Error('the lab worker is not running');
  await worker.evaluate(() => {
    const g = globalThis;
    if (g.__soak) return;
    g.__soak = { live: 0 };
    const create = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function (...a) {
      const buffer = create.apply(this, a);
      g.__soak.live++;
      const destroy = buffer.destroy.bind(buffer);
      let destroyed = false;
      buffer.destroy = () => {
        if (!destroyed) g.__soak.live--;
        destroyed = true;
        return destroy();
      };
      return buffer;
    };
  });
  return worker;
}
let worker = await instrumentWorker();

const cdp = await page.context().newCDPSession(page);
async function sample(done, seconds) {
  if (!page.workers().includes(worker)) worker = await instrumentWorker(); // replaced after a fault
  await cdp.send('HeapProfiler.collectGarbage');
  await worker.evaluate(() => globalThis.gc?.());
  const pageHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const workerHeap = await worker.evaluate(() => (globalThis.performance?.memory ? performance.memory.usedJSHeapSize : null));
  const live = await worker.evaluate(() => globalThis.__soak.live);
  const history = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('kernel-lab');
        open.onsuccess = () => {
          const req = open.result.transaction('runs', 'readonly').objectStore('runs').getAll();
          req.onsuccess = () => resolve({ count: req.result.length, bytes: new Blob([JSON.stringify(req.result)]).size });
        };
        open.onerror = () => resolve({ count: -1, bytes: 0 });
      }),
  );
  return { done, pageHeap, workerHeap, live, history, seconds };
}

function savedRuns() {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('kernel-lab');
        open.onsuccess = () => {
          const req = open.result.transaction('runs', 'readonly').objectStore('runs').count();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => resolve(-1);
        };
        open.onerror = () => resolve(-1);
      }),
  );
}

const mb = (b) => (b === null || b === undefined ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);
console.log(`soak: ${runs} runs of ${LINKS.length} small experiments through the worker, sampled every ${every}`);
console.log('runs   page heap   worker heap   live GPU buffers   saved runs (JSON size)   ms per run');
const samples = [await sample(0, 0)];
const print = (s) =>
  console.log(
    `${String(s.done).padEnd(6)} ${mb(s.pageHeap).padEnd(11)} ${mb(s.workerHeap).padEnd(13)} ${String(s.live).padEnd(18)} ${`${s.history.count} (${mb(s.history.bytes)})`.padEnd(24)} ${s.seconds ? ((s.seconds * 1000) / every).toFixed(0) : ''}`,
  );
print(samples[0]);
let t0 = performance.now();
for (let i = 1; i <= runs; i++) {
  const link = LINKS[i % LINKS.length];
  const before = await savedRuns();
  // A link predicted to be quick runs by itself (as these do); one held for Run gets a click.
  await page.evaluate((hash) => (window.location.hash = hash), link);
  await page.waitForTimeout(50);
  if ((await page.getByTestId('progress').count()) === 0 && (await savedRuns()) === before && (await page.getByTestId('no-result').count()) > 0) {
    await page
      .locator('.run-bar')
      .getByRole('button', { name: /^Run( sweep)? on GPU$/ })
      .click();
  }
  // Done when History holds one more run (every finished run is saved), or an error is shown.
  for (;;) {
    if ((await savedRuns()) > before) break;
    if (await page.locator('[data-testid="run-error"]').count()) break;
    await page.waitForTimeout(20);
  }
  if (await page.locator('[data-testid="run-error"]').count())
    throw new Error(`run ${i} failed: ${await page.locator('[data-testid="run-error"]').textContent()}`);
  if (i % every === 0) {
    const s = await sample(i, (performance.now() - t0) / 1000);
    samples.push(s);
    print(s);
    t0 = performance.now();
  }
}

// Clear History the way a user does, then measure again: what History held should be released.
page.on('dialog', (d) => d.accept());
await page
  .getByRole('tab', { name: /^History/ })
  .first()
  .click();
await page.getByRole('button', { name: 'Clear all' }).click();
for (let i = 0; i < 100 && (await savedRuns()) > 0; i++) await page.waitForTimeout(50);
// Leave the History tab (React keeps the previous render's props, and so the old list, until a
// component renders again or unmounts), then measure.
await page.getByRole('tab', { name: / lab$/ }).first().click();
await page.waitForTimeout(300);
const cleared = await sample(runs, 0);
console.log(`after History → Clear all: page heap ${mb(cleared.pageHeap)}, live GPU buffers ${cleared.live}, saved runs ${cleared.history.count}`);

const first = samples[1] ?? samples[0];
const last = samples[samples.length - 1];
const historyGrowth = last.history.bytes - first.history.bytes;
console.log(
  `\nfrom run ${first.done} to ${last.done}: page heap ${mb(last.pageHeap - first.pageHeap)} (History's saved runs grew ${mb(historyGrowth)}), ` +
    `worker heap ${last.workerHeap === null ? 'n/a' : mb(last.workerHeap - first.workerHeap)}, live GPU buffers ${first.live} → ${last.live}; ` +
    `page heap after clearing History ${mb(cleared.pageHeap)} (at run ${first.done}: ${mb(first.pageHeap)})`,
);
await browser.close();
server.kill();
// A leak fails the soak: GPU buffers left alive, or a page heap that does not come back once
// History is cleared (allowing 8 MiB for caches that warm up: compiled pipelines, plotly).
process.exit(last.live > first.live || cleared.pageHeap > first.pageHeap + 8 * 2 ** 20 ? 1 : 0);
