// Roofline microbenchmarks: the two roofs every matmul run is drawn under.
//  - peak FMA: each invocation runs 32 independent multiply-add chains x ← x·m + c (8 vec4
//    registers, loop body unrolled 4×), so the adapter can overlap them; the result is summed and
//    written, so nothing is dead code, and checked against the same recurrence in float64;
//  - copy: a grid-stride vec4 copy of a buffer larger than the CPU caches; bytes read + written.
import { F32_UNIT_ROUNDOFF, gamma } from '../../numerics/metrics';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import { checkBuffers, checkDispatch, checkWorkgroup, intParam } from '../schema';
import type { HostArray, KernelVariant, Params, ReferenceResult } from '../types';

export const FMA_CHAINS = 32;
const FMA_UNROLL = 4;
const FMA_WORKGROUP = 64;
/** m = 1 − 2^-10 and c = 2^-10 (exact in float32): a contraction towards the fixed point 1. */
export const FMA_M = 1 - 2 ** -10;
export const FMA_C = 2 ** -10;

export function fmaPeakWgsl(iters: number): string {
  const xs = Array.from({ length: FMA_CHAINS / 4 }, (_, q) => q);
  const step = xs.map((q) => `x${q} = fma(x${q}, m, c);`).join(' ');
  return /* wgsl */ `// ${FMA_CHAINS} independent chains x <- x*m + c per invocation, ${iters} steps each
const ITERS = ${iters}u;

@group(0) @binding(0) var<storage, read> start : array<f32>; // one starting value per invocation
@group(0) @binding(1) var<storage, read> coeff : array<f32>; // [m, c]
@group(0) @binding(2) var<storage, read_write> out : array<f32>;

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

function fmaShape(params: Params) {
  const workgroups = intParam(params, 'workgroups');
  return { workgroups, invocations: workgroups * FMA_WORKGROUP, iters: intParam(params, 'iters') };
}

/**
 * Float64 truth of the same recurrence, and a bound on the float32 result. One step in float32
 * errs by δ ≤ u(|x·m| + |x·m + c|)(1+u) ≤ 1.0001·u·(2X + c) whether or not mul and add are fused,
 * where X bounds |x|; the contraction m < 1 damps earlier errors, so after n steps
 * e_n ≤ m^n·e_0 + δ·(1 − m^n)/(1 − m), with e_0 ≤ u·|x_0| (rounding of s + j/16). The final
 * float32 sum of the 32 chains adds γ_32·Σ|x_j|.
 */
export function fmaPeakReference(params: Params, inputs: Record<string, HostArray>): ReferenceResult {
  const { invocations, iters } = fmaShape(params);
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

export const fmaPeak: KernelVariant = {
  family: 'matmul',
  id: 'roofline-fma',
  label: 'Roofline: peak FMA throughput',
  summary: `A compute-bound microbenchmark: ${FMA_CHAINS} independent multiply-add chains per invocation, no memory traffic in the loop. Its GFLOP/s is the compute roof.`,
  params: [
    { key: 'workgroups', label: `Workgroups (${FMA_WORKGROUP} invocations each)`, kind: 'int', default: 64, min: 1, max: 4096, choices: [8, 32, 64, 256] },
    { key: 'iters', label: 'Steps per chain (multiple of 4)', kind: 'int', default: 1024, min: 4, max: 65536, choices: [256, 1024, 4096] },
  ],
  checkLimits(params, caps) {
    const { workgroups, iters } = fmaShape(params);
    const problems: string[] = [];
    if (iters % FMA_UNROLL !== 0) problems.push(`steps per chain must be a multiple of ${FMA_UNROLL} (the loop body is unrolled ${FMA_UNROLL}×); got ${iters}`);
    return [...problems, ...checkWorkgroup(caps, [FMA_WORKGROUP, 1, 1], 0, 'the FMA benchmark'), ...checkDispatch(caps, [workgroups])];
  },
  makeInputs(params, seed) {
    const { invocations } = fmaShape(params);
    return { start: uniformArray(invocations, deriveSeed(seed, 0), 0.5, 1.5), coeff: new Float32Array([FMA_M, FMA_C]) };
  },
  reference: fmaPeakReference,
  plan(params, inputs) {
    const { workgroups, invocations, iters } = fmaShape(params);
    return {
      buffers: [
        { name: 'start', data: inputs.start, usage: 'storage' },
        { name: 'coeff', data: inputs.coeff, usage: 'storage' },
        { name: 'out', bytes: 4 * invocations, usage: 'storage' },
      ],
      dispatches: [{ label: `roofline fma ${iters}`, wgsl: fmaPeakWgsl(iters), bindings: ['start', 'coeff', 'out'], workgroups: [workgroups] }],
      output: { buffer: 'out', type: 'f32', count: invocations },
    };
  },
  work(params) {
    const { invocations, iters } = fmaShape(params);
    return { flops: 2 * invocations * FMA_CHAINS * iters, bytes: 8 * invocations };
  },
  shapeLabel(params) {
    const { invocations, iters } = fmaShape(params);
    return `${invocations} inv × ${FMA_CHAINS} chains × ${iters}`;
  },
};

// ---- copy bandwidth ----------------------------------------------------------------------------

const COPY_WORKGROUP = 256;
const COPY_MAX_WORKGROUPS = 1024;

export function copyWgsl(vec4Count: number, workgroups: number): string {
  return /* wgsl */ `// grid-stride copy of ${vec4Count} vec4s
const COUNT = ${vec4Count}u;
const STRIDE = ${workgroups * COPY_WORKGROUP}u;

@group(0) @binding(0) var<storage, read> src : array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst : array<vec4<f32>>;

@compute @workgroup_size(${COPY_WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3u) {
  for (var i = gid.x; i < COUNT; i += STRIDE) {
    dst[i] = src[i];
  }
}
`;
}

function copyShape(params: Params) {
  const mib = intParam(params, 'MiB');
  const floats = (mib * 1024 * 1024) / 4;
  const vec4s = floats / 4;
  return { mib, floats, vec4s, workgroups: Math.min(COPY_MAX_WORKGROUPS, Math.ceil(vec4s / COPY_WORKGROUP)) };
}

export const copyBandwidth: KernelVariant = {
  family: 'matmul',
  id: 'roofline-copy',
  label: 'Roofline: copy bandwidth',
  summary: 'A memory-bound microbenchmark: copies a buffer with vec4 loads and stores. Its GB/s (bytes read + written) is the memory roof.',
  params: [{ key: 'MiB', label: 'Buffer size (MiB)', kind: 'int', default: 32, min: 1, max: 512, choices: [4, 16, 32, 64, 128] }],
  checkLimits(params, caps) {
    const { mib, workgroups } = copyShape(params);
    return [
      ...checkWorkgroup(caps, [COPY_WORKGROUP, 1, 1], 0, 'the copy benchmark'),
      ...checkDispatch(caps, [workgroups]),
      ...checkBuffers(caps, [
        ['source', mib * 1024 * 1024],
        ['destination', mib * 1024 * 1024],
      ]),
    ];
  },
  makeInputs(params, seed) {
    return { src: uniformArray(copyShape(params).floats, deriveSeed(seed, 0)) };
  },
  reference(params, inputs) {
    const { floats } = copyShape(params);
    // A copy is exact: the bound is zero (bit-exact).
    return { values: Float64Array.from(inputs.src as Float32Array), bound: new Float64Array(floats), boundNote: 'a copy must be bit-exact', rows: floats / 1024, cols: 1024 };
  },
  plan(params, inputs) {
    const { floats, vec4s, workgroups } = copyShape(params);
    return {
      buffers: [
        { name: 'src', data: inputs.src, usage: 'storage' },
        { name: 'dst', bytes: 4 * floats, usage: 'storage' },
      ],
      dispatches: [{ label: `roofline copy ${floats * 4} B`, wgsl: copyWgsl(vec4s, workgroups), bindings: ['src', 'dst'], workgroups: [workgroups] }],
      output: { buffer: 'dst', type: 'f32', count: floats },
    };
  },
  work(params) {
    return { flops: 0, bytes: 2 * 4 * copyShape(params).floats };
  },
  shapeLabel(params) {
    return `${copyShape(params).mib} MiB`;
  },
};

// ---- barrier cost ------------------------------------------------------------------------------
// Not a roof, but the third number the performance model needs on adapters where a workgroup
// barrier is expensive (CPU adapters switch between groups of invocations at each barrier).
// Each step every invocation reads its neighbour's value from one workgroup buffer and writes
// value + 1 to the other, then waits at a barrier; after n steps every value is exactly n.

export function barrierWgsl(wg: number, steps: number): string {
  return /* wgsl */ `// ${steps} barrier steps in workgroups of ${wg}
const WG = ${wg}u;
const STEPS = ${steps}u;

@group(0) @binding(0) var<storage, read_write> out : array<f32>;

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

function barrierShape(params: Params) {
  const wg = intParam(params, 'wg');
  const workgroups = intParam(params, 'workgroups');
  const steps = intParam(params, 'steps');
  return { wg, workgroups, steps, invocations: wg * workgroups };
}

export const barrierCost: KernelVariant = {
  family: 'matmul',
  id: 'roofline-barrier',
  label: 'Roofline: workgroup barrier cost',
  summary: 'Workgroups that do little but wait at barriers: the time per barrier per invocation, which the performance model charges to kernels that stage panels in workgroup memory.',
  params: [
    { key: 'wg', label: 'Workgroup size (invocations)', kind: 'int', default: 64, min: 1, max: 1024, choices: [16, 64, 256] },
    { key: 'workgroups', label: 'Workgroups', kind: 'int', default: 64, min: 1, max: 4096, choices: [16, 64, 256] },
    { key: 'steps', label: 'Barrier steps (even)', kind: 'int', default: 256, min: 2, max: 65536, choices: [64, 256, 1024] },
  ],
  checkLimits(params, caps) {
    const { wg, workgroups, steps } = barrierShape(params);
    const problems: string[] = [];
    if (steps % 2 !== 0) problems.push(`barrier steps must be even (two per loop turn); got ${steps}`);
    if (steps > 2 ** 24) problems.push('barrier steps must stay below 2^24 so the counts stay exact in float32');
    return [...problems, ...checkWorkgroup(caps, [wg, 1, 1], 8 * wg, `a workgroup of ${wg}`), ...checkDispatch(caps, [workgroups])];
  },
  makeInputs() {
    return {};
  },
  reference(params) {
    const { invocations, steps } = barrierShape(params);
    // Every value counts the steps exactly (small integers are exact in float32): bound zero.
    return { values: new Float64Array(invocations).fill(steps), bound: new Float64Array(invocations), boundNote: 'exact: every invocation must count every step', rows: Math.ceil(invocations / 64), cols: Math.min(64, invocations) };
  },
  plan(params) {
    const { wg, workgroups, steps, invocations } = barrierShape(params);
    return {
      buffers: [{ name: 'out', bytes: 4 * invocations, usage: 'storage' }],
      dispatches: [{ label: `roofline barrier wg${wg}`, wgsl: barrierWgsl(wg, steps), bindings: ['out'], workgroups: [workgroups] }],
      output: { buffer: 'out', type: 'f32', count: invocations },
    };
  },
  work(params) {
    const { invocations, steps } = barrierShape(params);
    // One add per invocation per step; no buffer traffic in the loop.
    return { flops: invocations * steps, bytes: 4 * invocations };
  },
  shapeLabel(params) {
    const { wg, workgroups, steps } = barrierShape(params);
    return `${workgroups} × ${wg} inv × ${steps} barriers`;
  },
};

/** Seconds per barrier per invocation from a barrier-benchmark run. */
export function barrierSecondsPerInvocation(params: Params, seconds: number): number {
  const { invocations, steps } = barrierShape(params);
  return seconds / (invocations * steps);
}
