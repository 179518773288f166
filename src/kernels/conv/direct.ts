// Direct convolution: one invocation per output element, walking its C·R·S products straight from
// the input and the filter where they lie. No extra memory at all; every input is re-read by each
// output whose window covers it (R·S·Cout times), and only the caches stand between those reads
// and memory — the baseline every other method is measured against.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { outputCount, type Conv2dDims } from '../../numerics/conv2d';
import { paramSchema } from '../params';
import {
  baseBuffers,
  CONV2D_SHAPE,
  conv2dConfig,
  conv2dExtras,
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

/** Decodes a flat output index into (b, co, oy, ox) in the output's memory order. */
function decodeOutput(d: Conv2dDims): string {
  return d.layout === 'nhwc'
    ? `  let co = o % COUT; // NHWC: neighbouring invocations take neighbouring output channels
  let pixel = o / COUT;
  let ox = pixel % OW;
  let oy = (pixel / OW) % OH;
  let b = pixel / (OW * OH);`
    : `  let ox = o % OW; // NCHW: neighbouring invocations take neighbouring output columns
  let oy = (o / OW) % OH;
  let co = (o / (OW * OH)) % COUT;
  let b = o / (OW * OH * COUT);`;
}

export function directWgsl(d: Conv2dDims): string {
  const grid = flatGrid(outputCount(d));
  return /* wgsl */ `// direct convolution, ${d.layout.toUpperCase()}: one invocation per output
${shapeConstants(d)}
const OUTPUTS = ${outputCount(d)}u;

${declareBindings(BINDINGS)}

${layoutFunctions(d)}

@compute @workgroup_size(${FLAT_WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let o = ${flatIndex(grid)};
  if (o >= OUTPUTS) { return; }
${decodeOutput(d)}
  var acc = 0.0;
  for (var r = 0u; r < KS; r++) {
    let iy = i32(oy * STRIDE + r * DIL) - PAD;
    if (iy < 0 || iy >= i32(H)) { continue; } // a padding row: its products are zero
    for (var s = 0u; s < KS; s++) {
      let ix = i32(ox * STRIDE + s * DIL) - PAD;
      if (ix < 0 || ix >= i32(W)) { continue; }
      for (var c = 0u; c < CIN; c++) {
        acc = fma(x[xIndex(b, c, u32(iy), u32(ix))], w[wIndex(co, c, r, s)], acc);
      }
    }
  }
  y[o] = acc;
}
`;
}

const memoryOf = (d: Conv2dDims) => {
  const [x, w, y] = baseBuffers(d);
  return convMemory([x, w, y], [{ pass: 'direct convolution', readBytes: x.bytes + w.bytes, writeBytes: y.bytes }]);
};

export const direct = defineConvVariant(
  {
    ...conv2dShared,
    id: 'direct',
    label: 'Direct (one invocation per output)',
    summary: 'Each invocation computes one output, reading its C·R·S inputs and weights where they lie. No extra memory.',
    schema: paramSchema(CONV2D_SHAPE),
    config: conv2dConfig,
    limits: (d, caps) => [...conv2dProblems(d, caps, memoryOf(d)), ...flatGridProblems(caps, outputCount(d), 'one invocation per output')],
    plan: (d, inputs) => ({
      buffers: [
        { name: 'x', data: inputs.x, usage: 'storage' },
        { name: 'w', data: inputs.w, usage: 'storage' },
        { name: 'y', bytes: 4 * outputCount(d), usage: 'storage' },
      ],
      dispatches: [{ label: `conv direct ${d.layout}`, wgsl: directWgsl(d), bindings: BINDINGS, workgroups: flatGrid(outputCount(d)) }],
      output: { buffer: 'y', type: 'f32', count: outputCount(d) },
    }),
    work: (d) => ({ flops: conv2dFlops(d), bytes: memoryOf(d).movedBytes }),
    extras: (d) => conv2dExtras(memoryOf(d)),
    role: 'baseline',
    notes: () => ['The baseline: no workspace, every input re-read from memory (or cache) by each output whose window covers it.'],
  },
  { dims: '2d', picture: 'in-place', memory: memoryOf },
);
