// What every linear-recurrence scan variant shares: the shape fields of its schema, its typed
// configuration, seeded inputs, the float64 reference with its float32 bound (src/numerics/scan.ts
// explains the derivation), the work model, the a, b, h bindings and the WGSL every scan uses (the
// ∘ operator on (a, b) pairs).
//
// Data: `channels` independent sequences of `length` pairs, channel-major: a[c·L + t], b[c·L + t].
// Output h[c·L + t] = inclusive h_t, or exclusive h_{t−1} (0 at t = 0).
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { linearScanFloat32, linearScanInputs, linearScanReference, ssmInitOf, type DecayMode } from '../../numerics/scan';
import type { Inputs } from '../define';
import type { BaselineRef } from '../facets';
import { flag, int, oneOf, type Decoded } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { Binding, BufferSpec, DeviceCaps, DispatchSpec, GpuPlan, HostArray, ReferenceResult, WorkModel } from '../types';
import type { LinearScanExtras } from './extras';
import { linearScanSsm } from './ssmExtras';

/** The shape fields every linear scan's schema starts with (the copy roof has exactly these). */
export const SCAN_SHAPE = {
  channels: int('Channels (independent sequences)', 4, 1, 4096, { choices: [1, 4, 16, 64, 256, 1024] }),
  length: int('Sequence length L', 4096, 1, 4194304, { choices: [1, 7, 100, 1000, 4096, 65536, 1048576] }),
  mode: oneOf('Inclusive or exclusive', 'inclusive', [
    ['inclusive', 'inclusive (h_t)'],
    ['exclusive', 'exclusive (h_{t−1})'],
  ]),
  decay: oneOf<DecayMode>(
    'Decays a_t (random, or an SSM initialisation)',
    'decay',
    [
      ['decay', 'SSM decay a = exp(−softplus) ∈ (0.77, 1)'],
      ['signed', 'signed a ∈ [−1, 1)'],
      ['ones', 'a = 1 (plain prefix sum)'],
      ['zeros', 'a = 0 (h_t = b_t)'],
      ['s4d-real', 'S4D-Real SSM, λ = −(n+1): one channel per state'],
      ['legs', 'S4D-LegS SSM (HiPPO-LegS normal part): two channels per complex state'],
      ['lin', 'S4D-Lin SSM, λ = −½ + iπn: two channels per complex state'],
      ['inv', 'S4D-Inv SSM: two channels per complex state'],
      ['ptd', 'PTD SSM (perturbed HiPPO-LegS, diagonalized): two channels per complex state'],
    ],
    'The SSM choices scan a diagonal SSM (Δ = 0.01) driven by one input u_t; a complex state becomes two real channels (demodulated: real decay |e^{Δλ}|).',
  ),
};

export const WG_FIELD = int('Workgroup size (invocations)', 256, 8, 1024, { pow2: true, choices: [16, 32, 64, 128, 256] });

export const ITEMS_FIELD = int('Elements per invocation', 4, 1, 1024, { pow2: true, choices: [1, 4, 16, 64, 256] });

/** The staging switch both chunked variants offer. */
export const STAGE_FIELD = flag(
  'Stage chunks in workgroup memory (coalesced)',
  true,
  'On: coalesced loads through workgroup memory (GPUs). Off: each invocation reads its own contiguous items (CPU adapters).',
);

export interface ScanShape {
  channels: number;
  length: number;
  exclusive: boolean;
  decay: DecayMode;
}

/**
 * The decoded SCAN_SHAPE fields. Configs annotate their argument with the decoded type
 * (`config: (v: ScanShapeValues) => …`): the typed configuration is then inferred from the return
 * value even though the shared members take a ScanShape (with a context-typed `v`, tsgo falls back
 * to the decoded values as the configuration).
 */
export type ScanShapeValues = Decoded<typeof SCAN_SHAPE>;

/** The shape of a linear scan, from its decoded schema fields. */
export function scanShape(v: ScanShapeValues): ScanShape {
  return { channels: v.channels, length: v.length, exclusive: v.mode === 'exclusive', decay: v.decay };
}

/**
 * A linear scan's configuration: its shape and the right-operand depth R of its combine tree
 * (how many times a term is the right operand of ∘; the bound in src/numerics/scan.ts grows with it).
 */
export interface LinearScanConfig extends ScanShape {
  rightDepth: number;
}

/** Input `name` as the Float32Array every scan input is (a clear error if it is not). */
export function float32Input(inputs: Inputs, name: string): Float32Array {
  const x = inputs[name];
  if (!(x instanceof Float32Array)) throw new Error(`the scan input ${name} must be a Float32Array`);
  return x;
}

/** Compulsory traffic: read a and b, write h (12 bytes per element); one multiply-add each. */
export function scanWork(s: ScanShape): WorkModel {
  return { flops: 2 * s.channels * s.length, bytes: 12 * s.channels * s.length };
}

export function scanShapeLabel(s: ScanShape): string {
  return `${s.channels}×${s.length} ${s.exclusive ? 'excl' : 'incl'}`;
}

/** The fields of SCAN_SHAPE as parameters, from a shape (the inverse of scanShape). */
export function scanShapeParams(s: ScanShape): Record<keyof typeof SCAN_SHAPE, number | string> {
  return { channels: s.channels, length: s.length, mode: s.exclusive ? 'exclusive' : 'inclusive', decay: s.decay };
}

/** The copy roof of the same bytes (read a and b, write h): what every linear scan is compared against. */
export function copyBaseline(s: ScanShape): BaselineRef {
  return { variant: 'copy', params: scanShapeParams(s) };
}

export function scanBufferChecks(s: ScanShape, caps: DeviceCaps): string[] {
  const bytes = 4 * s.channels * s.length;
  return checkBuffers(caps, [
    ['a', bytes],
    ['b', bytes],
    ['h (output)', bytes],
  ]);
}

/** Limits of a variant with `wgSize` invocations, `sharedBytes` of workgroup memory, `grid` workgroups. */
export function scanLimitChecks(s: ScanShape, caps: DeviceCaps, wgSize: number, sharedBytes: number, grid: number[]): string[] {
  return [...checkWorkgroup(caps, [wgSize, 1, 1], sharedBytes, `a workgroup of ${wgSize}`), ...checkDispatch(caps, grid), ...scanBufferChecks(s, caps)];
}

/** Extras every linear scan reports: the largest error and bound per position (≤ 256 bins). */
export function scanExtras(s: ScanShape, _inputs: Inputs, output: HostArray, ref: ReferenceResult): LinearScanExtras {
  const { channels, length } = s;
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
  const init = ssmInitOf(s.decay);
  return {
    family: 'scan',
    kind: 'linear-scan',
    errorByPosition: { position, maxError, maxBound },
    ...(init ? { ssm: linearScanSsm(init, channels, length, output, ref) } : {}),
  };
}

/** The members every linear-scan variant written with defineVariant takes as they are. */
export const linearScanShared = {
  family: 'scan' as const,
  inputs: (s: ScanShape, seed: number) => linearScanInputs(s.channels, s.length, seed, s.decay),
  /** The bound for this variant's right-operand depth R (see src/numerics/scan.ts). */
  reference: (cfg: LinearScanConfig, inputs: Inputs): ReferenceResult => {
    const R = cfg.rightDepth;
    const ref = linearScanReference(float32Input(inputs, 'a'), float32Input(inputs, 'b'), cfg.channels, cfg.length, cfg.exclusive, R);
    return {
      values: ref.values,
      bound: ref.bound,
      boundNote:
        `|error| ≤ u'·(2·Σ(t−s)|term_s| + R·Σ|term_s|), terms b_s·Π a_r: t−s roundings from multiplications, ` +
        `≤ t−s + R from additions; R = ${R} for this algorithm`,
      rows: cfg.channels,
      cols: cfg.length,
    };
  },
  emulate: (s: ScanShape, inputs: Inputs) => linearScanFloat32(float32Input(inputs, 'a'), float32Input(inputs, 'b'), s.channels, s.length, s.exclusive),
  work: scanWork,
  shape: scanShapeLabel,
  extras: scanExtras,
  baseline: copyBaseline,
};

// ---- Bindings and buffers ------------------------------------------------------------------------

export const A_BINDING = readOnly('a', 'array<f32>', 'decays a_t, channel-major');
export const B_BINDING = readOnly('b', 'array<f32>', 'inputs b_t, channel-major');
export const H_BINDING = readWrite('h', 'array<f32>', 'h_t (inclusive) or h_{t−1} (exclusive)');

/** The bindings of every scan that reads a and b and writes h in one dispatch. */
export const SCAN_BINDINGS: Binding[] = [A_BINDING, B_BINDING, H_BINDING];

export function scanBuffers(s: ScanShape, inputs: Inputs): BufferSpec[] {
  return [
    { name: 'a', data: inputs.a, usage: 'storage' },
    { name: 'b', data: inputs.b, usage: 'storage' },
    { name: 'h', bytes: 4 * s.channels * s.length, usage: 'storage' },
  ];
}

/** x followed by zeros up to `count` elements (for kernels that read whole tiles without bounds checks). */
export function zeroPadded(x: HostArray, count: number): Float32Array {
  const out = new Float32Array(Math.max(count, x.length));
  out.set(x);
  return out;
}

export function scanOutput(s: ScanShape): GpuPlan['output'] {
  return { buffer: 'h', type: 'f32', count: s.channels * s.length };
}

/**
 * The plan of every scan that runs as one dispatch over a, b and h (sequential, Hillis–Steele,
 * Blelloch, subgroup): only the generated shader, its label and its grid differ.
 */
export function singleDispatchScanPlan(s: ScanShape, inputs: Inputs, dispatch: Omit<DispatchSpec, 'bindings'>): GpuPlan {
  return { buffers: scanBuffers(s, inputs), dispatches: [{ ...dispatch, bindings: SCAN_BINDINGS }], output: scanOutput(s) };
}

export function log2(n: number): number {
  return Math.ceil(Math.log2(Math.max(1, n)));
}

// ---- WGSL ---------------------------------------------------------------------------------------

/** The associative operator, shared by every WGSL scan. */
export const COMBINE_WGSL = /* wgsl */ `
// (a1, b1) ∘ (a2, b2) = (a1·a2, a2·b1 + b2): apply h ↦ a1·h + b1 first, then h ↦ a2·h + b2.
fn combine(first : vec2f, second : vec2f) -> vec2f {
  return vec2f(first.x * second.x, second.x * first.y + second.y);
}
const IDENTITY = vec2f(1.0, 0.0);
`;

/** The sizes of a scan as WGSL constants. */
export function scanConstants(s: ScanShape): string {
  return /* wgsl */ `
const CHANNELS = ${s.channels}u;
const L = ${s.length}u;
const EXCLUSIVE = ${s.exclusive};
`;
}

/** The common header of the single-dispatch scans: sizes, the a, b, h declarations and ∘. */
export function scanHeader(s: ScanShape): string {
  return `${scanConstants(s)}
${declareBindings(SCAN_BINDINGS)}
${COMBINE_WGSL}`;
}
