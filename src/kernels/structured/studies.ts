// The structured family's study (see ../study.ts): a structure against its baseline of the same
// shape (the variant's baseline facet, normally the dense register-blocked kernel) over the values
// of one parameter, alternating in one worker job, every run checked against float64. The page
// draws the two times and the crossover as the runs arrive.
import { CancelledError } from '../../gpu/runner';
import { validateExperiment } from '../experiment';
import { findVariant } from '../registry';
import { ConfigurationError, runExperiment } from '../run';
import { defineStudy, isRecord } from '../study';
import type { ExperimentResult } from '../types';
import { comparePlan, parseValues, sweepableParams } from './compare';
import type { CompareRequest, CompareResult } from './studyTypes';

function parseCompareRequest(raw: unknown): { request: CompareRequest | null; problems: string[] } {
  if (!isRecord(raw)) return { request: null, problems: ['the comparison request is not an object'] };
  const { experiment, problems } = validateExperiment(raw.experiment);
  if (problems.length) return { request: null, problems };
  const variant = findVariant(experiment.family, experiment.variant);
  if (!variant?.baseline) return { request: null, problems: [`${variant?.label ?? 'this variant'} names no baseline to compare with`] };
  const def = sweepableParams(variant).find((p) => p.key === raw.param);
  if (!def) return { request: null, problems: [`“${String(raw.param).slice(0, 24)}” is not a parameter the comparison can vary`] };
  const values = Array.isArray(raw.values) ? raw.values.map(String).join(',') : '';
  const parsed = parseValues(values, def);
  if (parsed.problem) return { request: null, problems: [parsed.problem] };
  return { request: { experiment, param: def.key, values: parsed.values }, problems: [] };
}

export const compareStudy = defineStudy({
  id: 'structured-compare',
  label: 'Structure against its baseline',
  needsGpu: () => true,
  parseRequest: parseCompareRequest,
  async run(ctx, request): Promise<CompareResult> {
    const plan = comparePlan(request.experiment, request.param, request.values);
    if (!plan) throw new ConfigurationError(['this variant names no baseline to compare with']);
    const result: CompareResult = { request, runs: plan.experiments.map(() => null), roles: plan.roles };
    for (const [i, experiment] of plan.experiments.entries()) {
      if (ctx.cancel.cancelled) throw new CancelledError();
      ctx.onProgress({
        phase: 'timing',
        fraction: i / plan.experiments.length,
        message: `run ${i + 1}/${plan.experiments.length}: ${experiment.variant} at ${request.param} = ${plan.roles[i].x}`,
      });
      try {
        const run = await runExperiment(ctx.device!, experiment, { caps: ctx.caps, adapter: ctx.adapter, cancel: ctx.cancel });
        result.runs[i] = { result: run };
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        result.runs[i] = { error: e instanceof ConfigurationError ? e.problems.join('; ') : e instanceof Error ? e.message : String(e) };
      }
      ctx.onPartial({ ...result, runs: [...result.runs] });
    }
    return result;
  },
  runsOf: (result) => result.runs.flatMap((r): ExperimentResult[] => (r?.result ? [r.result] : [])),
});
