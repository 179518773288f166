// The conv lab panel rendered on the server for every conv variant, before and after a run (a
// real result of the CPU path, with its extras): it names each method's workspace, draws the
// method's picture, and states the verdict — and never throws, whatever the variant.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, findFamily, runExperimentCpu } from '../../src/kernels';
import ConvLab from '../../src/views/labs/convLab';

const render = (props: Parameters<typeof ConvLab>[0]) => renderToString(createElement(ConvLab, props)).replace(/<!-- -->/g, '');

describe('conv lab panel (server render)', () => {
  for (const v of findFamily('conv')!.variants) {
    it(`${v.id}: bytes per method and the method's picture, before a run`, () => {
      const experiment = defaultExperiment('conv', v.id);
      const html = render({ experiment, result: null, sweepPoints: [], caps: null });
      expect(html).toContain('Bytes allocated and moved, per method');
      expect(html).toContain('What the method lays out in memory');
      if (v.params.some((p) => p.key === 'height')) {
        const taps = Number(experiment.params.kernel) ** 2;
        expect(html).toContain(`column matrix, ${16 * taps} values per output pixel`);
        expect(html).toContain(`indirection buffer, ${taps} pointer`);
        expect(html).toContain('data-testid="conv-layout-svg"');
      } else {
        expect(html).toContain('data-testid="conv-sequence-svg"');
        expect(html).toContain('twiddle table');
      }
      expect(html).toContain('These series need WebGPU');
    });
  }

  it('after a run: the verdict, the run’s bytes, and for the FFT forms the error on the FFT’s scale', async () => {
    const cases: [string, Record<string, number | string>][] = [
      ['im2col', { height: 8, width: 8, cin: 3, cout: 4 }],
      ['fft-matmul', { channels: 1, length: 200 }],
    ];
    for (const [variant, over] of cases) {
      const base = defaultExperiment('conv', variant);
      const experiment = { ...base, params: { ...base.params, ...over }, reps: 1 };
      const result = await runExperimentCpu(experiment);
      const html = render({ experiment, result, sweepPoints: [], caps: null });
      expect(html).toContain('Within the float64 bound');
      expect(html).toMatch(/KiB allocated \([\d.]+ KiB beyond input, filter and output\)/);
      if (variant === 'fft-matmul') expect(html).toMatch(/L = \d+ = \d+·\d+, transform error bound ε = /);
      if (variant === 'fft-matmul') expect(html).toContain('against the classic radix-2 FFT (float32)');
    }
  });
});
