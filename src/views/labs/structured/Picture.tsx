// A small picture of each structure (SVG), drawn from the run's extras: the factor shapes of low
// rank, the block pattern of Monarch's R and P·L·Pᵀ, a Kronecker product's block pattern, BLAST's
// shared bases, Strassen's seven products and a sketch's shape.
import { STRASSEN_PRODUCTS } from '../../../numerics/strassen';
import type { StructurePicture } from '../../../kernels/structured/extras';
import { OKABE_ITO } from '../../charts/plotly';

const SIDE = 120;

function Grid({
  cells,
  n,
  x,
  y,
  size,
  color,
  label,
}: {
  cells: (r: number, c: number) => number;
  n: number;
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
}) {
  const step = size / n;
  const rects = [];
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const v = cells(r, c);
      if (v > 0)
        rects.push(<rect key={`${r}-${c}`} x={x + c * step} y={y + r * step} width={step} height={step} fill={color} opacity={0.35 + 0.65 * Math.min(1, v)} />);
    }
  return (
    <g>
      <rect x={x} y={y} width={size} height={size} fill="none" stroke="#667" />
      {rects}
      <text x={x + size / 2} y={y + size + 14} fontSize={11} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

/** Shrinks b and m to at most 8 each for drawing, keeping the pattern. */
const shown = (v: number) => Math.min(v, 8);

export function StructurePictureView({ picture }: { picture: StructurePicture }) {
  switch (picture.type) {
    case 'full':
      return (
        <svg width={SIDE + 20} height={SIDE + 30} role="img" aria-label={`Dense ${picture.rows}×${picture.cols} matrix: every entry stored and multiplied`}>
          <rect x={10} y={4} width={SIDE} height={SIDE} fill={OKABE_ITO[7]} opacity={0.6} />
          <text x={10 + SIDE / 2} y={SIDE + 20} fontSize={11} textAnchor="middle">
            W, {picture.rows}×{picture.cols}
          </text>
        </svg>
      );
    case 'factors': {
      const r = Math.max(3, Math.min(SIDE / 2, (SIDE * picture.rank) / Math.max(picture.nIn, picture.nOut)));
      const h = (SIDE * picture.nOut) / Math.max(picture.nIn, picture.nOut);
      const w = (SIDE * picture.nIn) / Math.max(picture.nIn, picture.nOut);
      return (
        <svg
          width={SIDE * 2 + 60}
          height={SIDE + 30}
          role="img"
          aria-label={`Low rank: U is ${picture.nOut}×${picture.rank}, Vᵀ is ${picture.rank}×${picture.nIn}`}
        >
          <rect x={10} y={4} width={r} height={h} fill={OKABE_ITO[0]} opacity={0.7} />
          <text x={10 + r / 2} y={h + 18} fontSize={11} textAnchor="middle">
            U {picture.nOut}×{picture.rank}
          </text>
          <text x={r + 22} y={14} fontSize={14}>
            ·
          </text>
          <rect x={r + 34} y={4} width={w} height={r} fill={OKABE_ITO[1]} opacity={0.7} />
          <text x={r + 34 + w / 2} y={r + 18} fontSize={11} textAnchor="middle">
            Vᵀ {picture.rank}×{picture.nIn}
          </text>
        </svg>
      );
    }
    case 'block-diagonal': {
      const b = shown(picture.blocks);
      const m = shown(picture.m);
      const n = b * m;
      return (
        <svg
          width={SIDE * 2 + 60}
          height={SIDE + 34}
          role="img"
          aria-label={`Monarch${picture.rank > 1 ? ` / BTT rank ${picture.rank}` : ''}: R has ${picture.blocks} blocks of ${picture.m}×${picture.m}; P·L·Pᵀ has ${picture.m} blocks of ${picture.blocks}×${picture.blocks} interleaved with stride ${picture.m}`}
        >
          <Grid
            cells={(r, c) => (Math.floor(r / m) === Math.floor(c / m) ? 1 : 0)}
            n={n}
            x={SIDE + 40}
            y={4}
            size={SIDE}
            color={OKABE_ITO[0]}
            label={`R: ${picture.blocks} blocks ${picture.m}×${picture.m}`}
          />
          <Grid
            cells={(r, c) => (r % m === c % m ? 1 : 0)}
            n={n}
            x={10}
            y={4}
            size={SIDE}
            color={OKABE_ITO[1]}
            label={`P·L·Pᵀ: ${picture.m} blocks ${picture.blocks}×${picture.blocks}`}
          />
          <text x={SIDE + 20} y={SIDE / 2 + 8} fontSize={14} textAnchor="middle">
            ·
          </text>
          {(picture.blocks > 8 || picture.m > 8) && (
            <text x={SIDE + 30} y={SIDE + 30} fontSize={10} textAnchor="middle" fill="#555">
              (drawn with at most 8 blocks of at most 8)
            </text>
          )}
        </svg>
      );
    }
    case 'kron': {
      const a1 = shown(picture.a1);
      const a2 = shown(picture.a2);
      const b1 = shown(picture.b1);
      const b2 = shown(picture.b2);
      const n = Math.max(a1 * b1, a2 * b2);
      return (
        <svg
          width={SIDE + 20}
          height={SIDE + 30}
          role="img"
          aria-label={`Kronecker product: A (${picture.a1}×${picture.a2}) ⊗ B (${picture.b1}×${picture.b2}); block (p, i) of A⊗B is A[p][i]·B`}
        >
          <Grid
            cells={(r, c) =>
              r < a1 * b1 && c < a2 * b2
                ? 0.3 + 0.7 * ((((Math.floor(r / b1) * 7 + Math.floor(c / b2) * 3) % 5) / 5 + (((r % b1) * 5 + (c % b2) * 2) % 7) / 7) / 2)
                : 0
            }
            n={n}
            x={10}
            y={4}
            size={SIDE}
            color={OKABE_ITO[2]}
            label={`A⊗B: ${picture.a1 * picture.b1}×${picture.a2 * picture.b2}`}
          />
        </svg>
      );
    }
    case 'shared-bases': {
      const b = shown(picture.blocks);
      const step = SIDE / b;
      const cells = [];
      for (let i = 0; i < b; i++)
        for (let j = 0; j < b; j++)
          cells.push(
            <g key={`${i}-${j}`}>
              <rect x={10 + j * step + 1} y={4 + i * step + 1} width={step / 4} height={step - 2} fill={OKABE_ITO[(i % 6) + 0]} opacity={0.7} />
              <rect x={10 + j * step + step / 4 + 2} y={4 + i * step + step / 2 - 2} width={step / 2} height={4} fill="#444" />
              <rect x={10 + j * step + 1} y={4 + i * step + 1} width={step - 2} height={step / 4} fill={OKABE_ITO[(j % 6) + 1]} opacity={0.4} />
            </g>,
          );
      return (
        <svg
          width={SIDE + 20}
          height={SIDE + 30}
          role="img"
          aria-label={`BLAST: ${picture.blocks}×${picture.blocks} blocks of ${picture.p}; block (i, j) = U_i·diag(s_ij)·V_jᵀ, U_i shared along block row i (one colour per row), V_j along block column j`}
        >
          <rect x={10} y={4} width={SIDE} height={SIDE} fill="none" stroke="#667" />
          {cells}
          <text x={10 + SIDE / 2} y={SIDE + 20} fontSize={11} textAnchor="middle">
            U_i · diag(s_ij) · V_jᵀ, rank {picture.rank}
          </text>
        </svg>
      );
    }
    case 'seven-products':
      return (
        <div data-testid="strassen-products">
          <svg
            viewBox={`0 0 ${7 * 70} 56`}
            width="100%"
            style={{ maxWidth: 7 * 70 }}
            role="img"
            aria-label={`Strassen's seven products: ${picture.products.join('; ')}`}
          >
            {STRASSEN_PRODUCTS.map((p, k) => (
              <g key={k} transform={`translate(${k * 70},0)`}>
                {[p.a, p.b].map((terms, side) =>
                  [0, 1, 2, 3].map((q) => {
                    const t = terms.find(([block]) => block === q);
                    return (
                      <rect
                        key={`${side}-${q}`}
                        x={4 + side * 32 + (q & 1) * 13}
                        y={4 + (q >> 1) * 13}
                        width={12}
                        height={12}
                        fill={t ? (t[1] > 0 ? OKABE_ITO[0] : OKABE_ITO[3]) : '#eee'}
                        stroke="#888"
                      />
                    );
                  }),
                )}
                <text x={32} y={48} fontSize={11} textAnchor="middle">
                  M{k + 1}
                </text>
              </g>
            ))}
          </svg>
          <p className="hint">
            Blue: block added, vermillion: subtracted; left square A’s blocks, right square B’s.{' '}
            {picture.levels > 1 ? `Each Mk recurses once more: ${7 ** picture.levels} products.` : ''}
          </p>
        </div>
      );
    case 'sketch-shape':
      return (
        <div>
          <svg
            width={SIDE * 2 + 20}
            height={40}
            role="img"
            aria-label={`Sketch: S is ${picture.k}×${picture.n} (${picture.method}); (SA)ᵀ(SB) has inner dimension ${picture.k} instead of ${picture.n}`}
          >
            <rect x={10} y={4} width={SIDE * 2} height={Math.max(4, (30 * picture.k) / picture.n)} fill={OKABE_ITO[4]} opacity={0.7} />
          </svg>
          <p className="hint">
            S: {picture.k}×{picture.n} ({picture.method}) — the summed dimension shrinks from {picture.n} to {picture.k}.
          </p>
        </div>
      );
  }
}
