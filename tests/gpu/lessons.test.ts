// Every step of every lesson, run on WebGPU (Dawn) as its link says: each result within its
// float64 bound, each step quick enough for a software adapter (the times are printed; the
// assertion is only a loose ceiling, since this machine is shared).
import { afterAll, describe, expect, it } from 'vitest';
import { nodeAssetLoader, nodeDevice } from '../../src/gpu/node-device';
import { runExperiment } from '../../src/kernels/run';
import { findVariant } from '../../src/kernels';
import { LESSONS } from '../../src/lessons';
import { parseLink } from '../../src/state/url';
import type { Experiment } from '../../src/kernels/types';

const times: string[] = [];

describe('every lesson step runs within its bound (Dawn)', () => {
  afterAll(() => console.log(`lesson steps (seconds, this machine):\n${times.join('\n')}`));
  for (const lesson of LESSONS) {
    for (const [i, step] of lesson.steps.entries()) {
      it(`${lesson.id} step ${i + 1}: ${step.title}`, async () => {
        const { device, caps, adapter } = await nodeDevice();
        const { experiment } = parseLink(step.experiment);
        const variant = findVariant(experiment.family, experiment.variant)!;
        const missing = variant.unavailableReason?.(caps);
        if (missing) {
          times.push(`  ${lesson.id} ${i + 1}: not available here (${missing})`);
          return;
        }
        const points: Experiment[] = experiment.sweep
          ? experiment.sweep.values.map((value) => ({ ...experiment, sweep: undefined, params: { ...experiment.params, [experiment.sweep!.param]: value } }))
          : [experiment];
        const t0 = performance.now();
        for (const point of points) {
          if (variant.checkLimits(point.params, caps).length) continue; // a sweep point beyond this device, as the lab shows it
          const r = await runExperiment(device, point, { caps, adapter, loadAsset: nodeAssetLoader });
          expect(r.metrics.nonFinite, `${lesson.id} ${i + 1}`).toBe(0);
          expect(r.metrics.boundViolations ?? 0, `${lesson.id} ${i + 1}: worst error/bound ${r.metrics.worstBoundRatio}`).toBe(0);
        }
        const seconds = (performance.now() - t0) / 1000;
        times.push(`  ${lesson.id} ${i + 1}: ${seconds.toFixed(1)} s${points.length > 1 ? ` (${points.length} points)` : ''}`);
        expect(seconds).toBeLessThan(60);
      }, 120_000);
    }
  }
});
