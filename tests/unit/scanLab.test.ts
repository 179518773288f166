import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, type Params } from '../../src/kernels';
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

describe('scan lab panel with results (server render)', () => {
  it('renders the S6, spatial and linear-scan extras of real (CPU-computed) extras', async () => {
    const { findVariant } = await import('../../src/kernels');
    const cases: [string, Params][] = [
      ['s6-sequential', { batch: 1, channels: 2, state: 4, length: 40, gate: true, deltaBias: true, softplus: true }],
      ['spatial-mamba', { width: 16, height: 12, dilations: '1,3', image: 'procedural' }],
      ['lookback', { channels: 2, length: 100, mode: 'inclusive', decay: 'decay', wg: 32, items: 4, stage: true, spin: 16 }],
      ['serial-lookback', { channels: 5, length: 3000, mode: 'inclusive', decay: 'lin', wg: 16, vec4s: 2, spin: 16 }],
      ['s6-chunked', { batch: 1, channels: 2, state: 4, length: 40, gate: true, deltaBias: true, softplus: true, chunk: 16, init: 'ptd' }],
    ];
    for (const [variant, params] of cases) {
      const v = findVariant('scan', variant)!;
      const inputs = v.makeInputs(params, 1);
      const ref = v.reference(params, inputs);
      const output = Float32Array.from(ref.values);
      const extras = v.extras!(params, inputs, output, ref);
      const experiment = { family: 'scan' as const, variant, params, seed: 1, reps: 1 };
      const result = { experiment, extras } as never;
      const html = renderToString(createElement(ScanLab, { experiment, result, sweepPoints: [], caps: null })).replace(/<!-- -->/g, '');
      if (variant === 's6-sequential') expect(html).toContain('s6-state-heatmap');
      if (variant === 'spatial-mamba') expect(html).toMatch(/Receptive field of the centre pixel \(8, 6\)/);
      if (variant === 'lookback') expect(html).toContain('scan-error-by-position');
      if (variant === 'lookback') expect(html).not.toContain('scan-ssm-memory');
      if (variant === 'serial-lookback') {
        // S4D-Lin with Δ = 0.01: every mode decays as e^{−Δ/2} per step, below 1% after ⌈ln 100 / 0.005⌉ = 922 steps.
        expect(html).toContain('What the initialisation remembers: S4D-Lin');
        expect(html).toMatch(/longest memory \(\|impulse response\| above 1% of its peak\) is 922 steps/);
        expect(html).toContain('scan-ssm-impulse');
      }
      if (variant === 's6-chunked') expect(html).toMatch(/What the initialisation remembers: PTD[\s\S]*κ_F\(V\)/);
    }
  });
});
