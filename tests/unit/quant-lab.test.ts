import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/kernels';
import QuantLab from '../../src/views/labs/quantLab';

describe('quant lab panel', () => {
  it('renders the controls with labels and the error table from the pure codecs', () => {
    const experiment = { ...defaultExperiment('quant', 'codec'), params: { ...defaultExperiment('quant', 'codec').params, rows: 8, cols: 64 } };
    const html = renderToString(createElement(QuantLab, { experiment, result: null, sweepPoints: [], caps: null }));
    for (const label of ['Distribution', 'Outlier channels', 'Formats to compare', 'Format shown on the histogram', 'bits per value']) expect(html).toContain(label);
    // One table row per default format, with finite SQNR figures.
    expect((html.match(/<tr>/g) ?? []).length).toBeGreaterThanOrEqual(9);
    expect(html).toContain('MXFP4');
    expect(html).not.toContain('NaN');
  });
});
