// The quantization lab panel: what each number format does to a tensor. Everything here is
// computed on the main thread from the pure codecs (src/numerics/formats.ts) for modest sizes; GPU
// results (the bit-exact codec check, quantized matmul speed) come from the result's typed extras
// (src/kernels/quant/extras.ts); which run a matmul is compared against is the variant's baseline.
import { DraftField } from '../components/DraftField';
import { EXPERIMENT_FIELDS } from '../../kernels/experiment';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { extrasOf } from '../../kernels/extras';
import type { BaselineRef } from '../../kernels/facets';
import { findVariant } from '../../kernels/registry';
import type { ParamDef, Params } from '../../kernels/types';
import { hadamardRoundTrip, reorderedRoundTrip } from '../../numerics/blockTransforms';
import { quantize, schemeLabel, type QuantResult, type QuantScheme } from '../../numerics/formats';
import type { QuantMatmulExtras } from '../../kernels/quant/extras';
import { computeMetrics } from '../../numerics/metrics';
import { DISTRIBUTIONS, makeTensor, outlierChannelsOf, type Distribution } from '../../numerics/quantInputs';
import { OKABE_ITO, loadPlotly } from '../charts/plotly';
import { labelChart } from '../charts/labels';
import { fmtNumber, fmtSeconds, fmtSqnr } from '../format';
import type { LabPanelProps } from './types';

interface FormatOption {
  id: string;
  scheme: QuantScheme;
  /** Applied along the rows before quantizing and undone after: a random Hadamard rotation, or channels ordered by magnitude. */
  pre?: 'rotate' | 'reorder';
}

const FORMAT_OPTIONS: FormatOption[] = [
  { id: 'int8-tensor', scheme: { format: 'int', bits: 8, granularity: 'tensor' } },
  { id: 'int8-channel', scheme: { format: 'int', bits: 8, granularity: 'channel' } },
  { id: 'int4-tensor', scheme: { format: 'int', bits: 4, granularity: 'tensor' } },
  { id: 'int4-g128', scheme: { format: 'int', bits: 4, granularity: 'group', groupSize: 128 } },
  { id: 'int4-g32', scheme: { format: 'int', bits: 4, granularity: 'group', groupSize: 32 } },
  { id: 'int4-asym-g32', scheme: { format: 'int', bits: 4, symmetric: false, granularity: 'group', groupSize: 32 } },
  { id: 'int3-g32', scheme: { format: 'int', bits: 3, granularity: 'group', groupSize: 32 } },
  { id: 'int2-g32', scheme: { format: 'int', bits: 2, granularity: 'group', groupSize: 32 } },
  { id: 'bf16', scheme: { format: 'bf16' } },
  { id: 'f16', scheme: { format: 'f16' } },
  { id: 'e4m3', scheme: { format: 'e4m3' } },
  { id: 'e5m2', scheme: { format: 'e5m2' } },
  { id: 'mxfp8-e4m3', scheme: { format: 'mxfp8-e4m3' } },
  { id: 'mxfp6-e2m3', scheme: { format: 'mxfp6-e2m3' } },
  { id: 'mxfp6-e3m2', scheme: { format: 'mxfp6-e3m2' } },
  { id: 'mxfp4', scheme: { format: 'mxfp4' } },
  { id: 'mxfp4-rotated', scheme: { format: 'mxfp4' }, pre: 'rotate' },
  { id: 'mxfp4-ceil', scheme: { format: 'scaled', element: 'e2m1', scale: 'e8m0-ceil', blockSize: 32 } },
  { id: 'nvfp4', scheme: { format: 'scaled', element: 'e2m1', scale: 'ue4m3', blockSize: 16 } },
  { id: 'fp4-ue5m3', scheme: { format: 'scaled', element: 'e2m1', scale: 'ue5m3', blockSize: 16 } },
  { id: 'e1m2-ue5m3', scheme: { format: 'scaled', element: 'e1m2', scale: 'ue5m3', blockSize: 16 } },
  { id: 'e3m0-ue5m3', scheme: { format: 'scaled', element: 'e3m0', scale: 'ue5m3', blockSize: 16 } },
  { id: 'e2m1', scheme: { format: 'e2m1' } },
  { id: 'e1m2', scheme: { format: 'e1m2' } },
  { id: 'e3m0', scheme: { format: 'e3m0' } },
  { id: 'mxint8', scheme: { format: 'mxint8' } },
  { id: 'bfp-m4', scheme: { format: 'bfp', bits: 4, blockSize: 32 } },
  { id: 'bfp-m4-reordered', scheme: { format: 'bfp', bits: 4, blockSize: 32 }, pre: 'reorder' },
  { id: 'nf4', scheme: { format: 'nf4' } },
  { id: 'codebook4', scheme: { format: 'codebook4', groupSize: 128 } },
];

const DEFAULT_CHOSEN = [
  'int8-tensor',
  'int4-tensor',
  'int4-g32',
  'e4m3',
  'mxfp8-e4m3',
  'mxfp4',
  'mxfp4-rotated',
  'nvfp4',
  'bfp-m4',
  'bfp-m4-reordered',
  'nf4',
  'codebook4',
];

/** The Hadamard block for a row length: the largest power of two up to 64 that divides it. */
function rotationBlock(cols: number): number {
  let b = 64;
  while (b > 1 && cols % b !== 0) b /= 2;
  return b;
}

function optionLabel(o: FormatOption, cols: number): string {
  if (o.pre === 'rotate') return `${schemeLabel(o.scheme)} after a random Hadamard rotation (block ${rotationBlock(cols)})`;
  if (o.pre === 'reorder') return `${schemeLabel(o.scheme)}, channels rearranged by magnitude`;
  return schemeLabel(o.scheme);
}

/** The quantization of the tensor by one option: the codec's, with the option's transform around it. */
function quantizeOption(o: FormatOption, tensor: Float32Array, rows: number, cols: number, seed: number, rounding: 'nearest-even' | 'stochastic'): QuantResult {
  const scheme = { ...o.scheme, shape: [rows, cols] as [number, number], seed, rounding };
  const r = quantize(tensor, scheme);
  if (o.pre === 'rotate') return { ...r, dequantized: hadamardRoundTrip(tensor, rows, cols, scheme, rotationBlock(cols), seed) };
  if (o.pre === 'reorder') return { ...r, dequantized: reorderedRoundTrip(tensor, rows, cols, scheme) };
  return r;
}

interface MatmulRun {
  key: string;
  shape: string;
  variant: string;
  label: string;
  detail: string;
  params: Params;
  seconds: number;
  weightBytes: number;
  relFrobenius?: number;
  /** The variant is the baseline others are measured against (its role facet). */
  isBaseline: boolean;
  /** The run this one is compared against (its baseline facet), if any. */
  baseline: BaselineRef | null;
}

interface Row {
  id: string;
  label: string;
  result: QuantResult;
  sqnrDb: number;
  relFrobenius: number;
  maxAbs: number;
}

function paramNumber(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Index of the scale (group, channel or block) that element i uses, or −1 for unscaled formats. */
function scaleIndexAt(r: QuantResult, i: number, cols: number, scheme: QuantScheme): number {
  if (!r.scales || !r.groupSize) return -1;
  if (scheme.format !== 'int') return Math.floor(i / r.groupSize);
  const g = scheme.granularity ?? 'tensor';
  if (g === 'tensor') return 0;
  if (g === 'channel') return Math.floor(i / cols);
  const perRow = Math.ceil(cols / r.groupSize);
  return Math.floor(i / cols) * perRow + Math.floor((i % cols) / r.groupSize);
}

/** The variant's baseline for these parameters; null where it has none or cannot say (old parameters). */
function baselineOf(variant: string, params: Params): BaselineRef | null {
  try {
    return findVariant('quant', variant)?.baseline?.(params) ?? null;
  } catch {
    return null;
  }
}

/** The label of a quant variant, or its id where the registry no longer has it. */
function labelOf(variant: string): string {
  return findVariant('quant', variant)?.label ?? variant;
}

/** The panel's own tensor (drawn on the CPU, histogram and grid): its sizes, checked like any field. */
const TENSOR_FIELDS = {
  rows: { key: 'rows', label: 'Rows', kind: 'int' as const, default: 64, min: 1, max: 256 },
  cols: { key: 'cols', label: 'Columns', kind: 'int' as const, default: 256, min: 8, max: 1024 },
} satisfies Record<string, ParamDef>;

function fits(def: { min: number; max: number }, n: number): number | null {
  return Number.isInteger(n) && n >= def.min && n <= def.max ? n : null;
}

export default function QuantLab({ experiment, result }: LabPanelProps) {
  const p = experiment.params;
  const id = useId();
  const [dist, setDist] = useState<Distribution>((DISTRIBUTIONS.find((d) => d.value === p.dist)?.value ?? 'gaussian') as Distribution);
  // The panel's own tensor starts at the experiment's size where it fits the panel's range.
  const [rows, setRows] = useState(fits(TENSOR_FIELDS.rows, paramNumber(p.rows, 64)) ?? 64);
  const [cols, setCols] = useState(fits(TENSOR_FIELDS.cols, paramNumber(p.cols, 256)) ?? 256);
  const [outliers, setOutliers] = useState(paramNumber(p.outliers, 0));
  const [outlierScale, setOutlierScale] = useState(paramNumber(p.outlierScale, 20));
  const [seed, setSeed] = useState(experiment.seed);
  const [chosen, setChosen] = useState<string[]>(DEFAULT_CHOSEN);
  const [focus, setFocus] = useState('int4-g32');
  const [focusElement, setFocusElement] = useState(0);
  const [rounding, setRounding] = useState<'nearest-even' | 'stochastic'>('nearest-even');

  const tensor = useMemo(
    () => makeTensor({ rows, cols, distribution: dist, seed, outlierChannels: outliers, outlierScale }),
    [rows, cols, dist, seed, outliers, outlierScale],
  );
  const outlierCols = useMemo(() => outlierChannelsOf({ rows, cols, distribution: dist, seed, outlierChannels: outliers }), [rows, cols, dist, seed, outliers]);

  const table: Row[] = useMemo(() => {
    const truth = Float64Array.from(tensor);
    return FORMAT_OPTIONS.filter((o) => chosen.includes(o.id) || o.id === focus).map((o) => {
      const r = quantizeOption(o, tensor, rows, cols, seed, rounding);
      const m = computeMetrics(r.dequantized, truth);
      return { id: o.id, label: optionLabel(o, cols), result: r, sqnrDb: m.sqnrDb, relFrobenius: m.relFrobenius, maxAbs: m.maxAbs };
    });
  }, [tensor, chosen, focus, rows, cols, seed, rounding]);

  const focusRow = table.find((r) => r.id === focus);
  const focusScheme = FORMAT_OPTIONS.find((o) => o.id === focus)?.scheme;

  // ---- charts --------------------------------------------------------------------------------
  const histRef = useRef<HTMLDivElement>(null);
  const errRef = useRef<HTMLDivElement>(null);
  const element = Math.min(Math.max(0, focusElement), tensor.length - 1);

  useEffect(() => {
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled || !histRef.current || !focusRow || !focusScheme) return;
      const at = scaleIndexAt(focusRow.result, element, cols, focusScheme);
      const scale = at < 0 ? 1 : focusRow.result.scales![at];
      const grid = focusRow.result.grid ?? [];
      const symmetricGrid = grid.some((g) => g < 0) || focusScheme.format === 'int' || focusScheme.format === 'nf4' || focusScheme.format === 'codebook4';
      const points = symmetricGrid ? grid : [...grid.map((g) => -g).reverse(), ...grid];
      const zp = focusRow.result.zeroPoints && at >= 0 ? focusRow.result.zeroPoints[at] : 0;
      const lines = points.map((g) => (focusScheme.format === 'int' ? (g - zp) * scale : g * scale));
      const finite = [...tensor].filter(Number.isFinite);
      const shapes = lines.slice(0, 600).map((v) => ({
        type: 'line' as const,
        x0: v,
        x1: v,
        y0: 0,
        y1: 1,
        yref: 'paper' as const,
        line: { color: OKABE_ITO[3], width: 1 },
        opacity: 0.5,
      }));
      void Plotly.react(
        histRef.current,
        [
          { type: 'histogram', x: finite, name: 'tensor values', marker: { color: OKABE_ITO[0] }, nbinsx: 160, opacity: 0.8 },
          {
            type: 'histogram',
            x: [...focusRow.result.dequantized].filter(Number.isFinite),
            name: `after ${focusRow.label}`,
            marker: { color: OKABE_ITO[1] },
            nbinsx: 160,
            opacity: 0.55,
          },
        ],
        {
          barmode: 'overlay',
          title: { text: `Values and the ${focusRow.label} grid (vertical lines) at the scale of element ${element}` },
          xaxis: { title: { text: 'value' } },
          yaxis: { title: { text: 'count' }, type: 'log' },
          shapes,
          margin: { t: 40, r: 10, b: 40, l: 50 },
          height: 320,
        },
        { responsive: true, displaylogo: false },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [tensor, focusRow, focusScheme, element, cols]);

  useEffect(() => {
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled || !errRef.current) return;
      const shown = table.filter((r) => chosen.includes(r.id));
      void Plotly.react(
        errRef.current,
        [
          {
            type: 'scatter',
            mode: 'markers',
            x: shown.map((r) => r.result.bitsPerValue),
            y: shown.map((r) => (Number.isFinite(r.sqnrDb) ? r.sqnrDb : 150)),
            text: shown.map((r) => r.label),
            hovertemplate: '%{text}: %{x} bits, %{y:.1f} dB<extra></extra>',
            name: 'SQNR (dB)',
            marker: { color: OKABE_ITO[0], size: 9 },
          },
          {
            type: 'scatter',
            mode: 'markers',
            x: shown.map((r) => r.result.bitsPerValue),
            y: shown.map((r) => r.relFrobenius),
            name: 'relative Frobenius error',
            yaxis: 'y2',
            marker: { color: OKABE_ITO[3], symbol: 'diamond', size: 8 },
          },
        ],
        {
          title: { text: 'Error against bits per value (scales and tables included)' },
          xaxis: { title: { text: 'bits per value' } },
          yaxis: { title: { text: 'SQNR (dB), higher is better' } },
          yaxis2: { title: { text: 'relative Frobenius error' }, overlaying: 'y', side: 'right', type: 'log' },
          legend: { orientation: 'h', y: -0.25 },
          margin: { t: 40, r: 60, b: 60, l: 60 },
          height: 360,
        },
        { responsive: true, displaylogo: false },
      )
        // Labels placed where they overlap nothing (charts/labels.ts); the table below names every format.
        .then(() => {
          if (cancelled || !errRef.current) return;
          const sqnr = shown.map((r) => ({ x: r.result.bitsPerValue, y: Number.isFinite(r.sqnrDb) ? r.sqnrDb : 150, text: r.label }));
          const frob = shown.map((r) => ({ x: r.result.bitsPerValue, y: r.relFrobenius, text: '', yaxis: 'y2' as const }));
          return labelChart(Plotly, errRef.current, sqnr, { obstacles: frob.filter((p) => p.y > 0) });
        });
    });
    return () => {
      cancelled = true;
    };
  }, [table, chosen]);

  // ---- quantized matmul runs seen in this session, for speed against each one's baseline -------
  const extras = extrasOf(result, 'quant');
  const [runs, setRuns] = useState<MatmulRun[]>([]);
  useEffect(() => {
    const ex = extrasOf(result, 'quant');
    if (!result || ex?.kind !== 'matmul') return;
    const { variant, params } = result.experiment;
    const detail = Object.entries(params)
      .filter(([k]) => !['M', 'N', 'K', 'dist', 'outliers', 'outlierScale'].includes(k))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    const run: MatmulRun = {
      key: `${variant} ${detail} ${ex.M}×${ex.N}×${ex.K}`,
      shape: `${ex.M}×${ex.N}×${ex.K}`,
      variant,
      label: result.variantLabel,
      detail,
      params,
      seconds: result.medianSeconds,
      weightBytes: ex.weightBytes,
      relFrobenius: ex.relFrobeniusVsF32Weights,
      isBaseline: findVariant('quant', variant)?.role === 'baseline',
      baseline: baselineOf(variant, params),
    };
    setRuns((list) => [...list.filter((r) => r.key !== run.key), run]);
  }, [result]);
  const currentShape = extras?.kind === 'matmul' ? `${extras.M}×${extras.N}×${extras.K}` : null;
  const sameShape = runs.filter((r) => r.shape === currentShape);
  // A baseline run of the same shape: the one with the parameters the facet names where there is
  // one (e.g. the same work split), else any run of the baseline variant.
  const baselineFor = (r: MatmulRun): MatmulRun | undefined => {
    if (r.isBaseline) return r;
    const ref = r.baseline;
    if (!ref) return undefined;
    const candidates = sameShape.filter((b) => b.variant === ref.variant);
    return (
      candidates.find((b) => Object.entries(ref.params).every(([k, v]) => b.params[k] === v)) ??
      candidates.find((b) => b.params.strategy === ref.params.strategy) ??
      candidates[0]
    );
  };
  const currentBaseline = result && extras?.kind === 'matmul' ? baselineOf(result.experiment.variant, result.experiment.params) : null;

  const toggle = (fid: string) => setChosen((c) => (c.includes(fid) ? c.filter((x) => x !== fid) : [...c, fid]));

  return (
    <section aria-label="Quantization lab" className="quant-lab">
      {result && extras?.kind === 'tensor' && (
        <p role="status">
          GPU codec:{' '}
          {extras.mismatches === 0 ? 'every code and scale equals the TypeScript codec' : `${extras.mismatches} codes differ from the TypeScript codec`};{' '}
          {fmtNumber(extras.bitsPerValue, 3)} bits per value, SQNR {fmtSqnr(extras.sqnrDb)}, {extras.bytes.original} → {extras.bytes.quantized} bytes.
        </p>
      )}
      {result && extras?.kind === 'matmul' && (
        <p role="status">
          {result.variantLabel}: {fmtSeconds(result.medianSeconds)}, {fmtNumber(result.work.bytes / 2 ** 20, 3)} MiB of compulsory traffic,{' '}
          {fmtNumber(result.gbps, 3)} GB/s.
          {currentBaseline && ` Sweep or rerun with “${labelOf(currentBaseline.variant)}” at the same shape to compare speed.`}
        </p>
      )}
      {result && extras?.kind === 'matmul' && <MatmulFigures extras={extras} label={result.variantLabel} />}

      <fieldset>
        <legend>Tensor (computed here on the CPU, seeded)</legend>
        <label htmlFor={`${id}-dist`}>Distribution</label>{' '}
        <select id={`${id}-dist`} value={dist} onChange={(e) => setDist(e.target.value as Distribution)}>
          {DISTRIBUTIONS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>{' '}
        {/* Drafts, like the experiment form: a refused value stays on the field, marked, and the tensor keeps the last valid one. */}
        <DraftField inline id={`${id}-rows`} def={TENSOR_FIELDS.rows} label="Rows" value={rows} onCommit={(v) => setRows(v as number)} />{' '}
        <DraftField inline id={`${id}-cols`} def={TENSOR_FIELDS.cols} label="Columns" value={cols} onCommit={(v) => setCols(v as number)} />{' '}
        <DraftField inline id={`${id}-seed`} def={EXPERIMENT_FIELDS.seed} label="Seed" value={seed} onCommit={(v) => setSeed(v as number)} />
        <br />
        <label htmlFor={`${id}-outliers`}>Outlier channels: {outliers}</label>{' '}
        <input id={`${id}-outliers`} type="range" min={0} max={16} value={outliers} onChange={(e) => setOutliers(Number(e.target.value))} />{' '}
        <label htmlFor={`${id}-oscale`}>Outlier scale ×{outlierScale}</label>{' '}
        <input id={`${id}-oscale`} type="range" min={1} max={200} value={outlierScale} onChange={(e) => setOutlierScale(Number(e.target.value))} />
        {outlierCols.length > 0 && <span> (columns {outlierCols.join(', ')})</span>}
        <br />
        <label htmlFor={`${id}-rounding`}>Rounding</label>{' '}
        <select id={`${id}-rounding`} value={rounding} onChange={(e) => setRounding(e.target.value as 'nearest-even' | 'stochastic')}>
          <option value="nearest-even">nearest, ties to even</option>
          <option value="stochastic">stochastic (seeded; NF4 / codebook: between the two bracketing entries)</option>
        </select>
      </fieldset>

      <fieldset>
        <legend>Formats to compare</legend>
        {FORMAT_OPTIONS.map((o) => (
          <label key={o.id} style={{ marginRight: '0.8em', whiteSpace: 'nowrap' }}>
            <input type="checkbox" checked={chosen.includes(o.id)} onChange={() => toggle(o.id)} /> {optionLabel(o, cols)}
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Histogram</legend>
        <label htmlFor={`${id}-focus`}>Format shown on the histogram</label>{' '}
        <select id={`${id}-focus`} value={focus} onChange={(e) => setFocus(e.target.value)}>
          {FORMAT_OPTIONS.filter((o) => !o.pre).map((o) => (
            <option key={o.id} value={o.id}>
              {schemeLabel(o.scheme)}
            </option>
          ))}
        </select>{' '}
        <DraftField
          inline
          id={`${id}-element`}
          def={{ key: 'element', label: 'Element', kind: 'int', default: 0, min: 0, max: Math.max(0, tensor.length - 1) }}
          label="Grid at the scale of element #"
          value={element}
          onCommit={(v) => setFocusElement(v as number)}
        />
      </fieldset>

      <figure className="chart-figure" aria-label="Histogram of the tensor and of its quantized values, with the format's grid">
        <div ref={histRef} />
      </figure>
      <figure className="chart-figure" aria-label="SQNR and relative Frobenius error against bits per value for the chosen formats">
        <div ref={errRef} />
      </figure>

      <table>
        <caption>Quantization error of the chosen formats on this tensor (against float64)</caption>
        <thead>
          <tr>
            <th scope="col">format</th>
            <th scope="col">bits per value</th>
            <th scope="col">SQNR (dB)</th>
            <th scope="col">rel. Frobenius</th>
            <th scope="col">max |error|</th>
            <th scope="col">bytes (vs {tensor.length * 4} float32)</th>
          </tr>
        </thead>
        <tbody>
          {table
            .filter((r) => chosen.includes(r.id))
            .sort((a, b) => a.result.bitsPerValue - b.result.bitsPerValue)
            .map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.label}</th>
                <td>{fmtNumber(r.result.bitsPerValue, 4)}</td>
                <td>{fmtNumber(r.sqnrDb, 3)}</td>
                <td>{fmtNumber(r.relFrobenius, 3)}</td>
                <td>{fmtNumber(r.maxAbs, 3)}</td>
                <td>{Math.ceil((r.result.bitsPerValue * tensor.length) / 8)}</td>
              </tr>
            ))}
        </tbody>
      </table>

      {sameShape.length > 0 && (
        <table>
          <caption>Matmul runs at {currentShape} in this session: speed against each kernel's baseline of the same shape (run it too for the ratio)</caption>
          <thead>
            <tr>
              <th scope="col">kernel</th>
              <th scope="col">parameters</th>
              <th scope="col">median time</th>
              <th scope="col">speed-up vs its baseline</th>
              <th scope="col">weight bytes</th>
              <th scope="col">rel. error vs float32 weights</th>
            </tr>
          </thead>
          <tbody>
            {sameShape.map((r) => {
              const base = baselineFor(r);
              return (
                <tr key={r.key}>
                  <th scope="row">{r.label}</th>
                  <td>{r.detail}</td>
                  <td>{fmtSeconds(r.seconds)}</td>
                  <td>{base ? `${fmtNumber(base.seconds / r.seconds, 3)}×` : r.baseline ? `no run of “${labelOf(r.baseline.variant)}” yet` : 'no baseline'}</td>
                  <td>{r.weightBytes}</td>
                  <td>{r.relFrobenius === undefined ? 'n/a' : fmtNumber(r.relFrobenius, 3)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {focusRow?.result.codebook && (
        <p>
          {focusRow.label} table (code 0…15): {[...focusRow.result.codebook].map((v) => fmtNumber(v, 3)).join(', ')}
        </p>
      )}
    </section>
  );
}

/** What a quantized matmul's extras say beyond speed: arithmetic removed, other schemes' error, error per row. */
function MatmulFigures({ extras, label }: { extras: QuantMatmulExtras; label: string }) {
  const { arithmetic, comparison, perRow } = extras;
  const shownRows = perRow ? Math.min(8, perRow[0]?.relFrobenius.length ?? 0) : 0;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return (
    <>
      {arithmetic && (
        <p>
          Multiplications: {arithmetic.multiplies.toLocaleString('en')} against a dense matmul&apos;s {arithmetic.denseMultiplies.toLocaleString('en')} (
          {fmtNumber(100 * (1 - arithmetic.multiplies / arithmetic.denseMultiplies), 4)}% removed); additions and subtractions:{' '}
          {arithmetic.addsOrSubtracts.toLocaleString('en')}
          {arithmetic.shifts > 0 && `; exponent adds (shifts): ${arithmetic.shifts.toLocaleString('en')}`}
          {arithmetic.zeroWeightFraction !== undefined && `; zero weights skipped: ${fmtNumber(100 * arithmetic.zeroWeightFraction, 3)}%`}.
          {extras.relFrobeniusVsF32Weights !== undefined &&
            ` What it costs: relative error ${fmtNumber(extras.relFrobeniusVsF32Weights, 3)} against the float32-weight product.`}
        </p>
      )}
      {comparison && comparison.length > 0 && (
        <table>
          <caption>This run and other schemes on the same inputs: error against the float64 product of the original operands</caption>
          <thead>
            <tr>
              <th scope="col">scheme</th>
              <th scope="col">rel. Frobenius</th>
              <th scope="col">SQNR (dB)</th>
              <th scope="col">bits per weight</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{label} (this run, on the GPU)</th>
              <td>{extras.relFrobeniusVsF32Weights === undefined ? 'n/a' : fmtNumber(extras.relFrobeniusVsF32Weights, 3)}</td>
              <td>{extras.sqnrDbVsF32Weights === undefined ? 'n/a' : fmtNumber(extras.sqnrDbVsF32Weights, 3)}</td>
              <td>{fmtNumber(extras.weightBitsPerValue, 4)}</td>
            </tr>
            {comparison.map((c) => (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td>{fmtNumber(c.relFrobenius, 3)}</td>
                <td>{fmtNumber(c.sqnrDb, 3)}</td>
                <td>{c.weightBits === undefined ? '—' : fmtNumber(c.weightBits, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {perRow && shownRows > 0 && (
        <table>
          <caption>
            Weight error per row of W (relative Frobenius), the first {shownRows} rows and the mean of the first {perRow[0].relFrobenius.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">row</th>
              {perRow.map((r) => (
                <th scope="col" key={r.label}>
                  {r.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: shownRows }, (_, i) => (
              <tr key={i}>
                <th scope="row">{i}</th>
                {perRow.map((r) => (
                  <td key={r.label}>{fmtNumber(r.relFrobenius[i], 3)}</td>
                ))}
              </tr>
            ))}
            <tr>
              <th scope="row">mean</th>
              {perRow.map((r) => (
                <td key={r.label}>{fmtNumber(mean(r.relFrobenius), 3)}</td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </>
  );
}
