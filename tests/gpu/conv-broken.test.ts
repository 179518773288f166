// Deliberately broken convolution kernels, run on the GPU: each is the variant's own plan with one
// mistake written into its WGSL, and each must be caught by the same float64 check the working
// kernel passes. (If a bound could not catch these, it would be no check.)
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { defaultExperiment, type Params } from '../../src/kernels';
import { findVariant } from '../../src/kernels/registry';
import { computeMetrics } from '../../src/numerics/metrics';

/** Runs `variant` with `params`, after `mutate` has rewritten the WGSL of the dispatches it picks. */
async function runMutated(variant: string, params: Params, pick: (label: string) => boolean, from: string | RegExp, to: string, seed = 3) {
  const { device, caps } = await nodeDevice();
  const v = findVariant('conv', variant)!;
  const p = { ...defaultExperiment('conv', variant).params, ...params };
  const inputs = v.makeInputs(p, seed);
  const plan = v.plan(p, inputs, caps);
  const ref = v.reference(p, inputs);
  const good = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
  let changed = 0;
  for (const d of plan.dispatches) {
    if (!pick(d.label)) continue;
    const wgsl = d.wgsl.replace(from, to);
    if (wgsl !== d.wgsl) changed++;
    d.wgsl = wgsl;
  }
  expect(changed, 'the mutation must change the shader').toBeGreaterThan(0);
  const bad = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
  return { good: computeMetrics(good.output, ref.values, ref.bound), bad: computeMetrics(bad.output, ref.values, ref.bound) };
}

describe('broken convolution kernels are caught by their bounds', () => {
  it('im2col that ignores the stride along x', async () => {
    const shape = { layout: 'nhwc', batch: 1, cin: 3, cout: 4, height: 9, width: 9, kernel: 3, stride: 2, pad: 1, dilation: 1 };
    const { good, bad } = await runMutated('im2col', shape, (l) => l.startsWith('conv im2col nhwc'), 'ox * STRIDE', 'ox');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('Im2win with every window one column off (off-by-one window start)', async () => {
    const shape = { layout: 'nhwc', batch: 1, cin: 3, cout: 4, height: 8, width: 8, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const { good, bad } = await runMutated('im2win', shape, (l) => l.includes('GEMM'), /% OW\) \* STRIDE\)/g, '% OW) * STRIDE + 1u)');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('indirect convolution reading the next tap’s pointer', async () => {
    const shape = { layout: 'nhwc', batch: 2, cin: 3, cout: 4, height: 6, width: 7, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const { good, bad } = await runMutated('indirect', shape, () => true, /ind\[ptrRow(\d+) \+ tap\]/g, 'ind[ptrRow$1 + tap + 1u]');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('indirect convolution in NCHW reading padded taps without their mask', async () => {
    const shape = { layout: 'nchw', batch: 1, cin: 3, cout: 4, height: 6, width: 5, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const { good, bad } = await runMutated('indirect', shape, () => true, /\* mask(\d+)/g, '');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('direct convolution with the dilation dropped', async () => {
    const shape = { layout: 'nchw', batch: 1, cin: 2, cout: 3, height: 10, width: 10, kernel: 3, stride: 1, pad: 2, dilation: 2 };
    const { good, bad } = await runMutated('direct', shape, () => true, /\* DIL/g, '');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('Winograd with a sign flipped in its input transform', async () => {
    const shape = { layout: 'nchw', batch: 1, cin: 3, cout: 5, height: 8, width: 9, kernel: 3, stride: 1, pad: 1, dilation: 1 };
    const { good, bad } = await runMutated('winograd', shape, () => true, 'let v2 = timesB(d2 - d1);', 'let v2 = timesB(d1 - d2);');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('a radix-4 FFT stage with a missing twiddle', async () => {
    const seq = { channels: 2, length: 500, filter: 0, radix: 4 };
    const { good, bad } = await runMutated('fft', seq, (l) => l === 'conv1d fft forward radix 4 NS 4', 'twiddle(step)', 'vec2<f32>(1.0, 0.0)');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('a radix-2 FFT whose inverse forgets to conjugate its twiddles', async () => {
    const seq = { channels: 1, length: 300, filter: 0, radix: 2 };
    const { good, bad } = await runMutated(
      'fft',
      seq,
      (l) => l.startsWith('conv1d fft inverse'),
      'return vec2<f32>(w.x, -w.y);',
      'return vec2<f32>(w.x, w.y);',
    );
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('the FFT as matmul without its twiddle step', async () => {
    const seq = { channels: 2, length: 400, filter: 0 };
    const { good, bad } = await runMutated(
      'fft-matmul',
      seq,
      (l) => l.endsWith('· X, twiddles'),
      'return vec2<f32>(v.x * t.x - v.y * ty, v.x * ty + v.y * t.x);',
      'return v;',
    );
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });

  it('1-D direct convolution reading one sample too late (off by one)', async () => {
    const seq = { channels: 2, length: 300, filter: 20 };
    const { good, bad } = await runMutated('direct-1d', seq, () => true, 'next = x[xRow + t0 - j - 1u];', 'next = x[xRow + t0 - j];');
    expect(good.boundViolations).toBe(0);
    expect(bad.boundViolations).toBeGreaterThan(0);
  });
});
