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
});
