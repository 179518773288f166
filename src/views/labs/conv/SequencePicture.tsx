// What the 1-D methods do to a sequence, drawn small: the direct form's sliding window, the
// Stockham FFT's stages (which earlier values an output depends on), and the FFT as two DFT
// matrices over the signal laid out as an N1×N2 matrix. Point at (or focus) an output.
import { useState } from 'react';
import type { ConvPicture } from '../../../kernels/conv/facet';
import { OKABE_ITO } from '../../charts/plotly';

const CELL = 22;

function OutputCell({ x, y, label, chosen, onPick }: { x: number; y: number; label: string; chosen: boolean; onPick: () => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no button element; the cell is focusable and selects the output on focus.
    <rect
      x={x}
      y={y}
      width={CELL - 2}
      height={CELL - 2}
      fill={chosen ? OKABE_ITO[5] : '#fff'}
      stroke="#5b6470"
      tabIndex={0}
      role="button"
      aria-label={label}
      aria-pressed={chosen}
      onMouseEnter={onPick}
      onFocus={onPick}
      style={{ cursor: 'pointer' }}
    />
  );
}

function Sliding({ filter }: { filter: number }) {
  const N = 16;
  const K = Math.max(1, Math.min(filter === 0 ? N : filter, 6));
  const [t, setT] = useState(9);
  return (
    <figure style={{ margin: 0 }}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; the group names the picture and keeps its focusable cells reachable. */}
      <svg
        width="100%"
        style={{ maxWidth: N * CELL + 10, display: 'block' }}
        viewBox={`0 0 ${N * CELL + 10} 110`}
        role="group"
        aria-label={`Direct 1-D convolution: output ${t} reads inputs ${Math.max(0, t - K + 1)} to ${t}`}
        data-testid="conv-sequence-svg"
      >
        <text x={0} y={12} fontSize={12}>
          x (inputs)
        </text>
        {Array.from({ length: N }, (_, i) => (
          <rect key={i} x={i * CELL} y={18} width={CELL - 2} height={CELL - 2} fill={i <= t && i > t - K ? OKABE_ITO[1] : '#fff'} stroke="#8c96a1">
            <title>{`x[${i}]${i <= t && i > t - K ? ` × h[${t - i}]` : ''}`}</title>
          </rect>
        ))}
        <text x={0} y={66} fontSize={12}>
          y (outputs: point at one)
        </text>
        {Array.from({ length: N }, (_, i) => (
          <OutputCell key={i} x={i * CELL} y={72} label={`output ${i}`} chosen={i === t} onPick={() => setT(i)} />
        ))}
      </svg>
      <figcaption className="hint">
        y[{t}] = Σ h[j]·x[{t} − j] over {Math.min(K, t + 1)} taps (drawn with K = {K}): every output re-reads K inputs, N·K multiply-adds in all — quadratic
        when the filter is as long as the sequence.
      </figcaption>
    </figure>
  );
}

/** The Stockham stages of a length-L FFT: for each stage, which inputs feed each output. */
function stockhamStages(L: number, radices: number[]): { R: number; Ns: number; reads: number[][] }[] {
  const stages: { R: number; Ns: number; reads: number[][] }[] = [];
  let Ns = 1;
  for (const R of radices) {
    const reads: number[][] = Array.from({ length: L }, () => []);
    for (let j = 0; j < L / R; j++) {
      const k = j % Ns;
      const base = Math.floor(j / Ns) * Ns * R + k;
      const inputs = Array.from({ length: R }, (_, r) => j + (r * L) / R);
      for (let r = 0; r < R; r++) reads[base + r * Ns] = inputs;
    }
    stages.push({ R, Ns, reads });
    Ns *= R;
  }
  return stages;
}

function FftStages({ radix }: { radix: number }) {
  const L = 16;
  const radices = radix === 2 ? [2, 2, 2, 2] : [4, 4];
  const stages = stockhamStages(L, radices);
  const [out, setOut] = useState(5);
  // Walk back from the chosen output: the values it depends on at each stage boundary.
  const live: Set<number>[] = [new Set([out])];
  for (let s = stages.length - 1; s >= 0; s--) {
    const next = new Set<number>();
    for (const o of live[0]) for (const i of stages[s].reads[o]) next.add(i);
    live.unshift(next);
  }
  const colW = 90;
  const rowH = 16;
  const x0 = 30;
  const width = x0 + stages.length * colW + 110;
  const height = 20 + L * rowH + 10;
  const y = (i: number) => 24 + i * rowH;
  return (
    <figure style={{ margin: 0 }}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; the group names the picture and keeps its focusable cells reachable. */}
      <svg
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
        viewBox={`0 0 ${width} ${height}`}
        role="group"
        aria-label={`Radix-${radix} Stockham FFT of length 16, ${stages.length} stages; output ${out} depends on every input`}
        data-testid="conv-sequence-svg"
      >
        <text x={0} y={12} fontSize={12}>
          in
        </text>
        <text x={x0 + stages.length * colW - 10} y={12} fontSize={12}>
          out (point at one)
        </text>
        {stages.map((st, s) =>
          st.reads.flatMap((inputs, o) =>
            inputs.map((i) => {
              const hot = live[s + 1].has(o) && live[s].has(i);
              return (
                <line
                  key={`${s}-${o}-${i}`}
                  x1={x0 + s * colW}
                  y1={y(i)}
                  x2={x0 + (s + 1) * colW}
                  y2={y(o)}
                  stroke={hot ? OKABE_ITO[1] : '#d8dde3'}
                  strokeWidth={hot ? 1.6 : 0.8}
                />
              );
            }),
          ),
        )}
        {live.map((set, s) =>
          Array.from({ length: L }, (_, i) =>
            s === stages.length ? null : (
              <circle key={`n${s}-${i}`} cx={x0 + s * colW} cy={y(i)} r={3.5} fill={set.has(i) ? OKABE_ITO[1] : '#fff'} stroke="#5b6470" />
            ),
          ),
        )}
        {Array.from({ length: L }, (_, i) => (
          <g key={`o${i}`}>
            <OutputCell x={x0 + stages.length * colW - 6} y={y(i) - 7} label={`output ${i}`} chosen={i === out} onPick={() => setOut(i)} />
            <text x={x0 + stages.length * colW + 20} y={y(i) + 4} fontSize={9}>
              {i}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="hint">
        {stages.length} stages of radix-{radix} butterflies (Stockham: each stage reads one buffer and writes the other in a new order, no bit reversal); output{' '}
        {out} depends on all {L} inputs through log₂L = 4 levels of additions, which is why an FFT’s rounding error grows like log L, not like L.
      </figcaption>
    </figure>
  );
}

function DftMatrices() {
  const N1 = 4;
  const N2 = 4;
  const [sel, setSel] = useState({ k1: 1, k2: 2 });
  const grid = (x0: number, title: string, cell: (a: number, b: number) => { fill: string; label: string; pick?: () => void; aria?: string }) => (
    <g transform={`translate(${x0}, 0)`}>
      <text x={0} y={12} fontSize={11}>
        {title}
      </text>
      {Array.from({ length: N1 }, (_, a) =>
        Array.from({ length: N2 }, (_, b) => {
          const c = cell(a, b);
          return (
            <g key={`${a},${b}`}>
              {c.pick ? (
                <OutputCell x={b * CELL} y={18 + a * CELL} label={c.aria ?? c.label} chosen={a === sel.k1 && b === sel.k2} onPick={c.pick} />
              ) : (
                <rect x={b * CELL} y={18 + a * CELL} width={CELL - 2} height={CELL - 2} fill={c.fill} stroke="#8c96a1" />
              )}
              <text x={b * CELL + CELL / 2 - 1} y={18 + a * CELL + 14} fontSize={8} textAnchor="middle" pointerEvents="none">
                {c.label}
              </text>
            </g>
          );
        }),
      )}
    </g>
  );
  const w = N2 * CELL + 60;
  return (
    <figure style={{ margin: 0 }}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; the group names the picture and keeps its focusable cells reachable. */}
      <svg
        width="100%"
        style={{ maxWidth: 3 * w, display: 'block' }}
        viewBox={`0 0 ${3 * w} ${18 + N1 * CELL + 8}`}
        role="group"
        aria-label={`FFT as matrix multiplication with N1 = N2 = 4: spectrum entry ${sel.k1 + N1 * sel.k2} comes from row ${sel.k1} of Y, which comes from every column of the signal matrix`}
        data-testid="conv-sequence-svg"
      >
        {grid(0, 'X0[n1][n2] = x[4·n1 + n2]', (a, b) => ({ fill: OKABE_ITO[1], label: String(N2 * a + b) }))}
        {grid(w, 'Y = F4 · X0, ∘ twiddles', (a) => ({ fill: a === sel.k1 ? OKABE_ITO[1] : '#fff', label: '' }))}
        {grid(2 * w, 'Z = Y · F4 (point at one)', (a, b) => ({
          fill: '#fff',
          label: String(a + N1 * b),
          pick: () => setSel({ k1: a, k2: b }),
          aria: `spectrum entry ${a + N1 * b}`,
        }))}
      </svg>
      <figcaption className="hint">
        Z[{sel.k1}][{sel.k2}] is X[{sel.k1 + N1 * sel.k2}]: a dot product of row {sel.k1} of Y with a column of F₄, and each entry of that row is a dot product
        of a row of F₄ with a column of the signal — two matmuls and a pointwise twiddle, in the transposed order the convolution never undoes.
      </figcaption>
    </figure>
  );
}

export function SequencePicture({ picture, params }: { picture: ConvPicture; params: Record<string, unknown> }) {
  if (picture === 'fft-stages') return <FftStages radix={params.radix === 2 ? 2 : 4} />;
  if (picture === 'dft-matrices') return <DftMatrices />;
  return <Sliding filter={typeof params.filter === 'number' ? params.filter : 0} />;
}
