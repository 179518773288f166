// The sparse variants describe themselves: dense is the family's baseline and every other variant
// names the dense experiment it is compared against; every dispatch's WGSL declarations are the
// ones generated from the bindings it is bound by.
import { describe, expect, it } from 'vitest';
import { bufferOf, declareBindings } from '../../src/gpu/bindings';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { coerceParams, defaultExperiment, findFamily } from '../../src/kernels';
import type { Binding, KernelVariant, Params } from '../../src/kernels/types';

const family = findFamily('sparse')!;
const caps = { ...SPEC_DEFAULT_CAPS, features: ['subgroups'] };
const baselines = family.variants.filter((v) => v.role === 'baseline');

/** Default parameters at a small shape (an N divisible by 4 for the vec4 kernels). */
function paramsOf(v: KernelVariant, extra: Params = {}): Params {
  const params: Params = { ...defaultExperiment('sparse', v.id).params, M: 40, K: 56, density: 20, ...extra };
  if ('N' in params) params.N = 8;
  return params;
}

describe('the sparse family’s baseline', () => {
  it('is one variant, which names no baseline of its own', () => {
    expect(baselines.length).toBe(1);
    expect(baselines[0].baseline).toBeUndefined();
  });

  for (const v of family.variants.filter((x) => x.role !== 'baseline')) {
    it(`${v.id} names a valid baseline experiment of its own shape and pattern`, () => {
      for (const pattern of v.id === 'nm' ? ['nm24', 'nm14', 'nm48'] : ['random', 'skewed', 'nm24']) {
        const params = paramsOf(v, { pattern });
        const ref = v.baseline!(params)!;
        expect(ref.variant).toBe(baselines[0].id);
        const dense = baselines[0];
        // Every field is one of the baseline's and passes its schema.
        const keys = new Set(dense.params.map((d) => d.key));
        expect(Object.keys(ref.params).filter((k) => !keys.has(k))).toEqual([]);
        expect(coerceParams(dense.params, ref.params).problems).toEqual([]);
        // The same product: shape, pattern, density and pattern block (N is 1 for SpMV).
        for (const key of ['M', 'K', 'density', 'pattern', 'block']) expect(ref.params[key], key).toBe(params[key]);
        expect(ref.params.N).toBe(params.N ?? 1);
        expect(dense.shapeLabel(ref.params)).toBe(v.shapeLabel(params));
        // A configuration that runs here has a baseline that runs here.
        expect(v.checkLimits(params, caps)).toEqual([]);
        expect(dense.checkLimits(ref.params, caps)).toEqual([]);
      }
    });
  }
});

const withoutComment = (line: string) => line.replace(/\/\/.*$/, '').trim();

describe('bindings declared once', () => {
  const cases: [KernelVariant, Params][] = family.variants.flatMap((v) =>
    v.role === 'baseline'
      ? ['blocked', 'tiled', 'naive', 'skinny', 'rows', 'rows4'].map((kernel): [KernelVariant, Params] => [v, paramsOf(v, { kernel })])
      : [[v, paramsOf(v, v.id === 'nm' ? {} : { pattern: 'skewed' })] as [KernelVariant, Params]],
  );
  for (const [v, params] of cases) {
    it(`${v.id} ${params.kernel ?? ''}: each dispatch declares exactly the bindings it is bound by`, () => {
      const inputs = v.makeInputs(params, 3);
      const plan = v.plan(params, inputs, caps);
      const buffers = new Set(plan.buffers.map((b) => b.name));
      for (const d of plan.dispatches) {
        expect(d.bindings.every((b) => typeof b === 'object'), d.label).toBe(true);
        const bindings = d.bindings as Binding[];
        // The declarations, comments aside (the dense kernel borrows the matmul family's naive
        // shader, whose declarations are still written by hand), and no other declarations.
        const declared = d.wgsl.split('\n').filter((line) => line.includes('@binding(')).map(withoutComment);
        expect(declared, d.label).toEqual(declareBindings(bindings).split('\n').map(withoutComment));
        for (const b of bindings) expect(buffers.has(bufferOf(b)), `${d.label}: ${b.name}`).toBe(true);
      }
    });
  }
});
