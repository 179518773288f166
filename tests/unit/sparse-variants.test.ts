// The sparse variants describe themselves: dense is the family's baseline and every other SpMM
// variant names the dense experiment it is compared against (the MoE and SpGEMM variants name their
// own padded / dense strategy); every dispatch's WGSL declarations are the ones generated from the
// bindings it is bound by.
import { describe, expect, it } from 'vitest';
import { bufferOf, declareBindings } from '../../src/gpu/bindings';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { coerceParams, defaultExperiment, findFamily } from '../../src/kernels';
import type { Binding, KernelVariant, Params } from '../../src/kernels/types';
import { sparseProblemOf } from '../../src/kernels/sparse/extras';

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

  for (const v of family.variants.filter((x) => x.role !== 'baseline' && sparseProblemOf(x) === 'spmm')) {
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

describe('the MoE and SpGEMM variants compare their strategies on one problem', () => {
  const cases: [string, string, string[]][] = [
    ['moe-grouped', 'padded', ['block-sparse', 'per-expert']],
    ['spgemm-hash', 'dense', ['hash', 'sort']],
  ];
  for (const [id, baseline, others] of cases) {
    it(`${id}: every strategy but ${baseline} names ${baseline} on the same problem; the extras list every strategy`, () => {
      const v = family.variants.find((x) => x.id === id)!;
      expect(sparseProblemOf(v)).not.toBe('spmm');
      const params = {
        ...defaultExperiment('sparse', id).params,
        ...(id === 'moe-grouped' ? { tokens: 30, hidden: 7, ffn: 5, experts: 3 } : { M: 20, N: 9, K: 11, density: 30, densityB: 30 }),
      };
      for (const strategy of others) {
        const p = { ...params, strategy };
        const ref = v.baseline!(p)!;
        expect(ref.variant).toBe(id);
        expect(coerceParams(v.params, ref.params).problems).toEqual([]);
        expect({ ...ref.params, strategy }).toEqual(p);
        expect(ref.params.strategy).toBe(baseline);
        expect(v.shapeLabel(ref.params)).toBe(v.shapeLabel(p));
      }
      expect(v.baseline!({ ...params, strategy: baseline })).toBeNull();
      const inputs = v.makeInputs(params, 2);
      const ref = v.reference(params, inputs);
      const extras = v.extras!(params, inputs, new Float32Array(ref.values.length), ref) as unknown as {
        strategies?: { params: Params }[];
        layouts?: { params: Params }[];
      };
      const runs = extras.strategies ?? extras.layouts!;
      expect(runs.map((r) => r.params.strategy).sort()).toEqual([baseline, ...others].sort());
      for (const r of runs) expect(coerceParams(v.params, r.params).problems).toEqual([]);
    });
  }
});

const withoutComment = (line: string) => line.replace(/\/\/.*$/, '').trim();

describe('bindings declared once', () => {
  const strategiesOf: Record<string, Params[]> = {
    'moe-grouped': ['block-sparse', 'padded', 'per-expert'].map((strategy) => ({ tokens: 50, hidden: 9, ffn: 7, experts: 4, skew: 40, strategy })),
    // A 16-slot table: the skewed rows take the fallback, so both hash dispatches are checked.
    'spgemm-hash': ['hash', 'sort', 'dense'].map((strategy) => ({ N: 40, pattern: 'skewed', densityB: 30, table: 16, strategy })),
  };
  const cases: [KernelVariant, Params][] = family.variants.flatMap((v) =>
    v.role === 'baseline'
      ? ['blocked', 'tiled', 'naive', 'skinny', 'rows', 'rows4'].map((kernel): [KernelVariant, Params] => [v, paramsOf(v, { kernel })])
      : strategiesOf[v.id]
        ? strategiesOf[v.id].map((extra): [KernelVariant, Params] => [v, { ...paramsOf(v), ...extra }])
        : [[v, paramsOf(v, v.id === 'nm' ? {} : { pattern: 'skewed' })] as [KernelVariant, Params]],
  );
  for (const [v, params] of cases) {
    it(`${v.id} ${params.kernel ?? params.strategy ?? ''}: each dispatch declares exactly the bindings it is bound by`, () => {
      const inputs = v.makeInputs(params, 3);
      const plan = v.plan(params, inputs, caps);
      const buffers = new Set(plan.buffers.map((b) => b.name));
      for (const d of plan.dispatches) {
        expect(
          d.bindings.every((b) => typeof b === 'object'),
          d.label,
        ).toBe(true);
        const bindings = d.bindings as Binding[];
        // The declarations, comments aside (the dense kernel borrows the matmul family's naive
        // shader, whose declarations are still written by hand), and no other declarations.
        const declared = d.wgsl
          .split('\n')
          .filter((line) => line.includes('@binding('))
          .map(withoutComment);
        expect(declared, d.label).toEqual(declareBindings(bindings).split('\n').map(withoutComment));
        for (const b of bindings) expect(buffers.has(bufferOf(b)), `${d.label}: ${b.name}`).toBe(true);
      }
      // The hash case above reaches its fallback kernel too.
      if (params.strategy === 'hash') expect(plan.dispatches.map((d) => d.label.split(':')[0])).toEqual(['hash', 'fallback']);
    });
  }
});
