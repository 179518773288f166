// Achieved GB/s of each scan variant against the copy kernel of the same bytes (the bandwidth
// roof), from the runs saved on this device at the current shape.
import { adapterName } from '../../../gpu/describe';
import type { Experiment } from '../../../kernels/types';
import { useLab } from '../../../state/store';
import { fmtNumber } from '../../format';

const SHAPE_KEYS = ['channels', 'length', 'mode', 'decay'];

export function CopyRoof({ experiment }: { experiment: Experiment }) {
  const history = useLab((s) => s.history);
  const gpu = useLab((s) => s.gpu);
  const setExperiment = useLab((s) => s.setExperiment);
  if (experiment.variant.startsWith('s6') || experiment.variant === 'spatial-mamba') return null;
  const device = gpu?.available ? adapterName(gpu.adapter) : null;
  const sameShape = history.filter(
    (r) =>
      r.result.experiment.family === 'scan' &&
      r.result.provenance.backend === 'webgpu' &&
      adapterName(r.result.provenance.adapter) === device &&
      SHAPE_KEYS.every((k) => r.result.experiment.params[k] === experiment.params[k]),
  );
  // History is newest first: keep the latest run of each variant.
  const latest = new Map<string, (typeof sameShape)[number]>();
  for (const r of sameShape) if (!latest.has(r.result.experiment.variant)) latest.set(r.result.experiment.variant, r);
  const copy = latest.get('copy');
  const copyExperiment: Experiment = {
    family: 'scan',
    variant: 'copy',
    params: Object.fromEntries(SHAPE_KEYS.map((k) => [k, experiment.params[k]])),
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
