// Roofline microbenchmarks: the two roofs every matmul run is drawn under.
//  - peak FMA: each invocation runs 32 independent multiply-add chains x ← x·m + c (8 vec4
//    registers, loop body unrolled 4×), so the adapter can overlap them; the result is summed and
//    written, so nothing is dead code, and checked against the same recurrence in float64;
//  - copy: a grid-stride vec4 copy of a buffer larger than the CPU caches; bytes read + written.
import { F32_UNIT_ROUNDOFF, gamma } from '../../numerics/metrics';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import { int, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { Experiment, Params, ReferenceResult } from '../types';
import type { Roofs } from './model';

/** What the lab says about every roof microbenchmark (it has no matrix to tile). */
const ROOF_NOTE =
  'A roofline microbenchmark has no matrix tiling: run peak FMA, copy and barrier cost to draw the roofs under which every matmul run is placed, and to feed the performance model.';

export const FMA_CHAINS = 32;
const FMA_UNROLL = 4;
const FMA_WORKGROUP = 64;
/** m = 1 − 2^-10 and c = 2^-10 (exact in float32): a contraction towards the fixed point 1. */
export const FMA_M = 1 - 2 ** -10;
export const FMA_C = 2 ** -10;

const FMA_BINDINGS = [
  readOnly('start', 'array<f32>', 'one starting value per invocation'),
  readOnly('coeff', 'array<f32>', '[m, c]'),
  readWrite('out', 'array<f32>', 'the sum of the chains, per invocation'),
];

export function fmaPeakWgsl(iters: number): string {
  const xs = Array.from({ length: FMA_CHAINS / 4 }, (_, q) => q);
  const step = xs.map((q) => `x${q} = fma(x${q}, m, c);`).join(' ');
  return /* wgsl */ `// ${FMA_CHAINS} independent chains x <- x*m + c per invocation, ${iters} steps each
const ITERS = ${iters}u;

${declareBindings(FMA_BINDINGS)}

@compute @workgroup_size(${FMA_WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let s = vec4<f32>(start[gid.x]);
  let m = vec4<f32>(coeff[0]);
  let c = vec4<f32>(coeff[1]);
  // chain j starts at s + j/16
${xs.map((q) => `  var x${q} = s + vec4<f32>(${[0, 1, 2, 3].map((e) => ((4 * q + e) / 16).toFixed(4)).join(', ')});`).join('\n')}
  for (var i = 0u; i < ITERS; i += ${FMA_UNROLL}u) {
${Array.from({ length: FMA_UNROLL }, () => `    ${step}`).join('\n')}
  }
  let total = ${xs.map((q) => `x${q}`).join(' + ')};
  out[gid.x] = (total.x + total.y) + (total.z + total.w);
}
`;
}

const fmaSchema = paramSchema({
  workgroups: int(`Workgroups (${FMA_WORKGROUP} invocations each)`, 64, 1, 4096, { choices: [8, 32, 64, 256] }),
  iters: int('Steps per chain (multiple of 4)', 1024, 4, 65536, { choices: [256, 1024, 4096] }),
});

interface FmaConfig {
  workgroups: number;
  invocations: number;
  iters: number;
}

/**
 * Float64 truth of the same recurrence, and a bound on the float32 result. One step in float32
 * errs by δ ≤ u(|x·m| + |x·m + c|)(1+u) ≤ 1.0001·u·(2X + c) whether or not mul and add are fused,
 * where X bounds |x|; the contraction m < 1 damps earlier errors, so after n steps
 * e_n ≤ m^n·e_0 + δ·(1 − m^n)/(1 − m), with e_0 ≤ u·|x_0| (rounding of s + j/16). The final
 * float32 sum of the 32 chains adds γ_32·Σ|x_j|.
 */
function fmaPeakReference({ invocations, iters }: FmaConfig, inputs: Inputs): ReferenceResult {
  const start = inputs.start as Float32Array;
  const m = FMA_M;
  const c = FMA_C;
  const values = new Float64Array(invocations);
  const bound = new Float64Array(invocations);
  const mPow = m ** iters;
  const damp = (1 - mPow) / (1 - m);
  const u = F32_UNIT_ROUNDOFF;
  for (let inv = 0; inv < invocations; inv++) {
    let sum = 0;
    let absSum = 0;
    let chainErr = 0;
    for (let j = 0; j < FMA_CHAINS; j++) {
      const x0 = Math.fround(start[inv] + j / 16);
      let x = x0;
      for (let i = 0; i < iters; i++) x = x * m + c;
      const X = Math.max(Math.abs(x0), 1); // |x| stays between x0 and the fixed point 1
      chainErr += mPow * u * Math.abs(x0) + 1.0001 * u * (2 * X + c) * damp;
      sum += x;
      absSum += Math.abs(x);
    }
    values[inv] = sum;
    bound[inv] = chainErr * (1 + gamma(FMA_CHAINS)) + gamma(FMA_CHAINS) * absSum + u * Math.abs(sum);
  }
  return {
    values,
    bound,
    boundNote: `${FMA_CHAINS} chains x←x·m+c, m = 1−2⁻¹⁰: per-step δ ≤ u(2X+c), damped by m (e_n ≤ δ/(1−m)), plus γ₃₂ for the final sum`,
    rows: Math.ceil(invocations / 64),
    cols: Math.min(64, invocations),
  };
}

export const fmaPeak = defineVariant({
  family: 'matmul',
  id: 'roofline-fma',
  label: 'Roofline: peak FMA throughput',
  summary: `A compute-bound microbenchmark: ${FMA_CHAINS} independent multiply-add chains per invocation, no memory traffic in the loop. Its GFLOP/s is the compute roof.`,
  role: 'roof',
  schema: fmaSchema,
  config: (v): FmaConfig => ({ ...v, invocations: v.workgroups * FMA_WORKGROUP }),
  limits: (cfg, caps) => [
    ...(cfg.iters % FMA_UNROLL !== 0
      ? [`steps per chain must be a multiple of ${FMA_UNROLL} (the loop body is unrolled ${FMA_UNROLL}×); got ${cfg.iters}`]
      : []),
    ...checkWorkgroup(caps, [FMA_WORKGROUP, 1, 1], 0, 'the FMA benchmark'),
    ...checkDispatch(caps, [cfg.workgroups]),
  ],
  inputs: (cfg, seed) => ({ start: uniformArray(cfg.invocations, deriveSeed(seed, 0), 0.5, 1.5), coeff: new Float32Array([FMA_M, FMA_C]) }),
  reference: fmaPeakReference,
  noEmulationReason: 'a throughput microbenchmark measures the GPU; a CPU run would measure nothing the roofline uses',
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'start', data: inputs.start, usage: 'storage' },
      { name: 'coeff', data: inputs.coeff, usage: 'storage' },
      { name: 'out', bytes: 4 * cfg.invocations, usage: 'storage' },
    ],
    dispatches: [{ label: `roofline fma ${cfg.iters}`, wgsl: fmaPeakWgsl(cfg.iters), bindings: FMA_BINDINGS, workgroups: [cfg.workgroups] }],
    output: { buffer: 'out', type: 'f32', count: cfg.invocations },
  }),
  work: (cfg) => ({ flops: 2 * cfg.invocations * FMA_CHAINS * cfg.iters, bytes: 8 * cfg.invocations }),
  shape: (cfg) => `${cfg.invocations} inv × ${FMA_CHAINS} chains × ${cfg.iters}`,
  notes: () => [ROOF_NOTE],
});

// ---- copy bandwidth ----------------------------------------------------------------------------

const COPY_WORKGROUP = 256;
const COPY_MAX_WORKGROUPS = 1024;

const COPY_BINDINGS = [readOnly('src', 'array<vec4<f32>>', 'the source'), readWrite('dst', 'array<vec4<f32>>', 'the copy')];

export function copyWgsl(vec4Count: number, workgroups: number): string {
  return /* wgsl */ `// grid-stride copy of ${vec4Count} vec4s
const COUNT = ${vec4Count}u;
const STRIDE = ${workgroups * COPY_WORKGROUP}u;

${declareBindings(COPY_BINDINGS)}

@compute @workgroup_size(${COPY_WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  for (var i = gid.x; i < COUNT; i += STRIDE) {
    dst[i] = src[i];
  }
}
`;
}

const copySchema = paramSchema({ MiB: int('Buffer size (MiB)', 32, 1, 512, { choices: [4, 16, 32, 64, 128] }) });

interface CopyConfig {
  mib: number;
  floats: number;
  vec4s: number;
  workgroups: number;
}

function copyConfig({ MiB }: { MiB: number }): CopyConfig {
  const floats = (MiB * 1024 * 1024) / 4;
  const vec4s = floats / 4;
  return { mib: MiB, floats, vec4s, workgroups: Math.min(COPY_MAX_WORKGROUPS, Math.ceil(vec4s / COPY_WORKGROUP)) };
}

export const copyBandwidth = defineVariant({
  family: 'matmul',
  id: 'roofline-copy',
  label: 'Roofline: copy bandwidth',
  summary: 'A memory-bound microbenchmark: copies a buffer with vec4 loads and stores. Its GB/s (bytes read + written) is the memory roof.',
  role: 'roof',
  schema: copySchema,
  config: copyConfig,
  limits: (cfg, caps) => [
    ...checkWorkgroup(caps, [COPY_WORKGROUP, 1, 1], 0, 'the copy benchmark'),
    ...checkDispatch(caps, [cfg.workgroups]),
    ...checkBuffers(caps, [
      ['source', cfg.mib * 1024 * 1024],
      ['destination', cfg.mib * 1024 * 1024],
    ]),
  ],
  inputs: (cfg, seed) => ({ src: uniformArray(cfg.floats, deriveSeed(seed, 0)) }),
  // A copy is exact: the bound is zero (bit-exact).
  reference: (cfg, inputs) => ({
    values: Float64Array.from(inputs.src as Float32Array),
    bound: new Float64Array(cfg.floats),
    boundNote: 'a copy must be bit-exact',
    rows: cfg.floats / 1024,
    cols: 1024,
  }),
  noEmulationReason: 'a bandwidth microbenchmark measures the GPU; a CPU run would measure nothing the roofline uses',
  plan: (cfg, inputs) => ({
    buffers: [
      { name: 'src', data: inputs.src, usage: 'storage' },
      { name: 'dst', bytes: 4 * cfg.floats, usage: 'storage' },
    ],
    dispatches: [
      { label: `roofline copy ${cfg.floats * 4} B`, wgsl: copyWgsl(cfg.vec4s, cfg.workgroups), bindings: COPY_BINDINGS, workgroups: [cfg.workgroups] },
    ],
    output: { buffer: 'dst', type: 'f32', count: cfg.floats },
  }),
  work: (cfg) => ({ flops: 0, bytes: 2 * 4 * cfg.floats }),
  shape: (cfg) => `${cfg.mib} MiB`,
  notes: () => [ROOF_NOTE],
});

// ---- barrier cost ------------------------------------------------------------------------------
// Not a roof, but the third number the performance model needs on adapters where a workgroup
// barrier is expensive (CPU adapters switch between groups of invocations at each barrier).
// Each step every invocation reads its neighbour's value from one workgroup buffer and writes
// value + 1 to the other, then waits at a barrier; after n steps every value is exactly n.

const BARRIER_BINDINGS = [readWrite('out', 'array<f32>', 'the count each invocation reached')];

export function barrierWgsl(wg: number, steps: number): string {
  return /* wgsl */ `// ${steps} barrier steps in workgroups of ${wg}
const WG = ${wg}u;
const STEPS = ${steps}u;

${declareBindings(BARRIER_BINDINGS)}

var<workgroup> ping : array<f32, ${wg}>;
var<workgroup> pong : array<f32, ${wg}>;

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) t : u32, @builtin(workgroup_id) wid : vec3u) {
  let next = (t + 1u) % WG;
  for (var s = 0u; s < STEPS; s += 2u) {
    pong[t] = ping[next] + 1.0;
    workgroupBarrier();
    ping[t] = pong[next] + 1.0;
    workgroupBarrier();
  }
  out[wid.x * WG + t] = ping[t];
}
`;
}

const barrierSchema = paramSchema({
  wg: int('Workgroup size (invocations)', 64, 1, 1024, { choices: [16, 64, 256] }),
  workgroups: int('Workgroups', 64, 1, 4096, { choices: [16, 64, 256] }),
  steps: int('Barrier steps (even)', 256, 2, 65536, { choices: [64, 256, 1024] }),
});

interface BarrierConfig {
  wg: number;
  workgroups: number;
  steps: number;
  invocations: number;
}

export const barrierCost = defineVariant({
  family: 'matmul',
  id: 'roofline-barrier',
  label: 'Roofline: workgroup barrier cost',
  summary:
    'Workgroups that do little but wait at barriers: the time per barrier per invocation, which the performance model charges to kernels that stage panels in workgroup memory.',
  role: 'roof',
  schema: barrierSchema,
  config: (v): BarrierConfig => ({ ...v, invocations: v.wg * v.workgroups }),
  limits: (cfg, caps) => [
    ...(cfg.steps % 2 !== 0 ? [`barrier steps must be even (two per loop turn); got ${cfg.steps}`] : []),
    ...(cfg.steps > 2 ** 24 ? ['barrier steps must stay below 2^24 so the counts stay exact in float32'] : []),
    ...checkWorkgroup(caps, [cfg.wg, 1, 1], 8 * cfg.wg, `a workgroup of ${cfg.wg}`),
    ...checkDispatch(caps, [cfg.workgroups]),
  ],
  inputs: () => ({}),
  // Every value counts the steps exactly (small integers are exact in float32): bound zero.
  reference: ({ invocations, steps }) => ({
    values: new Float64Array(invocations).fill(steps),
    bound: new Float64Array(invocations),
    boundNote: 'exact: every invocation must count every step',
    rows: Math.ceil(invocations / 64),
    cols: Math.min(64, invocations),
  }),
  noEmulationReason: 'a barrier-cost microbenchmark measures the GPU; a CPU run would measure nothing the model uses',
  plan: (cfg) => ({
    buffers: [{ name: 'out', bytes: 4 * cfg.invocations, usage: 'storage' }],
    dispatches: [{ label: `roofline barrier wg${cfg.wg}`, wgsl: barrierWgsl(cfg.wg, cfg.steps), bindings: BARRIER_BINDINGS, workgroups: [cfg.workgroups] }],
    output: { buffer: 'out', type: 'f32', count: cfg.invocations },
  }),
  // One add per invocation per step; no buffer traffic in the loop.
  work: (cfg) => ({ flops: cfg.invocations * cfg.steps, bytes: 4 * cfg.invocations }),
  shape: (cfg) => `${cfg.workgroups} × ${cfg.wg} inv × ${cfg.steps} barriers`,
  notes: () => [ROOF_NOTE],
});

/** Seconds per barrier per invocation from a barrier-benchmark run. */
export function barrierSecondsPerInvocation(params: Params, seconds: number): number {
  const { wg, workgroups, steps } = barrierSchema.read(params);
  return seconds / (wg * workgroups * steps);
}

/** The roof a roof microbenchmark's run measured (null for any other run). */
export function roofOf(run: { experiment: Experiment; gflops: number; gbps: number; medianSeconds: number }): Partial<Roofs> | null {
  const { variant, params } = run.experiment;
  if (variant === fmaPeak.id) return { peakGflops: run.gflops };
  if (variant === copyBandwidth.id) return { bandwidthGBs: run.gbps };
  if (variant === barrierCost.id) return { barrierSeconds: barrierSecondsPerInvocation(params, run.medianSeconds) };
  return null;
}
