import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { findVariant } from '../../src/kernels/registry';
import { computeMetrics } from '../../src/numerics/metrics';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';

// Odd shapes on purpose: M not a multiple of TM, N odd, K just one group or a few.
const SHAPES: [number, number, number][] = [
  [1, 64, 256],
  [1, 7, 32],
  [3, 17, 64],
  [5, 33, 128],
];

async function check(variant: string, extra: Record<string, number | string>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('quant', variant);
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 1, seed: 5 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Within γ_{K+r}·Σ|x·w| of the float64 product with the dequantized weights (see wmatmul.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  return result;
}

describe('weight-only matmuls on WebGPU against float64 of the dequantized weights', () => {
  for (const shape of SHAPES) {
    for (const strategy of ['split-k', 'row', 'subgroup']) {
      for (const TM of [1, 4]) {
        it(`f32 weights ${shape.join('×')} TM=${TM} ${strategy}`, async () => {
          await check('gemm-f32', { TM, strategy }, shape);
        });
        it(`int4 weights ${shape.join('×')} TM=${TM} ${strategy}`, async () => {
          await check('gemm-w4', { TM, strategy, groupSize: 32 }, shape);
        });
      }
    }
  }

  for (const variant of ['gemm-nf4', 'gemm-mxfp4']) {
    for (const strategy of ['split-k', 'row', 'subgroup']) {
      it(`${variant} ${strategy} on GEMV and GEMM shapes`, async () => {
        await check(variant, { TM: 1, strategy }, [1, 9, 128]);
        await check(variant, { TM: 4, strategy }, [6, 21, 256]);
      });
    }
  }

  for (const dot of ['builtin', 'manual']) {
    for (const actQuant of ['gpu', 'host']) {
      it(`W8A8 with the ${dot} packed dot product, activations quantized on the ${actQuant}: exact integer sums, γ_3 bound`, async () => {
        await check('gemm-w8a8', { TM: 1, dot, actQuant }, [1, 13, 64]);
        const r = await check('gemm-w8a8', { TM: 4, dot, actQuant, dist: 'student-t', outliers: 2 }, [7, 30, 256]);
        const matmul = r.wgsl[r.wgsl.length - 1].source;
        expect(matmul.includes('dot4I8Packed')).toBe(dot === 'builtin');
        // On the GPU path the activations' codes and scales come from the codec's kernels, which
        // must equal the host's bit for bit: the γ_3 bound (a few ulps) leaves no room for a code off by one.
        expect(r.wgsl.map((w) => w.label)).toEqual(
          actQuant === 'gpu'
            ? ['quantize activations: row scales', 'quantize activations: int8 codes', 'pack activations', `matmul W8A8 (${dot})`]
            : [`matmul W8A8 (${dot})`],
        );
      });
    }
  }

  it('W8A8: a pack pass that drops the sign of the codes is caught by the same bound', async () => {
    const { device, caps } = await nodeDevice();
    const variant = findVariant('quant', 'gemm-w8a8')!;
    const params = { ...defaultExperiment('quant', 'gemm-w8a8').params, M: 3, N: 9, K: 64, TM: 1, dot: 'manual', actQuant: 'gpu' };
    const inputs = variant.makeInputs(params, 5);
    const plan = variant.plan(params, inputs, caps);
    const pack = plan.dispatches.find((d) => d.label === 'pack activations')!;
    pack.wgsl = pack.wgsl.replace('(q[i] & 0xffu)', '(q[i] & 0x7fu)');
    const { runPlan } = await import('../../src/gpu/runner');
    const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
    const ref = variant.reference(params, inputs);
    expect(computeMetrics(run.output as Float32Array, ref.values, ref.bound).boundViolations).toBeGreaterThan(0);
  });

  for (const format of ['bf16', 'e4m3']) {
    for (const mode of ['lmul', 'exact']) {
      it(`L-Mul matmul: ${mode} products of ${format} operands`, async () => {
        const r = await check('lmul', { TM: 2, format, mode }, [3, 20, 96]);
        const e = extrasOf(r, 'quant');
        if (e?.kind !== 'lmul-error') throw new Error(`expected L-Mul's error comparison, got ${e?.kind}`);
        expect(e.lmul.relFrobenius).toBeGreaterThan(0);
        expect(e.exactE4m3.relFrobenius).toBeGreaterThan(0);
      });
    }
  }

  for (const [wBits, aBits] of [
    [1, 1],
    [2, 4],
    [3, 5],
    [8, 8],
  ]) {
    it(`bit-plane W${wBits}A${aBits}: exact plane sums, γ_3 bound`, async () => {
      await check('bitplane', { TM: 1, wBits, aBits }, [1, 11, 64]);
      await check('bitplane', { TM: 4, wBits, aBits, dist: 'laplace' }, [6, 19, 128]);
    });
  }

  for (const wBits of [1, 3, 4]) {
    it(`LUT-GEMV with ${wBits}-bit weights`, async () => {
      await check('lut-gemv', { wBits }, [1, 13, 64]);
      await check('lut-gemv', { wBits, dist: 'student-t', outliers: 1 }, [3, 40, 256]);
    });
  }

  it('int4 with group 128, Laplace activations and outlier channels', async () => {
    await check('gemm-w4', { TM: 2, groupSize: 128, dist: 'laplace', outliers: 3, outlierScale: 100 }, [6, 40, 512]);
  });

  it('the bound is not vacuous: one output perturbed beyond it fails (broken kernels: mutations.test.ts)', async () => {
    const result = await check('gemm-w4', { TM: 1, groupSize: 32 }, [1, 16, 64]);
    const variant = findVariant('quant', 'gemm-w4')!;
    const inputs = variant.makeInputs(result.experiment.params, result.experiment.seed);
    const ref = variant.reference(result.experiment.params, inputs);
    const wrong = Float32Array.from(ref.values);
    wrong[3] += 8 * ref.bound![3];
    expect(computeMetrics(wrong, ref.values, ref.bound).boundViolations).toBe(1);
    // …and the bound is far tighter than the quantization error itself (the reference is the
    // dequantized product, not the float32-weight product).
    const f32 = findVariant('quant', 'gemm-f32')!.reference(result.experiment.params, inputs);
    const diff = computeMetrics(Float32Array.from(f32.values), ref.values, ref.bound);
    expect(diff.boundViolations).toBeGreaterThan(0);
  });

  it('limits are explained in words', () => {
    const v = findVariant('quant', 'gemm-w4')!;
    const p = { ...defaultExperiment('quant', 'gemm-w4').params, K: 100, groupSize: 32 };
    expect(v.checkLimits(p, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/multiple of 8/);
    expect(v.checkLimits({ ...p, K: 80 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/multiple of the group size 32/);
    expect(v.checkLimits({ ...p, K: 512, groupSize: 12 }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(/group size 12/);
  });
});

describe('W4A16 (f16 activations)', () => {
  it('runs within its bound where shader-f16 exists, and is refused in words where it does not', async () => {
    const { device, caps, adapter } = await nodeDevice();
    if (caps.features.includes('shader-f16')) {
      await check('gemm-w4', { TM: 2, act: 'f16', groupSize: 32 }, [3, 24, 256]);
      return;
    }
    const base = defaultExperiment('quant', 'gemm-w4');
    const experiment: Experiment = { ...base, params: { ...base.params, M: 1, N: 8, K: 64, act: 'f16' }, reps: 1, seed: 1 };
    await expect(runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 })).rejects.toThrow(/shader-f16/);
  });
});
