// The structured and approximate matmul lab: what the chosen structure costs against dense
// (parameters, flops), how fast it is against the dense register-blocked kernel of the same shape
// measured in the same job (with the crossover), what it costs in error (approximation against
// rank or blocks with the theory line; Strassen's error by level and the fault detector's
// verdicts; a sketch's error against k; matrix functions per iteration), and a picture of the
// structure. Reads result.extras through extrasOf and asks the variant for its baseline.
import { extrasOf } from '../../kernels/extras';
import { findVariant } from '../../kernels/registry';
import { defaultParams } from '../../kernels/schema';
import type { Experiment, ExperimentResult } from '../../kernels/types';
import { fmtNumber } from '../format';
import { LayerErrors, MatfunErrors, SketchErrors, StrassenErrors } from './structured/ErrorViews';
import { StructurePictureView } from './structured/Picture';
import { SpeedVsDense } from './structured/SpeedVsDense';
import type { LabPanelProps } from './types';

/** Flops of this configuration and of its dense baseline, from the two variants' work models. */
export function flopsAgainstDense(experiment: Experiment): { flops: number; dense: number; baselineShape: string; baselineLabel: string } | null {
  const variant = findVariant(experiment.family, experiment.variant);
  const ref = variant?.baseline?.(experiment.params);
  const base = ref ? findVariant(experiment.family, ref.variant) : undefined;
  if (!variant || !ref || !base) return null;
  const params = { ...defaultParams(base.params), ...ref.params };
  try {
    return { flops: variant.work(experiment.params).flops, dense: base.work(params).flops, baselineShape: base.shapeLabel(params), baselineLabel: base.label };
  } catch {
    return null; // parameters the schema rejects: the form shows why
  }
}

function CostTable({ experiment, result }: { experiment: Experiment; result: ExperimentResult | null }) {
  const f = flopsAgainstDense(experiment);
  const e = extrasOf(result, 'structured');
  const costs = e && e.kind !== 'matfun' ? e.costs : null;
  if (!f && !costs) return null;
  return (
    <table data-testid="structured-costs">
      <caption>{f ? `Cost against the baseline: ${f.baselineLabel}` : 'Cost against a dense matrix'}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">this structure</th>
          <th scope="col">baseline</th>
          <th scope="col">ratio</th>
        </tr>
      </thead>
      <tbody>
        {f && (
          <tr>
            <th scope="row">flops ({f.baselineShape})</th>
            <td>{fmtNumber(f.flops, 4)}</td>
            <td>{fmtNumber(f.dense, 4)}</td>
            <td>{fmtNumber(f.flops / f.dense, 3)}×</td>
          </tr>
        )}
        {costs && costs.denseParams > 0 && (
          <tr>
            <th scope="row">numbers stored (W or sketches)</th>
            <td>{fmtNumber(costs.params, 4)}</td>
            <td>{fmtNumber(costs.denseParams, 4)}</td>
            <td>{fmtNumber(costs.params / costs.denseParams, 3)}×</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export default function StructuredLab({ experiment, result, sweepPoints, caps }: LabPanelProps) {
  const extras = extrasOf(result, 'structured');
  const sameVariant = result?.experiment.variant === experiment.variant ? result : null;
  const e = sameVariant ? extras : null;
  const notes = findVariant(experiment.family, experiment.variant)?.notes?.(experiment.params) ?? [];
  return (
    <section className="lab-panel" aria-labelledby="structured-lab-title" data-testid="structured-lab">
      <h2 id="structured-lab-title">Structured and approximate matmul lab</h2>
      {notes.map((n, i) => (
        <p key={i} className="hint">
          {n}
        </p>
      ))}
      <div className="tables">
        {/* The costs of what was run (a sweep's last point), else of the configuration in the form. */}
        <CostTable experiment={sameVariant?.experiment ?? experiment} result={sameVariant} />
        {e && 'picture' in e && (
          <figure style={{ margin: 0 }} data-testid="structured-picture">
            <figcaption style={{ fontWeight: 600, marginBottom: 4 }}>The structure</figcaption>
            <StructurePictureView picture={e.picture} />
          </figure>
        )}
      </div>
      {!e && <p className="muted">Run the kernel to see its structure, its errors and its verdicts.</p>}
      {e?.kind === 'layer' && sameVariant && <LayerErrors extras={e} result={sameVariant} />}
      {e?.kind === 'fast-algorithm' && <StrassenErrors extras={e} />}
      {e?.kind === 'sketch' && <SketchErrors extras={e} sweepPoints={sweepPoints} />}
      {e?.kind === 'matfun' && <MatfunErrors extras={e} />}
      <SpeedVsDense experiment={experiment} gpuReady={caps !== null} />
    </section>
  );
}
