import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/kernels';
import ScanLab from '../../src/views/labs/scanLab';

describe('scan lab panel (server render)', () => {
  it('shows the dataflow counts of the chosen variant with labelled controls', () => {
    const experiment = defaultExperiment('scan', 'blelloch');
    const html = renderToString(createElement(ScanLab, { experiment, result: null, sweepPoints: [], caps: null })).replace(/<!-- -->/g, '');
    expect(html).toContain('Algorithm shown');
    expect(html).toMatch(/Depth<\/strong> 6 levels/);
    expect(html).toMatch(/work<\/strong> 14 combines/);
    expect(html).toContain('aria-label="Dataflow of blelloch on 8 elements: 6 levels, 14 combines"');
  });
});
