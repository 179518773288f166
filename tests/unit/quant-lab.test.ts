import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, type Experiment, type ExperimentResult } from '../../src/kernels';
import { extrasOf } from '../../src/kernels/extras';
import { findVariant } from '../../src/kernels/registry';
import { quantFamily } from '../../src/kernels/quant';
import { coerceParams, problemsFor } from '../../src/kernels/schema';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import QuantLab from '../../src/views/labs/quantLab';

/** A finished run as the shell hands it to the panel, with the variant's own extras for `output`. */
function resultOf(experiment: Experiment, output: (ref: Float64Array) => Float32Array | Uint32Array): ExperimentResult {
  const variant = findVariant(experiment.family, experiment.variant)!;
  const inputs = variant.makeInputs(experiment.params, experiment.seed);
  const ref = variant.reference(experiment.params, inputs);
  return {
    experiment,
    variantLabel: variant.label,
    shape: variant.shapeLabel(experiment.params),
    seconds: [0.002],
    medianSeconds: 0.002,
    spread: { min: 0.002, max: 0.002, q1: 0.002, q3: 0.002 },
    gflops: 1,
    gbps: 2,
    work: variant.work(experiment.params),
    timing: null,
    metrics: { count: 1, maxAbs: 0, maxRel: 0, relFrobenius: 0, ulpMax: 0, ulpMean: 0, sqnrDb: Infinity, nonFinite: 0, boundViolations: 0, worstBoundRatio: 0 },
    heatmap: { rows: 1, cols: 1, values: [0], cellRows: 1, cellCols: 1 },
    wgsl: [],
    provenance: {
      backend: 'cpu',
      userAgent: 'test',
      adapter: null,
      featuresUsed: [],
      timing: 'cpu-wall-clock',
      date: '2026-12-01T00:00:00.000Z',
      appVersion: '0',
    },
    extras: variant.extras!(experiment.params, inputs, output(ref.values), ref),
  };
}

/** The panel's text as rendered on the server, without React's text separators. */
const render = (props: Parameters<typeof QuantLab>[0]) => renderToString(createElement(QuantLab, props)).replace(/<!-- -->/g, '');

const withParams = (variant: string, params: Record<string, number | string>): Experiment => {
  const base = defaultExperiment('quant', variant);
  return { ...base, params: { ...base.params, ...params } };
};

describe('quant lab panel', () => {
  it('renders the controls with labels and the error table from the pure codecs', () => {
    const experiment = { ...defaultExperiment('quant', 'codec'), params: { ...defaultExperiment('quant', 'codec').params, rows: 8, cols: 64 } };
    const html = renderToString(createElement(QuantLab, { experiment, result: null, sweepPoints: [], caps: null }));
    for (const label of ['Distribution', 'Outlier channels', 'Formats to compare', 'Format shown on the histogram', 'bits per value'])
      expect(html).toContain(label);
    // One table row per default format, with finite SQNR figures.
    expect((html.match(/<tr>/g) ?? []).length).toBeGreaterThanOrEqual(9);
    expect(html).toContain('MXFP4');
    expect(html).not.toContain('NaN');
  });

  it("reads the codec's typed extras: the bit-exact summary, and a mismatch when the output differs", () => {
    const experiment = withParams('codec', { format: 'mxfp4', rows: 4, cols: 64 });
    const exact = resultOf(experiment, (ref) => Uint32Array.from(ref));
    const html = render({ experiment, result: exact, sweepPoints: [], caps: null });
    expect(html).toMatch(/GPU codec: every code and scale equals the TypeScript codec; 4\.25 bits per value, SQNR [\d.]+ dB/);
    const wrong = resultOf(experiment, (ref) => Uint32Array.from(ref, (v, i) => (i === 5 ? v ^ 1 : v)));
    expect(render({ experiment, result: wrong, sweepPoints: [], caps: null })).toContain('1 codes differ from the TypeScript codec');
  });

  it("names a quantized matmul's baseline from its facet, and says nothing of one for the baseline itself", () => {
    const experiment = withParams('gemm-w4', { M: 2, N: 16, K: 64, TM: 1 });
    const html = render({ experiment, result: resultOf(experiment, (ref) => Float32Array.from(ref)), sweepPoints: [], caps: null });
    expect(html).toContain(`rerun with “${findVariant('quant', 'gemm-f32')!.label}” at the same shape`);
    const f32 = withParams('gemm-f32', { M: 2, N: 16, K: 64, TM: 1 });
    const own = render({ experiment: f32, result: resultOf(f32, (ref) => Float32Array.from(ref)), sweepPoints: [], caps: null });
    expect(own).toContain('MiB of compulsory traffic');
    expect(own).not.toContain('rerun with');
  });
});

describe('quant lab panel: the seed variants', () => {
  it('the error table has MXFP4 after a random Hadamard rotation and BFP after channel rearrangement, with the FP4 scale choices', () => {
    const experiment = withParams('codec', { rows: 16, cols: 128, outliers: 4 });
    const html = render({ experiment, result: null, sweepPoints: [], caps: null });
    expect(html).toContain('MXFP4 after a random Hadamard rotation (block 64)');
    expect(html).toContain('BFP m4 block 32, channels rearranged by magnitude');
    expect(html).toContain('FP4 E2M1 × UE4M3 (NVFP4) per 16');
    expect(html).toContain('FP4 E3M0');
    expect(html).not.toContain('NaN');
  });

  it('a multiplication-free run says how many multiplications it removed and what that cost', () => {
    const experiment = withParams('ternary', { M: 2, N: 16, K: 64 });
    const html = render({ experiment, result: resultOf(experiment, (ref) => Float32Array.from(ref)), sweepPoints: [], caps: null });
    expect(html).toMatch(/Multiplications: 32 against a dense matmul&#x27;s 2,048 \(98\.4\d*% removed\)/);
    expect(html).toMatch(/zero weights skipped: [\d.]+%/);
    expect(html).toContain('int4 per channel (multiplies)');
  });

  it('any4 shows its error per row beside int4, NF4 and FP4', () => {
    const experiment = withParams('any4', { M: 2, N: 12, K: 64, TM: 1, groupSize: 32 });
    const html = render({ experiment, result: resultOf(experiment, (ref) => Float32Array.from(ref)), sweepPoints: [], caps: null });
    expect(html).toContain('Weight error per row of W');
    for (const label of ['any4', 'int4 per group of 32', 'NF4 per block of 32', 'FP4 E2M1, absmax per 32']) expect(html).toContain(label);
    expect(html).toContain('(this run, on the GPU)');
  });
});

describe('quant variants describe their comparison', () => {
  // Every variant whose extras say "quantized matmul" is a baseline or names one: a valid
  // experiment of a baseline variant with the same shape.
  for (const variant of quantFamily.variants) {
    if (variant.id === 'codec') continue;
    it(`${variant.id}: role and baseline`, () => {
      const params = { ...defaultExperiment('quant', variant.id).params, M: 3, N: 8, K: 64 };
      const inputs = variant.makeInputs(params, 1);
      const ref = variant.reference(params, inputs);
      const extras = variant.extras!(params, inputs, Float32Array.from(ref.values), ref);
      if (variant.role === 'baseline') {
        expect(variant.baseline?.(params) ?? null).toBeNull();
        return;
      }
      const baseline = variant.baseline!(params)!;
      const target = findVariant('quant', baseline.variant)!;
      expect(target.role).toBe('baseline');
      expect(coerceParams(target.params, baseline.params).problems).toEqual([]);
      expect(problemsFor(target, baseline.params, SPEC_DEFAULT_CAPS)).toEqual([]);
      expect([baseline.params.M, baseline.params.N, baseline.params.K]).toEqual([3, 8, 64]);
      expect(['matmul', 'lmul-error']).toContain(extrasOf({ experiment: { family: 'quant' }, extras }, 'quant')?.kind);
    });
  }
});
