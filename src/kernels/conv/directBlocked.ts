// Direct convolution, register-blocked over output channels: each invocation computes one output
// pixel for CB output channels at once, so every input value it loads feeds CB multiply-adds
// (held as CB/4 vec4 accumulators) instead of one. Still no extra memory.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { int, paramSchema } from '../params';
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
  layoutFunctions,
  shapeConstants,
} from './common2d';
import { convMemory, defineConvVariant } from './facet';

const BINDINGS = [readOnly('x', 'array<f32>', 'input'), readOnly('w', 'array<f32>', 'filter'), readWrite('y', 'array<f32>', 'output')];

interface BlockedConfig extends Conv2dDims {
  /** Output channels per invocation. */
  block: number;
  groups: number;
  invocations: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function directBlockedWgsl(d: BlockedConfig): string {
  const grid = flatGrid(d.invocations);
  const G = d.block / 4;
  const order =
    d.layout === 'nhwc'
      ? `  let group = o % GROUPS; // NHWC: neighbouring invocations take neighbouring channel blocks of one pixel
  let pixel = o / GROUPS;`
      : `  let pixel = o % (B * OH * OW); // NCHW: neighbouring invocations take neighbouring pixels
  let group = o / (B * OH * OW);`;
  const wLoad = (g: number) =>
    `vec4<f32>(${range(4)
      .map((e) => `w[wIndex(min(co0 + ${4 * g + e}u, COUT - 1u), c, r, s)]`)
      .join(', ')})`;
  return /* wgsl */ `// direct convolution, ${d.layout.toUpperCase()}, ${d.block} output channels per invocation
${shapeConstants(d)}
const CB = ${d.block}u; // output channels per invocation
const GROUPS = ${d.groups}u; // ⌈COUT / CB⌉
const INVOCATIONS = ${d.invocations}u;

${declareBindings(BINDINGS)}

${layoutFunctions(d)}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let o = ${flatIndex(grid)};
  if (o >= INVOCATIONS) { return; }
${order}
  let ox = pixel % OW;
  let oy = (pixel / OW) % OH;
  let b = pixel / (OW * OH);
  let co0 = group * CB;
${range(G)
  .map((g) => `  var acc${g} = vec4<f32>(0.0); // output channels co0 + ${4 * g}…${4 * g + 3}`)
  .join('\n')}
  for (var r = 0u; r < KS; r++) {
    let iy = i32(oy * STRIDE + r * DIL) - PAD;
    if (iy < 0 || iy >= i32(H)) { continue; }
    for (var s = 0u; s < KS; s++) {
      let ix = i32(ox * STRIDE + s * DIL) - PAD;
      if (ix < 0 || ix >= i32(W)) { continue; }
      for (var c = 0u; c < CIN; c++) {
        let xv = vec4<f32>(x[xIndex(b, c, u32(iy), u32(ix))]); // one load, CB multiply-adds
${range(G)
  .map((g) => `        acc${g} = fma(xv, ${wLoad(g)}, acc${g});`)
  .join('\n')}
      }
    }
  }
${range(G)
  .flatMap((g) => range(4).map((e) => `  if (co0 + ${4 * g + e}u < COUT) { y[yIndex(b, co0 + ${4 * g + e}u, oy, ox)] = acc${g}.${'xyzw'[e]}; }`))
  .join('\n')}
}
`;
}

const memoryOf = (d: Conv2dDims) => {
  const [x, w, y] = baseBuffers(d);
  return convMemory([x, w, y], [{ pass: 'direct convolution, channel-blocked', readBytes: x.bytes + w.bytes, writeBytes: y.bytes }]);
};

export const directBlocked = defineConvVariant(
  {
    ...conv2dShared,
    id: 'direct-blocked',
    label: 'Direct, register-blocked over output channels',
    summary: 'Each invocation computes one output pixel for CB output channels in registers: one input load feeds CB multiply-adds. No extra memory.',
    schema: paramSchema({ ...CONV2D_SHAPE, block: int('Output channels per invocation CB', 8, 4, 16, { pow2: true, choices: [4, 8, 16] }) }),
    config: (v): BlockedConfig => {
      const d = conv2dConfig(v);
      const groups = Math.ceil(d.cout / v.block);
      return { ...d, block: v.block, groups, invocations: d.batch * d.pixels * groups };
    },
    limits: (d, caps) => [...conv2dProblems(d, caps, memoryOf(d)), ...flatGridProblems(caps, d.invocations, `${d.block} channels per invocation`)],
    plan: (d, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'w', data: inputs.w, usage: 'storage' },
        { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
      ],
      dispatches: [{ label: `conv direct ${d.layout} CB${d.block}`, wgsl: directBlockedWgsl(d), bindings: BINDINGS, workgroups: flatGrid(d.invocations) }],
      output: { buffer: 'y', type: 'f32', count: outputCount(d) },
    }),
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    baseline: directBaseline,
    notes: (d) =>
      d.cout % d.block === 0
        ? [`Each input value loaded feeds ${d.block} output channels.`]
        : [`Cout = ${d.cout} is not a multiple of ${d.block}: the last block computes ${d.groups * d.block - d.cout} channels that are thrown away.`],
  },
  { dims: '2d', picture: 'register-block', memory: memoryOf },
);
