// The subgroup-matrix matmul on the two WebGPU implementations this machine has:
//  - SwiftShader (Dawn in Node) has no matrix units, so the kernel runs here in its EMULATED form:
//    the same generated body (offsets, strides, loops, dispatch, padding, copy-out) with the
//    fragments held in private arrays — checked against float64 like every other kernel;
//  - Dawn's null backend offers every feature and runs nothing: the NATIVE form (the matrix
//    builtins, f16) is compiled there, shader module and pipeline, for adapters shaped like the
//    ones real GPUs report. What no test here can do: run the builtins on matrix hardware.
import { describe, expect, it } from 'vitest';
import { compileMessages, nodeCompileOnlyDevice, nodeDevice } from '../../src/gpu/node-device';
import { runPlan } from '../../src/gpu/runner';
import {
  padShape,
  subgroupMatrix,
  subgroupMatrixPlan,
  subgroupMatrixWgsl,
  type SubgroupMatrixKernel,
  type SubgroupMatrixTiling,
} from '../../src/kernels/matmul/subgroupMatrix';
import { computeMetrics } from '../../src/numerics/metrics';

const SUBGROUP_MATRIX_FEATURES = ['subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix'];

function kernel(
  FM: number,
  FN: number,
  FK: number,
  tiling: SubgroupMatrixTiling,
  elem: 'f32' | 'f16' = 'f32',
  result: 'f32' | 'f16' = 'f32',
  subgroupMaxSize = 32,
): SubgroupMatrixKernel {
  return { elem, result, FM, FN, FK, tiling, subgroupMaxSize };
}

describe('subgroup-matrix matmul, emulated fragments on SwiftShader, against float64', () => {
  const cases: [string, SubgroupMatrixKernel, [number, number, number]][] = [
    ['8×8×8, 1×1 per subgroup, 1×1 subgroups', kernel(8, 8, 8, { SM: 1, SN: 1, WGM: 1, WGN: 1 }), [8, 8, 8]],
    ['8×8×8, 2×2 per subgroup, 2×2 subgroups', kernel(8, 8, 8, { SM: 2, SN: 2, WGM: 2, WGN: 2 }), [37, 45, 19]],
    ['8×8×8, 1×4 per subgroup, 2×1 subgroups', kernel(8, 8, 8, { SM: 1, SN: 4, WGM: 2, WGN: 1 }), [1, 70, 33]],
    ['16×16×16, 2×1 per subgroup, 1×2 subgroups', kernel(16, 16, 16, { SM: 2, SN: 1, WGM: 1, WGN: 2 }), [66, 1, 9]],
    ['8×16×16 (non-square), 2×2 per subgroup, 2×1 subgroups', kernel(8, 16, 16, { SM: 2, SN: 2, WGM: 2, WGN: 1 }), [64, 96, 80]],
  ];
  for (const [name, k, [M, N, K]] of cases) {
    it(`${name} on ${M}×${N}×${K}`, async () => {
      const { device } = await nodeDevice();
      const params = { M, N, K, types: 'f32-f32' };
      const inputs = subgroupMatrix.makeInputs(params, 5);
      const plan = subgroupMatrixPlan({ M, N, K }, k, inputs.a as Float32Array, inputs.b as Float32Array, 'emulated');
      const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
      const ref = subgroupMatrix.reference(params, inputs);
      const metrics = computeMetrics(run.output as Float32Array, ref.values, ref.bound);
      expect(metrics.nonFinite).toBe(0);
      expect(metrics.boundViolations).toBe(0);
      // Not vacuous: the output is the product, not zeros (inputs are uniform in [-1, 1)).
      expect(metrics.relFrobenius).toBeLessThan(1e-5);
    });
  }

  it('a kernel that walks K with the wrong stride is caught by the same check', async () => {
    const { device } = await nodeDevice();
    const k = kernel(8, 8, 8, { SM: 1, SN: 1, WGM: 1, WGN: 1 });
    const params = { M: 16, N: 16, K: 16, types: 'f32-f32' };
    const inputs = subgroupMatrix.makeInputs(params, 5);
    const plan = subgroupMatrixPlan({ M: 16, N: 16, K: 16 }, k, inputs.a as Float32Array, inputs.b as Float32Array, 'emulated');
    plan.dispatches[0].wgsl = plan.dispatches[0].wgsl.replace('loadB(k * NP + col0', 'loadB(k * NP / 2u + col0');
    const run = await runPlan(device, plan, { reps: 1, targetSampleSeconds: 0.001 });
    const ref = subgroupMatrix.reference(params, inputs);
    expect(computeMetrics(run.output as Float32Array, ref.values, ref.bound).boundViolations).toBeGreaterThan(0);
  });

  it('the emulated and native kernels share their whole body', () => {
    const k = kernel(16, 8, 16, { SM: 2, SN: 4, WGM: 2, WGN: 1 }, 'f16', 'f32', 64);
    const p = padShape({ M: 100, N: 70, K: 33 }, k);
    const body = (wgsl: string) => wgsl.slice(wgsl.indexOf('  for (var slot = subgroupId;'));
    const native = subgroupMatrixWgsl(p, k, 'native');
    const emulated = subgroupMatrixWgsl(p, k, 'emulated');
    expect(body(native).length).toBeGreaterThan(500);
    expect(body(native)).toBe(body(emulated));
    expect(native).toContain('subgroupMatrixMultiplyAccumulate');
    expect(emulated).not.toContain('subgroup_matrix');
  });
});

describe("subgroup-matrix WGSL compiled by Dawn's null backend (validation only, nothing runs)", () => {
  // Configurations shaped like those real adapters report (Metal simdgroup 8×8×8; Vulkan
  // cooperative matrices 16×16×16 and 8×16×16 among others).
  const configs: [string, number, number, number, 'f32' | 'f16', 'f32' | 'f16'][] = [
    ['f32 8×8×8', 8, 8, 8, 'f32', 'f32'],
    ['f16→f16 8×8×8', 8, 8, 8, 'f16', 'f16'],
    ['f16→f32 8×8×8', 8, 8, 8, 'f16', 'f32'],
    ['f16→f32 16×16×16', 16, 16, 16, 'f16', 'f32'],
    ['f16→f16 16×16×16', 16, 16, 16, 'f16', 'f16'],
    ['f16→f32 8×16×16', 8, 16, 16, 'f16', 'f32'],
  ];
  const tilings: SubgroupMatrixTiling[] = [
    { SM: 1, SN: 1, WGM: 1, WGN: 1 },
    { SM: 2, SN: 2, WGM: 2, WGN: 1 },
    { SM: 4, SN: 2, WGM: 1, WGN: 2 },
  ];
  for (const [name, FM, FN, FK, elem, result] of configs) {
    it(`${name}: every tiling compiles to a valid pipeline, with its copy-out pass`, async () => {
      const { device, subgroupMaxSize } = await nodeCompileOnlyDevice(SUBGROUP_MATRIX_FEATURES);
      for (const tiling of tilings) {
        const k = kernel(FM, FN, FK, tiling, elem, result, subgroupMaxSize);
        const a = new Float32Array(37 * 19);
        const b = new Float32Array(19 * 45);
        const plan = subgroupMatrixPlan({ M: 37, N: 45, K: 19 }, k, a, b, 'native');
        expect(plan.dispatches.length).toBe(2);
        for (const d of plan.dispatches) {
          const { errors, warnings } = await compileMessages(device, d.wgsl, 'main');
          expect(errors, `${d.label}\n${d.wgsl}`).toEqual([]);
          // A warning would most likely be a deprecated form of a builtin.
          expect(warnings, d.label).toEqual([]);
        }
      }
    });
  }

  it('the compile check does fail: a workgroup that is not a multiple of the largest subgroup size', async () => {
    const { device, subgroupMaxSize } = await nodeCompileOnlyDevice(SUBGROUP_MATRIX_FEATURES);
    const k = kernel(8, 8, 8, { SM: 1, SN: 1, WGM: 1, WGN: 1 }, 'f32', 'f32', subgroupMaxSize / 2);
    const { errors } = await compileMessages(device, subgroupMatrixWgsl(padShape({ M: 8, N: 8, K: 8 }, k), k, 'native'), 'main');
    expect(errors.join('\n')).toMatch(/multiple of the device maxSubgroupSize/);
  });

  it('the compile check does fail: result types that do not match the result array', async () => {
    const { device, subgroupMaxSize } = await nodeCompileOnlyDevice(SUBGROUP_MATRIX_FEATURES);
    const k = kernel(8, 8, 8, { SM: 1, SN: 1, WGM: 1, WGN: 1 }, 'f16', 'f32', subgroupMaxSize);
    const wgsl = subgroupMatrixWgsl(padShape({ M: 8, N: 8, K: 8 }, k), k, 'native').replace(
      'var<storage, read_write> c : array<f32>',
      'var<storage, read_write> c : array<f16>',
    );
    expect((await compileMessages(device, wgsl, 'main')).errors.length).toBeGreaterThan(0);
  });
});
