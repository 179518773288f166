// Branching of the subgroup-matrix variant on simulated adapters: it must follow the features and
// the configurations an adapter reports, never its name.
import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS, capsFromDevice } from '../../src/gpu/caps';
import { defaultExperiment } from '../../src/kernels';
import { kernelFor, padShape, pickConfig, subgroupMatrix, subgroupMatrixWgsl } from '../../src/kernels/matmul/subgroupMatrix';
import { problemsFor } from '../../src/kernels/schema';
import type { DeviceCaps, SubgroupMatrixConfig } from '../../src/kernels/types';

const FEATURE = 'chromium-experimental-subgroup-matrix';
const cfg = (componentType: string, resultComponentType: string, M: number, N: number, K: number): SubgroupMatrixConfig => ({
  componentType,
  resultComponentType,
  M,
  N,
  K,
});
const caps = (over: Partial<DeviceCaps>): DeviceCaps => ({ ...SPEC_DEFAULT_CAPS, ...over });
// Shaped like what a Metal adapter (8×8 simdgroup matrices, f32→f32 and f16→f16 only, 32-wide)
// and a Vulkan adapter with cooperative matrices (f16 only, 16×16×16) report.
const METAL_LIKE = caps({
  features: ['subgroups', 'shader-f16', FEATURE],
  subgroupMinSize: 32,
  subgroupMaxSize: 32,
  subgroupMatrixConfigs: [cfg('f32', 'f32', 8, 8, 8), cfg('f16', 'f16', 8, 8, 8)],
});
const VULKAN_LIKE = caps({
  features: ['subgroups', 'shader-f16', FEATURE],
  subgroupMinSize: 32,
  subgroupMaxSize: 32,
  subgroupMatrixConfigs: [cfg('f16', 'f16', 16, 16, 16), cfg('f16', 'f32', 16, 16, 16), cfg('f16', 'f32', 16, 8, 16)],
});
const params = (over: Record<string, string | number> = {}) => ({ ...defaultExperiment('matmul', 'subgroup-matrix').params, ...over });

describe('subgroup-matrix variant: when it is offered', () => {
  it('is unavailable without the feature, with a reason that says how to get it', () => {
    expect(subgroupMatrix.unavailableReason!(SPEC_DEFAULT_CAPS)).toMatch(/chromium-experimental-subgroup-matrix/);
    expect(subgroupMatrix.unavailableReason!(caps({ features: ['subgroups', 'shader-f16'], subgroupMaxSize: 32 }))).toMatch(/does not offer/);
  });

  it('is unavailable with the feature but no configurations, or no subgroup size', () => {
    expect(subgroupMatrix.unavailableReason!(caps({ features: [FEATURE], subgroupMaxSize: 32, subgroupMatrixConfigs: [] }))).toMatch(
      /no matrix configurations/,
    );
    expect(subgroupMatrix.unavailableReason!(caps({ ...METAL_LIKE, subgroupMaxSize: undefined }))).toMatch(/subgroup size/);
    expect(subgroupMatrix.unavailableReason!(METAL_LIKE)).toBeNull();
  });

  it('picks the first configuration with the asked-for types (the adapter lists its preferred first)', () => {
    expect(pickConfig(VULKAN_LIKE, 'f16', 'f32')).toEqual(cfg('f16', 'f32', 16, 16, 16));
    expect(pickConfig(METAL_LIKE, 'f16', 'f16')).toEqual(cfg('f16', 'f16', 8, 8, 8));
    expect(pickConfig(METAL_LIKE, 'f16', 'f32')).toBeNull();
    expect(pickConfig(VULKAN_LIKE, 'f32', 'f32')).toBeNull();
    const k = kernelFor(params({ types: 'f16-f16' }), VULKAN_LIKE);
    expect(k).toMatchObject({ elem: 'f16', result: 'f16', FM: 16, FN: 16, FK: 16, subgroupMaxSize: 32 });
  });

  it('explains a type the adapter lacks, naming what it offers', () => {
    const problems = problemsFor(subgroupMatrix, params({ types: 'f32-f32' }), VULKAN_LIKE);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/no f32×f32→f32 configuration/);
    expect(problems[0]).toContain('f16×f16→f16 16×16×16');
  });

  it('f16 types need shader-f16 even where the matrices exist', () => {
    const noF16 = { ...METAL_LIKE, features: ['subgroups', FEATURE] };
    expect(problemsFor(subgroupMatrix, params({ types: 'f16-f16' }), noF16).join(' ')).toMatch(/shader-f16/);
    expect(problemsFor(subgroupMatrix, params({ types: 'f32-f32' }), noF16)).toEqual([]);
  });

  it('the default types run on both kinds of adapter', () => {
    expect(problemsFor(subgroupMatrix, params(), METAL_LIKE)).toEqual([]);
    expect(problemsFor(subgroupMatrix, params(), VULKAN_LIKE)).toEqual([]);
  });

  it("declares the fragment types in the extension's order: left<T, K, M>, right<T, N, K>, result<T, N, M>", () => {
    // Dawn's null backend does not check shapes against configurations, so a consistent swap
    // would compile; this pins the order to the extension's definition (M rows of left and
    // result, N columns of right and result, K shared) for a fragment with M, N, K all different.
    const k = { elem: 'f16' as const, result: 'f32' as const, FM: 8, FN: 32, FK: 16, tiling: { SM: 1, SN: 1, WGM: 1, WGN: 1 }, subgroupMaxSize: 32 };
    const wgsl = subgroupMatrixWgsl(padShape({ M: 8, N: 32, K: 16 }, k), k, 'native');
    expect(wgsl).toContain('alias Left = subgroup_matrix_left<f16, 16, 8>;');
    expect(wgsl).toContain('alias Right = subgroup_matrix_right<f16, 32, 16>;');
    expect(wgsl).toContain('alias Result = subgroup_matrix_result<f32, 32, 8>;');
  });

  it('sizes the workgroup from the largest subgroup size and refuses one beyond the limits', () => {
    // 2×2 subgroups of 32 = 128 invocations: fine. Of 128 (subgroupMaxSize 128): 512 > 256.
    expect(problemsFor(subgroupMatrix, params({ WGM: 2, WGN: 2 }), METAL_LIKE)).toEqual([]);
    const wide = { ...METAL_LIKE, subgroupMaxSize: 128 };
    expect(problemsFor(subgroupMatrix, params({ WGM: 2, WGN: 2 }), wide).join(' ')).toMatch(/512 invocations/);
    expect(problemsFor(subgroupMatrix, params({ WGM: 2, WGN: 1 }), wide)).toEqual([]);
    const plan = subgroupMatrix.plan(
      params({ M: 40, N: 40, K: 40, WGM: 2, WGN: 1, types: 'f32-f32' }),
      subgroupMatrix.makeInputs(params({ M: 40, N: 40, K: 40, types: 'f32-f32' }), 1),
      wide,
    );
    expect(plan.dispatches[0].wgsl).toContain('@workgroup_size(256)');
  });

  it('pads every dimension up to whole workgroup tiles and fragments', () => {
    const k = kernelFor(params({ SM: 2, SN: 1, WGM: 2, WGN: 2, types: 'f16-f32' }), VULKAN_LIKE);
    if (typeof k === 'string') throw new Error(k);
    // Tile = 2·2·16 rows × 2·1·16 columns; K in steps of 16.
    expect(padShape({ M: 65, N: 32, K: 17 }, k)).toEqual({ M: 65, N: 32, K: 17, MP: 128, NP: 32, KP: 32 });
  });

  it('reads the configurations from adapter info only when the device has the feature', () => {
    const device = { features: new Set([FEATURE, 'subgroups']), limits: SPEC_DEFAULT_CAPS.limits } as unknown as GPUDevice;
    const info = { subgroupMinSize: 32, subgroupMaxSize: 32, subgroupMatrixConfigs: [cfg('f16', 'f32', 8, 8, 8)] } as unknown as GPUAdapterInfo;
    expect(capsFromDevice(device, info).subgroupMatrixConfigs).toEqual([cfg('f16', 'f32', 8, 8, 8)]);
    const without = { features: new Set(['subgroups']), limits: SPEC_DEFAULT_CAPS.limits } as unknown as GPUDevice;
    expect(capsFromDevice(without, info).subgroupMatrixConfigs).toBeUndefined();
  });

  it('derives a bound, says when it is too loose to catch anything, and gives none where γ is undefined', () => {
    const f32 = params({ M: 8, N: 8, K: 256, types: 'f32-f32' });
    const ref32 = subgroupMatrix.reference(f32, subgroupMatrix.makeInputs(f32, 2));
    expect(ref32.bound!.every((b) => b > 0 && Number.isFinite(b))).toBe(true);
    // Informative for f32: an all-zero output would break it almost everywhere.
    expect(ref32.boundNote).not.toMatch(/cannot catch/);
    expect(ref32.values.filter((v, i) => Math.abs(v) > ref32.bound![i]).length).toBeGreaterThan(56);
    const f16 = params({ M: 8, N: 8, K: 64, types: 'f16-f16' });
    const ref16 = subgroupMatrix.reference(f16, subgroupMatrix.makeInputs(f16, 2));
    expect(ref16.bound).toBeDefined();
    expect(ref16.boundNote).toMatch(/cannot catch an error here/);
    const long = params({ M: 1, N: 1, K: 512, types: 'f16-f16' });
    expect(subgroupMatrix.reference(long, subgroupMatrix.makeInputs(long, 2)).bound).toBeUndefined();
  });
});

describe('subgroup-matrix variant without matrix units: the CPU emulation', () => {
  it('meets the float64 bound in every type combination', async () => {
    const { runExperimentCpu } = await import('../../src/kernels/run');
    for (const types of ['f32-f32', 'f16-f32', 'f16-f16']) {
      const experiment = { ...defaultExperiment('matmul', 'subgroup-matrix'), params: params({ M: 9, N: 13, K: 40, types }), reps: 1 };
      const result = await runExperimentCpu(experiment);
      expect(result.provenance.backend).toBe('cpu');
      expect(result.metrics.boundViolations, types).toBe(0);
      expect(result.metrics.relFrobenius, types).toBeGreaterThan(0);
    }
  });
});
