// im2col + GEMM (Caffe's convolution, Jia et al. 2014): copy every output pixel's C·R·S inputs
// into a row of a column matrix — zeros for padding — and multiply it with the filter by the
// matmul lab's register-blocked GEMM. The GEMM is fast and general; the price is the column
// matrix, R·S/stride² times the input, written once and read again.
//   NHWC: col is (B·P) × (R·S·C), rows in (r, s, c) order; C_out = col · W_HWIO is NHWC already.
//   NCHW: col is (C·R·S) × (B·P), Caffe's layout; W_OIHW · col is Cout × (B·P), which is NCHW
//         for one image and needs a permutation pass for a batch.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { paramSchema } from '../params';
import type { DispatchSpec } from '../types';
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
import { GEMM_TILE, gemmGrid, gemmTileProblems, matmulLabBindings, matmulLabGemm, pickTile, type GemmTile } from './gemm';

interface Im2colConfig extends Conv2dDims {
  tile: GemmTile;
  /** GEMM rows = output pixels of the whole batch. */
  MP: number;
  colCount: number;
  /** NCHW with a batch: the GEMM writes Cout × (B·P) and a pass permutes it into NCHW. */
  permute: boolean;
}

const IM2COL_BINDINGS = [readOnly('x', 'array<f32>', 'input'), readWrite('col', 'array<f32>', 'the column matrix')];
const PERMUTE_BINDINGS = [readOnly('gemmOut', 'array<f32>', 'Cout × (B·P), GEMM order'), readWrite('y', 'array<f32>', 'output, NCHW')];

export function im2colWgsl(d: Im2colConfig): string {
  const grid = flatGrid(d.colCount);
  const decode =
    d.layout === 'nhwc'
      ? `  let m = e / DEPTH; // row: output pixel (b, oy, ox)
  let k = e % DEPTH; // column: (r, s, c), channels fastest
  let c = k % CIN;
  let s = (k / CIN) % KS;
  let r = k / (CIN * KS);`
      : `  let m = e % MP; // column of Caffe's matrix: output pixel (b, oy, ox)
  let k = e / MP; // row: (c, r, s)
  let s = k % KS;
  let r = (k / KS) % KS;
  let c = k / (KS * KS);`;
  return /* wgsl */ `// im2col, ${d.layout.toUpperCase()}: one invocation per element of the column matrix
${shapeConstants(d)}
const DEPTH = ${d.depth}u; // C·R·S
const MP = ${d.MP}u; // B·OH·OW
const COUNT = ${d.colCount}u;

${declareBindings(IM2COL_BINDINGS)}

${layoutFunctions(d)}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let e = ${flatIndex(grid)};
  if (e >= COUNT) { return; }
${decode}
  let ox = m % OW;
  let oy = (m / OW) % OH;
  let b = m / (OW * OH);
  let iy = i32(oy * STRIDE + r * DIL) - PAD;
  let ix = i32(ox * STRIDE + s * DIL) - PAD;
  var value = 0.0; // padding is stored as zeros
  if (iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W)) {
    value = x[xIndex(b, c, u32(iy), u32(ix))];
  }
  col[e] = value;
}
`;
}

export function permuteWgsl(d: Im2colConfig): string {
  const count = outputCount(d);
  const grid = flatGrid(count);
  return /* wgsl */ `// GEMM order Cout × (B·P) into NCHW B × Cout × P
const B = ${d.batch}u;
const COUT = ${d.cout}u;
const P = ${d.pixels}u;
const COUNT = ${count}u;

${declareBindings(PERMUTE_BINDINGS)}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let o = ${flatIndex(grid)}; // NCHW index: ((b·COUT + co)·P + p)
  if (o >= COUNT) { return; }
  let p = o % P;
  let co = (o / P) % COUT;
  let b = o / (P * COUT);
  y[o] = gemmOut[co * (B * P) + b * P + p];
}
`;
}

/** The GEMM's shape and operands for this layout. */
function gemmOf(d: Im2colConfig) {
  if (d.layout === 'nhwc') {
    return {
      shape: { M: d.MP, N: d.cout, K: d.depth },
      // A = the column matrix (B·P) × (R·S·C), B = the HWIO filter, C = the NHWC output
      bindings: matmulLabBindings('col', 'w', 'y'),
    };
  }
  return {
    shape: { M: d.cout, N: d.MP, K: d.depth },
    // A = the OIHW filter Cout × (C·R·S), B = the column matrix (C·R·S) × (B·P), C = Cout × (B·P)
    bindings: matmulLabBindings('w', 'col', d.permute ? 'gemmOut' : 'y'),
  };
}

const memoryOf = (d: Im2colConfig) => {
  const [x, w, y] = baseBuffers(d);
  const col = { name: 'col', bytes: bytesOf(d.colCount), role: 'workspace' as const, what: `column matrix, ${d.depth} values per output pixel` };
  const buffers = [x, w, y, col];
  const passes = [
    { pass: 'im2col copy', readBytes: x.bytes, writeBytes: col.bytes },
    { pass: 'GEMM', readBytes: col.bytes + w.bytes, writeBytes: y.bytes },
  ];
  if (d.permute) {
    buffers.push({ name: 'gemmOut', bytes: y.bytes, role: 'workspace', what: 'GEMM result before the NCHW permutation' });
    passes.push({ pass: 'permute to NCHW', readBytes: y.bytes, writeBytes: y.bytes });
  }
  return convMemory(buffers, passes);
};

export const im2col = defineConvVariant(
  {
    ...conv2dShared,
    id: 'im2col',
    label: 'im2col + GEMM (Caffe)',
    summary: 'Copies each output pixel’s C·R·S inputs into a column matrix, then multiplies it with the filter using the matmul lab’s register-blocked GEMM.',
    schema: paramSchema({ ...CONV2D_SHAPE, ...GEMM_TILE }),
    config: (v): Im2colConfig => {
      const d = conv2dConfig(v);
      const MP = d.batch * d.pixels;
      return { ...d, tile: pickTile(v), MP, colCount: MP * d.depth, permute: d.layout === 'nchw' && d.batch > 1 };
    },
    limits: (d, caps) => {
      const gemm = gemmOf(d).shape;
      return [
        ...conv2dProblems(d, caps, memoryOf(d)),
        ...flatGridProblems(caps, d.colCount, 'the im2col copy'),
        ...gemmTileProblems(d.tile, caps, gemm.M, gemm.N),
      ];
    },
    plan: (d, inputs) => {
      const gemm = gemmOf(d);
      const dispatches: DispatchSpec[] = [
        { label: `conv im2col ${d.layout}`, wgsl: im2colWgsl(d), bindings: IM2COL_BINDINGS, workgroups: flatGrid(d.colCount) },
        {
          label: `conv im2col GEMM ${gemm.shape.M}×${gemm.shape.N}×${gemm.shape.K}`,
          wgsl: matmulLabGemm(gemm.shape, d.tile),
          bindings: gemm.bindings,
          workgroups: gemmGrid(d.tile, gemm.shape.M, gemm.shape.N),
        },
      ];
      if (d.permute) dispatches.push({ label: 'conv permute to NCHW', wgsl: permuteWgsl(d), bindings: PERMUTE_BINDINGS, workgroups: flatGrid(outputCount(d)) });
      return {
        buffers: [
          { name: 'x', data: inputs.x, usage: 'storage' },
          { name: 'w', data: inputs.w, usage: 'storage' },
          { name: 'col', bytes: 4 * d.colCount, usage: 'storage' },
          ...(d.permute ? [{ name: 'gemmOut', bytes: 4 * outputCount(d), usage: 'storage' as const }] : []),
          { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
        ],
        dispatches,
        output: { buffer: 'y', type: 'f32', count: outputCount(d) },
      };
    },
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: (d) => [
      `The column matrix holds ${d.colCount} values: ${(d.colCount / Math.max(1, d.batch * d.cin * d.height * d.width)).toFixed(2)}× the input.`,
      d.layout === 'nhwc'
        ? 'NHWC: col·W is the NHWC output directly.'
        : d.permute
          ? 'NCHW with a batch: W·col is Cout × (B·P); a third pass permutes it into NCHW.'
          : 'NCHW, one image: W·col is the NCHW output directly.',
    ],
  },
  { dims: '2d', picture: 'column-matrix', memory: memoryOf },
);
