// Studies (src/kernels/study.ts) run in the worker; here the CPU-only one runs for real in Node,
// and the requests of the others are checked as the worker checks them.
import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { accumulationPoint, ACCUMULATION_KS } from '../../src/kernels/matmul/accumulation';
import type { AccumulationStudyResult } from '../../src/kernels/matmul/studyTypes';
import { findStudy, STUDIES } from '../../src/kernels/studies';

const ctx = <R>(partials: R[], cancelled = () => false) => ({
  device: null,
  caps: SPEC_DEFAULT_CAPS,
  adapter: null,
  cancel: {
    get cancelled() {
      return cancelled();
    },
  },
  onProgress: () => {},
  onPartial: (r: R) => partials.push(r),
});

describe('studies', () => {
  it('are found by id, and an unknown id finds nothing', () => {
    for (const id of Object.keys(STUDIES)) expect(findStudy(id)?.id).toBe(id);
    expect(findStudy('nope')).toBeUndefined();
    expect(findStudy('__proto__')).toBeUndefined();
  });

  it('the accumulation study streams one K at a time and ends with the exact CPU emulation at every K', async () => {
    const study = STUDIES['matmul-accumulation'];
    const { request } = study.parseRequest({ seed: 3, gpu: false });
    expect(study.needsGpu(request!)).toBe(false);
    const partials: AccumulationStudyResult[] = [];
    const result = await study.run(ctx(partials), request!);
    expect(partials.map((p) => p.points.length)).toEqual(ACCUMULATION_KS.map((_, i) => i + 1));
    expect(result.points.map((p) => p.K)).toEqual(ACCUMULATION_KS);
    expect(result.points[2]).toEqual(accumulationPoint(ACCUMULATION_KS[2], 3, 16, 16));
    expect(result.gpu).toEqual([]);
    expect(study.runsOf!(result)).toEqual([]);
  });

  it('the accumulation study stops at Cancel between two K', async () => {
    const study = STUDIES['matmul-accumulation'];
    const partials: AccumulationStudyResult[] = [];
    await expect(
      study.run(
        ctx(partials, () => partials.length >= 2),
        { seed: 1, gpu: false },
      ),
    ).rejects.toThrow(/cancel/i);
    expect(partials).toHaveLength(2);
  });

  it('refuses bad requests in words (they come from a message)', () => {
    const acc = STUDIES['matmul-accumulation'].parseRequest({ seed: -1, gpu: 'yes' });
    expect(acc.request).toBeNull();
    expect(acc.problems.join(' ')).toMatch(/Seed.*outside/);
    expect(acc.problems.join(' ')).toMatch(/"gpu" must be true or false/);
    const tune = STUDIES['matmul-tune'];
    expect(tune.parseRequest({ shape: { M: 64, N: 64, K: 64 }, budgetSeconds: 4, grid: 'quick', exhaustive: false }).request).toEqual({
      shape: { M: 64, N: 64, K: 64 },
      budgetSeconds: 4,
      grid: 'quick',
      exhaustive: false,
    });
    const bad = tune.parseRequest({ shape: { M: 0, N: 'x', K: 64 }, budgetSeconds: 1e9, grid: 'huge', exhaustive: 1 });
    expect(bad.request).toBeNull();
    expect(bad.problems).toHaveLength(5);
    expect(tune.parseRequest('not an object').problems).toEqual(['the tuner request has no shape']);
    expect(tune.needsGpu(tune.parseRequest({ shape: { M: 1, N: 1, K: 1 }, budgetSeconds: 1, grid: 'full', exhaustive: true }).request!)).toBe(true);
  });

  it('the accumulation study on the GPU refuses an adapter without shader-f16, naming it', async () => {
    const study = STUDIES['matmul-accumulation'];
    await expect(study.run(ctx([]), { seed: 1, gpu: true })).rejects.toThrow(/shader-f16/);
  });
});
