// The checker on every built-in kernel: every family, every variant, every dispatch, at small
// parameters, every workgroup. A variant must come out clean (no false alarm), and — to show the
// interpreter really ran the kernel rather than skipping through it — the buffers it leaves must
// hold the variant's result within the variant's own float64 bound (the same bound the GPU run is
// held to: e.g. γ_K·Σ|a·b| for a float32 dot product; zero for the bit-exact codecs).
//
// Where this adapter can compile the variant (SwiftShader: no shader-f16, no subgroup matrices),
// the check includes Dawn's compiler; the others are compiled by Dawn's null backend (which
// validates as for a GPU that has the features) and interpreted all the same.
import { describe, expect, it } from 'vitest';
import { checkKernel, targetFromPlan } from '../../src/checker';
import { nodeAssetLoader, nodeCompileOnlyDevice, nodeDevice } from '../../src/gpu/node-device';
import { defaultExperiment } from '../../src/kernels';
import { FAMILIES } from '../../src/kernels/registry';
import type { DeviceCaps, HostArray, KernelVariant } from '../../src/kernels/types';
import { smallParams } from './checker-small';

const NULL_FEATURES = ['subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix', 'timestamp-query'];
const SIMULATED_CONFIGS = [
  { componentType: 'f16', resultComponentType: 'f16', M: 8, N: 8, K: 8 },
  { componentType: 'f16', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
  { componentType: 'f32', resultComponentType: 'f32', M: 8, N: 8, K: 8 },
];
// The exact variant runs only on whole tiles.
const EXTRA: Record<string, Record<string, number>> = { 'matmul/regblock-exact': { M: 64, N: 64, K: 40 }, 'matmul/subgroup-matrix': { WGM: 2, WGN: 1 } };

async function planFor(variant: KernelVariant, caps: DeviceCaps, option: Record<string, string | boolean> = {}) {
  const base = defaultExperiment(variant.family, variant.id);
  const params = { ...smallParams(variant.family, variant.id, base.params), ...EXTRA[`${variant.family}/${variant.id}`], ...option };
  const assets: Record<string, Uint8Array> = {};
  for (const path of variant.assets?.(params) ?? []) assets[path] = await nodeAssetLoader(path);
  const inputs = variant.makeInputs(params, 3, assets);
  return { params, inputs, limits: variant.checkLimits(params, caps), plan: variant.plan(params, inputs, caps) };
}

/** The interpreted output's elements outside the variant's float64 bound. */
function outsideBound(
  variant: KernelVariant,
  params: Record<string, number | string | boolean>,
  inputs: Record<string, HostArray>,
  raw: ArrayBuffer,
  output: { type: 'f32' | 'u32' | 'i32'; count: number },
): number {
  const ref = variant.reference(params, inputs);
  const out = outputOf(raw, output.type, output.count);
  let outside = 0;
  for (let i = 0; i < ref.values.length; i++) if (!(Math.abs(out[i] - ref.values[i]) <= (ref.bound?.[i] ?? 2 ** -23 * Math.abs(ref.values[i])))) outside++;
  return outside;
}

function outputOf(raw: ArrayBuffer, type: 'f32' | 'u32' | 'i32', count: number): HostArray {
  return type === 'f32' ? new Float32Array(raw, 0, count) : type === 'u32' ? new Uint32Array(raw, 0, count) : new Int32Array(raw, 0, count);
}

describe('the checker on every built-in variant (no false alarms; the interpreted result is right)', async () => {
  const here = await nodeDevice();
  const variants = FAMILIES.flatMap((f) => f.variants);

  it('covers every family and variant of the registry', () => {
    expect(variants.length).toBeGreaterThanOrEqual(40);
    expect(new Set(variants.map((v) => v.family))).toEqual(new Set(FAMILIES.map((f) => f.id)));
  });

  for (const variant of variants) {
    it(`${variant.family}/${variant.id}`, async () => {
      const runnable = !variant.unavailableReason?.(here.caps);
      let device = here.device;
      let caps = here.caps;
      if (!runnable) {
        const nul = await nodeCompileOnlyDevice(NULL_FEATURES);
        device = nul.device;
        caps = { ...nul.caps, subgroupMatrixConfigs: SIMULATED_CONFIGS };
      }
      const { params, inputs, limits, plan } = await planFor(variant, caps);
      expect(limits, 'the small parameters fit this device').toEqual([]);
      const report = await checkKernel(device, targetFromPlan(plan), { maxWorkgroups: 1e9, budgetMs: 120_000, returnBuffers: true });
      expect(report.problems.filter((p) => p.severity !== 'info').map((p) => `${p.kind} line ${p.line}: ${p.message}`)).toEqual([]);
      expect(report.verdict).toBe('clean');
      for (const d of report.dispatches) expect(d.complete, `${d.label}: ${d.stopped ?? ''}`).toBe(true);

      const ref = variant.reference(params, inputs);
      const out = outputOf(report.buffers![plan.output.buffer], plan.output.type, plan.output.count);
      let outside = 0;
      for (let i = 0; i < ref.values.length; i++) {
        // The variant's bound where it has one; else float32 rounding of the value itself.
        const bound = ref.bound?.[i] ?? 2 ** -23 * Math.abs(ref.values[i]);
        if (!(Math.abs(out[i] - ref.values[i]) <= bound)) outside++;
      }
      expect(outside, `interpreted ${plan.output.buffer} outside the float64 bound`).toBe(0);

      // Subgroup kernels must be right at any subgroup size a GPU may have (4 to 128).
      if (plan.dispatches.some((d) => /enable subgroups/.test(d.wgsl))) {
        for (const subgroupSize of [4, 64]) {
          const r = await checkKernel(null, targetFromPlan(plan), { maxWorkgroups: 1e9, budgetMs: 120_000, returnBuffers: true, subgroupSize });
          expect(
            r.problems.filter((p) => p.severity !== 'info').map((p) => p.message),
            `subgroup size ${subgroupSize}`,
          ).toEqual([]);
          const o = outputOf(r.buffers![plan.output.buffer], plan.output.type, plan.output.count);
          let bad = 0;
          for (let i = 0; i < ref.values.length; i++) if (!(Math.abs(o[i] - ref.values[i]) <= (ref.bound?.[i] ?? 2 ** -23 * Math.abs(ref.values[i])))) bad++;
          expect(bad, `subgroup size ${subgroupSize}: outside the bound`).toBe(0);
        }
      }
    }, 180_000);
  }
});

// At each variant's default parameters (what the editor opens), with the check's default sample
// of workgroups and a short budget per variant: never a false alarm (a stop for time is allowed).
describe('the checker at default parameters (sampled workgroups)', async () => {
  const here = await nodeDevice();
  const nul = await nodeCompileOnlyDevice(NULL_FEATURES);
  const simulated: DeviceCaps = { ...nul.caps, subgroupMatrixConfigs: SIMULATED_CONFIGS, subgroupMaxSize: 32 };
  for (const variant of FAMILIES.flatMap((f) => f.variants)) {
    it(`${variant.family}/${variant.id}`, async () => {
      const caps = variant.unavailableReason?.(here.caps) ? simulated : here.caps;
      const base = defaultExperiment(variant.family, variant.id);
      const params = { ...base.params, ...(variant.unavailableReason?.(here.caps) ? EXTRA[`${variant.family}/${variant.id}`] : {}) };
      const assets: Record<string, Uint8Array> = {};
      for (const path of variant.assets?.(params) ?? []) assets[path] = await nodeAssetLoader(path);
      const plan = variant.plan(params, variant.makeInputs(params, 1, assets), caps);
      const report = await checkKernel(null, targetFromPlan(plan), { budgetMs: 4000, maxWorkgroups: 2 });
      expect(report.problems.filter((p) => p.severity !== 'info').map((p) => p.message)).toEqual([]);
      expect(['clean', 'incomplete']).toContain(report.verdict);
    }, 60_000);
  }
});

// Every value of every enum and flag parameter, one at a time from the small parameters: the
// WGSL differs with many of them (staging in workgroup memory, vec4 loads, each codec format,
// exclusive scans…) and the data with the others (sparsity patterns steer control flow).
describe('the checker on every option of every variant (interpreted, every workgroup)', async () => {
  const here = await nodeDevice();
  const nul = await nodeCompileOnlyDevice(NULL_FEATURES);
  const simulated: DeviceCaps = { ...nul.caps, subgroupMatrixConfigs: SIMULATED_CONFIGS, subgroupMaxSize: 32 };
  for (const variant of FAMILIES.flatMap((f) => f.variants)) {
    const options: Record<string, string | boolean>[] = variant.params.flatMap((p): Record<string, string | boolean>[] =>
      p.kind === 'enum'
        ? p.options.filter((o) => o.value !== p.default).map((o) => ({ [p.key]: o.value }))
        : p.kind === 'bool'
          ? [{ [p.key]: !p.default }]
          : [],
    );
    if (!options.length) continue;
    it(`${variant.family}/${variant.id}: ${options.length} options`, async () => {
      const skipped: string[] = [];
      for (const option of options) {
        const caps = variant.unavailableReason?.(here.caps) ? simulated : here.caps;
        const { params, inputs, limits, plan } = await planFor(variant, caps, option).catch((e: Error) => ({
          params: {},
          inputs: {},
          limits: [e.message],
          plan: null,
        }));
        // An option this device refuses (e.g. f16 activations without shader-f16) on the
        // simulated caps instead; one refused there too is listed with its reason.
        let target = plan;
        let used = { params, inputs };
        if (limits.length || !plan) {
          const again = await planFor(variant, simulated, option).catch((e: Error) => ({ params: {}, inputs: {}, limits: [e.message], plan: null }));
          if (again.limits.length || !again.plan) {
            skipped.push(`${JSON.stringify(option)}: ${again.limits.join('; ')}`);
            continue;
          }
          target = again.plan;
          used = again;
        }
        const report = await checkKernel(null, targetFromPlan(target!), { maxWorkgroups: 1e9, budgetMs: 120_000, returnBuffers: true });
        expect(
          report.problems.filter((p) => p.severity !== 'info').map((p) => `${p.kind} line ${p.line}: ${p.message}`),
          JSON.stringify(option),
        ).toEqual([]);
        expect(report.verdict, JSON.stringify(option)).toBe('clean');
        expect(outsideBound(variant, used.params, used.inputs, report.buffers![target!.output.buffer], target!.output), JSON.stringify(option)).toBe(0);
      }
      expect(skipped.length, skipped.join('\n')).toBeLessThan(options.length);
    }, 300_000);
  }
});
