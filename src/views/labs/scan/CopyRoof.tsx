// Achieved GB/s of each scan variant against its baseline, the copy kernel of the same bytes (the
// bandwidth roof), from the runs saved on this device at the baseline's parameters. The variant
// names its baseline (its `baseline` facet); the roof itself (role 'baseline') is its own.
import { adapterName } from '../../../gpu/describe';
import type { BaselineRef } from '../../../kernels/facets';
import { findVariant } from '../../../kernels/registry';
import type { Experiment } from '../../../kernels/types';
import { useLab } from '../../../state/store';
import { fmtNumber } from '../../format';

/** The experiment `experiment` is compared against, or null (none, or parameters that are not valid). */
function baselineOf(experiment: Experiment): BaselineRef | null {
  const variant = findVariant(experiment.family, experiment.variant);
  if (!variant) return null;
  if (variant.role === 'baseline') return { variant: variant.id, params: experiment.params };
  try {
    return variant.baseline?.(experiment.params) ?? null;
  } catch {
    return null;
  }
}

export function CopyRoof({ experiment }: { experiment: Experiment }) {
  const history = useLab((s) => s.history);
  const gpu = useLab((s) => s.gpu);
  const setExperiment = useLab((s) => s.setExperiment);
  const baseline = baselineOf(experiment);
  if (!baseline) return null;
  // The shape: the parameters the baseline shares with every variant compared against it.
  const shapeKeys = Object.keys(baseline.params);
  const device = gpu?.available ? adapterName(gpu.adapter) : null;
  const sameShape = history.filter(
    (r) =>
      r.result.experiment.family === experiment.family &&
      r.result.provenance.backend === 'webgpu' &&
      adapterName(r.result.provenance.adapter) === device &&
      shapeKeys.every((k) => r.result.experiment.params[k] === baseline.params[k]),
  );
  // History is newest first: keep the latest run of each variant.
  const latest = new Map<string, (typeof sameShape)[number]>();
  for (const r of sameShape) if (!latest.has(r.result.experiment.variant)) latest.set(r.result.experiment.variant, r);
  const copy = latest.get(baseline.variant);
  const copyExperiment: Experiment = {
    family: experiment.family,
    variant: baseline.variant,
    params: baseline.params,
    seed: experiment.seed,
    reps: experiment.reps,
  };
  return (
    <section aria-labelledby="scan-copy-h" data-testid="scan-copy-roof">
      <h3 id="scan-copy-h">Against the copy roof</h3>
      <p className="hint">
        A scan must read a and b and write h: at best it runs as fast as a copy of the same bytes. Runs saved on this device at{' '}
        {String(experiment.params.channels)} × {String(experiment.params.length)} ({String(experiment.params.mode)}, {String(experiment.params.decay)}):
      </p>
      {copy ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">GB/s</th>
              <th scope="col">% of copy</th>
            </tr>
          </thead>
          <tbody>
            {[...latest.values()].map((r) => (
              <tr key={r.id}>
                <td>{r.result.variantLabel}</td>
                <td>{fmtNumber(r.result.gbps, 4)}</td>
                <td>{fmtNumber((100 * r.result.gbps) / copy.result.gbps, 3)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          No copy run at this shape yet.{' '}
          <button type="button" className="small" onClick={() => setExperiment(copyExperiment)}>
            Switch to the copy kernel at this shape
          </button>{' '}
          then Run, and come back to your variant to see its fraction of the roof.
        </p>
      )}
    </section>
  );
}
