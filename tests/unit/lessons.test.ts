import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/lessons';
import { parseLink } from '../../src/state/url';
import { findVariant } from '../../src/kernels';

describe('lessons', () => {
  it('cover the topics the classroom needs', () => {
    expect(LESSONS.map((l) => l.id)).toEqual(['tiling', 'tile-sweep', 'roofline', 'formats-outliers', 'sparsity-crossover', 'parallel-scans', 'conv-im2col-indirect', 'long-convolutions', 'monarch', 'strassen', 'sketching', 'newton-schulz']);
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
