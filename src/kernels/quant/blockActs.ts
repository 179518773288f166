// Block-quantized activations after a transform along K (hadamardMx.ts: a random Hadamard
// rotation; reorderBlocks.ts: a channel rearrangement). Per token, on the GPU inside the timed run:
// the transform of X (its own dispatch), the codec's bit-exact quantize and dequantize passes, and
// a float32 matmul with the weights, which were transformed (and perhaps quantized) the same way
// offline so that the product is X·Wᵀ again. The transform is deterministic float32 arithmetic
// that the host repeats bit for bit (numerics/blockTransforms.ts), so the reference knows every
// quantized activation the GPU used: values = the float64 product of the dequantized operands,
// bound γ_K·Σ|x̂·ŵ| (a transform or quantization that goes wrong on the GPU changes codes and
// breaks it).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { quantize, type QuantScheme } from '../../numerics/formats';
import { gamma } from '../../numerics/metrics';
import type { Inputs } from '../define';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { BufferSpec, DeviceCaps, DispatchSpec, GpuPlan, HostArray, ReferenceResult } from '../types';
import { bitsOf } from './common';
import { codecLayout, codecPasses, dequantBindings, dequantWgsl, type CodecScheme } from './codec';
import type { QuantMatmulExtras, SchemeError } from './extras';
import { HOST_PRODUCT_LIMIT, WG, productError, quantizedMatmulExtras, type QuantMatmulConfig } from './wmatmul';

/** How the transform runs on the GPU: one dispatch writing `xt` (float32 bits) from `x` (bits). */
export interface TransformPass {
  dispatch: DispatchSpec;
  /** Buffers it needs besides x and xt (e.g. the channel order). */
  buffers: BufferSpec[];
}

export interface BlockActPieces {
  /** The codec scheme of the transformed activations (rows = M, cols = K). */
  scheme: CodecScheme;
  /** The GPU transform, or null when the transform is off. */
  transform: TransformPass | null;
  /** What the transform writes, computed on the host exactly as the GPU does. */
  transformed: Float32Array;
  /** The weights the matmul multiplies: transformed (and quantized) offline. */
  weights: Float32Array;
  /** Bits per weight of the stored weights. */
  weightBits: number;
}

const MATMUL_BINDINGS = [
  readOnly('xd', 'array<vec4f>', 'M×K dequantized transformed activations', 'deq'),
  readOnly('wd', 'array<vec4f>', 'N×K transformed weights', 'weights'),
  readWrite('y', 'array<f32>', 'M×N'),
];

export function blockActMatmulWgsl({ N, K }: { N: number; K: number }): string {
  return /* wgsl */ `// Y = X̂·Ŵᵀ in float32, the activations as the codec's dequantize pass left them.
const N = ${N}u;
const K4 = ${K / 4}u; // vec4 per row

${declareBindings(MATMUL_BINDINGS)}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let n = gid.x;
  let m = gid.y;
  if (n >= N) {
    return;
  }
  var acc = 0.0;
  for (var i = 0u; i < K4; i++) {
    acc += dot(xd[m * K4 + i], wd[n * K4 + i]);
  }
  y[m * N + n] = acc;
}
`;
}

export function blockActLimits({ M, N, K }: QuantMatmulConfig, caps: DeviceCaps, block: number): string[] {
  const problems: string[] = [];
  if (K % block !== 0) problems.push(`K = ${K} must be a multiple of the block ${block}`);
  if (K % 4 !== 0) problems.push(`K = ${K} must be a multiple of 4 (vec4 loads)`);
  problems.push(...checkWorkgroup(caps, [WG, 1, 1], 0));
  problems.push(...checkDispatch(caps, [Math.ceil(N / WG), M]));
  problems.push(
    ...checkBuffers(caps, [
      ['X', 4 * M * K],
      ['codes', 4 * (M * K + (M * K) / 16)],
      ['W', 4 * N * K],
      ['Y', 4 * M * N],
    ]),
  );
  return problems;
}

/** The plan: transform, quantize (scales, codes), dequantize, matmul. */
export function blockActPlan(cfg: QuantMatmulConfig, inputs: Inputs, pieces: BlockActPieces, caps: DeviceCaps, what: string): GpuPlan {
  const { M, N } = cfg;
  const source = pieces.transform ? 'xt' : 'x';
  const codec = codecPasses(pieces.scheme, caps, { x: source, out: 'xq' });
  const layout = codecLayout(pieces.scheme);
  const dispatches: DispatchSpec[] = [
    ...(pieces.transform ? [pieces.transform.dispatch] : []),
    { label: `quantize ${what}: block scales`, wgsl: codec.wgsl, entryPoint: 'scales', bindings: codec.scaleBindings, workgroups: codec.scaleWorkgroups },
    { label: `quantize ${what}: codes`, wgsl: codec.wgsl, entryPoint: 'codes', bindings: codec.codeBindings, workgroups: codec.codeWorkgroups },
    {
      label: `dequantize ${what}`,
      wgsl: dequantWgsl(pieces.scheme, 64 * codec.wx),
      bindings: dequantBindings(layout, { x: source, out: 'xq' }),
      workgroups: codec.codeWorkgroups,
    },
    { label: `matmul ${what} × weights`, wgsl: blockActMatmulWgsl(cfg), bindings: MATMUL_BINDINGS, workgroups: [Math.ceil(N / WG), M] },
  ];
  return {
    buffers: [
      { name: 'x', data: bitsOf(inputs.x as Float32Array), usage: 'storage' },
      ...(pieces.transform ? [{ name: 'xt', bytes: 4 * cfg.M * cfg.K, usage: 'storage' as const }, ...pieces.transform.buffers] : []),
      { name: 'xq', bytes: 4 * layout.outputCount, usage: 'storage' },
      { name: 'deq', bytes: 4 * layout.n, usage: 'storage' },
      { name: 'weights', data: pieces.weights, usage: 'storage' },
      { name: 'y', bytes: 4 * M * N, usage: 'storage' },
    ],
    dispatches,
    output: { buffer: 'y', type: 'f32', count: M * N },
  };
}

/** The activations as the GPU's dequantize pass writes them (bit-exact with the codec). */
export function dequantizedActivations(pieces: BlockActPieces, scheme: QuantScheme): Float32Array {
  return quantize(pieces.transformed, scheme).dequantized;
}

export function blockActReference({ M, N, K }: QuantMatmulConfig, xd: Float32Array, wd: Float32Array): ReferenceResult {
  // A float32 dot product of length K of the exact dequantized values: γ_K·Σ|x̂·ŵ| (Higham §3.1).
  const g = gamma(K);
  const values = new Float64Array(M * N);
  const bound = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      let abs = 0;
      for (let k = 0; k < K; k++) {
        const p = xd[m * K + k] * wd[n * K + k];
        sum += p;
        abs += Math.abs(p);
      }
      values[m * N + n] = sum;
      bound[m * N + n] = g * abs + 1e-30;
    }
  }
  return {
    values,
    bound,
    boundNote: `|error| ≤ γ_K·Σ|x̂·ŵ| with K = ${K}, x̂ the quantized transformed activations (bit-exact with the host)`,
    rows: M,
    cols: N,
  };
}

/** Extras: the run against the float64 product of the original operands, and the other setting beside it. */
export function blockActExtras(cfg: QuantMatmulConfig, inputs: Inputs, output: HostArray, weightBits: number, other: () => SchemeError): QuantMatmulExtras {
  const base = quantizedMatmulExtras(cfg, inputs, output, weightBits);
  if (cfg.M * cfg.N * cfg.K > HOST_PRODUCT_LIMIT) return base;
  return { ...base, comparison: [other()] };
}

export { productError };
