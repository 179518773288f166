// Point labels never overlap and never clip (issue 12, item 7): the quant lab's "error against
// bits per value" chart piled its labels on each other; placeLabels is what it now uses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeLabels, pointPixel, type Frame } from '../../src/views/charts/labels';
import { withAxisNames, withAxisDefaults } from '../../src/views/charts/plotly';

const frame: Frame = { width: 600, height: 260, x: { range: [0, 34] }, y: { range: [-5, 60] }, y2: { range: [-4, 0], log: true }, fontSize: 11 };

describe('point labels', () => {
  it('the quant lab case: formats crowded at 4–5 bits per value get separate places or are left out, never stacked', () => {
    const formats: [string, number, number][] = [
      ['int8 per tensor', 8, 40.1],
      ['int4 per tensor', 4, 16.2],
      ['int4 g32', 4.5, 20.3],
      ['FP8 E4M3', 8, 31.2],
      ['MXFP8 E4M3', 8.25, 31.5],
      ['MXFP4', 4.25, 17.9],
      ['NF4', 4.125, 20.1],
      ['codebook4', 4.25, 20.4],
      ['bf16', 16, 48],
      ['f16', 16, 58],
    ];
    const points = formats.map(([text, x, y]) => ({ x, y, text }));
    const { placed, left } = placeLabels(
      points,
      frame,
      formats.map(([, x, y]) => ({ x, y: 10 ** (-y / 20), yaxis: 'y2' as const })),
    );
    expect(placed.length + left.length).toBe(points.length);
    expect(placed.length).toBeGreaterThanOrEqual(8);
    for (const a of placed) {
      expect(a.box.x0).toBeGreaterThanOrEqual(0);
      expect(a.box.y0).toBeGreaterThanOrEqual(0);
      expect(a.box.x1).toBeLessThanOrEqual(frame.width);
      expect(a.box.y1).toBeLessThanOrEqual(frame.height);
      for (const b of placed) if (a !== b) expect(a.box.x0 < b.box.x1 && b.box.x0 < a.box.x1 && a.box.y0 < b.box.y1 && b.box.y0 < a.box.y1).toBe(false);
    }
  });

  it('for any points, no two placed labels overlap, none leaves the plot, none covers a marker', () => {
    const pointArb = fc.record({
      x: fc.double({ min: 0, max: 34, noNaN: true }),
      y: fc.double({ min: -5, max: 60, noNaN: true }),
      text: fc.string({ minLength: 1, maxLength: 18 }),
    });
    fc.assert(
      fc.property(fc.array(pointArb, { maxLength: 25 }), (points) => {
        const { placed, left } = placeLabels(points, frame);
        expect(placed.length + left.length).toBe(points.length);
        const markers = points.map((p) => pointPixel(p, frame));
        for (const a of placed) {
          expect(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 <= frame.width && a.box.y1 <= frame.height).toBe(true);
          for (const b of placed) if (a !== b) expect(a.box.x0 < b.box.x1 && b.box.x0 < a.box.x1 && a.box.y0 < b.box.y1 && b.box.y0 < a.box.y1).toBe(false);
          for (const m of markers) expect(m.px > a.box.x0 - 6 && m.px < a.box.x1 + 6 && m.py > a.box.y0 - 6 && m.py < a.box.y1 + 6).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('axis defaults', () => {
  it('a two-axis chart names the axis of each trace in its legend', () => {
    const { data, layout } = withAxisNames([{ name: 'SQNR (dB)' }, { name: 'relative Frobenius error', yaxis: 'y2' }], {
      yaxis: {},
      yaxis2: { side: 'right', overlaying: 'y' },
    } as never);
    expect(data.map((t) => (t as { name: string }).name)).toEqual(['SQNR (dB) (left axis)', 'relative Frobenius error (right axis)']);
    expect((layout as { showlegend?: boolean }).showlegend).toBe(true);
  });

  it('log axes at decades as powers of ten; titles stand off their ticks', () => {
    const l = withAxisDefaults({ xaxis: { type: 'log', title: { text: 'n' } }, yaxis: { title: 'y' } } as never) as Record<string, Record<string, unknown>>;
    expect(l.xaxis).toMatchObject({ dtick: 1, exponentformat: 'power', automargin: true, title: { text: 'n', standoff: 10 } });
    expect(l.yaxis).toMatchObject({ automargin: true, title: { text: 'y', standoff: 10 } });
  });
});
