// Im2win (Lu et al., "Im2win: An Efficient Convolution Paradigm on GPU", 2023): for each output
// row, copy the R input rows its windows read into a strip stored column by column — window
// order — so each convolution window is a run of adjacent elements and neighbouring windows
// overlap in place instead of being copied again (im2col copies every window whole). A
// register-blocked micro-kernel then reads the windows with continuous loads.
//   NHWC: win[b][oy][q][r][c]; window (oy, ox), tap column s: a run of R·C values at column
//         q = ox·stride + s·dilation (one run of S·R·C for dilation 1).
//   NCHW: win[b][c][oy][q][r]; per channel, the window is a run of S·R values (dilation 1).
// The strip costs B·OH·(W + 2·pad)·R·C values: about S/stride times less than im2col's matrix.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { im2winCount, im2winWidth, outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { paramSchema } from '../params';
import {
  baseBuffers,
  bytesOf,
  CONV2D_SHAPE,
  conv2dConfig,
  conv2dExtras,
  directBaseline,
  conv2dFlops,
  conv2dProblems,
  conv2dShared,
  FLAT_WG,
  flatGrid,
  flatGridProblems,
  flatIndex,
  layoutFunctions,
  shapeConstants,
} from './common2d';
import { convMemory, defineConvVariant } from './facet';
import { GEMM_TILE, gemmGrid, gemmTileProblems, pickTile, type GemmTile } from './gemm';
import { microKernelWgsl } from './microkernel';

interface Im2winConfig extends Conv2dDims {
  tile: GemmTile;
  MP: number;
  /** Padded strip width W + 2·pad. */
  WP: number;
  winCount: number;
}

const TRANSFORM_BINDINGS = [readOnly('x', 'array<f32>', 'input'), readWrite('win', 'array<f32>', 'window-ordered strips')];
const GEMM_BINDINGS = [readOnly('win', 'array<f32>', 'window-ordered strips'), readOnly('w', 'array<f32>', 'filter'), readWrite('y', 'array<f32>', 'output')];

export function im2winTransformWgsl(d: Im2winConfig): string {
  const grid = flatGrid(d.winCount);
  const decode =
    d.layout === 'nhwc'
      ? `  let c = e % CIN; // win[b][oy][q][r][c]
  let r = (e / CIN) % KS;
  let q = (e / (CIN * KS)) % WP;
  let oy = (e / (CIN * KS * WP)) % OH;
  let b = e / (CIN * KS * WP * OH);`
      : `  let r = e % KS; // win[b][c][oy][q][r]
  let q = (e / KS) % WP;
  let oy = (e / (KS * WP)) % OH;
  let c = (e / (KS * WP * OH)) % CIN;
  let b = e / (KS * WP * OH * CIN);`;
  return /* wgsl */ `// Im2win transform, ${d.layout.toUpperCase()}: R input rows per output row, column by column
${shapeConstants(d)}
const WP = ${d.WP}u; // W + 2·pad
const COUNT = ${d.winCount}u;

${declareBindings(TRANSFORM_BINDINGS)}

${layoutFunctions(d)}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let e = ${flatIndex(grid)};
  if (e >= COUNT) { return; }
${decode}
  let iy = i32(oy * STRIDE + r * DIL) - PAD;
  let ix = i32(q) - PAD;
  var value = 0.0; // padding is stored as zeros
  if (iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W)) {
    value = x[xIndex(b, c, u32(iy), u32(ix))];
  }
  win[e] = value;
}
`;
}

export function im2winGemmWgsl(d: Im2winConfig): string {
  const constants = `${shapeConstants(d)}\nconst WP = ${d.WP}u; // W + 2·pad\nconst P = ${d.pixels}u;\nconst DEPTH = ${d.depth}u;`;
  if (d.layout === 'nhwc') {
    return microKernelWgsl({
      title: 'Im2win GEMM, NHWC (window order: column, tap row, channel)',
      constants,
      bindings: GEMM_BINDINGS,
      M: d.MP,
      N: d.cout,
      tile: d.tile,
      // m = (b·OH + oy)·OW + ox: the window starts at column ox·stride of strip (b, oy).
      rowSetup: (i) => [`let window${i} = ((m${i} / OW) * WP + (m${i} % OW) * STRIDE) * KS * CIN;`],
      loops: [
        {
          head: 'for (var s = 0u; s < KS; s++)',
          shared: ['let columnOffset = s * DIL * KS * CIN; // column q = ox·stride + s·dil'],
          perRow: (i) => [`let run${i} = window${i} + columnOffset;`],
        },
        { head: 'for (var r = 0u; r < KS; r++)', shared: ['let rowOffset = r * CIN;', 'let wRS = (r * KS + s) * CIN;'] },
        { head: 'for (var c = 0u; c < CIN; c++)', shared: ['let bRow = (wRS + c) * COUT;'] },
      ],
      aValue: (i) => `win[run${i} + rowOffset + c]`, // R·C adjacent values per column
      bIndex: (col) => `bRow + ${col}`,
      store: (i, col, value) => `y[row${i} * COUT + ${col}] = ${value};`,
    });
  }
  return microKernelWgsl({
    title: 'Im2win GEMM, NCHW (window order per channel: column, tap row)',
    constants,
    bindings: GEMM_BINDINGS,
    M: d.MP,
    N: d.cout,
    tile: d.tile,
    rowSetup: (i) => [`let b${i} = m${i} / P;`, `let p${i} = m${i} % P;`, `let strip${i} = (p${i} / OW) * WP * KS + (p${i} % OW) * STRIDE * KS;`],
    loops: [
      { head: 'for (var c = 0u; c < CIN; c++)', perRow: (i) => [`let window${i} = (b${i} * CIN + c) * OH * WP * KS + strip${i};`] },
      { head: 'for (var s = 0u; s < KS; s++)', shared: ['let columnOffset = s * DIL * KS;'] },
      { head: 'for (var r = 0u; r < KS; r++)', shared: ['let k = (c * KS + r) * KS + s; // OIHW position of (c, r, s)'] },
    ],
    aValue: (i) => `win[window${i} + columnOffset + r]`,
    bIndex: (col) => `${col} * DEPTH + k`,
    store: (i, col, value) => `y[(b${i} * COUT + ${col}) * P + p${i}] = ${value};`,
  });
}

const memoryOf = (d: Im2winConfig) => {
  const [x, w, y] = baseBuffers(d);
  const win = {
    name: 'win',
    bytes: bytesOf(d.winCount),
    role: 'workspace' as const,
    what: `window-ordered strips, ${d.kernel} row${d.kernel === 1 ? '' : 's'} × ${d.WP} columns × ${d.cin} channel${d.cin === 1 ? '' : 's'} per output row`,
  };
  return convMemory(
    [x, w, y, win],
    [
      { pass: 'Im2win transform', readBytes: x.bytes, writeBytes: win.bytes },
      { pass: 'GEMM over windows', readBytes: win.bytes + w.bytes, writeBytes: y.bytes },
    ],
  );
};

export const im2win = defineConvVariant(
  {
    ...conv2dShared,
    id: 'im2win',
    label: 'Im2win (window order)',
    summary:
      'Copies the R input rows of each output row into window order, so each window is a run of adjacent values; a register-blocked micro-kernel reads them with continuous loads.',
    schema: paramSchema({ ...CONV2D_SHAPE, ...GEMM_TILE }),
    config: (v): Im2winConfig => {
      const d = conv2dConfig(v);
      return { ...d, tile: pickTile(v), MP: d.batch * d.pixels, WP: im2winWidth(d), winCount: im2winCount(d) };
    },
    limits: (d, caps) => [
      ...conv2dProblems(d, caps, memoryOf(d)),
      ...flatGridProblems(caps, d.winCount, 'the Im2win transform'),
      ...gemmTileProblems(d.tile, caps, d.MP, d.cout),
    ],
    plan: (d, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'w', data: inputs.w, usage: 'storage' },
        { name: 'win', bytes: 4 * d.winCount, usage: 'storage' },
        { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
      ],
      dispatches: [
        { label: `conv im2win transform ${d.layout}`, wgsl: im2winTransformWgsl(d), bindings: TRANSFORM_BINDINGS, workgroups: flatGrid(d.winCount) },
        {
          label: `conv im2win GEMM ${d.layout} ${d.tile.BM}x${d.tile.BN} t${d.tile.TM}x${d.tile.TN}`,
          wgsl: im2winGemmWgsl(d),
          bindings: GEMM_BINDINGS,
          workgroups: gemmGrid(d.tile, d.MP, d.cout),
        },
      ],
      output: { buffer: 'y', type: 'f32', count: outputCount(d) },
    }),
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: (d) => [
      `The strips hold ${d.winCount} values (${(d.winCount / Math.max(1, d.batch * d.cin * d.height * d.width)).toFixed(2)}× the input); im2col would hold ${d.MP * d.depth}.`,
      d.dilation === 1
        ? 'Dilation 1: each window is one contiguous run.'
        : `Dilation ${d.dilation}: each window is ${d.kernel} runs, ${d.dilation} columns apart.`,
    ],
  },
  { dims: '2d', picture: 'window-order', memory: memoryOf },
);
