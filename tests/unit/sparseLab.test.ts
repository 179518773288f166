import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import SparseLab from '../../src/views/labs/sparseLab';
import { defaultExperiment, findVariant } from '../../src/kernels';
import type { ExperimentResult } from '../../src/kernels/types';

// Server-side render (no DOM here): the panel must draw its tables from a result's extras.
describe('sparse lab panel', () => {
  it('shows bytes per format, block counts and row statistics from extras', () => {
    const experiment = { ...defaultExperiment('sparse', 'bsr'), params: { ...defaultExperiment('sparse', 'bsr').params, M: 64, N: 8, K: 96, pattern: 'block-shuffled', density: 15, bsr: 8 } };
    const v = findVariant('sparse', 'bsr')!;
    const inputs = v.makeInputs(experiment.params, experiment.seed);
    const ref = v.reference(experiment.params, inputs);
    const extras = v.extras!(experiment.params, inputs, new Float32Array(ref.values), ref);
    const result = { experiment, medianSeconds: 1e-3, gbps: 1, extras } as unknown as ExperimentResult;
    const html = renderToString(createElement(SparseLab, { experiment, result, sweepPoints: [], caps: null }));
    expect(html).toContain('Bytes stored for A');
    expect(html).toContain('CSR');
    expect(html).toContain('BSR 8×8');
    expect(html).toMatch(/Non-empty blocks before/);
    expect(html).toContain('Spy plot of A');
    expect(html.replace(/<!-- -->/g, '')).toMatch(/64 rows · mean/);
    // Every control has a visible label.
    expect(html).toContain('<label for="sparse-permuted">');
    // Without a result the panel still renders (pattern preview, hints).
    expect(renderToString(createElement(SparseLab, { experiment, result: null, sweepPoints: [], caps: null }))).toContain('Row lengths appear after a run');
  });

  it('sets a result against the baseline its variant names, once that baseline has run at the same shape', () => {
    const resultOf = (variant: string, params: Record<string, number | string>, seconds: number) => {
      const base = defaultExperiment('sparse', variant);
      const experiment = { ...base, params: { ...base.params, ...params } };
      const v = findVariant('sparse', variant)!;
      const inputs = v.makeInputs(experiment.params, experiment.seed);
      const ref = v.reference(experiment.params, inputs);
      const extras = v.extras!(experiment.params, inputs, new Float32Array(ref.values), ref);
      return { experiment, medianSeconds: seconds, gbps: 1, extras } as unknown as ExperimentResult;
    };
    const render = (result: ExperimentResult) =>
      renderToString(createElement(SparseLab, { experiment: result.experiment, result, sweepPoints: [], caps: null })).replace(/<!-- -->/g, '');
    const shape = { M: 48, N: 8, K: 40, pattern: 'random', density: 10 };
    const sparse = resultOf('csr-row', shape, 1e-3);
    expect(render(sparse)).not.toContain('Against the dense kernel');
    // The baseline's own result records its time (and is not compared with itself).
    expect(render(resultOf('dense', { ...shape, kernel: 'rows' }, 4e-3))).not.toContain('Against the dense kernel');
    expect(render(sparse)).toContain('Against the dense kernel of this shape measured in this session (4.00 ms): <strong>4.00× </strong>faster');
    // Another variant with the same baseline shape finds it too; another shape does not.
    expect(render(resultOf('csr-vec4', shape, 8e-3))).toContain('<strong>0.500× </strong>slower');
    expect(render(resultOf('csr-row', { ...shape, K: 64 }, 1e-3))).not.toContain('Against the dense kernel');
  });
});
