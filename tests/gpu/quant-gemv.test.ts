// The decode GEMV pair (gemv-f32, gemv-w4): odd shapes against float64, and broken int4 kernels
// run on the GPU and caught by the same bound.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { findVariant } from '../../src/kernels/registry';
import { computeMetrics } from '../../src/numerics/metrics';

async function check(variant: string, params: Record<string, number | string>) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('quant', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, ...params }, reps: 1, seed: 7 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  return result;
}

/** Runs the variant's plan with one dispatch's WGSL edited, and counts outputs outside the bound. */
async function brokenViolations(variant: string, params: Record<string, number | string>, edit: (wgsl: string) => string): Promise<number> {
  const { device, caps } = await nodeDevice();
  const v = findVariant('quant', variant)!;
  const p = { ...defaultExperiment('quant', variant).params, ...params };
  const inputs = v.makeInputs(p, 7);
  const plan = v.plan(p, inputs, caps);
  let edited = 0;
  for (const d of plan.dispatches) {
    const wgsl = edit(d.wgsl);
    if (wgsl !== d.wgsl) edited++;
    d.wgsl = wgsl;
  }
  expect(edited).toBeGreaterThan(0); // the edit hit the kernel
  const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
  const ref = v.reference(p, inputs);
  return computeMetrics(run.output as Float32Array, ref.values, ref.bound).boundViolations ?? 0;
}

// Odd shapes: N not a multiple of 64·NR (rows past N are read but not stored), K one group or a few.
const SHAPES = [
  { M: 1, N: 7, K: 32 },
  { M: 1, N: 130, K: 256 },
  { M: 3, N: 45, K: 96 },
  { M: 2, N: 1031, K: 128 },
];

describe('decode GEMV pair on WebGPU against float64', () => {
  for (const shape of SHAPES) {
    for (const NR of [1, 4, 16]) {
      it(`f32 and int4 ${shape.M}×${shape.N}×${shape.K}, ${NR} outputs per invocation`, async () => {
        await check('gemv-f32', { ...shape, NR });
        await check('gemv-w4', { ...shape, NR, groupSize: 32 });
      });
    }
  }

  it('int4 with group 64 and 128, heavy-tailed activations with outlier channels', async () => {
    await check('gemv-w4', { M: 2, N: 77, K: 512, NR: 8, groupSize: 128, dist: 'student-t', outliers: 4, outlierScale: 100 });
    await check('gemv-w4', { M: 1, N: 64, K: 192, NR: 2, groupSize: 64, dist: 'laplace' });
  });

  it('int4 with groups that are not a multiple of 32 weights: loads of 2 words (G = 16) and of 1 (G = 8, 24)', async () => {
    await check('gemv-w4', { M: 2, N: 45, K: 96, NR: 4, groupSize: 16 });
    await check('gemv-w4', { M: 1, N: 70, K: 48, NR: 16, groupSize: 24 });
    await check('gemv-w4', { M: 1, N: 33, K: 64, NR: 1, groupSize: 8, dist: 'student-t' });
  });

  it('broken int4 kernels are caught: no offset removal, the top nibble not shifted down, a wrong chunk sum, the wrong group scale', async () => {
    const p = { M: 2, N: 70, K: 256, NR: 4, groupSize: 32 };
    expect(await brokenViolations('gemv-w4', p, (w) => w.replace('(s0 - offset)', 's0'))).toBeGreaterThan(0);
    expect(await brokenViolations('gemv-w4', p, (w) => w.replaceAll(/_top = (n\d+_\d+) >> 4u;/g, '_top = $1;'))).toBeGreaterThan(0);
    expect(await brokenViolations('gemv-w4', p, (w) => w.replace('csum[pair] = 8.0 * sum;', 'csum[pair] = 7.0 * sum;'))).toBeGreaterThan(0);
    // Group 128 = 4 chunks of 32: a chunk that reads its own index as the group takes another group's scale.
    const p128 = { M: 1, N: 64, K: 512, NR: 2, groupSize: 128 };
    expect(await brokenViolations('gemv-w4', p128, (w) => w.replace('let g = c / CHUNKS_PER_GROUP;', 'let g = c % GROUPS;'))).toBeGreaterThan(0);
    await check('gemv-w4', p128);
    // …and an unedited run of the same plan is within the bound (the check can pass).
    await check('gemv-w4', p);
  });

  it('the int4 bound is derived from its evaluation order and still far below the quantization error', async () => {
    const r = await check('gemv-w4', { M: 1, N: 64, K: 256, NR: 8, groupSize: 32 });
    expect(r.boundNote).toMatch(/γ_\{C\+K\/C\+2\}/);
    const v = findVariant('quant', 'gemv-w4')!;
    const inputs = v.makeInputs(r.experiment.params, r.experiment.seed);
    const ref = v.reference(r.experiment.params, inputs);
    const f32 = findVariant('quant', 'gemv-f32')!.reference(r.experiment.params, inputs);
    expect(computeMetrics(Float32Array.from(f32.values), ref.values, ref.bound).boundViolations).toBeGreaterThan(0);
  });
});
