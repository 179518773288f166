#!/usr/bin/env node
// npm run bench:libs -- [sizes, default 512,1024]
// Measures, in one Chromium on one adapter, Kernel Lab's matmul kernels (through the built app)
// and TensorFlow.js's WebGPU matmul, so they can be compared as ratios. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const sizes = (process.argv[2] ?? '512,1024').split(',').map(Number);
const PORT = 4399;
const ORIGIN = `http://localhost:${PORT}`;
const REPS = 5;

// Node runs vite directly (not through npx), so killing this child stops the server.
const server = spawn(process.execPath, [join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'preview', '--host', 'localhost', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
const stop = () => server.kill();
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(ORIGIN)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

const browser = await (async () => {
  await waitForServer();
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
})();

/** Our kernel, through the app: the same worker, runner and float64 check a user gets. */
async function ours(variantHash) {
  const page = await browser.newPage();
  await page.goto(`${ORIGIN}/${variantHash}`);
  await page.waitForSelector('.app[data-gpu="webgpu"]', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run on GPU' }).click();
  await page.getByTestId('results').waitFor({ timeout: 600_000 });
  const gflops = parseFloat(await page.getByTestId('gflops').textContent());
  const bound = await page.getByTestId('bound').textContent();
  const adapter = await page.getByTestId('adapter-name').textContent();
  await page.close();
  return { gflops, ok: bound.startsWith('yes'), adapter };
}

/** TensorFlow.js 4.22 WebGPU backend: many matmuls queued, one read-back at the end. */
async function tfjs(n) {
  const page = await browser.newPage();
  const files = {
    '/tf-core.js': require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'),
    '/tf-webgpu.js': require.resolve('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js'),
  };
  await page.route(`${ORIGIN}/lib/**`, (route) => {
    const path = new URL(route.request().url()).pathname.replace('/lib', '');
    route.fulfill({ body: readFileSync(files[path]), contentType: 'text/javascript' });
  });
  await page.route(`${ORIGIN}/lib-bench.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><script src="/lib/tf-core.js"></script><script src="/lib/tf-webgpu.js"></script>' }),
  );
  await page.goto(`${ORIGIN}/lib-bench.html`);
  const result = await page.evaluate(
    async ({ n, reps }) => {
      const tf = window.tf;
      await tf.setBackend('webgpu');
      await tf.ready();
      const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
      const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
      // Correctness spot check of one element against a float64 dot product.
      const warm = tf.matMul(a, b);
      const [av, bv, cv] = await Promise.all([a.data(), b.data(), warm.data()]);
      let ref = 0;
      for (let k = 0; k < n; k++) ref += av[k] * bv[k * n];
      warm.dispose();
      const samples = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        const c = tf.matMul(a, b);
        await c.data();
        samples.push((performance.now() - t0) / 1000);
        c.dispose();
      }
      samples.sort((x, y) => x - y);
      const median = samples[samples.length >> 1];
      return { seconds: median, gflops: (2 * n * n * n) / median / 1e9, spotError: Math.abs(cv[0] - ref), backend: tf.getBackend() };
    },
    { n, reps: REPS },
  );
  await page.close();
  return result;
}

const rows = [];
for (const n of sizes) {
  const shape = `M=${n}&N=${n}&K=${n}`;
  const naive = await ours(`#v=1&f=matmul&k=naive&${shape}&wg=8&seed=1&reps=${REPS}`);
  const regblock = await ours(`#v=1&f=matmul&k=regblock&${shape}&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=${REPS}`);
  const tf = await tfjs(n);
  rows.push({ n, naive, regblock, tf });
  console.log(
    `${n}³ on ${regblock.adapter}: naive ${naive.gflops.toFixed(3)} GFLOP/s, register-blocked ${regblock.gflops.toFixed(3)} GFLOP/s (within bound: ${regblock.ok}), ` +
      `TensorFlow.js ${tf.backend} ${tf.gflops.toFixed(3)} GFLOP/s (spot error ${tf.spotError.toExponential(1)}; includes one ${n}×${n} read-back) → ours/TF.js ${(regblock.gflops / tf.gflops).toFixed(2)}×, ours/naive ${(regblock.gflops / naive.gflops).toFixed(2)}×`,
  );
}
await browser.close();
stop();
process.exit(0);
