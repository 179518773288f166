// The structured lab's error views, one per kind of extras: approximation error against rank or
// blocks (with the theory line), Strassen's error by level beside the bounds and the fault
// detector's verdicts, a sketch's error against k with the ε·‖A‖_F‖B‖_F lines, and the per-iteration
// errors of the matrix functions.
import type { LayerExtras, MatfunExtras, SketchExtras, StrassenExtras } from '../../../kernels/structured/extras';
import type { ExperimentResult, SweepPoint } from '../../../kernels/types';
import { extrasOf } from '../../../kernels/extras';
import { sketchEpsilon, sketchRms } from '../../../numerics/sketch';
import { fmtNumber } from '../../format';
import { LineChart } from './LineChart';

export function LayerErrors({ extras, result }: { extras: LayerExtras; result: ExperimentResult }) {
  const a = extras.approximation;
  return (
    <section aria-labelledby="structured-approx-h" data-testid="structured-approximation">
      <h3 id="structured-approx-h">Two errors, apart</h3>
      <ul>
        <li>
          <strong>Kernel error</strong> (this GPU against float64 of the same factors): relative {fmtNumber(result.metrics.relFrobenius)}, every element within
          its bound: {result.metrics.boundViolations === 0 ? 'yes' : `no (${result.metrics.boundViolations})`}.
        </li>
        {a ? (
          <>
            <li>
              <strong>Approximation error</strong> of the structure (float64): ‖W − W_structure‖_F/‖W‖_F = {fmtNumber(a.matrixError)} for “{a.target}”.
            </li>
            <li>Both together, on this batch: ‖Y_gpu − X·Wᵀ‖_F/‖X·Wᵀ‖_F = {fmtNumber(a.outputError)}.</li>
          </>
        ) : (
          <li>The factors are random, so there is no dense W to approximate: choose “Factors: projection” to see the approximation error.</li>
        )}
      </ul>
      {extras.curve && (
        <>
          <LineChart
            ariaLabel={`${extras.curve.title}: ${extras.curve.series.map((s) => s.name).join('; ')}; this run marked`}
            xLabel={extras.curve.xLabel}
            yLabel={extras.curve.yLabel}
            logX={extras.curve.logX}
            testId="structured-approx-chart"
            filename="structured-approximation"
            series={[
              ...extras.curve.series.map((s, i) => ({
                name: s.name,
                x: s.points.map((p) => p.x),
                y: s.points.map((p) => p.y),
                dashed: s.dashed,
                color: i === 0 ? 0 : 3,
                ...(s.markers ? { mode: 'markers' as const } : {}),
              })),
              ...(extras.curve.marker
                ? [{ name: extras.curve.marker.label, x: [extras.curve.marker.x], y: [extras.curve.marker.y], mode: 'markers' as const, color: 2 }]
                : []),
            ]}
          />
          {extras.curve.note && <p className="hint">{extras.curve.note}</p>}
        </>
      )}
    </section>
  );
}

const STATUS = ['clean', 'corrected (one element)', 'detected, not correctable'];

export function StrassenErrors({ extras }: { extras: StrassenExtras }) {
  const levels = extras.byLevel;
  return (
    <section aria-labelledby="structured-strassen-h" data-testid="structured-strassen">
      <h3 id="structured-strassen-h">Strassen: fewer multiplications, more error</h3>
      <p className="hint">
        Worst-case bound of ℓ levels: ‖Ĉ − C‖_max ≤ f_ℓ(K)·u·‖A‖_max‖B‖_max with f_0(K) = K·γ_K/u (the conventional product) and f_ℓ(K) = 12·f_ℓ₋₁(K/2) + 18K:
        each level roughly triples it. Measured: ℓ levels emulated in float32 on the CPU on these inputs, and this GPU run at ℓ = {extras.levels}.
      </p>
      <LineChart
        ariaLabel="Maximum error against the number of Strassen levels: the derived bound, a float32 emulation, and this GPU run"
        xLabel="levels ℓ (0 = conventional)"
        yLabel="max |Ĉ − C|"
        logY
        testId="structured-strassen-chart"
        filename="strassen-error-by-level"
        series={[
          { name: 'bound f_ℓ(K)·u·‖A‖‖B‖', x: levels.map((l) => l.level), y: levels.map((l) => l.bound), dashed: true, color: 3 },
          { name: 'float32 emulation (CPU)', x: levels.map((l) => l.level), y: levels.map((l) => l.emulated), color: 0 },
          { name: `this GPU, ℓ = ${extras.levels}`, x: [extras.levels], y: [extras.gpuMaxError], mode: 'markers', color: 2 },
        ]}
      />
      <p>
        {extras.costs.flops > 0 && (
          <>
            Flops: {fmtNumber(extras.costs.flops / extras.costs.denseFlops, 3)}× the conventional 2·M·N·K (with the additions and the padding to{' '}
            {extras.padded.M}×{extras.padded.N}×{extras.padded.K}).{' '}
          </>
        )}
        Bound growth from ℓ = 0 to ℓ = {levels.at(-1)?.level}: {fmtNumber((levels.at(-1)?.bound ?? 0) / Math.max(1e-300, levels[0]?.bound ?? 1), 3)}×.
      </p>
      {extras.abft && <AbftView abft={extras.abft} />}
    </section>
  );
}

function AbftView({ abft }: { abft: NonNullable<StrassenExtras['abft']> }) {
  const ok = abft.verdicts.every((v, i) => {
    const e = abft.expected[i];
    return !abft.guaranteed || (e !== undefined && v.status === e.status && v.row === e.row && v.col === e.col);
  });
  return (
    <div data-testid="abft-verdicts">
      <h4>Fault detector</h4>
      {abft.injected ? (
        <p>
          Injected: bit {abft.injected.bit} of M{abft.injected.product}[{abft.injected.row}][{abft.injected.col}] flipped, {fmtNumber(abft.injected.before, 4)}{' '}
          → {fmtNumber(abft.injected.after, 4)} (δ = {fmtNumber(abft.injected.delta, 3)}); the checks’ tolerance there is{' '}
          {fmtNumber(abft.tolerance?.row ?? 0, 2)} (row) and {fmtNumber(abft.tolerance?.col ?? 0, 2)} (column).{' '}
          {abft.guaranteed
            ? 'δ is far above both: detection is certain.'
            : 'δ is within a few tolerances: the flip may pass unseen (it is then within rounding noise of the product).'}
        </p>
      ) : (
        <p>No fault injected: every product must be clean.</p>
      )}
      <table>
        <caption>Verdict of each product’s row and column checks (this GPU), against what the injection must produce</caption>
        <thead>
          <tr>
            <th scope="col">product</th>
            <th scope="col">verdict</th>
            <th scope="col">located at</th>
            <th scope="col">expected</th>
          </tr>
        </thead>
        <tbody>
          {abft.verdicts.map((v, i) => (
            <tr key={v.product}>
              <th scope="row">M{v.product}</th>
              <td>{STATUS[v.status] ?? `unknown (${v.status})`}</td>
              <td>{v.status === 1 ? `[${v.row}][${v.col}]` : '—'}</td>
              <td>
                {abft.expected[i] ? STATUS[abft.expected[i].status] : '—'}
                {abft.expected[i]?.status === 1 ? ` at [${abft.expected[i].row}][${abft.expected[i].col}]` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="abft-summary">
        <strong>{ok ? 'Verdict: as expected' : 'Verdict: NOT as expected'}</strong>
        {abft.injected && ok && abft.guaranteed ? ' — the flipped element was detected, located and corrected before the merge.' : ''} Checksum overhead:{' '}
        {fmtNumber(100 * abft.overheadFlops, 3)}% more flops (the checks are O(h²) per product); compare its time with plain Strassen below.
      </p>
    </div>
  );
}

export function SketchErrors({ extras, sweepPoints }: { extras: SketchExtras; sweepPoints: SweepPoint[] }) {
  const swept = sweepPoints
    .map((p) => (p?.result ? extrasOf(p.result, 'structured') : null))
    .filter((e): e is SketchExtras => e?.kind === 'sketch' && e.method === extras.method)
    .sort((a, b) => a.k - b.k);
  const ks = swept.length > 1 ? swept.map((e) => e.k) : [extras.k];
  const theoryK = ks.length > 1 ? ks : [Math.max(1, extras.k / 4), extras.k, extras.k * 4];
  return (
    <section aria-labelledby="structured-sketch-h" data-testid="structured-sketch">
      <h3 id="structured-sketch-h">Sketch error against sketch size</h3>
      <p>
        ‖Ŵ − AᵀB‖_F / (‖A‖_F‖B‖_F) = <strong>{fmtNumber(extras.relError)}</strong> at k = {extras.k} (float64 of the same estimate:{' '}
        {fmtNumber(extras.relErrorF64)}): the rms bound sqrt(2/k) is {fmtNumber(extras.rms)}, and with 90% confidence the error stays below sqrt(2/(0.1·k)) ={' '}
        {fmtNumber(extras.eps90)}.
        {extras.expectedRelVariance !== undefined && <> This estimator’s exact rms for these inputs: {fmtNumber(Math.sqrt(extras.expectedRelVariance))}.</>}
      </p>
      <p>
        Stored for the sketch: {extras.stored.a} numbers for A and {extras.stored.b} for B (a dense linear sketch of the same k: {extras.stored.linearA} and{' '}
        {extras.stored.linearB}).
        {extras.levels && <> Levels: {extras.levels.map((l) => `ℓ = ${l.level}: ${l.samples} samples × ${l.replicas}`).join('; ')}.</>}
      </p>
      <LineChart
        ariaLabel="Relative error of the sketched product against the sketch size k, with the rms and 90% bounds"
        xLabel="sketch size k"
        yLabel="‖Ŵ − AᵀB‖_F / (‖A‖_F‖B‖_F)"
        logX
        logY
        testId="structured-sketch-chart"
        filename="sketch-error"
        series={[
          { name: 'sqrt(2/k) (rms bound)', x: theoryK, y: theoryK.map(sketchRms), dashed: true, color: 7 },
          { name: 'sqrt(2/(0.1·k)) (90% bound)', x: theoryK, y: theoryK.map((k) => sketchEpsilon(k, 0.1)), dashed: true, color: 3 },
          swept.length > 1
            ? { name: `${extras.method}, this GPU (sweep)`, x: swept.map((e) => e.k), y: swept.map((e) => e.relError), color: 0 }
            : { name: `${extras.method}, this GPU`, x: [extras.k], y: [extras.relError], mode: 'markers', color: 0 },
        ]}
      />
      {swept.length <= 1 && <p className="hint">Sweep over “Sketch size k” to draw the error against k.</p>}
    </section>
  );
}

export function MatfunErrors({ extras }: { extras: MatfunExtras }) {
  const steps = extras.steps.map((s) => s.step);
  const within = extras.steps.every((s) => !Number.isFinite(s.localBound) || s.local <= s.localBound);
  return (
    <section aria-labelledby="structured-matfun-h" data-testid="structured-matfun">
      <h3 id="structured-matfun-h">{extras.method}: error per iteration</h3>
      <p>
        Every iterate of this GPU run against the same iteration in float64 (input: {extras.precision}); and each step on its own, from the GPU’s previous
        iterate: <strong>{within ? 'every step within its rounding bound' : 'a step OUTSIDE its rounding bound'}</strong>. Target: {extras.target}.
        {extras.inputRoundingFloor ? (
          <>
            {' '}
            Rounding the input to {extras.precision} moves the target by {fmtNumber(extras.inputRoundingFloor)} (relative): the floor for that input.
          </>
        ) : null}
      </p>
      <LineChart
        ariaLabel={`${extras.method}: per-iteration errors against float64 and distance to the target`}
        xLabel="iteration"
        yLabel="relative error (Frobenius)"
        logY
        testId="structured-matfun-chart"
        filename="matfun-per-iteration"
        series={[
          { name: 'GPU vs float64 iteration', x: steps, y: extras.steps.map((s) => s.forward), color: 0 },
          { name: 'its derived bound', x: steps, y: extras.steps.map((s) => s.forwardBound), dashed: true, color: 0 },
          { name: 'one step, GPU vs float64 from the same iterate', x: steps, y: extras.steps.map((s) => s.local), color: 2 },
          { name: 'one step’s rounding bound', x: steps, y: extras.steps.map((s) => s.localBound), dashed: true, color: 2 },
          { name: 'GPU iterate to the target', x: steps, y: extras.steps.map((s) => s.toTargetGpu), color: 3 },
          { name: 'float64 iterate to the target', x: steps, y: extras.steps.map((s) => s.toTargetF64), dashed: true, color: 1 },
          ...(extras.comparison ?? []).map((c) => ({ name: c.name, x: c.toTarget.map((_, i) => i + 1), y: c.toTarget, dashed: true, color: 4 })),
          ...(extras.steps[0]?.orthogonality !== undefined
            ? [{ name: '‖X̂X̂ᵀ − I‖_F/√m', x: steps, y: extras.steps.map((s) => s.orthogonality ?? NaN), color: 5 }]
            : []),
        ]}
      />
    </section>
  );
}
