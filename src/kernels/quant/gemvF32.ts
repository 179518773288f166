// Baseline of the decode GEMV pair: float32 weights, NR outputs per invocation (gemv.ts). Each word
// of 8 weights is two vec4 loads; the 8 activations are loaded once per word for all NR rows.
import { readOnly, readWrite, declareBindings } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { paramSchema } from '../params';
import { GEMV_BASELINE_ID, GEMV_FIELDS, gemvDispatch, gemvLimits, gemvOwner, gemvShape, gemvStore, perRow, type GemvConfig } from './gemv';
import { makeActivationsAndWeights, matmulConfig, quantizedMatmulExtras, weightOnlyReference } from './wmatmul';

const BINDINGS = [
  readOnly('x', 'array<vec4f>', 'M×K activations'),
  readOnly('wf', 'array<vec4f>', 'N×K float32 weights', 'w'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function gemvF32Wgsl(cfg: GemvConfig): string {
  const { N, K, NR } = cfg;
  return /* wgsl */ `// y = X·Wᵀ with float32 weights: ${NR} outputs per invocation share each load of the activations.
const N = ${N}u;
const K = ${K}u;
const WORDS = ${K / 8}u; // words of 8 weights per row
const NR = ${NR}u;

${declareBindings(BINDINGS)}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
${gemvOwner(NR)}
${perRow(NR, (r) => `  var acc${r} = 0.0;`)}
  for (var w = 0u; w < WORDS; w++) {
    let x_lo = x[m * (K / 4u) + 2u * w];
    let x_hi = x[m * (K / 4u) + 2u * w + 1u];
${perRow(NR, (r) => `    acc${r} += dot(wf[row${r} * (K / 4u) + 2u * w], x_lo) + dot(wf[row${r} * (K / 4u) + 2u * w + 1u], x_hi);`)}
  }
${gemvStore(NR, (r) => `acc${r}`)}
}
`;
}

export const gemvF32 = defineVariant({
  family: 'quant',
  id: GEMV_BASELINE_ID,
  label: 'GEMV, float32 weights (decode baseline)',
  summary:
    'y = X·Wᵀ for a few tokens with 32-bit weights, several outputs per invocation sharing each activation load: the decode GEMV the int4 GEMV is measured against.',
  schema: paramSchema(GEMV_FIELDS),
  config: (v): GemvConfig => matmulConfig(v),
  role: 'baseline',
  limits: (cfg, caps) => gemvLimits(cfg, caps, [['W', 4 * cfg.N * cfg.K]]),
  inputs: (cfg, seed): Inputs => makeActivationsAndWeights(cfg, seed),
  reference: (cfg, inputs) => {
    const w = inputs.w as Float32Array;
    return weightOnlyReference(inputs.x as Float32Array, (n, k) => w[n * cfg.K + k], cfg, 0);
  },
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'x', data: inputs.x, usage: 'storage' },
      { name: 'w', data: inputs.w, usage: 'storage' },
      { name: 'y', bytes: 4 * cfg.M * cfg.N, usage: 'storage' },
    ],
    dispatches: [{ label: `GEMV f32 weights (${cfg.NR} outputs per invocation)`, wgsl: gemvF32Wgsl(cfg), bindings: BINDINGS, workgroups: gemvDispatch(cfg) }],
    output: { buffer: 'y', type: 'f32', count: cfg.M * cfg.N },
  }),
  work: ({ M, N, K }) => ({ flops: 2 * M * N * K, bytes: 4 * (M * K + N * K + M * N) }),
  shape: gemvShape,
  extras: (cfg, inputs, output) => quantizedMatmulExtras(cfg, inputs, output, 32),
});
