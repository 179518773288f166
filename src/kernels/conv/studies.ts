// The conv lab's series as a study (kernels/study.ts): the methods of one experiment's shape run
// one after another in the worker, on the same seeded inputs, each checked against float64, the
// rows streaming to the page as they finish. A step this device cannot run is listed with its
// reason; Cancel stops after the current run.
import { CancelledError } from '../../gpu/runner';
import { validateExperiment } from '../experiment';
import { findVariant } from '../registry';
import { runExperiment } from '../run';
import { problemsFor } from '../schema';
import { defineStudy, isRecord } from '../study';
import { seriesSteps } from './series';
import type { ConvSeriesKind, ConvSeriesResult } from './studyTypes';

const KINDS: ConvSeriesKind[] = ['methods', 'kernel', 'length'];

export const convSeriesStudy = defineStudy({
  id: 'conv-series',
  label: 'Convolution methods side by side',
  needsGpu: () => true,
  parseRequest(raw) {
    if (!isRecord(raw)) return { request: null, problems: ['the series request is not an object'] };
    const problems: string[] = [];
    const kind = KINDS.find((k) => k === raw.kind);
    if (!kind) problems.push(`"kind" must be one of ${KINDS.join(', ')}`);
    const { experiment, problems: experimentProblems } = validateExperiment(raw.experiment);
    problems.push(...experimentProblems);
    if (experiment.family !== 'conv') problems.push('the series runs convolution experiments only');
    return problems.length || !kind ? { request: null, problems } : { request: { kind, experiment }, problems };
  },
  async run(ctx, { kind, experiment }) {
    const steps = seriesSteps(kind, experiment);
    const shape = findVariant(experiment.family, experiment.variant)?.shapeLabel(experiment.params) ?? '';
    const result: ConvSeriesResult = { kind, shape, total: steps.length, rows: [] };
    ctx.onPartial({ ...result, rows: [] });
    for (const [i, step] of steps.entries()) {
      // Yield to the event loop (a macrotask) between runs, so Cancel is heard.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (ctx.cancel.cancelled) throw new CancelledError();
      const base = { variant: step.experiment.variant, label: step.label, ...(step.value !== undefined ? { value: step.value } : {}) };
      const variant = findVariant(step.experiment.family, step.experiment.variant)!;
      const refused = problemsFor(variant, step.experiment.params, ctx.caps);
      if (refused.length) {
        result.rows.push({ ...base, error: refused.join('; ') });
      } else {
        ctx.onProgress({
          phase: 'timing',
          fraction: i / steps.length,
          message: `${i + 1}/${steps.length}: ${step.label}${step.value !== undefined ? ` at ${step.value}` : ''}`,
        });
        try {
          result.rows.push({
            ...base,
            result: await runExperiment(ctx.device!, step.experiment, { caps: ctx.caps, adapter: ctx.adapter, cancel: ctx.cancel }),
          });
        } catch (e) {
          if (e instanceof CancelledError) throw e;
          result.rows.push({ ...base, error: e instanceof Error ? e.message : String(e) });
        }
      }
      ctx.onPartial({ ...result, rows: [...result.rows] });
    }
    return result;
  },
  runsOf: (r) => r.rows.flatMap((row) => (row.result ? [row.result] : [])),
});
