// The sparsity lab: what the pattern looks like (a zoomable spy plot, optionally after the
// clustering permutation), how evenly the rows are loaded, what each format stores, and — from a
// density sweep — where the sparse kernel overtakes dense. Reads the sparse extras (see
// kernels/sparse/extras.ts), asks each variant for its baseline (the dense experiment of the same
// shape) and regenerates small patterns from pure numerics. Mixture-of-experts layers and
// sparse × sparse products (SpGEMM) have their own parts (sparse/MoePanel, sparse/SpgemmPanel),
// chosen by the problem the variant's schema describes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { extrasOf } from '../../kernels/extras';
import { findVariant } from '../../kernels/registry';
import { sparseProblemOf, spmmExtras, type SpmmExtras } from '../../kernels/sparse/extras';
import type { Experiment, ExperimentResult } from '../../kernels/types';
import type { SweepPoint } from '../../kernels/types';
import { makeSparseProblem, patternSpecOf } from '../../numerics/sparsePatterns';
import { clusterPermutation, permuteMatrix } from '../../numerics/sparsePermutation';
import { crossoverDensity } from '../../numerics/sparseStats';
import type * as PlotlyTypes from 'plotly.js-dist-min';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import type { LabPanelProps } from './types';
import { MoePanel } from './sparse/MoePanel';
import { SpgemmPanel } from './sparse/SpgemmPanel';
import { recordRun } from './sparse/strategies';

/** Patterns up to this many entries are regenerated here at once, so the spy plot can zoom to single entries. */
const REGENERATE_AUTO = 1 << 20;
/** Up to this many, on request (it takes a moment and up to 64 MB); above it, the overview grid only. */
const REGENERATE_LIMIT = 1 << 24;
const CANVAS_SIDE = 384;

function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : String(x);
}

// Timings of the family's baseline seen in this session, by baseline variant and shape, so a
// sparse kernel (or a sweep of one) can be set against the baseline it names.
const baselineSeconds = new Map<string, number>();
const baselineKey = (variant: string, p: Experiment['params']) => `${variant} ${p.M}×${p.N ?? 1}×${p.K}`;

/** The baseline this experiment's variant names (the dense run of the same shape), or null. */
function baselineOf(experiment: Experiment): { label: string; key: string } | null {
  const variant = findVariant(experiment.family, experiment.variant);
  try {
    const ref = variant?.baseline?.(experiment.params);
    if (!ref) return null;
    return { label: findVariant(experiment.family, ref.variant)?.label ?? ref.variant, key: baselineKey(ref.variant, ref.params) };
  } catch {
    // Parameters the variant's schema rejects (a result is always validated; a draft may not be).
    return null;
  }
}

/** The session's time of the baseline of this experiment, if it has one and it ran. */
function baselineTime(experiment: Experiment): number | undefined {
  const ref = baselineOf(experiment);
  return ref ? baselineSeconds.get(ref.key) : undefined;
}

export default function SparseLab({ experiment, result, sweepPoints }: LabPanelProps) {
  const all = extrasOf(result, 'sparse');
  const source = result?.experiment ?? experiment;
  recordRun(result);
  for (const p of sweepPoints) recordRun(p?.result);
  if (result && findVariant(result.experiment.family, result.experiment.variant)?.role === 'baseline') {
    baselineSeconds.set(baselineKey(result.experiment.variant, result.experiment.params), result.medianSeconds);
  }
  const problem = all?.kind ?? sparseProblemOf(findVariant(source.family, source.variant));
  if (problem === 'moe') {
    return (
      <section className="lab-panel" aria-labelledby="sparse-lab-title">
        <h2 id="sparse-lab-title">Sparsity lab: mixture of experts</h2>
        <MoePanel experiment={source} extras={all?.kind === 'moe' ? all : null} />
      </section>
    );
  }
  if (problem === 'spgemm') {
    return (
      <section className="lab-panel" aria-labelledby="sparse-lab-title">
        <h2 id="sparse-lab-title">Sparsity lab: sparse × sparse (SpGEMM)</h2>
        <div className="tables">
          <SpyPlot experiment={source} extras={null} />
        </div>
        <SpgemmPanel experiment={source} extras={all?.kind === 'spgemm' ? all : null} />
      </section>
    );
  }
  const extras = spmmExtras(all);
  return (
    <section className="lab-panel" aria-labelledby="sparse-lab-title">
      <h2 id="sparse-lab-title">Sparsity lab</h2>
      <div className="tables">
        <SpyPlot experiment={source} extras={extras} />
        <RowHistogram extras={extras} />
      </div>
      {extras ? (
        <div className="tables">
          <BytesTable extras={extras} />
          <PermutationTable extras={extras} />
        </div>
      ) : (
        <p className="muted">Run a sparse kernel to see the bytes stored per format and the block counts.</p>
      )}
      {result && extras && <Throughput result={result} extras={extras} />}
      <DensitySweep experiment={experiment} points={sweepPoints} />
      <p className="hint">
        WebGPU has no sparse tensor units: N:M (2:4) storage saves bytes of A and skips zero products, but no multiplication is cheaper than in dense code. It
        wins where reading A dominates (skinny, memory-bound products).
      </p>
    </section>
  );
}

// ---- spy plot -----------------------------------------------------------------------------------

interface View {
  zoom: number;
  /** Top-left entry of the window. */
  row0: number;
  col0: number;
}

function SpyPlot({ experiment, extras }: { experiment: Experiment; extras: SpmmExtras | null }) {
  const p = experiment.params;
  const M = Number(p.M);
  const K = Number(p.K);
  const [detailWanted, setDetailWanted] = useState(false);
  const canRegenerate = M * K <= REGENERATE_AUTO || (detailWanted && M * K <= REGENERATE_LIMIT);
  const [permuted, setPermuted] = useState(false);
  const [view, setView] = useState<View>({ zoom: 1, row0: 0, col0: 0 });
  const canvas = useRef<HTMLCanvasElement>(null);
  const block = Number(p.bsr ?? p.block ?? 8);

  // The pattern itself (small matrices), regenerated from the same seed as the run.
  // biome-ignore lint/correctness/useExhaustiveDependencies: patternSpecOf(p) reads only p.pattern, p.density and p.block (no regeneration for other fields).
  const matrix = useMemo(() => {
    if (!canRegenerate) return null;
    const { a } = makeSparseProblem(M, 1, K, patternSpecOf(p), experiment.seed);
    if (!permuted) return { a, note: '' };
    const perm = clusterPermutation(a, M, K, block);
    return {
      a: permuteMatrix(a, M, K, perm.rowPerm, perm.colPerm),
      note: perm.improved
        ? `permuted: ${perm.blocksBefore} → ${perm.blocksAfter} non-empty ${block}×${block} blocks`
        : 'the permutation found no fewer blocks; shown as is',
    };
  }, [M, K, p.pattern, p.density, p.block, experiment.seed, permuted, block, canRegenerate]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new M×K resets the zoom and the request for detail.
  useEffect(() => {
    setView({ zoom: 1, row0: 0, col0: 0 });
    setDetailWanted(false);
  }, [M, K]);

  const winRows = Math.max(1, Math.ceil(M / view.zoom));
  const winCols = Math.max(1, Math.ceil(K / view.zoom));

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, CANVAS_SIDE, CANVAS_SIDE);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, CANVAS_SIDE, CANVAS_SIDE);
    // Cells of the window: at most one per pixel; each cell's colour is the fraction it holds.
    let cells: { rows: number; cols: number; cellRows: number; cellCols: number; at: (i: number, j: number) => number } | null = null;
    if (matrix) {
      const cellRows = Math.max(1, Math.ceil(winRows / CANVAS_SIDE));
      const cellCols = Math.max(1, Math.ceil(winCols / CANVAS_SIDE));
      const rows = Math.ceil(winRows / cellRows);
      const cols = Math.ceil(winCols / cellCols);
      const counts = new Float32Array(rows * cols);
      for (let r = view.row0; r < Math.min(M, view.row0 + winRows); r++) {
        const base = Math.floor((r - view.row0) / cellRows) * cols;
        for (let k = view.col0; k < Math.min(K, view.col0 + winCols); k++) {
          if (matrix.a[r * K + k] !== 0) counts[base + Math.floor((k - view.col0) / cellCols)]++;
        }
      }
      cells = { rows, cols, cellRows, cellCols, at: (i, j) => counts[i * cols + j] / (cellRows * cellCols) };
    } else if (extras) {
      const s = extras.spy;
      cells = {
        rows: s.gridRows,
        cols: s.gridCols,
        cellRows: s.cellRows,
        cellCols: s.cellCols,
        at: (i, j) => s.counts[i * s.gridCols + j] / (s.cellRows * s.cellCols),
      };
    }
    if (!cells) return;
    const pxW = CANVAS_SIDE / cells.cols;
    const pxH = CANVAS_SIDE / cells.rows;
    for (let i = 0; i < cells.rows; i++) {
      for (let j = 0; j < cells.cols; j++) {
        const f = cells.at(i, j);
        if (f <= 0) continue;
        // Any non-zero is visible (at least 25% ink); full cells are solid.
        ctx.fillStyle = OKABE_ITO[0];
        ctx.globalAlpha = 0.25 + 0.75 * Math.min(1, f);
        // Snap to whole pixels so neighbouring cells meet without anti-aliased seams.
        const x0 = Math.floor(j * pxW);
        const y0 = Math.floor(i * pxH);
        ctx.fillRect(x0, y0, Math.max(1, Math.floor((j + 1) * pxW) - x0), Math.max(1, Math.floor((i + 1) * pxH) - y0));
      }
    }
    ctx.globalAlpha = 1;
  }, [matrix, extras, view, winRows, winCols, M, K]);

  const zoomTo = (zoom: number, centerRow = view.row0 + winRows / 2, centerCol = view.col0 + winCols / 2) => {
    const z = Math.max(1, Math.min(zoom, Math.max(M, K)));
    const rows = Math.ceil(M / z);
    const cols = Math.ceil(K / z);
    setView({
      zoom: z,
      row0: Math.max(0, Math.min(M - rows, Math.round(centerRow - rows / 2))),
      col0: Math.max(0, Math.min(K - cols, Math.round(centerCol - cols / 2))),
    });
  };
  const pan = (dr: number, dc: number) => zoomTo(view.zoom, view.row0 + winRows / 2 + dr * winRows * 0.5, view.col0 + winCols / 2 + dc * winCols * 0.5);
  const onCanvasClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const r = view.row0 + ((e.clientY - rect.top) / rect.height) * winRows;
    const c = view.col0 + ((e.clientX - rect.left) / rect.width) * winCols;
    zoomTo(canRegenerate ? view.zoom * 2 : view.zoom, r, c);
  };

  return (
    <figure style={{ margin: 0 }}>
      <h3 style={{ margin: '0 0 8px', fontSize: '1rem' }}>Pattern of A (spy plot)</h3>
      <canvas
        ref={canvas}
        width={CANVAS_SIDE}
        height={CANVAS_SIDE}
        role="img"
        aria-label={`Spy plot of A, rows ${view.row0}–${view.row0 + winRows - 1}, columns ${view.col0}–${view.col0 + winCols - 1}; darker means more non-zeros`}
        onClick={onCanvasClick}
        style={{ width: 'min(100%, 384px)', border: '1px solid #ccd', imageRendering: 'pixelated', cursor: canRegenerate ? 'zoom-in' : 'default' }}
      />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 6 }}>
        <button type="button" onClick={() => zoomTo(view.zoom * 2)} disabled={!canRegenerate}>
          Zoom into the pattern
        </button>
        <button type="button" onClick={() => zoomTo(view.zoom / 2)} disabled={view.zoom <= 1}>
          Zoom out of the pattern
        </button>
        <button type="button" onClick={() => pan(-1, 0)} disabled={view.row0 <= 0}>
          Pan up
        </button>
        <button type="button" onClick={() => pan(1, 0)} disabled={view.row0 + winRows >= M}>
          Pan down
        </button>
        <button type="button" onClick={() => pan(0, -1)} disabled={view.col0 <= 0}>
          Pan left
        </button>
        <button type="button" onClick={() => pan(0, 1)} disabled={view.col0 + winCols >= K}>
          Pan right
        </button>
        {!canRegenerate && M * K <= REGENERATE_LIMIT && (
          <button type="button" onClick={() => setDetailWanted(true)}>
            Load the full pattern to zoom
          </button>
        )}
        <span className="field check">
          <input id="sparse-permuted" type="checkbox" checked={permuted} disabled={!canRegenerate} onChange={(e) => setPermuted(e.target.checked)} />
          <label htmlFor="sparse-permuted">
            Show after the clustering permutation ({block}×{block} blocks)
          </label>
        </span>
      </div>
      <figcaption className="hint">
        {M}×{K}, zoom {view.zoom}×: rows {view.row0}–{view.row0 + winRows - 1}, columns {view.col0}–{view.col0 + winCols - 1}.{' '}
        {canRegenerate
          ? 'Click to zoom in at a point. '
          : M * K <= REGENERATE_LIMIT
            ? 'Showing the overview grid from the run; load the full pattern to zoom. '
            : `A has more than ${REGENERATE_LIMIT} entries: the overview grid from the run is shown (no zoom). `}
        {matrix?.note}
      </figcaption>
    </figure>
  );
}

// ---- nnz per row ---------------------------------------------------------------------------------

function RowHistogram({ extras }: { extras: SpmmExtras | null }) {
  if (!extras) return <p className="muted">Row lengths appear after a run.</p>;
  const counts = extras.rowNnz;
  const max = Math.max(0, ...counts);
  const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
  const empty = counts.filter((c) => c === 0).length;
  const binCount = Math.min(30, max + 1);
  const width = Math.max(1, Math.ceil((max + 1) / binCount));
  const bins = new Array<number>(binCount).fill(0);
  for (const c of counts) bins[Math.min(binCount - 1, Math.floor(c / width))]++;
  const top = Math.max(1, ...bins);
  const W = 360;
  const H = 160;
  const barW = W / binCount;
  return (
    <figure style={{ margin: 0 }}>
      <h3 style={{ margin: '0 0 8px', fontSize: '1rem' }}>Non-zeros per row (load balance)</h3>
      <svg
        width="100%"
        style={{ maxWidth: 420, display: 'block' }}
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label={`Histogram of non-zeros per row: mean ${fmt(mean)}, max ${max}, ${empty} empty rows`}
      >
        {bins.map((b, i) => (
          <rect key={i} x={i * barW + 1} y={H - (b / top) * H} width={Math.max(1, barW - 2)} height={(b / top) * H} fill={OKABE_ITO[1]}>
            <title>{`${i * width}–${(i + 1) * width - 1} non-zeros: ${b} rows`}</title>
          </rect>
        ))}
        <text x={0} y={H + 15} fontSize={11}>
          0
        </text>
        <text x={W} y={H + 15} fontSize={11} textAnchor="end">
          {max} non-zeros
        </text>
      </svg>
      <figcaption className="hint">
        {counts.length} rows · mean {fmt(mean)} · max {max} (max/mean {mean > 0 ? fmt(max / mean) : '–'}) · {empty} empty rows. A one-row-per-workgroup kernel
        waits on its longest row; the load-balanced one splits rows of more than L non-zeros.
      </figcaption>
    </figure>
  );
}

// ---- bytes and blocks ----------------------------------------------------------------------------

function BytesTable({ extras }: { extras: SpmmExtras }) {
  return (
    <table>
      <caption style={{ textAlign: 'left', fontWeight: 600 }}>
        Bytes stored for A ({extras.nnz} non-zeros, {fmt((100 * extras.nnz) / Math.max(1, extras.M * extras.K))}% dense)
      </caption>
      <thead>
        <tr>
          <th scope="col">Format</th>
          <th scope="col">Bytes</th>
          <th scope="col">vs dense</th>
        </tr>
      </thead>
      <tbody>
        {extras.bytes.map((b) => (
          <tr key={b.format}>
            <th scope="row" style={{ fontWeight: 'normal', textAlign: 'left' }}>
              {b.format}
            </th>
            <td>{fmtBytes(b.bytes)}</td>
            <td>
              <span
                aria-hidden="true"
                style={{
                  display: 'inline-block',
                  width: `${Math.min(100, (60 * b.bytes) / Math.max(1, extras.denseBytes))}px`,
                  height: 8,
                  background: OKABE_ITO[2],
                  marginRight: 4,
                }}
              />
              {fmt(b.bytes / Math.max(1, extras.denseBytes))}×
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PermutationTable({ extras }: { extras: SpmmExtras }) {
  if (!extras.permutation) return <p className="muted">{extras.permutationNote ?? 'No block counts.'}</p>;
  return (
    <table>
      <caption style={{ textAlign: 'left', fontWeight: 600 }}>Non-empty blocks before / after the clustering permutation</caption>
      <thead>
        <tr>
          <th scope="col">Block</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {extras.permutation.map((p) => (
          <tr key={p.block}>
            <th scope="row" style={{ fontWeight: 'normal' }}>
              {p.block}×{p.block}
            </th>
            <td>{p.before}</td>
            <td>{p.after}</td>
            <td>{p.improved ? `−${fmt((100 * (p.before - p.after)) / p.before, 2)}%` : 'none found'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---- throughput ----------------------------------------------------------------------------------

function Throughput({ result, extras }: { result: ExperimentResult; extras: SpmmExtras }) {
  const t = result.medianSeconds;
  const dense = baselineTime(result.experiment);
  return (
    <p>
      <strong>Throughput:</strong> useful {fmt(extras.usefulFlops / t / 1e9)} GFLOP/s (2·nnz·N = {fmt(extras.usefulFlops)} flops), dense-equivalent{' '}
      {fmt(extras.denseFlops / t / 1e9)} GFLOP/s (2·M·N·K), {fmt(result.gbps)} GB/s of compulsory traffic.
      {dense !== undefined && (
        <>
          {' '}
          Against the dense kernel of this shape measured in this session ({fmt(dense * 1e3)} ms): <strong>{fmt(dense / t)}× </strong>
          {dense > t ? 'faster' : 'slower'}.
        </>
      )}
    </p>
  );
}

/** Time against density from a sweep over density, with the dense time and the crossover marked. */
function DensitySweep({ experiment, points }: { experiment: Experiment; points: SweepPoint[] }) {
  const chart = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useMemo(() => points.filter((p): p is SweepPoint & { result: ExperimentResult } => Boolean(p?.result)), [points]);
  const isDensity = experiment.sweep?.param === 'density';
  const dense = done.length ? baselineTime(done[0].result.experiment) : undefined;
  const baseline = baselineOf(experiment);
  const crossover = useMemo(
    () =>
      dense === undefined || !isDensity
        ? null
        : crossoverDensity(
            done.map((p) => ({ density: p.value, seconds: p.result.medianSeconds })),
            dense,
          ),
    [done, dense, isDensity],
  );

  useEffect(() => {
    if (!isDensity || done.length === 0) return;
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !chart.current) return;
        const x = done.map((p) => p.value);
        const useful = done.map((p) => (spmmExtras(extrasOf(p.result, 'sparse'))?.usefulFlops ?? p.result.work.flops) / p.result.medianSeconds / 1e9);
        const equiv = done.map((p) => (spmmExtras(extrasOf(p.result, 'sparse'))?.denseFlops ?? NaN) / p.result.medianSeconds / 1e9);
        const traces: PlotlyTypes.Data[] = [
          { x, y: useful, name: 'useful GFLOP/s (2·nnz·N)', mode: 'lines+markers', type: 'scatter', marker: { color: OKABE_ITO[0] } },
          { x, y: equiv, name: 'dense-equivalent GFLOP/s (2·M·N·K)', mode: 'lines+markers', type: 'scatter', marker: { color: OKABE_ITO[3] } },
        ];
        if (dense !== undefined) {
          const first = spmmExtras(extrasOf(done[0].result, 'sparse'));
          const denseRate = first ? first.denseFlops / dense / 1e9 : NaN;
          traces.push({
            x: [Math.min(...x), Math.max(...x)],
            y: [denseRate, denseRate],
            name: 'dense kernel (same shape)',
            mode: 'lines',
            type: 'scatter',
            line: { dash: 'dash', color: OKABE_ITO[7] },
          });
        }
        const shapes: Partial<PlotlyTypes.Shape>[] =
          crossover !== null && Number.isFinite(crossover)
            ? [{ type: 'line', x0: crossover, x1: crossover, yref: 'paper', y0: 0, y1: 1, line: { color: OKABE_ITO[2], width: 2 } }]
            : [];
        return Plotly.react(
          chart.current,
          traces,
          {
            margin: { l: 60, r: 20, t: 10, b: 50 },
            xaxis: { title: { text: 'density of A (%)' }, type: 'log', tickvals: x },
            yaxis: { title: { text: 'GFLOP/s' }, type: 'log' },
            height: 320,
            shapes,
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
          },
          { responsive: true, displaylogo: false },
        );
      })
      .catch((e) => setError(`The chart library failed to load: ${e instanceof Error ? e.message : e}`));
    return () => {
      cancelled = true;
    };
  }, [done, dense, crossover, isDensity]);

  if (!isDensity) return <p className="hint">Sweep over “Density of A” to see throughput against density and the crossover with dense.</p>;
  return (
    <figure style={{ margin: '12px 0 0' }}>
      <h3 style={{ margin: '0 0 8px', fontSize: '1rem' }}>Throughput against density</h3>
      <figure className="chart-figure" aria-label="Useful and dense-equivalent GFLOP/s against the density of A">
        <div ref={chart} className="chart" />
      </figure>
      {error && <p className="bad">{error}</p>}
      <figcaption className="hint">
        Sparse beats dense where its dense-equivalent GFLOP/s are above the dense kernel’s.{' '}
        {dense === undefined
          ? `Run the baseline${baseline ? `, “${baseline.label}”,` : ''} with the same M, N, K to mark the crossover.`
          : crossover === null
            ? 'Not enough points to place the crossover.'
            : crossover === Infinity
              ? 'Sparse was faster than dense at every density swept.'
              : crossover === -Infinity
                ? 'Dense was faster at every density swept.'
                : `Crossover ≈ ${fmt(crossover, 2)}% density (green line): below it the sparse kernel is faster.`}
      </figcaption>
    </figure>
  );
}
