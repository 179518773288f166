import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/lessons';
import { parseLink } from '../../src/state/url';
import { findVariant } from '../../src/kernels';

describe('lessons', () => {
  it('cover the topics the classroom needs', () => {
    const ids = LESSONS.map((l) => l.id);
    // At least 14 across the labs (issue 15), each topic the course asks for among them.
    expect(ids.length).toBeGreaterThanOrEqual(14);
    expect(new Set(ids).size).toBe(ids.length);
    const TOPICS = [
      'tiling',
      'tile-sweep',
      'roofline',
      'formats-outliers',
      'sparsity-crossover',
      'parallel-scans',
      'conv-im2col-indirect',
      'long-convolutions',
      'register-blocking',
      'autotuning',
      'memory-bound-gemv',
      'f16-accumulation',
      'mx-shared-scales',
      'nf4-vs-int4',
      'stochastic-rounding',
      'w8a8-dot4',
      'two-four',
      'block-reordering',
      's6-chunked',
      'spatial-mamba',
      'lookback-progress',
      'monarch',
      'strassen',
      'sketching',
      'newton-schulz',
    ];
    expect(ids).toEqual(expect.arrayContaining(TOPICS));
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: every step's experiment link is valid as written (no silent fallback)`, () => {
      for (const [i, step] of lesson.steps.entries()) {
        const parsed = parseLink(step.experiment);
        expect(parsed.problems, `${lesson.id} step ${i + 1}`).toEqual([]);
        expect(parsed.experiment.family).toBe(lesson.family);
        expect(findVariant(parsed.experiment.family, parsed.experiment.variant)).toBeDefined();
        expect(step.body.length).toBeGreaterThan(0);
        expect(step.lookFor.length).toBeGreaterThan(10);
        expect(step.tryNext.length).toBeGreaterThan(10);
      }
    });
  }
});
