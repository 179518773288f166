// Winograd F(2×2, 3×3) (Lavin & Gray 2016; numerics/winograd.ts): each invocation takes one 2×2
// output tile for four output channels. Per input channel it loads the 4×4 input tile, transforms
// it with Bᵀ d B (additions only), and multiplies it elementwise with the pre-transformed filter
// U = G g Gᵀ (computed once on the host, as frameworks do) — 16 multiply-adds per channel and
// tile where direct convolution needs 36 — then transforms the 16 sums back with Aᵀ M A.
// Only 3×3 kernels with stride 1 and dilation 1. Its error bound sums transformed magnitudes
// (about 7× Σ|w·x| for F(2×2, 3×3)) over C + 7 roundings per term instead of C·R·S.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { winogradBound, winogradFilter, winogradFloat32, winogradTiles } from '../../numerics/winograd';
import { paramSchema } from '../params';
import {
  baseBuffers,
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
  heatmapColumns,
  layoutFunctions,
  shapeConstants,
} from './common2d';
import { convMemory, defineConvVariant } from './facet';

interface WinogradConfig extends Conv2dDims {
  tilesY: number;
  tilesX: number;
  groups: number;
  invocations: number;
}

const BINDINGS = [
  readOnly('x', 'array<f32>', 'input'),
  readOnly('u', 'array<vec4<f32>>', 'transformed filter U = G g Gᵀ, [c][16][⌈Cout/4⌉] blocks of 4 output channels'),
  readWrite('y', 'array<f32>', 'output'),
];

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** U as [c][16][group] vec4 blocks of four output channels (zero-padded past Cout). */
export function winogradFilterBlocks(d: Conv2dDims, w: Float32Array): Float32Array {
  const U = winogradFilter(d, w); // [c][16][co]
  const groups = Math.ceil(d.cout / 4);
  const out = new Float32Array(d.cin * 16 * groups * 4);
  for (let c = 0; c < d.cin; c++)
    for (let e = 0; e < 16; e++)
      for (let co = 0; co < d.cout; co++) out[((c * 16 + e) * groups + Math.floor(co / 4)) * 4 + (co % 4)] = U[(c * 16 + e) * d.cout + co];
  return out;
}

export function winogradWgsl(d: WinogradConfig): string {
  const grid = flatGrid(d.invocations);
  const order =
    d.layout === 'nhwc'
      ? `  let group = o % GROUPS; // NHWC: neighbouring invocations take neighbouring channel blocks
  let tile = o / GROUPS;`
      : `  let tile = o % (B * TILES_Y * TILES_X); // NCHW: neighbouring invocations take neighbouring tiles
  let group = o / (B * TILES_Y * TILES_X);`;
  const macs = range(16)
    .map((e) => `    m${e} = fma(vec4<f32>(v${Math.floor(e / 4)}.${'xyzw'[e % 4]}), u[uRow + ${e}u * GROUPS], m${e});`)
    .join('\n');
  return /* wgsl */ `// Winograd F(2×2, 3×3), ${d.layout.toUpperCase()}: one invocation per 2×2 output tile and 4 output channels
${shapeConstants(d)}
const TILES_Y = ${d.tilesY}u;
const TILES_X = ${d.tilesX}u;
const GROUPS = ${d.groups}u; // ⌈COUT / 4⌉
const INVOCATIONS = ${d.invocations}u;

${declareBindings(BINDINGS)}

${layoutFunctions(d)}

// a row times B (Bᵀ's rows applied to the columns): (r0 − r2, r1 + r2, r2 − r1, r1 − r3)
fn timesB(r : vec4<f32>) -> vec4<f32> {
  return vec4<f32>(r.x - r.z, r.y + r.z, r.z - r.y, r.y - r.w);
}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let o = ${flatIndex(grid)};
  if (o >= INVOCATIONS) { return; }
${order}
  let tx = tile % TILES_X;
  let ty = (tile / TILES_X) % TILES_Y;
  let b = tile / (TILES_X * TILES_Y);
  let co0 = group * 4u;
  let oy0 = 2u * ty;
  let ox0 = 2u * tx;
  let iy0 = i32(oy0) - PAD;
  let ix0 = i32(ox0) - PAD;
  // The tile's 16 input positions, clamped into the image, and a 0/1 mask for those outside it
  // (the padding, and past the last tile): computed once, outside the channel loop.
${range(4)
  .map((i) => `  let r${i} = u32(clamp(iy0 + ${i}, 0, i32(H) - 1));\n  let c${i} = u32(clamp(ix0 + ${i}, 0, i32(W) - 1));`)
  .join('\n')}
${range(4)
  .map((i) => `  let rowOk${i} = iy0 + ${i} >= 0 && iy0 + ${i} < i32(H);\n  let colOk${i} = ix0 + ${i} >= 0 && ix0 + ${i} < i32(W);`)
  .join('\n')}
${range(4)
  .map(
    (i) =>
      `  let mask${i} = vec4<f32>(${range(4)
        .map((j) => `select(0.0, 1.0, rowOk${i} && colOk${j})`)
        .join(', ')});`,
  )
  .join('\n')}
${range(4)
  .map(
    (i) =>
      `  ${range(4)
        .map((j) => `let p${i}${j} = ${d.layout === 'nhwc' ? `((b * H + r${i}) * W + c${j}) * CIN` : `r${i} * W + c${j}`};`)
        .join(' ')}`,
  )
  .join('\n')}
  // M[ξ][ν] for four output channels: m(4ξ + ν)
${range(16)
  .map((e) => `  var m${e} = vec4<f32>(0.0);`)
  .join('\n')}
  for (var c = 0u; c < CIN; c++) {
    let base = ${d.layout === 'nhwc' ? 'c' : '(b * CIN + c) * H * W'};
    // the 4×4 input tile of channel c (masked: exact zeros outside the image)
${range(4)
  .map(
    (i) =>
      `    let d${i} = vec4<f32>(${range(4)
        .map((j) => `x[base + p${i}${j}]`)
        .join(', ')}) * mask${i};`,
  )
  .join('\n')}
    // V = Bᵀ d B: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3, then the same on the columns
    let v0 = timesB(d0 - d2);
    let v1 = timesB(d1 + d2);
    let v2 = timesB(d2 - d1);
    let v3 = timesB(d1 - d3);
    // M += U ⊙ V for four output channels at once
    let uRow = c * 16u * GROUPS + group;
${macs}
  }
  // Y = Aᵀ M A: rows m0 + m1 + m2 and m1 − m2 − m3 (over ξ), then the same over ν
${range(4)
  .map(
    (j) => `  let s0${j} = m${j} + m${4 + j} + m${8 + j};
  let s1${j} = m${4 + j} - m${8 + j} - m${12 + j};`,
  )
  .join('\n')}
  let y00 = s00 + s01 + s02;
  let y01 = s01 - s02 - s03;
  let y10 = s10 + s11 + s12;
  let y11 = s11 - s12 - s13;
${range(4)
  .flatMap((q) =>
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ].map(
      ([i, j]) =>
        `  if (co0 + ${q}u < COUT && oy0 + ${i}u < OH && ox0 + ${j}u < OW) { y[yIndex(b, co0 + ${q}u, oy0 + ${i}u, ox0 + ${j}u)] = y${i}${j}.${'xyzw'[q]}; }`,
    ),
  )
  .join('\n')}
}
`;
}

const memoryOf = (d: Conv2dDims) => {
  const [x, , y] = baseBuffers(d);
  // The plan binds U in place of the 3×3 filter: it is how this method stores the filter.
  const u = {
    name: 'u',
    bytes: 4 * 16 * d.cin * 4 * Math.ceil(d.cout / 4),
    role: 'filter' as const,
    what: 'filter, transformed: U = G g Gᵀ, 16 values per channel pair instead of 9',
  };
  return convMemory([x, u, y], [{ pass: 'Winograd tiles', readBytes: x.bytes + u.bytes, writeBytes: y.bytes }]);
};

export const winograd = defineConvVariant(
  {
    ...conv2dShared,
    id: 'winograd',
    label: 'Winograd F(2×2, 3×3)',
    summary:
      'Each 2×2 output tile from its 4×4 input tile: 16 multiplications per channel instead of 36, with transformed inputs and filters, whose magnitudes the error bound sums. 3×3, stride 1, dilation 1 only.',
    schema: paramSchema(CONV2D_SHAPE),
    config: (v): WinogradConfig => {
      const d = conv2dConfig(v);
      const { tilesY, tilesX } = winogradTiles(d);
      const groups = Math.ceil(d.cout / 4);
      return { ...d, tilesY, tilesX, groups, invocations: d.batch * tilesY * tilesX * groups };
    },
    limits: (d, caps) => {
      const why: string[] = [];
      if (d.kernel !== 3) why.push(`F(2×2, 3×3) is written for 3×3 kernels; this one is ${d.kernel}×${d.kernel}`);
      if (d.stride !== 1) why.push(`Winograd’s tiles need stride 1 (stride ${d.stride} skips the outputs a tile shares)`);
      if (d.dilation !== 1) why.push(`Winograd’s transforms assume adjacent taps (dilation 1, not ${d.dilation})`);
      if (why.length) return why;
      return [...conv2dProblems(d, caps, memoryOf(d)), ...flatGridProblems(caps, d.invocations, 'one invocation per tile and 4 channels')];
    },
    reference: (d, inputs) => {
      const base = conv2dShared.reference(d, inputs);
      const bound = winogradBound(d, inputs.x as Float32Array, inputs.w as Float32Array);
      const cols = heatmapColumns(d);
      return {
        ...base,
        bound,
        boundNote: `|error| ≤ γ_(C+7)·|Aᵀ|[Σ_c |G||g||Gᵀ| ⊙ |Bᵀ||d||B|]|A| with C = ${d.cin} (each term meets at most C + 7 roundings; the transformed magnitudes sum to several times Σ|w·x|)`,
        rows: outputCount(d) / cols,
        cols,
      };
    },
    emulate: (d, inputs) => winogradFloat32(d, inputs.x as Float32Array, inputs.w as Float32Array),
    plan: (d, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'u', data: winogradFilterBlocks(d, inputs.w as Float32Array), usage: 'storage' },
        { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
      ],
      dispatches: [{ label: `conv winograd F(2x2,3x3) ${d.layout}`, wgsl: winogradWgsl(d), bindings: BINDINGS, workgroups: flatGrid(d.invocations) }],
      output: { buffer: 'y', type: 'f32', count: outputCount(d) },
    }),
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: (d) => [
      `${d.tilesY}×${d.tilesX} tiles of 2×2 outputs; per channel and tile 16 multiplications instead of 36 (GFLOP/s counts the direct method's 2·C·R·S per output, so it can exceed what the arithmetic did).`,
    ],
  },
  { dims: '2d', picture: 'winograd-tile', memory: memoryOf },
);
