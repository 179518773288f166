import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { findFamily, validateExperiment } from '../../src/kernels';
import { variantOf } from '../../src/kernels/experiment';
import { problemsFor } from '../../src/kernels/schema';

describe('matmul bench suite', () => {
  const cases = findFamily('matmul')!.benchSuite!();
  it('every case is a valid experiment that fits the spec-default limits (f16 aside)', () => {
    const caps = { ...SPEC_DEFAULT_CAPS, features: ['subgroups', 'shader-f16'] };
    for (const c of cases) {
      const { experiment, problems } = validateExperiment(c.experiment);
      expect(problems, c.label ?? c.experiment.variant).toEqual([]);
      expect(problemsFor(variantOf(experiment), experiment.params, caps), c.label ?? experiment.variant).toEqual([]);
    }
  });
  it('covers naive, tiled, register-blocked, the shape-specialised kernels and both roofs', () => {
    const variants = new Set(cases.map((c) => c.experiment.variant));
    for (const v of ['naive', 'tiled', 'regblock', 'regblock-exact', 'gemv', 'splitk', 'reduce', 'roofline-fma', 'roofline-copy']) expect(variants).toContain(v);
    const sizes = new Set(cases.filter((c) => c.experiment.variant === 'regblock').map((c) => c.experiment.params.M));
    expect(sizes).toContain(512);
    expect(sizes).toContain(1024);
  });
});
