// Bindings are declared once (ARCHITECTURE.md): for every registered variant, every dispatch's
// WGSL declares exactly the bindings its plan binds, and declares them by the generated lines.
import { describe, expect, it } from 'vitest';
import { declareBindings } from '../../src/gpu/bindings';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/describe';
import { allVariants, defaultParams, type DeviceCaps } from '../../src/kernels';

// Generous limits and every feature, so plans are made for variants this machine cannot run.
const CAPS: DeviceCaps = {
  ...SPEC_DEFAULT_CAPS,
  features: ['subgroups', 'shader-f16', 'timestamp-query', 'chromium-experimental-subgroup-matrix'],
  subgroupMinSize: 32,
  subgroupMaxSize: 32,
  subgroupMatrixConfigs: [
    { componentType: 'f32', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
    { componentType: 'f16', resultComponentType: 'f16', M: 8, N: 8, K: 8 },
    { componentType: 'f16', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
  ],
  limits: { ...SPEC_DEFAULT_CAPS.limits, maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupSizeX: 1024, maxComputeWorkgroupStorageSize: 32768 },
};

describe('every dispatch declares its bindings from the plan', () => {
  for (const variant of allVariants()) {
    it(`${variant.family}/${variant.id}`, () => {
      const params = defaultParams(variant.params);
      // Small shapes: the plan is built on the host (inputs included), nothing runs.
      for (const key of ['M', 'N', 'K', 'length', 'rows', 'cols']) if (typeof params[key] === 'number') params[key] = Math.min(params[key] as number, 64);
      // The 2D scan reads a sample photograph by default; its procedural image needs no file.
      if ((variant.assets?.(params) ?? []).length && 'image' in params) params.image = 'procedural';
      expect(variant.checkLimits(params, CAPS)).toEqual([]);
      expect(variant.assets?.(params) ?? []).toEqual([]);
      const plan = variant.plan(params, variant.makeInputs(params, 1), CAPS);
      expect(plan.dispatches.length).toBeGreaterThan(0);
      for (const d of plan.dispatches) {
        const declared = d.wgsl.match(/@binding\(\d+\)/g) ?? [];
        expect(declared.length, `${d.label}: declarations`).toBe(d.bindings.length);
        expect(d.wgsl, `${d.label}: declared by the generated lines`).toContain(declareBindings(d.bindings));
        for (const b of d.bindings)
          expect(
            plan.buffers.some((buf) => buf.name === (b.buffer ?? b.name)),
            `${d.label}: ${b.name} is a plan buffer`,
          ).toBe(true);
      }
    });
  }
});
