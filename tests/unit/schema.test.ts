import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { checkBuffers, checkDispatch, checkWorkgroup, coerceParam, findVariant, problemsFor, validateExperiment } from '../../src/kernels';
import type { DeviceCaps } from '../../src/kernels';

const bigGpu: DeviceCaps = {
  ...SPEC_DEFAULT_CAPS,
  features: ['shader-f16', 'subgroups', 'timestamp-query'],
  limits: {
    ...SPEC_DEFAULT_CAPS.limits,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
    maxComputeWorkgroupSizeY: 1024,
    maxComputeWorkgroupStorageSize: 32768,
  },
};

describe('parameter schema', () => {
  it('coerces and explains', () => {
    const def = { key: 'tile', label: 'Tile', kind: 'int', default: 16, min: 1, max: 32 } as const;
    expect(coerceParam(def, '8')).toEqual({ value: 8, problem: null });
    expect(coerceParam(def, '8.5').problem).toContain('not a whole number');
    expect(coerceParam(def, '64').problem).toBe('Tile: 64 is outside 1…32; using 16');
    expect(coerceParam({ ...def, pow2: true }, '12').problem).toContain('not a power of two');
    expect(coerceParam({ key: 'b', label: 'B', kind: 'bool', default: false }, 'yes').problem).toContain('not 0/1');
  });

  it('validates whole experiments from untrusted sources', () => {
    const { experiment, problems } = validateExperiment({ family: 'matmul', variant: 'tiled', params: { M: 4, N: 'x' } as never, seed: -1, reps: 1000 });
    expect(experiment.params).toMatchObject({ M: 4, N: 256, K: 256, tile: 16 });
    expect(problems).toHaveLength(3);
  });
});

describe('device limit checks, in words', () => {
  it('workgroup invocations, size and memory', () => {
    expect(checkWorkgroup(SPEC_DEFAULT_CAPS, [16, 16, 1], 2048)).toEqual([]);
    const [invocations] = checkWorkgroup(SPEC_DEFAULT_CAPS, [32, 32, 1], 0, 'tile 32×32');
    expect(invocations).toBe('tile 32×32 needs 1024 invocations per workgroup (32×32×1); this device allows 256 (maxComputeInvocationsPerWorkgroup)');
    expect(checkWorkgroup(SPEC_DEFAULT_CAPS, [1, 1, 1], 20000)[0]).toContain('20000 bytes of workgroup memory; this device allows 16384');
    expect(checkDispatch(SPEC_DEFAULT_CAPS, [70000, 1])[0]).toContain('70000 workgroups');
    expect(checkBuffers(SPEC_DEFAULT_CAPS, [['A', 2 ** 28]])[0]).toContain('buffer A would be 256.0 MiB');
  });

  it('the same configuration is valid on a bigger (simulated) GPU and not on the spec minimum', () => {
    const tiled = findVariant('matmul', 'tiled')!;
    const params = { M: 64, N: 64, K: 64, tile: 32 };
    expect(problemsFor(tiled, params, SPEC_DEFAULT_CAPS)).toHaveLength(1);
    expect(problemsFor(tiled, params, bigGpu)).toEqual([]);
  });

  it('very large shapes are refused before anything is allocated', () => {
    const naive = findVariant('matmul', 'naive')!;
    const problems = problemsFor(naive, { M: 8192, N: 8192, K: 16384, wg: 8 }, SPEC_DEFAULT_CAPS);
    expect(problems.some((p) => p.includes('buffer A'))).toBe(true);
  });
});
