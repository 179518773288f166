// Tile visualiser (d3): C partitioned into workgroup tiles and per-invocation micro-tiles, the A
// and B panels a workgroup stages at one K-step, and — for a chosen output — which invocation
// computes it and how often its inputs are loaded. Hover an output of C, or type its row/column.
import { pointer, select } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Params } from '../../../kernels/types';
import { OKABE_ITO } from '../../charts/plotly';
import { outputsOf, ownerOf, reuseOf, type Tiling } from './tiling';

const MAX_CELLS = 96; // shown rows / columns / k at most (a window into large matrices)
const PANEL_PX = 300;

interface Props {
  tiling: Tiling;
  params: Params;
  variantLabel: string;
}

const num = (p: Params, k: string) => (typeof p[k] === 'number' ? (p[k] as number) : 1);

export default function TileView({ tiling: t, params, variantLabel }: Props) {
  const M = num(params, 'M');
  const N = num(params, 'N');
  const K = num(params, 'K');
  // Window: up to two workgroup tiles each way (so tile borders show), capped for legibility.
  const rows = Math.min(M, 2 * t.BM, MAX_CELLS);
  const cols = Math.min(N, 2 * t.BN, MAX_CELLS);
  const kSteps = Math.ceil(K / t.BK);
  const [row, setRow] = useState(0);
  const [col, setCol] = useState(0);
  const [step, setStep] = useState(0);
  const r = Math.min(row, rows - 1);
  const c = Math.min(col, cols - 1);
  const s = Math.min(step, kSteps - 1);
  const kWindow = Math.min(K, Math.max(t.BK, Math.min(MAX_CELLS, 4 * t.BK)));
  const kBegin = s * t.BK;
  const kEnd = Math.min(K, kBegin + t.BK);
  const kShownStart = Math.floor(kBegin / kWindow) * kWindow;
  const kShown = Math.min(kWindow, K - kShownStart);

  const owner = useMemo(() => ownerOf(t, r, c), [t, r, c]);
  const mine = useMemo(() => outputsOf(t, owner, M, N), [t, owner, M, N]);
  const reuse = reuseOf(t, M, N, K);
  const svgRef = useRef<SVGSVGElement>(null);

  const cell = Math.max(2, Math.floor(PANEL_PX / Math.max(rows, cols, kShown)));
  const gap = 16;
  const aW = kShown * cell;
  const bH = kShown * cell;
  const cX = aW + gap;
  const cY = bH + gap;
  const width = cX + cols * cell + 2;
  const height = cY + rows * cell + 2;

  useEffect(() => {
    const svg = select(svgRef.current);
    svg.selectAll('*').remove();
    const mineSet = new Set(mine.map(([i, j]) => i * N + j));
    const tileShade = ['#f2f5f8', '#dfe7ef'];
    // C: workgroup tiles shaded in a checkerboard; the chosen invocation's outputs dark blue,
    // the rest of its workgroup light orange.
    const cData: { i: number; j: number }[] = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) cData.push({ i, j });
    const cG = svg.append('g').attr('transform', `translate(${cX},${cY})`);
    cG.selectAll('rect')
      .data(cData)
      .join('rect')
      .attr('x', (d) => d.j * cell)
      .attr('y', (d) => d.i * cell)
      .attr('width', cell)
      .attr('height', cell)
      .attr('fill', (d) => {
        if (mineSet.has(d.i * N + d.j)) return OKABE_ITO[0];
        const tr = Math.floor(d.i / t.BM);
        const tc = Math.floor(d.j / t.BN);
        if (tr === owner.tileRow && tc === owner.tileCol) return '#f6d9a6';
        return tileShade[(tr + tc) % 2];
      });
    // Workgroup tile borders.
    for (let i = 0; i <= rows; i += t.BM)
      cG.append('line')
        .attr('x1', 0)
        .attr('x2', cols * cell)
        .attr('y1', i * cell)
        .attr('y2', i * cell)
        .attr('stroke', '#333')
        .attr('stroke-width', 1.5);
    for (let j = 0; j <= cols; j += t.BN)
      cG.append('line')
        .attr('y1', 0)
        .attr('y2', rows * cell)
        .attr('x1', j * cell)
        .attr('x2', j * cell)
        .attr('stroke', '#333')
        .attr('stroke-width', 1.5);
    // The chosen output.
    cG.append('rect')
      .attr('x', c * cell)
      .attr('y', r * cell)
      .attr('width', cell)
      .attr('height', cell)
      .attr('fill', 'none')
      .attr('stroke', OKABE_ITO[3])
      .attr('stroke-width', 2);

    // A (rows × k window) and B (k window × cols): the panel staged at this K-step for the chosen
    // workgroup in orange; the chosen output's row of A and column of B outlined.
    const rowBand = [owner.tileRow * t.BM, Math.min(M, (owner.tileRow + 1) * t.BM)];
    const colBand = [owner.tileCol * t.BN, Math.min(N, (owner.tileCol + 1) * t.BN)];
    const aG = svg.append('g').attr('transform', `translate(0,${cY})`);
    const bG = svg.append('g').attr('transform', `translate(${cX},0)`);
    const aData: { i: number; k: number }[] = [];
    for (let i = 0; i < rows; i++) for (let k = 0; k < kShown; k++) aData.push({ i, k });
    const staged = (k: number) => k + kShownStart >= kBegin && k + kShownStart < kEnd;
    aG.selectAll('rect')
      .data(aData)
      .join('rect')
      .attr('x', (d) => d.k * cell)
      .attr('y', (d) => d.i * cell)
      .attr('width', cell)
      .attr('height', cell)
      .attr('fill', (d) => (staged(d.k) && d.i >= rowBand[0] && d.i < rowBand[1] ? OKABE_ITO[1] : '#eef1f4'));
    const bData: { k: number; j: number }[] = [];
    for (let k = 0; k < kShown; k++) for (let j = 0; j < cols; j++) bData.push({ k, j });
    bG.selectAll('rect')
      .data(bData)
      .join('rect')
      .attr('x', (d) => d.j * cell)
      .attr('y', (d) => d.k * cell)
      .attr('width', cell)
      .attr('height', cell)
      .attr('fill', (d) => (staged(d.k) && d.j >= colBand[0] && d.j < colBand[1] ? OKABE_ITO[1] : '#eef1f4'));
    aG.append('rect')
      .attr('x', 0)
      .attr('y', r * cell)
      .attr('width', kShown * cell)
      .attr('height', cell)
      .attr('fill', 'none')
      .attr('stroke', OKABE_ITO[3])
      .attr('stroke-width', 1.5);
    bG.append('rect')
      .attr('x', c * cell)
      .attr('y', 0)
      .attr('width', cell)
      .attr('height', kShown * cell)
      .attr('fill', 'none')
      .attr('stroke', OKABE_ITO[3])
      .attr('stroke-width', 1.5);
    svg
      .append('text')
      .attr('x', 2)
      .attr('y', cY - 4)
      .attr('font-size', 11)
      .text(`A (k ${kShownStart}…${kShownStart + kShown - 1})`);
    svg
      .append('text')
      .attr('x', cX - 14)
      .attr('y', 11)
      .attr('font-size', 11)
      .text('B');
    svg
      .append('text')
      .attr('x', cX + 2)
      .attr('y', cY - 4)
      .attr('font-size', 11)
      .text('C');

    // Hover: one listener on C maps the pointer to an output.
    cG.append('rect')
      .attr('width', cols * cell)
      .attr('height', rows * cell)
      .attr('fill', 'transparent')
      .on('mousemove', (event: MouseEvent) => {
        const [x, y] = pointer(event, cG.node());
        const j = Math.floor(x / cell);
        const i = Math.floor(y / cell);
        if (i >= 0 && i < rows && j >= 0 && j < cols) {
          setRow(i);
          setCol(j);
        }
      });
  }, [t, mine, owner.tileRow, owner.tileCol, r, c, rows, cols, cell, cX, cY, kShown, kShownStart, kBegin, kEnd, M, N]);

  const naiveRatio = reuse.naiveLoadsPerOutput / reuse.loadsPerOutput;
  return (
    <div className="matmul-tiles">
      <div className="fields-inline" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '6px 10px', marginBottom: 8 }}>
        <label htmlFor="mm-row">Output row</label>
        <input
          id="mm-row"
          type="number"
          min={0}
          max={rows - 1}
          value={r}
          onChange={(e) => setRow(Math.max(0, Math.min(rows - 1, Number(e.target.value) || 0)))}
        />
        <label htmlFor="mm-col">Output column</label>
        <input
          id="mm-col"
          type="number"
          min={0}
          max={cols - 1}
          value={c}
          onChange={(e) => setCol(Math.max(0, Math.min(cols - 1, Number(e.target.value) || 0)))}
        />
        <label htmlFor="mm-kstep">
          K-step {s + 1} of {kSteps} (k {kBegin}…{kEnd - 1})
        </label>
        <input id="mm-kstep" type="range" min={0} max={kSteps - 1} value={s} onChange={(e) => setStep(Number(e.target.value))} />
      </div>
      <svg
        ref={svgRef}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className="scalable"
        role="img"
        aria-label={`Tiling of ${variantLabel}: C split into ${t.BM}×${t.BN} workgroup tiles of ${t.WX}×${t.WY} invocations, each computing ${t.TM}×${t.TN} outputs; the text beside describes the chosen output`}
        data-testid="matmul-tile-svg"
      />
      <p className="hint" data-testid="matmul-owner">
        C[{r}][{c}] is computed by invocation (x {owner.tx}, y {owner.ty}) of workgroup (x {owner.tileCol}, y {owner.tileRow}), as element ({owner.i}, {owner.j}
        ) of its {t.TM}×{t.TN} micro-tile (dark blue: all {mine.length} outputs of that invocation). Showing {rows}×{cols} of {M}×{N}.
      </p>
      <ul className="hint" data-testid="matmul-reuse">
        <li>
          Each element of A is loaded by {reuse.aWorkgroupLoads} workgroup{reuse.aWorkgroupLoads === 1 ? '' : 's'} (one per column of tiles); in a register it
          feeds {reuse.aRegisterUses} multiply-add{reuse.aRegisterUses === 1 ? '' : 's'}. Each element of B: {reuse.bWorkgroupLoads} workgroup
          {reuse.bWorkgroupLoads === 1 ? '' : 's'}, {reuse.bRegisterUses} multiply-add
          {reuse.bRegisterUses === 1 ? '' : 's'}.
        </li>
        <li>
          Loads issued per output: {fmt(reuse.loadsPerOutput)} (naive: {reuse.naiveLoadsPerOutput}, {naiveRatio.toFixed(1)}× more).
        </li>
        <li>
          {t.staging === 'workgroup'
            ? `Orange: the ${t.BM}×${t.BK} panel of A and ${t.BK}×${t.BN} panel of B staged in workgroup memory at this K-step; ${reuse.kSteps} K-steps, ${reuse.barriersPerWorkgroup} barriers per workgroup.`
            : `No staging: invocations read A and B from memory (through the caches) one k at a time — orange marks what the chosen workgroup reads at this step; no barriers.`}
        </li>
        <li>
          {reuse.workgroups} workgroups of {reuse.invocationsPerWorkgroup} invocations.
        </li>
      </ul>
    </div>
  );
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}
