#!/usr/bin/env node
// npm run bench:libs -- [sizes, default 512,1024] [--rounds N, default 2]
// Measures, in one Chromium on one adapter, Kernel Lab's matmul kernels (through the built app:
// its worker, runner and float64 check, under the site's CSP) and two libraries' WebGPU matmuls —
// TensorFlow.js 4.22 (@tensorflow/tfjs-backend-webgpu) and ONNX Runtime Web 1.30 (a one-node
// MatMul model on the WebGPU execution provider) — so they can be compared as ratios. Needs
// `npm run build` first.
//
// The libraries run on a separate page of the same origin (/lib-bench.html), outside the app and
// its CSP (ONNX Runtime compiles WebAssembly): Playwright serves the page and the libraries'
// files from node_modules; ONNX Runtime's .wasm files come from the same origin (/lib/ort/).
// Each library gets the same seeded A and B; it is warmed up (compilation), then REPS products
// are queued and the clock stops when the GPU has finished them all; the result is read back
// once, after the timed loop, and checked element by element against a float64 product with
// the bound γ_K·Σ|a·b| + u·|c| (any float32 summation order meets it). A library that misses
// it stops the bench.
//
// Measurements alternate between ours and the libraries over rounds (the order flips each
// round); each figure is the median of a round's runs, and the ratios are reported per round
// and as medians with their range.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 2;
const sizes = (args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? '512,1024').split(',').map(Number);
const PORT = Number(process.env.BENCH_LIBS_PORT ?? 4399);
const ORIGIN = `http://localhost:${PORT}`;
const REPS = 5;

// Node runs vite directly (not through npx), so killing this child stops the server.
const server = spawn(
  process.execPath,
  [join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'preview', '--host', 'localhost', '--port', String(PORT), '--strictPort'],
  { stdio: 'ignore' },
);
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
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
})();

/** Our kernel, through the app: the same worker, runner and float64 check a user gets. */
async function ours(hash) {
  // A fresh context each time: no History from an earlier run, so the figures read are this run's.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/${hash}`);
  await page.waitForSelector('.app[data-gpu="webgpu"]', { timeout: 60_000 });
  const run = page.getByRole('button', { name: 'Run on GPU' });
  if (await run.isDisabled()) {
    await context.close();
    return null; // this adapter cannot run it (the page says why)
  }
  await run.click();
  // A run predicted to take minutes asks first (the workbench's confirmation): run it anyway.
  const confirm = page.getByTestId('confirm-run');
  if (await confirm.isVisible({ timeout: 3000 }).catch(() => false)) await confirm.getByRole('button', { name: /Run anyway/ }).click();
  // The result card is on the page before any run: wait for this run's figures.
  await page.getByTestId('gflops').waitFor({ state: 'attached', timeout: 900_000 });
  const gflops = parseFloat(await page.getByTestId('gflops').textContent());
  const bound = await page.getByTestId('bound').textContent();
  const adapter = await page.getByTestId('adapter-name').textContent();
  // The app keeps the experiment it ran in the link: it must be the variant asked for.
  const ran = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('k');
  const asked = new URLSearchParams(hash.slice(1)).get('k');
  await context.close();
  if (ran !== asked) throw new Error(`the app ran "${ran}" instead of "${asked}"`);
  if (!bound.startsWith('yes')) throw new Error(`our kernel ${hash} missed its float64 bound: ${bound}`);
  return { gflops, adapter };
}

// ---- the libraries' page ----------------------------------------------------------------------

// The package's main entry lives in its dist/ folder, beside the browser builds and .wasm files.
const ORT_DIST = dirname(require.resolve('onnxruntime-web'));
const LIB_FILES = {
  '/lib/tf-core.js': require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'),
  '/lib/tf-webgpu.js': require.resolve('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js'),
};
const CONTENT_TYPES = { js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm' };

/** A one-node ONNX model, C = MatMul(A, B) for n×n float32 (protobuf written by hand: onnx.proto3 field numbers). */
function matmulModel(n) {
  const varint = (v) => {
    const out = [];
    for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
    out.push(v);
    return out;
  };
  const field = (num, wire, payload) => [...varint(num * 8 + wire), ...(wire === 2 ? [...varint(payload.length), ...payload] : varint(payload))];
  const str = (num, s) => field(num, 2, [...new TextEncoder().encode(s)]);
  const msg = (num, ...parts) => field(num, 2, parts.flat());
  // TypeProto { tensor_type (1): { elem_type (1) = FLOAT (1), shape (2): { dim (1) { dim_value (1) } × 2 } } }
  const type = msg(2, msg(1, field(1, 0, 1), msg(2, msg(1, field(1, 0, n)), msg(1, field(1, 0, n)))));
  const valueInfo = (num, name) => msg(num, str(1, name), type);
  const node = msg(1, str(1, 'A'), str(1, 'B'), str(2, 'C'), str(3, 'matmul'), str(4, 'MatMul'));
  const graph = msg(7, node, str(2, 'matmul'), valueInfo(11, 'A'), valueInfo(11, 'B'), valueInfo(12, 'C'));
  // ModelProto { ir_version (1) = 8, graph (7), opset_import (8) { domain (1) "", version (2) 13 } }
  return Uint8Array.from([...field(1, 0, 8), ...graph, ...msg(8, str(1, ''), field(2, 0, 13))]);
}

async function libraryPage(scripts) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`library page: ${e.message}`));
  await page.route(`${ORIGIN}/lib/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = LIB_FILES[path] ?? (path.startsWith('/lib/ort/') ? join(ORT_DIST, path.slice('/lib/ort/'.length)) : null);
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    route.fulfill({ body: readFileSync(file), contentType: CONTENT_TYPES[path.split('.').pop()] ?? 'application/octet-stream' });
  });
  await page.route(`${ORIGIN}/lib-bench.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html>${scripts.map((s) => `<script src="${s}"></script>`).join('')}` }),
  );
  await page.goto(`${ORIGIN}/lib-bench.html`);
  return page;
}

// Runs in the page: seeded inputs, and the float64 check of a product read back once.
const PAGE_HELPERS = `
window.seeded = (count, seed) => {
  // A 32-bit LCG mapped to [-1, 1): the same bits for every library.
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2147483648 - 1; }
  return out;
};
window.checkProduct = (a, b, c, n) => {
  // |c − a·b| ≤ γ_n·Σ|a·b| + u·|c| per element, in float64 (γ_n = n·u / (1 − n·u), u = 2⁻²⁴).
  const u = 2 ** -24, gamma = (n * u) / (1 - n * u);
  let violations = 0, nonFinite = 0, maxAbs = 0;
  const ref = new Float64Array(n), abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ref.fill(0); abs.fill(0);
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k], row = k * n;
      for (let j = 0; j < n; j++) { const p = aik * b[row + j]; ref[j] += p; abs[j] += Math.abs(p); }
    }
    for (let j = 0; j < n; j++) {
      const got = c[i * n + j];
      if (!Number.isFinite(got)) { nonFinite++; continue; }
      const err = Math.abs(got - ref[j]);
      maxAbs = Math.max(maxAbs, err);
      if (err > gamma * abs[j] + u * Math.abs(got)) violations++;
    }
  }
  return { violations, nonFinite, maxAbs };
};
`;

/** TensorFlow.js 4.22 WebGPU backend: REPS matmuls queued, the clock stops when the GPU is done, one read-back after. */
async function tfjs(n) {
  const page = await libraryPage(['/lib/tf-core.js', '/lib/tf-webgpu.js']);
  await page.addScriptTag({ content: PAGE_HELPERS });
  const result = await page.evaluate(
    async ({ n, reps }) => {
      const tf = window.tf;
      // Every op is submitted as it is recorded (no batching), so the queue's
      // onSubmittedWorkDone marks the end of the product just queued.
      tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
      await tf.setBackend('webgpu');
      await tf.ready();
      const backend = tf.backend();
      const av = window.seeded(n * n, 1);
      const bv = window.seeded(n * n, 2);
      const a = tf.tensor2d(av, [n, n]);
      const b = tf.tensor2d(bv, [n, n]);
      const done = () => backend.device.queue.onSubmittedWorkDone();
      // Warm-up (shader compilation), not timed.
      tf.matMul(a, b).dispose();
      await done();
      const samples = [];
      let last = null;
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        const c = tf.matMul(a, b);
        await done();
        samples.push((performance.now() - t0) / 1000);
        last?.dispose();
        last = c;
      }
      const cv = await last.data(); // the only read-back, after the timed loop
      const check = window.checkProduct(av, bv, cv, n);
      samples.sort((x, y) => x - y);
      return { seconds: samples[samples.length >> 1], samples, check, backend: tf.getBackend() };
    },
    { n, reps: REPS },
  );
  await page.close();
  return { ...result, gflops: (2 * n ** 3) / result.seconds / 1e9 };
}

/** ONNX Runtime Web 1.30, WebGPU execution provider: a MatMul model on GPU-resident inputs and outputs. */
async function onnxruntime(n) {
  const page = await libraryPage(['/lib/ort/ort.webgpu.min.js']);
  await page.addScriptTag({ content: PAGE_HELPERS });
  const result = await page.evaluate(
    async ({ n, reps, model }) => {
      const ort = window.ort;
      ort.env.wasm.wasmPaths = '/lib/ort/';
      ort.env.wasm.numThreads = 1; // threads need cross-origin isolation, which this page has not
      const session = await ort.InferenceSession.create(Uint8Array.from(model), { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
      const device = await ort.env.webgpu.device;
      const av = window.seeded(n * n, 1);
      const bv = window.seeded(n * n, 2);
      const upload = (data) => {
        const buffer = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(buffer, 0, data);
        return ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims: [n, n] });
      };
      const feeds = { A: upload(av), B: upload(bv) };
      // Warm-up (shader compilation), not timed.
      (await session.run(feeds)).C.dispose();
      await device.queue.onSubmittedWorkDone();
      const samples = [];
      let last = null;
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        const out = await session.run(feeds);
        await device.queue.onSubmittedWorkDone();
        samples.push((performance.now() - t0) / 1000);
        last?.dispose();
        last = out.C;
      }
      const cv = await last.getData(); // the only read-back, after the timed loop
      const check = window.checkProduct(av, bv, cv, n);
      samples.sort((x, y) => x - y);
      return { seconds: samples[samples.length >> 1], samples, check, backend: `onnxruntime-web ${ort.env.versions?.web ?? ''} webgpu` };
    },
    { n, reps: REPS, model: [...matmulModel(n)] },
  );
  await page.close();
  return { ...result, gflops: (2 * n ** 3) / result.seconds / 1e9 };
}

function assertChecked(name, n, r) {
  if (r.check.violations || r.check.nonFinite)
    throw new Error(`${name} at ${n}³: ${r.check.violations} outputs outside the float64 bound, ${r.check.nonFinite} not finite`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs, d = 3) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;

console.log(`bench:libs: sizes ${sizes.join(', ')}, ${ROUNDS} rounds, ${REPS} runs per measurement; the machine may be shared: compare ratios within a round`);
const summary = [];
for (const n of sizes) {
  const shape = `M=${n}&N=${n}&K=${n}`;
  const kernels = {
    'regblock (default)': `#v=1&f=matmul&k=regblock&${shape}&BM=64&BN=64&BK=8&TM=8&TN=8&staging=global&vec4=0&seed=1&reps=${REPS}`,
    'regblock-quad': `#v=1&f=matmul&k=regblock-quad&${shape}&BM=128&BN=64&TM=16&TN=8&seed=1&reps=${REPS}`,
    'regblock-quad rows outer': `#v=1&f=matmul&k=regblock-quad&${shape}&BM=64&BN=64&TM=16&TN=16&order=row&seed=1&reps=${REPS}`,
  };
  const libs = { 'TensorFlow.js': tfjs, 'ONNX Runtime Web': onnxruntime };
  const rows = { ...Object.fromEntries(Object.keys(kernels).map((k) => [k, []])), ...Object.fromEntries(Object.keys(libs).map((k) => [k, []])) };
  const ratios = [];
  let adapter = '';
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...Object.keys(kernels), ...Object.keys(libs)];
    if (round % 2) order.reverse();
    const got = {};
    for (const name of order) {
      if (kernels[name]) {
        const r = await ours(kernels[name]);
        if (r) {
          got[name] = r.gflops;
          adapter = r.adapter;
        }
      } else {
        const r = await libs[name](n);
        assertChecked(name, n, r);
        got[name] = r.gflops;
        console.log(
          `  ${n}³ round ${round + 1}: ${name} (${r.backend}) ${r.gflops.toFixed(3)} GFLOP/s, float64 check: every output within bound (max |err| ${r.check.maxAbs.toExponential(1)})`,
        );
      }
    }
    for (const [k, v] of Object.entries(got)) rows[k].push(v);
    const oursBest = Math.max(...Object.keys(kernels).map((k) => got[k] ?? 0));
    const libBest = Math.max(...Object.keys(libs).map((k) => got[k]));
    ratios.push(oursBest / libBest);
    console.log(
      `  ${n}³ round ${round + 1}: ${Object.entries(got)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ')} GFLOP/s → our best / best library ${(oursBest / libBest).toFixed(2)}×`,
    );
  }
  console.log(
    `${n}³ on ${adapter}: ${Object.entries(rows)
      .filter(([, v]) => v.length)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join('; ')} GFLOP/s (median, range over ${ROUNDS} rounds)`,
  );
  console.log(`${n}³: our best / the best library, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')} → median ${median(ratios).toFixed(2)}×`);
  summary.push({ n, ratios });
}
console.log(`summary: ${summary.map((s) => `${s.n}³ ${median(s.ratios).toFixed(2)}× (${s.ratios.map((r) => r.toFixed(2)).join(', ')})`).join('; ')}`);
await browser.close();
stop();
process.exit(0);
