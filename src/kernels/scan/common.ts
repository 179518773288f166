// What every linear-recurrence scan variant shares: shape parameters, seeded inputs, the float64
// reference with its float32 bound (src/numerics/scan.ts explains the derivation), the work model,
// and the WGSL pieces every scan uses (the ∘ operator on (a, b) pairs).
//
// Data: `channels` independent sequences of `length` pairs, channel-major: a[c·L + t], b[c·L + t].
// Output h[c·L + t] = inclusive h_t, or exclusive h_{t−1} (0 at t = 0).
import { linearScanFloat32, linearScanInputs, linearScanReference, type DecayMode } from '../../numerics/scan';
import { checkBuffers, checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { DeviceCaps, HostArray, KernelVariant, ParamDef, Params, ReferenceResult, WorkModel } from '../types';

export const SCAN_SHAPE_PARAMS: ParamDef[] = [
  { key: 'channels', label: 'Channels (independent sequences)', kind: 'int', default: 4, min: 1, max: 4096, choices: [1, 4, 16, 64, 256, 1024] },
  {
    key: 'length',
    label: 'Sequence length L',
    kind: 'int',
    default: 4096,
    min: 1,
    max: 4194304,
    choices: [1, 7, 100, 1000, 4096, 65536, 1048576],
  },
  {
    key: 'mode',
    label: 'Inclusive or exclusive',
    kind: 'enum',
    default: 'inclusive',
    options: [
      { value: 'inclusive', label: 'inclusive (h_t)' },
      { value: 'exclusive', label: 'exclusive (h_{t−1})' },
    ],
  },
  {
    key: 'decay',
    label: 'Decays a_t',
    kind: 'enum',
    default: 'decay',
    options: [
      { value: 'decay', label: 'SSM decay a = exp(−softplus) ∈ (0.77, 1)' },
      { value: 'signed', label: 'signed a ∈ [−1, 1)' },
      { value: 'ones', label: 'a = 1 (plain prefix sum)' },
      { value: 'zeros', label: 'a = 0 (h_t = b_t)' },
    ],
  },
];

export const WG_PARAM: ParamDef = {
  key: 'wg',
  label: 'Workgroup size (invocations)',
  kind: 'int',
  default: 256,
  min: 8,
  max: 1024,
  pow2: true,
  choices: [16, 32, 64, 128, 256],
};

export const ITEMS_PARAM: ParamDef = {
  key: 'items',
  label: 'Elements per invocation',
  kind: 'int',
  default: 4,
  min: 1,
  max: 1024,
  pow2: true,
  choices: [1, 4, 16, 64, 256],
};

export interface ScanShape {
  channels: number;
  length: number;
  exclusive: boolean;
  decay: DecayMode;
}

export function scanShapeOf(params: Params): ScanShape {
  return {
    channels: intParam(params, 'channels'),
    length: intParam(params, 'length'),
    exclusive: params.mode === 'exclusive',
    decay: (params.decay ?? 'decay') as DecayMode,
  };
}

export function makeScanInputs(params: Params, seed: number): Record<string, HostArray> {
  const { channels, length, decay } = scanShapeOf(params);
  const { a, b } = linearScanInputs(channels, length, seed, decay);
  return { a, b };
}

/**
 * The reference for a variant whose terms are the right operand of ∘ at most `rightDepth(params)`
 * times (see the bound's derivation in src/numerics/scan.ts).
 */
export function scanReferenceWith(rightDepth: (params: Params) => number) {
  return (params: Params, inputs: Record<string, HostArray>): ReferenceResult => {
    const { channels, length, exclusive } = scanShapeOf(params);
    const R = rightDepth(params);
    const ref = linearScanReference(inputs.a as Float32Array, inputs.b as Float32Array, channels, length, exclusive, R);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote:
        `|error| ≤ u'·(2·Σ(t−s)|term_s| + R·Σ|term_s|), terms b_s·Π a_r: t−s roundings from multiplications, ` +
        `≤ t−s + R from additions; R = ${R} for this algorithm`,
      rows: channels,
      cols: length,
    };
  };
}

export function scanEmulate(params: Params, inputs: Record<string, HostArray>): Float32Array {
  const { channels, length, exclusive } = scanShapeOf(params);
  return linearScanFloat32(inputs.a as Float32Array, inputs.b as Float32Array, channels, length, exclusive);
}

/** Compulsory traffic: read a and b, write h (12 bytes per element); one multiply-add each. */
export function scanWork(params: Params): WorkModel {
  const { channels, length } = scanShapeOf(params);
  return { flops: 2 * channels * length, bytes: 12 * channels * length };
}

export function scanShapeLabel(params: Params): string {
  const { channels, length, exclusive } = scanShapeOf(params);
  return `${channels}×${length} ${exclusive ? 'excl' : 'incl'}`;
}

export function scanBufferChecks(params: Params, caps: DeviceCaps): string[] {
  const { channels, length } = scanShapeOf(params);
  const bytes = 4 * channels * length;
  return checkBuffers(caps, [
    ['a', bytes],
    ['b', bytes],
    ['h (output)', bytes],
  ]);
}

/** Limits of a variant with `wgSize` invocations, `sharedBytes` of workgroup memory, `grid` workgroups. */
export function scanLimitChecks(params: Params, caps: DeviceCaps, wgSize: number, sharedBytes: number, grid: number[]): string[] {
  return [
    ...checkWorkgroup(caps, [wgSize, 1, 1], sharedBytes, `a workgroup of ${wgSize}`),
    ...checkDispatch(caps, grid),
    ...scanBufferChecks(params, caps),
  ];
}

/** Extras every scan variant reports: the largest error and bound per position (≤ 256 bins). */
export function scanExtras(params: Params, _inputs: Record<string, HostArray>, output: HostArray, ref: ReferenceResult) {
  const { channels, length } = scanShapeOf(params);
  const bins = Math.min(256, length);
  const per = Math.ceil(length / bins);
  const position: number[] = [];
  const maxError: number[] = [];
  const maxBound: number[] = [];
  for (let start = 0; start < length; start += per) {
    let e = 0;
    let bd = 0;
    for (let c = 0; c < channels; c++) {
      for (let t = start; t < Math.min(length, start + per); t++) {
        const i = c * length + t;
        const err = Math.abs(output[i] - ref.values[i]);
        e = Math.max(e, Number.isNaN(err) ? Infinity : err);
        bd = Math.max(bd, ref.bound ? ref.bound[i] : 0);
      }
    }
    position.push(start);
    maxError.push(e);
    maxBound.push(bd);
  }
  return { kind: 'linear-scan', errorByPosition: { position, maxError, maxBound } };
}

/** The members every linear-scan variant takes as they are. */
export const scanCommon = {
  family: 'scan',
  makeInputs: makeScanInputs,
  emulate: scanEmulate,
  work: scanWork,
  shapeLabel: scanShapeLabel,
  extras: scanExtras,
} satisfies Partial<KernelVariant>;

export function scanBuffers(inputs: Record<string, HostArray>, params: Params) {
  const { channels, length } = scanShapeOf(params);
  return [
    { name: 'a', data: inputs.a, usage: 'storage' as const },
    { name: 'b', data: inputs.b, usage: 'storage' as const },
    { name: 'h', bytes: 4 * channels * length, usage: 'storage' as const },
  ];
}

export function log2(n: number): number {
  return Math.ceil(Math.log2(Math.max(1, n)));
}

/** The associative operator, shared by every WGSL scan. */
export const COMBINE_WGSL = /* wgsl */ `
// (a1, b1) ∘ (a2, b2) = (a1·a2, a2·b1 + b2): apply h ↦ a1·h + b1 first, then h ↦ a2·h + b2.
fn combine(first : vec2f, second : vec2f) -> vec2f {
  return vec2f(first.x * second.x, second.x * first.y + second.y);
}
const IDENTITY = vec2f(1.0, 0.0);
`;

/** The common header: sizes and the a, b, h bindings. */
export function scanHeader(channels: number, length: number, exclusive: boolean): string {
  return /* wgsl */ `
const CHANNELS = ${channels}u;
const L = ${length}u;
const EXCLUSIVE = ${exclusive};

@group(0) @binding(0) var<storage, read> a : array<f32>;
@group(0) @binding(1) var<storage, read> b : array<f32>;
@group(0) @binding(2) var<storage, read_write> h : array<f32>;
${COMBINE_WGSL}`;
}
