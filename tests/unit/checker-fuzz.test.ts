// Whatever a user types, the checker answers: built-in shaders broken at random (lines deleted,
// duplicated or swapped, characters cut) always give a report or a list of binding problems,
// never an exception. The mutations come from a fixed seed, so a failure reproduces.
import { describe, expect, it } from 'vitest';
import { checkBindings, checkKernel, editedTarget } from '../../src/checker';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/describe';
import { defaultExperiment, findVariant } from '../../src/kernels';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function mutate(source: string, pick: (n: number) => number): string {
  const lines = source.split('\n');
  const i = pick(lines.length);
  const j = pick(lines.length);
  switch (pick(4)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[j]);
      break;
    case 2:
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    default: {
      const text = lines.join('\n');
      const at = pick(text.length);
      return text.slice(0, at) + text.slice(at + 1 + pick(12));
    }
  }
  return lines.join('\n');
}

const CASES: [string, string, Record<string, number>][] = [
  ['matmul', 'tiled', { M: 20, N: 24, K: 36, tile: 8 }],
  ['matmul', 'regblock', { M: 20, N: 24, K: 36 }],
  ['scan', 'lookback', { channels: 2, length: 700 }],
  ['quant', 'gemm-mxfp4', { N: 40, K: 64 }],
  ['scan', 's6-chunked', { channels: 3, state: 4, length: 70, chunk: 16 }],
];

describe('broken shaders never break the checker', () => {
  for (const [family, id, small] of CASES) {
    it(`${family}/${id}, 12 random breakages`, async () => {
      const variant = findVariant(family, id)!;
      const params = { ...defaultExperiment(family as never, id).params, ...small };
      const plan = variant.plan(params, variant.makeInputs(params, 1), {
        ...SPEC_DEFAULT_CAPS,
        features: ['subgroups'],
        subgroupMinSize: 4,
        subgroupMaxSize: 32,
      });
      const pick = rng(family.length * 131 + id.length);
      for (let k = 0; k < 12; k++) {
        const broken = mutate(plan.dispatches[0].wgsl, pick);
        expect(Array.isArray(checkBindings(broken, plan.dispatches[0].bindings))).toBe(true);
        const report = await checkKernel(null, editedTarget(plan, { 0: broken }), { budgetMs: 150, maxWorkgroups: 1 });
        expect(['clean', 'problems', 'incomplete']).toContain(report.verdict);
        expect(
          report.problems.filter((p) => p.kind === 'internal').map((p) => p.message),
          broken,
        ).toEqual([]);
      }
    }, 60_000);
  }
});
