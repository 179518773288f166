import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import SparseLab from '../../src/views/labs/sparseLab';
import { defaultExperiment, findVariant } from '../../src/kernels';
import type { ExperimentResult } from '../../src/kernels/types';

// Server-side render (no DOM here): the panel must draw its tables from a result's extras.
describe('sparse lab panel', () => {
  it('shows bytes per format, block counts and row statistics from extras', () => {
    const experiment = {
      ...defaultExperiment('sparse', 'bsr'),
      params: { ...defaultExperiment('sparse', 'bsr').params, M: 64, N: 8, K: 96, pattern: 'block-shuffled', density: 15, bsr: 8 },
    };
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

describe('sparse lab panel: mixture of experts and SpGEMM', () => {
  const resultOf = (variant: string, params: Record<string, number | string>, seconds: number) => {
    const base = defaultExperiment('sparse', variant);
    const experiment = { ...base, params: { ...base.params, ...params } };
    const v = findVariant('sparse', variant)!;
    const inputs = v.makeInputs(experiment.params, experiment.seed);
    const ref = v.reference(experiment.params, inputs);
    const extras = v.extras!(experiment.params, inputs, new Float32Array(ref.values), ref);
    return { experiment, medianSeconds: seconds, gbps: 1, extras, provenance: { backend: 'webgpu' } } as unknown as ExperimentResult;
  };
  const render = (result: ExperimentResult | null, experiment = result!.experiment) =>
    renderToString(createElement(SparseLab, { experiment, result, sweepPoints: [], caps: null })).replace(/<!-- -->/g, '');

  it('MoE: the routing, tokens per expert, each layout’s waste, and times once each layout has run', () => {
    // Skew 100%: one expert holds all 40 tokens, the other three none.
    const shape = { tokens: 40, hidden: 8, ffn: 6, experts: 4, skew: 100, tile: 8 };
    const blockSparse = resultOf('moe-grouped', { ...shape, strategy: 'block-sparse' }, 2e-3);
    const html = render(blockSparse);
    expect(html).toContain('Sparsity lab: mixture of experts');
    expect(html).toMatch(/40 tokens to 4 experts: the busiest has 40 \(max\/mean 4\.00\), 3 experts have none/);
    expect(html).toContain('Tokens per expert: ');
    // Padded: 4 × 40 rows stored, 120 of them padding: 120·(8 + 6)·4 bytes, 2·120·8·6 flops beyond the 2·40·8·6 useful.
    expect(html).toContain(`${(2 * 120 * 8 * 6).toExponential(2)} (300%)`);
    expect(html).toContain(`6.56 KiB (223%)`); // 120·(8 + 6)·4 bytes of padding against 2.94 KiB of useful X, W, Y
    expect(html).toContain('(this run)');
    expect(html).toContain('aria-label="Switch to Padded batched GEMM: every expert padded to the busiest one"');
    expect(html).toContain('not run yet');
    expect(html).not.toContain('Spy plot of A');
    // Once the padded layout has run on this page, the block-sparse run is set against it.
    render(resultOf('moe-grouped', { ...shape, strategy: 'padded' }, 6e-3));
    const after = render(blockSparse);
    expect(after).toContain('6.000 ms');
    expect(after).toContain('3.00×');
    // Another routing is another problem: no time carried over.
    expect(render(resultOf('moe-grouped', { ...shape, skew: 0, strategy: 'block-sparse' }, 2e-3))).not.toContain('6.000 ms');
    // Before a run: a hint, and the variant's notes.
    const draft = { ...blockSparse.experiment };
    expect(render(null, draft)).toContain('Run to see how the tokens were routed');
  });

  it('SpGEMM: partial products per row, the fallback rows, the three merges, and the spy plot of A', () => {
    const params = { M: 30, N: 40, K: 50, pattern: 'skewed', density: 3, densityB: 30, table: 16 };
    const html = render(resultOf('spgemm-hash', { ...params, strategy: 'hash' }, 1e-3));
    expect(html).toContain('Sparsity lab: sparse × sparse (SpGEMM)');
    expect(html).toMatch(/A has \d+ non-zeros, B \d+; their \d+ partial products merge into \d+ non-zeros of C/);
    expect(html).toMatch(/[1-9]\d* rows need more slots than the 16-slot hash table/);
    expect(html).toContain('Intermediate products per row');
    expect(html).toContain('Expand, sort, compress (ESC)');
    expect(html).toContain('Spy plot of A');
    expect(html).toContain('fall back to a dense accumulator');
    expect(render(null, resultOf('spgemm-hash', params, 1e-3).experiment)).toContain('Run to see the partial products');
  });
});
