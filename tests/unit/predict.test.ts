// Predictions from the work model and remembered observations (issue 12, item 2).
import { describe, expect, it } from 'vitest';
import { parseLink } from '../../src/state/url';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { findVariant } from '../../src/kernels/registry';
import {
  AUTO_RUN_SECONDS,
  confirmationReasons,
  memoryBudget,
  predictExperiment,
  readSpeeds,
  rememberSpeed,
  remainingSeconds,
  speedKey,
  workUnits,
  type AdapterSpeeds,
} from '../../src/state/predict';

const exp = (hash: string) => parseLink(hash).experiment;

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
    key: () => null,
    length: 0,
  };
}

describe('predicting a run', () => {
  it('a first visit guesses low speeds: a 64³ link runs at once, a 1024³ one waits', () => {
    const small = predictExperiment(exp('#v=1&f=matmul&k=naive&M=64&N=64&K=64&wg=8&seed=1&reps=5'), 'webgpu', {}, SPEC_DEFAULT_CAPS);
    expect(small.seconds).toBeLessThan(AUTO_RUN_SECONDS);
    expect(small.basis).toContain('first guess');
    const big = predictExperiment(exp('#v=1&f=matmul&k=naive&M=1024&N=1024&K=1024&wg=8&seed=1&reps=5'), 'webgpu', {}, SPEC_DEFAULT_CAPS);
    expect(big.seconds).toBeGreaterThan(AUTO_RUN_SECONDS);
    expect(confirmationReasons(big, memoryBudget(8)).join(' ')).toMatch(/about \d+ (s|min)/);
  });

  it('an observation of the variant scales linearly with its work and is said to be measured', () => {
    const e64 = exp('#v=1&f=matmul&k=naive&M=64&N=64&K=64&wg=8&seed=1&reps=5');
    const e128 = exp('#v=1&f=matmul&k=naive&M=128&N=128&K=128&wg=8&seed=1&reps=5');
    const units = workUnits(findVariant('matmul', 'naive')!.work(e64.params));
    const speeds: AdapterSpeeds = { [speedKey(e64, 'webgpu')]: [{ units, runSeconds: 0.1, referenceSeconds: 0.05, fixedSeconds: 0.2, at: 1 }] };
    const p = predictExperiment(e128, 'webgpu', speeds, SPEC_DEFAULT_CAPS);
    const ratio = workUnits(findVariant('matmul', 'naive')!.work(e128.params)) / units;
    expect(p.runSeconds).toBeCloseTo(0.1 * ratio, 6);
    // fixed + one warm-up run (a run over 0.5 s is not repeated to size the samples) + 5 samples + reference
    expect(p.seconds).toBeCloseTo(0.2 + 0.1 * ratio + 5 * 0.1 * ratio + 0.05 * ratio, 6);
    expect(p.measured).toBe(true);
  });

  it('a sweep is the sum of the points this device can run', () => {
    const e = exp('#v=1&f=matmul&k=tiled&M=32&N=32&K=32&tile=8&seed=1&reps=2&sw=tile:2,4,8,32');
    const p = predictExperiment(e, 'webgpu', {}, SPEC_DEFAULT_CAPS); // 32×32 needs 1024 invocations: skipped
    expect(p.points).toBe(3);
  });

  it('the time left follows the samples already timed', () => {
    const e = exp('#v=1&f=matmul&k=naive&M=64&N=64&K=64&wg=8&seed=1&reps=10');
    const p = predictExperiment(e, 'webgpu', {}, SPEC_DEFAULT_CAPS);
    // 4 of 10 samples done in 4 s: 1 s per sample, so about 6 s of timing left plus the reference.
    const left = remainingSeconds(p, { phase: 'timing', samples: { done: 4, total: 10 } }, { startedAt: 0, timingAt: 1000 }, 5000);
    expect(left).toBeGreaterThan(6);
    expect(left).toBeLessThan(6 + 10 * p.referenceSeconds + 1);
  });

  it('remembered observations survive a reload and malformed storage is ignored', () => {
    const storage = memoryStorage();
    rememberSpeed(storage, 'gpu-a', 'webgpu matmul/naive', { units: 1e6, runSeconds: 0.01, referenceSeconds: 0.02, fixedSeconds: 0.1, at: 1 });
    expect(readSpeeds(storage, 'gpu-a')['webgpu matmul/naive']).toHaveLength(1);
    expect(readSpeeds(storage, 'gpu-b')).toEqual({});
    storage.setItem('kernel-lab-speeds-v1', JSON.stringify({ 'gpu-a': { k: [{ units: -1 }, { units: 'x' }, null] } }));
    expect(readSpeeds(storage, 'gpu-a')).toEqual({});
    storage.setItem('kernel-lab-speeds-v1', '{not json');
    expect(readSpeeds(storage, 'gpu-a')).toEqual({});
  });
});

describe('what asks before it runs, and what a link does by itself', () => {
  it('a run that needs more memory than the budget asks, and says how much', () => {
    const e = exp('#v=1&f=matmul&k=naive&M=8192&N=8192&K=64&wg=8&seed=1&reps=1');
    const p = predictExperiment(e, 'webgpu', {}, SPEC_DEFAULT_CAPS);
    const reasons = confirmationReasons(p, memoryBudget(1)); // a browser reporting 1 GiB: 256 MiB budget
    expect(reasons.some((r) => /needs about [\d.]+ (MiB|GiB) of memory/.test(r))).toBe(true);
    expect(memoryBudget(undefined)).toBe(2 ** 30);
  });

  it('decideLinkRun: quick links run on the GPU (or the CPU emulation without one), slow ones are held with the prediction', async () => {
    const { decideLinkRun } = await import('../../src/state/runPlan');
    const { useLab } = await import('../../src/state/store');
    const gpu = {
      available: true as const,
      adapter: { vendor: 'v', architecture: 'a', device: '', description: '', isFallbackAdapter: true },
      caps: SPEC_DEFAULT_CAPS,
    };
    const base = { ...useLab.getState(), gpu, job: null, speeds: {}, linkRun: { state: 'waiting' as const } };
    expect(decideLinkRun({ ...base, experiment: exp('#v=1&f=matmul&k=naive&M=64&N=64&K=64&wg=8&seed=1&reps=5') })).toEqual({ run: 'webgpu' });
    const held = decideLinkRun({ ...base, experiment: exp('#v=1&f=matmul&k=naive&M=1024&N=1024&K=1024&wg=8&seed=1&reps=5') });
    expect(held && 'held' in held && held.held).toMatch(/predicted to take about/);
    const noGpu = { ...base, gpu: { available: false as const, step: 'no-api', reason: 'none' } };
    expect(decideLinkRun({ ...noGpu, experiment: exp('#v=1&f=matmul&k=naive&M=16&N=16&K=16&wg=8&seed=1&reps=2') })).toEqual({ run: 'cpu' });
    expect(decideLinkRun({ ...base, linkRun: { state: 'ran' }, experiment: exp('#v=1&f=matmul&k=naive&M=16') })).toBeNull();
  });
});
