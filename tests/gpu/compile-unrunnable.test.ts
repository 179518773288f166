// Every variant that needs an optional feature (shader-f16, subgroups, subgroup matrices) is
// compiled here by Dawn's null backend on its default parameters, whether or not this machine's
// adapter has the feature (SwiftShader lacks shader-f16 and subgroup matrices; a GPU may have
// them all): the WGSL and the pipeline must validate as they would on a GPU that has the
// features. Nothing runs, so nothing about results is claimed; where the adapter has the
// feature, the GPU tests run these variants against float64.
import { describe, expect, it } from 'vitest';
import { compileMessages, nodeCompileOnlyDevice, nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment } from '../../src/kernels';
import { FAMILIES } from '../../src/kernels/registry';
import type { DeviceCaps } from '../../src/kernels/types';

const FEATURES = ['subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix', 'timestamp-query'];
// Shaped like a Vulkan GPU with cooperative matrices (f16 in, f16 or f32 out) and f32 ones.
const SIMULATED_CONFIGS = [
  { componentType: 'f16', resultComponentType: 'f32', M: 16, N: 16, K: 16 },
  { componentType: 'f16', resultComponentType: 'f16', M: 16, N: 16, K: 16 },
  { componentType: 'f32', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
];

// The null device's largest subgroup is 128 wide and its workgroups hold 256 invocations: two
// subgroups per workgroup, where the default asks for four (sized for 32-wide GPUs); the scan's
// subgroup look-back needs whole subgroups per workgroup (64 by default).
const PARAMS_FOR_NULL_DEVICE: Record<string, Record<string, number>> = {
  'matmul/subgroup-matrix': { WGM: 2, WGN: 1 },
  'scan/serial-lookback-subgroup': { wg: 128 },
};

describe("variants that need optional features compile on Dawn's null backend", async () => {
  const here = (await nodeDevice()).caps;
  // This adapter's limits with none of the optional features: what each variant needs beyond core WebGPU.
  const bare: DeviceCaps = { ...here, features: [], subgroupMatrixConfigs: undefined };
  const unrunnable = Object.values(FAMILIES).flatMap((family) => family.variants.filter((v) => v.unavailableReason?.(bare)));
  // Parameter settings of variants that are refused without an optional feature (their limit checks say why).
  const unrunnableSettings: [string, string, Record<string, string | number>][] = [['quant', 'gemm-w4', { act: 'f16' }]];

  it('there are such variants (f16, subgroup and subgroup-matrix ones), so the loop below is not empty', () => {
    expect(unrunnable.map((v) => `${v.family}/${v.id}`)).toEqual(
      expect.arrayContaining(['matmul/f16-acc16', 'matmul/f16-acc32', 'matmul/subgroup-matrix', 'matmul/regblock-quad']),
    );
  });

  const cases = [
    ...unrunnable.map((v) => ({ variant: v, extra: PARAMS_FOR_NULL_DEVICE[`${v.family}/${v.id}`] ?? {} })),
    ...unrunnableSettings.map(([family, id, extra]) => ({
      variant: Object.values(FAMILIES)
        .find((f) => f.id === family)!
        .variants.find((v) => v.id === id)!,
      extra,
    })),
  ];

  it('the settings listed are refused without shader-f16, and accepted where the adapter has it', () => {
    for (const [family, id, extra] of unrunnableSettings) {
      const variant = Object.values(FAMILIES)
        .find((f) => f.id === family)!
        .variants.find((v) => v.id === id)!;
      const base = defaultExperiment(family as never, id);
      expect(variant.checkLimits({ ...base.params, ...extra }, bare).join(' ')).toMatch(/shader-f16/);
      if (here.features.includes('shader-f16')) expect(variant.checkLimits({ ...base.params, ...extra }, here)).toEqual([]);
    }
  });

  for (const { variant, extra } of cases) {
    it(`${variant.family}/${variant.id} ${JSON.stringify(extra)}`, async () => {
      const { device, caps: nullCaps } = await nodeCompileOnlyDevice(FEATURES);
      // The null backend reports no matrix configurations: simulate some (Dawn does not check them).
      const caps: DeviceCaps = { ...nullCaps, subgroupMatrixConfigs: SIMULATED_CONFIGS };
      expect(variant.unavailableReason?.(caps) ?? null).toBeNull();
      const base = defaultExperiment(variant.family, variant.id);
      const experiment = { ...base, params: { ...base.params, ...extra } };
      expect(variant.checkLimits(experiment.params, caps)).toEqual([]);
      const plan = variant.plan(experiment.params, variant.makeInputs(experiment.params, 1), caps);
      // The plan really uses an optional feature (else this would compile nothing new).
      expect(plan.dispatches.some((d) => /enable (f16|subgroups|chromium_experimental_subgroup_matrix)/.test(d.wgsl))).toBe(true);
      for (const d of plan.dispatches) {
        const { errors } = await compileMessages(device, d.wgsl, d.entryPoint ?? 'main');
        expect(errors, `${d.label}\n${d.wgsl}`).toEqual([]);
      }
    });
  }
});
