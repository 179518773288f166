// The register-blocked matmul reading B transposed, on this adapter (Dawn + SwiftShader), against
// the float64 product of the same seeded A and B.
import { describe, expect, it } from 'vitest';
import { nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { defaultExperiment, runExperiment, type Experiment } from '../../src/kernels';
import { regblockBt } from '../../src/kernels/matmul/regblockBt';
import { tiled } from '../../src/kernels/matmul/tiled';
import { problemsFor } from '../../src/kernels/schema';
import { computeMetrics } from '../../src/numerics/metrics';
import { outputsOf } from '../../src/views/labs/matmul/tiling';

async function check(extra: Record<string, number | boolean>, [M, N, K]: [number, number, number]) {
  const { device, caps, adapter } = await nodeDevice();
  const base = defaultExperiment('matmul', 'regblock-bt');
  const experiment: Experiment = { ...base, params: { ...base.params, M, N, K, ...extra }, reps: 1, seed: 13 };
  const result = await runExperiment(device, experiment, { caps, adapter, targetSampleSeconds: 0.001 });
  // Any float32 summation order of the K products, including four interleaved partial sums
  // added at the end (the vec4 form), is within γ_K·Σ|a·b| (+u·|c|) of float64 (common.ts).
  expect(result.metrics.nonFinite).toBe(0);
  expect(result.metrics.boundViolations).toBe(0);
  return result;
}

const ODD: [number, number, number][] = [
  [1, 1, 1],
  [37, 45, 19],
  [1, 70, 33],
  [66, 1, 9],
  [33, 17, 129],
];
const CONFIGS: Record<string, number | boolean>[] = [
  { BM: 32, BN: 32, TM: 4, TN: 4 },
  { BM: 16, BN: 64, TM: 2, TN: 8 },
  { BM: 8, BN: 4, TM: 8, TN: 1 },
];

describe('register-blocked matmul with B transposed, against float64', () => {
  for (const cfg of CONFIGS) {
    const name = `${cfg.BM}x${cfg.BN} t${cfg.TM}x${cfg.TN}`;
    for (const shape of ODD) {
      it(`${name} scalar loads on ${shape.join('×')}`, async () => {
        await check({ ...cfg, vec4: false }, shape);
      });
    }
    // vec4 loads along K need K a multiple of 4; M and N stay odd.
    for (const shape of [
      [37, 45, 20],
      [1, 3, 4],
      [65, 33, 132],
    ] as [number, number, number][]) {
      it(`${name} vec4 loads on ${shape.join('×')}`, async () => {
        await check({ ...cfg, vec4: true }, shape);
      });
    }
  }

  it('gives the plain matmul its inputs and reference: same A, B, and the same float64 truth', () => {
    const params = { M: 5, N: 7, K: 3 };
    const mine = regblockBt.makeInputs({ ...params, vec4: false }, 4);
    const plain = tiled.makeInputs(params, 4);
    expect(mine.a).toEqual(plain.a);
    expect(mine.b).toEqual(plain.b);
    // Bᵀ[n][k] = B[k][n].
    for (let k = 0; k < 3; k++) for (let n = 0; n < 7; n++) expect(mine.bt[n * 3 + k]).toBe(plain.b[k * 7 + n]);
    expect(regblockBt.reference({ ...params, vec4: false }, mine).values).toEqual(tiled.reference(params, plain).values);
  });

  it('a wrong kernel is caught: reading Bᵀ as if it were B (untransposed) breaks the bound', async () => {
    const { device, caps } = await nodeDevice();
    const params = { M: 24, N: 20, K: 16, BM: 8, BN: 8, TM: 2, TN: 2, vec4: false };
    const inputs = regblockBt.makeInputs(params, 3);
    const plan = regblockBt.plan(params, inputs, caps);
    // Feed the GPU B itself where the kernel expects Bᵀ: the kernel reads the wrong elements.
    const wrong = { ...plan, buffers: plan.buffers.map((b) => (b.name === 'bt' ? { ...b, data: inputs.b } : b)) };
    const run = await runPlan(device, wrong, { reps: 1, targetSampleSeconds: 0.001 });
    const ref = regblockBt.reference(params, inputs);
    expect(computeMetrics(run.output, ref.values, ref.bound).boundViolations).toBeGreaterThan(100);
    // The same plan with Bᵀ passes.
    const right = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
    expect(computeMetrics(right.output, ref.values, ref.bound).boundViolations).toBe(0);
  });

  it('refuses, in words, what it cannot run', () => {
    expect(problemsFor(regblockBt, { M: 8, N: 8, K: 10, BM: 32, BN: 32, TM: 4, TN: 4, vec4: true }, SPEC_DEFAULT_CAPS)).toEqual([
      'vec4 loads need K to be a multiple of 4 (K = 10); turn vec4 off',
    ]);
    expect(problemsFor(regblockBt, { M: 8, N: 8, K: 8, BM: 4, BN: 32, TM: 8, TN: 4, vec4: false }, SPEC_DEFAULT_CAPS)).toEqual([
      'BM = 4 is not a multiple of TM = 8',
    ]);
    expect(problemsFor(regblockBt, { M: 8, N: 8, K: 8, BM: 256, BN: 256, TM: 1, TN: 1, vec4: false }, SPEC_DEFAULT_CAPS).join(' ')).toMatch(
      /65536 invocations per workgroup/,
    );
    expect(problemsFor(regblockBt, defaultExperiment('matmul', 'regblock-bt').params, SPEC_DEFAULT_CAPS)).toEqual([]);
  });

  it('its tiling facet matches the rows and columns the WGSL writes', () => {
    const params = { M: 64, N: 64, K: 8, BM: 32, BN: 16, TM: 4, TN: 2, vec4: false };
    const wgsl = regblockBt.plan(params, regblockBt.makeInputs(params, 1), SPEC_DEFAULT_CAPS).dispatches[0].wgsl;
    const t = regblockBt.tiling!(params)!;
    const rowOffsets = [...wgsl.matchAll(/let row\d+ = wid\.y \* \d+u \+ lid\.y \+ (\d+)u;/g)].map((m) => Number(m[1]));
    const colOffsets = [...wgsl.matchAll(/let col\d+ = wid\.x \* \d+u \+ lid\.x \+ (\d+)u;/g)].map((m) => Number(m[1]));
    // Invocation (tx, ty) = (3, 2) of workgroup (1, 0): rows 2 + offsets, columns 16 + 3 + offsets.
    const outs = outputsOf(t, { tileRow: 0, tileCol: 1, tx: 3, ty: 2 }, 64, 64);
    expect(new Set(outs.map(([r]) => r))).toEqual(new Set(rowOffsets.map((o) => 2 + o)));
    expect(new Set(outs.map(([, c]) => c))).toEqual(new Set(colOffsets.map((o) => 16 + 3 + o)));
    expect(outs).toHaveLength(4 * 2);
  });
});
