// The structured lab's pure pieces: the comparison plan asks each variant for its baseline (no
// view keeps a table of variant ids), every variant's schema is link-safe, and every layer's
// extras report the costs the panel shows.
import { describe, expect, it } from 'vitest';
import { defaultExperiment, findFamily, findVariant } from '../../src/kernels';
import { FOREIGN_KEYS } from '../../src/state/url';
import { compareCrossover, comparePlan, comparePoints, parseValues, sweepableParams } from '../../src/kernels/structured/compare';
import { flopsAgainstDense } from '../../src/views/labs/structuredLab';
import type { ExperimentResult } from '../../src/kernels/types';

const family = findFamily('structured')!;

describe('structured family', () => {
  it('no parameter key collides with a key the link itself uses', () => {
    const reserved = new Set(['v', 'f', 'k', 'seed', 'reps', 'sw', ...FOREIGN_KEYS]);
    for (const v of family.variants) for (const p of v.params) expect(reserved.has(p.key), `${v.id}.${p.key}`).toBe(false);
  });
  it('every kernel names a baseline of the same family that exists (or is the baseline itself, or has no speed comparison)', () => {
    for (const v of family.variants) {
      const ref = v.baseline?.(defaultExperiment('structured', v.id).params);
      if (v.role === 'baseline') continue;
      if (!ref) continue;
      expect(findVariant('structured', ref.variant), v.id).toBeDefined();
    }
    expect(family.variants.filter((v) => v.baseline).length).toBeGreaterThanOrEqual(12);
  });
  it('the bench suite has the dense baseline of each layer shape in the same run', () => {
    const cases = family.benchSuite!();
    const key = (p: Record<string, unknown>) => `${p.M}×${p.N}×${p.K}`;
    const dense = cases.filter((c) => c.experiment.variant === 'dense').map((c) => key(c.experiment.params));
    for (const c of cases) {
      const v = findVariant('structured', c.experiment.variant)!;
      const ref = v.baseline?.({ ...defaultExperiment('structured', v.id).params, ...c.experiment.params });
      if (ref?.variant === 'dense') expect(dense, `${c.label}`).toContain(key(ref.params));
    }
  });
});

describe('comparison against the baseline', () => {
  const experiment = { ...defaultExperiment('structured', 'monarch-fused'), reps: 2, seed: 4 };
  it('alternates baseline and structure for each value, the baseline from the variant’s facet', () => {
    const plan = comparePlan(experiment, 'n', [64, 128])!;
    expect(plan.experiments.map((e) => e.variant)).toEqual(['dense', 'monarch-fused', 'dense', 'monarch-fused']);
    expect(plan.experiments[2].params).toMatchObject({ M: 64, K: 128, N: 128 });
    expect(plan.experiments[3].params.n).toBe(128);
    expect(plan.experiments.every((e) => e.reps === 2 && e.seed === 4)).toBe(true);
  });
  it('pairs results by value and places the crossover', () => {
    const plan = comparePlan(experiment, 'n', [64, 128, 256])!;
    const fake = (s: number) => ({ result: { medianSeconds: s } as ExperimentResult });
    const points = comparePoints(plan.roles, [fake(1), fake(2), fake(2), fake(2.5), fake(8), fake(3)]);
    expect(points.map((p) => p.x)).toEqual([64, 128, 256]);
    const c = compareCrossover(points);
    expect(c.x).toBeGreaterThan(128);
    expect(c.x).toBeLessThan(256);
  });
  it('reads values with a message for bad ones', () => {
    const def = sweepableParams(findVariant('structured', 'lowrank')!).find((p) => p.key === 'rank')!;
    expect(parseValues('8, 16 32', def)).toEqual({ values: [8, 16, 32], problem: null });
    expect(parseValues('8, x', def).problem).toMatch(/not an integer/);
    expect(parseValues('8', def).problem).toMatch(/at least two/);
  });
  it('flops against the baseline come from the two variants’ work models', () => {
    const f = flopsAgainstDense({
      ...defaultExperiment('structured', 'monarch-fused'),
      params: { ...defaultExperiment('structured', 'monarch-fused').params, n: 256, blocks: 16, batch: 64 },
    })!;
    expect(f.flops / f.dense).toBeCloseTo(32 / 256, 10);
    expect(flopsAgainstDense(defaultExperiment('structured', 'dense'))).toBeNull();
  });
});
