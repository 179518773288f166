// A small, valid matmul result: the fixture of the run-file, snapshot and import tests.
import type { ExperimentResult } from '../../src/kernels';

export function sampleResult(over: Partial<ExperimentResult> = {}): ExperimentResult {
  return {
    experiment: { family: 'matmul', variant: 'tiled', params: { M: 8, N: 8, K: 8, tile: 4 }, seed: 1, reps: 2 },
    variantLabel: 'Tiled',
    shape: '8×8×8',
    seconds: [0.001, 0.002],
    medianSeconds: 0.0015,
    spread: { min: 0.001, max: 0.002, q1: 0.00125, q3: 0.00175 },
    gflops: 0.68,
    gbps: 0.5,
    work: { flops: 1024, bytes: 768 },
    timing: { method: 'timestamp-query', resolutionSeconds: 1e-9, runsPerSample: 3 },
    metrics: {
      count: 64,
      maxAbs: 0,
      maxRel: 0,
      relFrobenius: 0,
      ulpMax: 0,
      ulpMean: 0,
      sqnrDb: Infinity,
      nonFinite: 0,
      boundViolations: 0,
      worstBoundRatio: 0,
    },
    heatmap: { rows: 1, cols: 2, values: [0, 1e-7], cellRows: 8, cellCols: 4 },
    wgsl: [{ label: 'k', source: 'fn main() {}' }],
    provenance: {
      backend: 'webgpu',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
      adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' },
      featuresUsed: ['timestamp-query'],
      timing: 'timestamp-query',
      date: '2026-11-24T00:00:00.000Z',
      appVersion: '0.1.0',
    },
    ...over,
  };
}
