import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { findFamily, validateExperiment } from '../../src/kernels';
import { variantOf } from '../../src/kernels/experiment';
import { problemsFor } from '../../src/kernels/schema';

describe('matmul bench suite', () => {
  const cases = findFamily('matmul')!.benchSuite!();
  it('every case is a valid experiment that fits the spec-default limits (f16 and subgroup matrices aside)', () => {
    // A 32-wide adapter with subgroup matrices in all three type combinations the bench tries.
    const caps = {
      ...SPEC_DEFAULT_CAPS,
      features: ['subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix'],
      subgroupMaxSize: 32,
      subgroupMatrixConfigs: [
        { componentType: 'f32', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
        { componentType: 'f16', resultComponentType: 'f16', M: 8, N: 8, K: 8 },
        { componentType: 'f16', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
      ],
    };
    for (const c of cases) {
      const { experiment, problems } = validateExperiment(c.experiment);
      expect(problems, c.label ?? c.experiment.variant).toEqual([]);
      expect(problemsFor(variantOf(experiment), experiment.params, caps), c.label ?? experiment.variant).toEqual([]);
    }
  });
  it('covers naive, tiled, register-blocked, the shape-specialised kernels and both roofs', () => {
    const variants = new Set(cases.map((c) => c.experiment.variant));
    for (const v of ['naive', 'tiled', 'regblock', 'regblock-exact', 'gemv', 'splitk', 'reduce', 'roofline-fma', 'roofline-copy'])
      expect(variants).toContain(v);
    const sizes = new Set(cases.filter((c) => c.experiment.variant === 'regblock').map((c) => c.experiment.params.M));
    expect(sizes).toContain(512);
    expect(sizes).toContain(1024);
  });
});

describe('feature gating with simulated caps', () => {
  it('subgroup variants need "subgroups", f16 variants need "shader-f16"', async () => {
    const { regblockSubgroup, regBlockWgsl } = await import('../../src/kernels/matmul/regblock');
    const { reduceSubgroup } = await import('../../src/kernels/matmul/reduce');
    for (const v of [regblockSubgroup, reduceSubgroup]) {
      expect(v.unavailableReason?.(SPEC_DEFAULT_CAPS)).toMatch(/"subgroups"/);
      expect(v.unavailableReason?.({ ...SPEC_DEFAULT_CAPS, features: ['subgroups'] })).toBeNull();
    }
    const src = regBlockWgsl({ M: 8, N: 8, K: 8 }, { BM: 8, BN: 8, BK: 8, TM: 2, TN: 4, staging: 'global', vec4: false }, false, true);
    expect(src.startsWith('enable subgroups;')).toBe(true);
    expect(src).toContain('subgroupShuffle(aLane0, kk)');
    expect(() => regBlockWgsl({ M: 8, N: 8, K: 8 }, { BM: 8, BN: 8, BK: 8, TM: 2, TN: 4, staging: 'workgroup', vec4: false }, false, true)).toThrow();
  });
});
