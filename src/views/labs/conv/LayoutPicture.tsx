// What each 2-D method lays out in memory, for a small version of the current shape: the padded
// input and the output; point at (or focus) an output to see which inputs it reads, and below,
// the method's own structure for that output — the im2col row it copies, the indirection
// buffer's pointers into the input, or the Im2win strip with its window. Drawn from the same
// numerics (im2colRow, tapSource, im2winIndex) the kernels and their tests use.
import { useMemo, useState } from 'react';
import type { ConvPicture } from '../../../kernels/conv/facet';
import { conv2dDims, im2colRow, im2winWidth, type Conv2dShape, type ColumnEntry } from '../../../numerics/conv2d';
import { OKABE_ITO } from '../../charts/plotly';

const CELL = 22;
const GAP = 28;

/** A small version of the shape that fits on screen (the method's structure is the same). */
export function illustrationShape(p: Record<string, unknown>): Conv2dShape & { clipped: boolean } {
  const n = (k: string, fallback: number) => (typeof p[k] === 'number' ? (p[k] as number) : fallback);
  const full = {
    height: n('height', 8),
    width: n('width', 8),
    cin: n('cin', 3),
    kernel: n('kernel', 3),
    dilation: n('dilation', 1),
    pad: n('pad', 1),
    stride: n('stride', 1),
  };
  const s: Conv2dShape = {
    layout: p.layout === 'nchw' ? 'nchw' : 'nhwc',
    batch: 1,
    cin: Math.min(full.cin, 3),
    cout: 1,
    height: Math.min(full.height, 8),
    width: Math.min(full.width, 8),
    kernel: Math.min(full.kernel, 5),
    stride: Math.min(full.stride, 3),
    pad: Math.min(full.pad, 3),
    dilation: Math.min(full.dilation, 3),
  };
  const clipped =
    s.cin !== full.cin ||
    s.height !== full.height ||
    s.width !== full.width ||
    s.kernel !== full.kernel ||
    s.stride !== full.stride ||
    s.pad !== full.pad ||
    s.dilation !== full.dilation;
  return { ...s, clipped };
}

const CHANNEL_COLOURS = [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[4]];

function entryLabel(e: ColumnEntry): string {
  return e.inside ? `${e.iy},${e.ix}` : '0';
}

export function LayoutPicture({ params, picture }: { params: Record<string, unknown>; picture: ConvPicture }) {
  const shape = useMemo(() => illustrationShape(params), [params]);
  const d = useMemo(() => conv2dDims(shape), [shape]);
  const [sel, setSel] = useState<{ oy: number; ox: number }>({ oy: 0, ox: 0 });
  if (d.outH < 1 || d.outW < 1) return <p className="muted">This shape has no output, so there is nothing to draw.</p>;
  const oy = Math.min(sel.oy, d.outH - 1);
  const ox = Math.min(sel.ox, d.outW - 1);
  const row = im2colRow(d, oy, ox);
  const taps = row.filter((e) => e.c === 0);
  const Hp = d.height + 2 * d.pad;
  const Wp = d.width + 2 * d.pad;
  const inputW = Wp * CELL;
  const outX = inputW + GAP * 2;
  const top = 20;
  const planesH = Math.max(Hp, d.outH) * CELL + top + 10;
  const readAt = new Map(taps.map((e, t) => [`${e.iy + d.pad},${e.ix + d.pad}`, t]));
  // Winograd: the 4×4 input tile (padded coordinates) and the 2×2 output tile of the selected output.
  const tileY = 2 * Math.floor(oy / 2);
  const tileX = 2 * Math.floor(ox / 2);
  const inTile = (y: number, x: number) => picture === 'winograd-tile' && y >= tileY && y < tileY + 4 && x >= tileX && x < tileX + 4;
  const inOutTile = (y: number, x: number) => picture === 'winograd-tile' && y >= tileY && y < tileY + 2 && x >= tileX && x < tileX + 2;

  const strip = stripFor(picture, d, row, taps, oy, ox);
  const stripTop = planesH + 30;
  const width = Math.max(outX + Math.max(d.outW * CELL, 200) + 10, strip.width + 10);
  const height = stripTop + strip.height + 10;

  return (
    <figure className="conv-layout" style={{ margin: 0 }}>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; the group names the picture and keeps its focusable cells reachable. */}
      <svg
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
        viewBox={`0 0 ${width} ${height}`}
        role="group"
        aria-label={`Padded input (${d.height}×${d.width} with ${d.pad} of padding) and output (${d.outH}×${d.outW}); output (${oy}, ${ox}) is selected and reads ${taps.filter((t) => t.inside).length} input pixels and ${taps.filter((t) => !t.inside).length} padding zeros`}
        data-testid="conv-layout-svg"
      >
        <text x={0} y={12} fontSize={12}>
          input, channel 0 (padding dashed)
        </text>
        {Array.from({ length: Hp }, (_, y) =>
          Array.from({ length: Wp }, (_, x) => {
            const inside = y >= d.pad && y < d.pad + d.height && x >= d.pad && x < d.pad + d.width;
            const tap = readAt.get(`${y},${x}`);
            return (
              <g key={`i${y},${x}`}>
                <rect
                  x={x * CELL}
                  y={top + y * CELL}
                  width={CELL - 2}
                  height={CELL - 2}
                  fill={tap !== undefined ? OKABE_ITO[1] : inTile(y, x) ? '#f6d9a6' : inside ? '#fff' : '#eef0f3'}
                  stroke={inside ? '#8c96a1' : '#b8c0c8'}
                  strokeDasharray={inside ? undefined : '3 2'}
                >
                  <title>{inside ? `input (${y - d.pad}, ${x - d.pad})` : 'padding (zero)'}</title>
                </rect>
                {tap !== undefined && (
                  <text x={x * CELL + CELL / 2 - 1} y={top + y * CELL + 15} fontSize={9} textAnchor="middle">
                    {tap}
                  </text>
                )}
              </g>
            );
          }),
        )}
        <text x={outX} y={12} fontSize={12}>
          output (point at or focus one)
        </text>
        {Array.from({ length: d.outH }, (_, y) =>
          Array.from({ length: d.outW }, (_, x) => {
            const chosen = y === oy && x === ox;
            return (
              // biome-ignore lint/a11y/useSemanticElements: SVG has no button element; the cell is focusable and selects the output on focus.
              <rect
                key={`o${y},${x}`}
                x={outX + x * CELL}
                y={top + y * CELL}
                width={CELL - 2}
                height={CELL - 2}
                fill={chosen ? OKABE_ITO[5] : inOutTile(y, x) ? '#bfe0f4' : '#fff'}
                stroke="#5b6470"
                tabIndex={0}
                role="button"
                aria-label={`output (${y}, ${x})`}
                aria-pressed={chosen}
                onMouseEnter={() => setSel({ oy: y, ox: x })}
                onFocus={() => setSel({ oy: y, ox: x })}
                style={{ cursor: 'pointer' }}
              />
            );
          }),
        )}
        <g transform={`translate(0, ${stripTop})`}>{strip.node}</g>
        {picture === 'indirection' &&
          taps.map((e, t) =>
            e.inside ? (
              <line
                key={`p${t}`}
                x1={strip.anchor(t).x}
                y1={stripTop + strip.anchor(t).y}
                x2={(e.ix + d.pad) * CELL + CELL / 2}
                y2={top + (e.iy + d.pad) * CELL + CELL - 2}
                stroke={OKABE_ITO[3]}
                strokeWidth={1}
                opacity={0.7}
              />
            ) : null,
          )}
      </svg>
      <figcaption className="hint">
        Output ({oy}, {ox}) reads the {taps.length} numbered taps (r·S + s) of a {d.kernel}×{d.kernel} kernel with stride {d.stride}, padding {d.pad} and
        dilation {d.dilation}
        {d.cin > 1 ? `, in each of ${d.cin} channels` : ''}. {strip.caption}
        {shape.clipped ? ' (Drawn for a smaller version of the current shape: at most 8×8 pixels, 3 channels, a 5×5 kernel.)' : ''}
      </figcaption>
    </figure>
  );
}

interface Strip {
  node: React.ReactNode;
  width: number;
  height: number;
  caption: string;
  /** Where tap t's pointer sits in the strip (indirection arrows). */
  anchor(t: number): { x: number; y: number };
}

function stripFor(picture: ConvPicture, d: ReturnType<typeof conv2dDims>, row: ColumnEntry[], taps: ColumnEntry[], oy: number, ox: number): Strip {
  const none = { anchor: () => ({ x: 0, y: 0 }) };
  switch (picture) {
    case 'column-matrix': {
      const per = Math.max(1, Math.floor(720 / CELL));
      const lines = Math.ceil(row.length / per);
      return {
        ...none,
        width: Math.min(row.length, per) * CELL,
        height: 20 + lines * (CELL + 4),
        caption: `im2col copies them into one row of the column matrix, ${row.length} values in ${d.layout === 'nhwc' ? '(r, s, c)' : '(c, r, s)'} order — zeros stored for padding — and does so again for every output pixel, so inputs under overlapping windows are copied up to ${Math.ceil(d.kernel / d.stride) ** 2} times.`,
        node: (
          <>
            <text x={0} y={12} fontSize={12}>
              im2col row of output ({oy}, {ox}): {row.length} copied values (colour = channel, text = input row,column)
            </text>
            {row.map((e, k) => (
              <g key={k} transform={`translate(${(k % per) * CELL}, ${20 + Math.floor(k / per) * (CELL + 4)})`}>
                <rect width={CELL - 2} height={CELL - 2} fill={e.inside ? CHANNEL_COLOURS[e.c % 3] : '#eef0f3'} opacity={e.inside ? 0.35 : 1} stroke="#8c96a1">
                  <title>{e.inside ? `channel ${e.c}, input (${e.iy}, ${e.ix})` : 'padding: a stored zero'}</title>
                </rect>
                <text x={CELL / 2 - 1} y={14} fontSize={7} textAnchor="middle">
                  {entryLabel(e)}
                </text>
              </g>
            ))}
          </>
        ),
      };
    }
    case 'indirection': {
      const w = 2 * CELL;
      return {
        width: taps.length * w,
        height: 20 + CELL,
        anchor: (t) => ({ x: t * w + w / 2, y: 18 }),
        caption: `The indirect method stores only ${taps.length} pointers for this output — each to channel 0 of the pixel a tap reads — and the GEMM micro-kernel loads through them: ${d.cin}× less than an im2col row. ${d.layout === 'nhwc' ? `In NHWC the ${d.cin} channels follow the pointer in memory, and taps in the padding point at one shared row of zeros.` : `In NCHW the channels lie H·W apart, so no row of zeros can stand for a padded pixel: those taps hold a marker and their loads are masked to zero.`}`,
        node: (
          <>
            <text x={0} y={12} fontSize={12}>
              indirection buffer, output ({oy}, {ox}): {taps.length} pointers
            </text>
            {taps.map((e, t) => (
              <g key={t} transform={`translate(${t * w}, 20)`}>
                <rect width={w - 3} height={CELL - 2} fill={e.inside ? '#fff' : '#eef0f3'} stroke={OKABE_ITO[3]}>
                  <title>{e.inside ? `tap ${t} → input pixel (${e.iy}, ${e.ix})` : `tap ${t} → the zero row`}</title>
                </rect>
                <text x={w / 2 - 1} y={14} fontSize={8} textAnchor="middle">
                  {e.inside ? `→${e.iy},${e.ix}` : '→ 0'}
                </text>
              </g>
            ))}
          </>
        ),
      };
    }
    case 'window-order': {
      const Wp = im2winWidth(d);
      const R = d.kernel;
      const cells: { q: number; r: number; iy: number; ix: number; inside: boolean; inWindow: boolean; s: number }[] = [];
      for (let q = 0; q < Wp; q++) {
        const s = (q - ox * d.stride) / d.dilation;
        const inWindow = Number.isInteger(s) && s >= 0 && s < d.kernel;
        for (let r = 0; r < R; r++) {
          const iy = oy * d.stride + r * d.dilation - d.pad;
          const ix = q - d.pad;
          cells.push({ q, r, iy, ix, inside: iy >= 0 && iy < d.height && ix >= 0 && ix < d.width, inWindow, s });
        }
      }
      const cw = Math.max(10, Math.min(CELL, Math.floor(760 / cells.length)));
      return {
        ...none,
        width: cells.length * cw,
        height: 20 + CELL + 16,
        caption: `Im2win stores, for output row ${oy}, the ${R} input rows it reads, column by column (${R} values per column${d.layout === 'nhwc' ? `, each followed by its ${d.cin} channels` : ', one strip per channel'}): the window of output (${oy}, ${ox}) is the highlighted run${d.dilation > 1 ? `s, ${d.dilation} columns apart (dilation ${d.dilation})` : ', one contiguous stretch'}, and the next output's window starts ${d.stride} column${d.stride > 1 ? 's' : ''} later — overlapping, not copied again.`,
        node: (
          <>
            <text x={0} y={12} fontSize={12}>
              Im2win strip of output row {oy}, channel 0, in memory order ({Wp} columns × {R} rows)
            </text>
            {cells.map((c, i) => (
              <g key={i} transform={`translate(${i * cw}, 20)`}>
                <rect
                  width={cw - 1}
                  height={CELL - 2}
                  fill={c.inWindow ? OKABE_ITO[1] : c.inside ? '#fff' : '#eef0f3'}
                  stroke={c.r === 0 ? '#5b6470' : '#b8c0c8'}
                >
                  <title>{`column ${c.q}, tap row ${c.r}: ${c.inside ? `input (${c.iy}, ${c.ix})` : 'padding (zero)'}${c.inWindow ? `, tap (${c.r}, ${c.s}) of this window` : ''}`}</title>
                </rect>
              </g>
            ))}
          </>
        ),
      };
    }
    case 'winograd-tile':
      return {
        ...none,
        width: 400,
        height: 20,
        caption: `Winograd F(2×2, 3×3) computes output (${oy}, ${ox}) together with the rest of its 2×2 tile (light blue) from the 4×4 input tile around them (light and dark orange): per channel, 16 transformed inputs times 16 transformed weights — 16 multiplications for 4 outputs, where the direct method needs 36 — then additions transform the sums back.`,
        node: (
          <text x={0} y={12} fontSize={12}>
            one 4×4 input tile → one 2×2 output tile (16 multiplies per channel instead of 36)
          </text>
        ),
      };
    case 'gemm-view':
      return {
        ...none,
        width: 400,
        height: 20,
        caption: `With a 1×1 kernel, stride 1 and no padding, output (${oy}, ${ox}) reads exactly its own pixel: the input already is a (pixels × ${d.cin}) matrix in NHWC (or ${d.cin} × pixels in NCHW), and the GEMM reads it where it lies.`,
        node: (
          <text x={0} y={12} fontSize={12}>
            no copy, no pointers: the input is the GEMM operand
          </text>
        ),
      };
    case 'register-block':
      return {
        ...none,
        width: 400,
        height: 20,
        caption: 'The direct kernel reads these inputs where they lie; the register-blocked form loads each once for a block of output channels.',
        node: (
          <text x={0} y={12} fontSize={12}>
            no copy: each loaded input feeds a block of output channels held in registers
          </text>
        ),
      };
    default:
      return {
        ...none,
        width: 400,
        height: 20,
        caption: 'The direct kernel reads these inputs where they lie, once per output that needs them.',
        node: (
          <text x={0} y={12} fontSize={12}>
            no copy: one invocation per output reads its inputs in place
          </text>
        ),
      };
  }
}
