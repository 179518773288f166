import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { heatCells } from '../../src/views/labs/matmul/ConfigHeatmap';
import { failedSweepPoints } from '../../src/views/labs/matmul/runs';
import { findVariant } from '../../src/kernels/registry';
import MatmulLab from '../../src/views/labs/matmulLab';
import type { RoofRun } from '../../src/views/labs/matmul/RooflineChart';

describe('config heatmap cells', () => {
  it('keeps the best GFLOP/s per cell and greys a cell only when none of its points can run', () => {
    const { xs, ys, cells } = heatCells(
      [
        { params: { BM: 32, BN: 32, TM: 4 }, gflops: 1 },
        { params: { BM: 32, BN: 32, TM: 8 }, gflops: 3 },
        { params: { BM: 32, BN: 64, TM: 4 }, problems: ['too many invocations'] },
        { params: { BM: 32, BN: 64, TM: 8 }, gflops: 2 },
        { params: { BM: 64, BN: 64, TM: 4 }, problems: ['needs 32768 bytes of workgroup memory'] },
        { params: { BM: 64, BN: 32, TM: 4 } },
      ],
      'BN',
      'BM',
    );
    expect(xs).toEqual([32, 64]);
    expect(ys).toEqual([32, 64]);
    const at = (y: number, x: number) => cells.find((c) => c.x === x && c.y === y)!;
    expect(at(32, 32).gflops).toBe(3);
    expect(at(32, 32).best).toMatchObject({ TM: 8 });
    expect(at(32, 64).invalid).toBeNull();
    expect(at(32, 64).gflops).toBe(2);
    expect(at(64, 64).invalid).toEqual(['needs 32768 bytes of workgroup memory']);
    expect(at(64, 32).gflops).toBeNull();
    expect(at(64, 32).invalid).toBeNull();
  });
});

describe('failed sweep points on the heatmap', () => {
  const variant = findVariant('matmul', 'regblock')!;
  const shape = { M: 100, N: 100, K: 40 };
  const params = { ...shape, BM: 32, BN: 32, BK: 8, TM: 4, TN: 4, staging: 'workgroup', vec4: false };
  const sweep = { family: 'matmul' as const, variant: 'regblock', seed: 1, reps: 3, params, sweep: { param: 'BN', values: [32, 256] } };
  const points = [{ value: 32 }, { value: 256, error: 'too many invocations' }];
  it("sit at the sweep's own parameters with the swept value set (an edit of the form since does not move them)", () => {
    expect(failedSweepPoints(sweep, points, variant, shape)).toEqual([{ params: { ...params, BN: 256 }, error: 'too many invocations' }]);
  });
  it("belong to the sweep's variant and shape only", () => {
    expect(failedSweepPoints(sweep, points, variant, { ...shape, M: 200 })).toEqual([]);
    expect(failedSweepPoints({ ...sweep, variant: 'tiled' }, points, variant, shape)).toEqual([]);
    expect(failedSweepPoints(null, points, variant, shape)).toEqual([]);
  });
});

describe('matmul lab panel (server render)', () => {
  const base = { family: 'matmul' as const, seed: 1, reps: 3 };
  it('renders the tile visualiser with labelled controls and the owner of C[0][0]', () => {
    const html = renderToString(
      createElement(MatmulLab, {
        experiment: { ...base, variant: 'regblock', params: { M: 100, N: 100, K: 40, BM: 32, BN: 32, BK: 8, TM: 4, TN: 4, staging: 'workgroup', vec4: false } },
        result: null,
        sweepPoints: [],
        caps: SPEC_DEFAULT_CAPS,
      }),
    );
    for (const label of ['Output row', 'Output column', 'Rows (y axis)', 'Columns (x axis)']) expect(html).toContain(label);
    expect(html).toMatch(/K-step (<!-- -->)?1(<!-- -->)? of (<!-- -->)?5/);
    expect(html).toContain('is computed by invocation (x <!-- -->0<!-- -->, y <!-- -->0<!-- -->)');
    expect(html).toContain('matmul-tile-svg');
    // The quick grid has configurations beyond the spec's 256 invocations: greyed, with reasons.
    expect(html).toContain('greyed cell');
    expect(html).toMatch(/invocations per workgroup/);
  });

  it('explains why roofline variants have no tiling', () => {
    const html = renderToString(
      createElement(MatmulLab, {
        experiment: { ...base, variant: 'roofline-fma', params: { workgroups: 4, iters: 64 } },
        result: null,
        sweepPoints: [],
        caps: null,
      }),
    );
    expect(html).toContain('has no matrix tiling');
  });
});

describe('roofline chart', () => {
  it('places runs under the roofs with % of roof, and reports the model fit', async () => {
    const { roofPoints, default: RooflineChart } = await import('../../src/views/labs/matmul/RooflineChart');
    const roofs = { peakGflops: 30, bandwidthGBs: 2 };
    const shape = { M: 512, N: 512, K: 512 };
    const runs: RoofRun[] = [
      { label: 'naive', variant: 'naive', params: { ...shape, wg: 8 }, seconds: 0.7, gflops: (2 * 512 ** 3) / 0.7 / 1e9 },
      {
        label: 'rb',
        variant: 'regblock',
        params: { ...shape, BM: 64, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false },
        seconds: 0.08,
        gflops: (2 * 512 ** 3) / 0.08 / 1e9,
      },
      { label: 'fma', variant: 'roofline-fma', params: { workgroups: 1, iters: 4 }, seconds: 1, gflops: 1 },
    ];
    const pts = roofPoints(runs, roofs);
    expect(pts).toHaveLength(2); // the model does not cover the FMA benchmark itself
    // Arithmetic intensity, one definition (kernels/work.ts): 2MNK flops over the compulsory
    // 4(MK + KN + MN) bytes ≈ 85 flop/byte at 512³, the same for every variant of the shape →
    // the compute roof; the traffic model (naive: 8MNK bytes, 0.25 flop/byte) predicts the time.
    expect(pts[0].intensity).toBeCloseTo((2 * 512 ** 3) / (4 * 3 * 512 ** 2), 10);
    expect(pts[1].intensity).toBe(pts[0].intensity);
    expect(pts[0].roof).toBe(30);
    expect(pts[0].traffic.flops / pts[0].traffic.globalBytes).toBeCloseTo((2 * 512 ** 3) / (8 * 512 ** 3 + 4 * 512 ** 2), 10);
    expect(pts[0].predictedSeconds).toBeGreaterThan(pts[1].predictedSeconds);
    expect(pts[1].roof).toBe(30);
    expect(pts[1].percentOfRoof).toBeCloseTo((100 * pts[1].gflops) / 30, 10);
    const html = renderToString(createElement(RooflineChart, { runs, roofs }));
    expect(html).toContain('matmul-roofline-svg');
    expect(html).toMatch(/R² = /);
  });
});
