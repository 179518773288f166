// What every 2-D convolution variant shares: the shape fields, the seeded inputs (the same bits
// for every method, so their results and times compare), the float64 reference with its float32
// bound, the CPU emulation, the work model, the WGSL index helpers and the device-limit checks.
import {
  conv2dBound,
  conv2dBoundNote,
  conv2dDims,
  conv2dFloat32,
  conv2dReference,
  conv2dShapeProblems,
  filterCount,
  inputCount,
  outputCount,
  type Conv2dDims,
} from '../../numerics/conv2d';
import { deriveSeed, uniformArray } from '../../numerics/prng';
import type { Inputs } from '../define';
import { int, oneOf, type Decoded } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { DeviceCaps, ReferenceResult } from '../types';
import type { ConvBufferUse, ConvExtras, ConvMemory } from './extras';

export const CONV2D_SHAPE = {
  layout: oneOf('Layout', 'nhwc', [
    ['nhwc', 'NHWC: channels last (filter HWIO)'],
    ['nchw', 'NCHW: channels first (filter OIHW)'],
  ]),
  batch: int('Batch B', 1, 1, 64, { choices: [1, 2, 3, 4, 8] }),
  cin: int('Input channels C', 16, 1, 1024, { choices: [1, 3, 8, 16, 32, 64, 128] }),
  cout: int('Output channels (filters)', 16, 1, 1024, { choices: [1, 8, 16, 32, 64, 128] }),
  height: int('Height H', 32, 1, 2048, { choices: [7, 14, 28, 32, 56, 64, 128] }),
  width: int('Width W', 32, 1, 2048, { choices: [7, 14, 28, 32, 56, 64, 128] }),
  kernel: int('Kernel size R = S', 3, 1, 15, { choices: [1, 3, 5, 7, 9, 11] }),
  stride: int('Stride', 1, 1, 8, { choices: [1, 2, 3, 4] }),
  pad: int('Padding (zeros on each side)', 1, 0, 16, { choices: [0, 1, 2, 3] }),
  dilation: int('Dilation', 1, 1, 8, { choices: [1, 2, 3, 4] }),
};

export type Conv2dValues = Decoded<typeof CONV2D_SHAPE>;

/** The shape decoded once, with the output size and the dot-product length. */
export function conv2dConfig(v: Conv2dValues): Conv2dDims {
  return conv2dDims(v);
}

export const bytesOf = (count: number) => 4 * count;

/** Input, filter and output: what every method allocates. */
export function baseBuffers(d: Conv2dDims): ConvBufferUse[] {
  const layout = d.layout === 'nhwc' ? ['NHWC', 'HWIO', 'NHWC'] : ['NCHW', 'OIHW', 'NCHW'];
  return [
    { name: 'x', bytes: bytesOf(inputCount(d)), role: 'input', what: `input, ${layout[0]}` },
    { name: 'w', bytes: bytesOf(filterCount(d)), role: 'filter', what: `filter, ${layout[1]}` },
    { name: 'y', bytes: bytesOf(outputCount(d)), role: 'output', what: `output, ${layout[2]}` },
  ];
}

/** The members every 2-D variant takes as they are (functions of the decoded shape). */
export const conv2dShared = {
  family: 'conv' as const,
  inputs: (d: Conv2dDims, seed: number): Inputs => ({
    x: uniformArray(inputCount(d), deriveSeed(seed, 0)),
    w: uniformArray(filterCount(d), deriveSeed(seed, 1)),
  }),
  reference: (d: Conv2dDims, inputs: Inputs): ReferenceResult => {
    const ref = conv2dReference(d, inputs.x as Float32Array, inputs.w as Float32Array);
    const cols = heatmapColumns(d);
    return { values: ref.values, bound: conv2dBound(d, ref), boundNote: conv2dBoundNote(d), rows: outputCount(d) / cols, cols };
  },
  emulate: (d: Conv2dDims, inputs: Inputs) => conv2dFloat32(d, inputs.x as Float32Array, inputs.w as Float32Array),
  shape: (d: Conv2dDims) =>
    `${d.layout.toUpperCase()} ${d.batch}×${d.cin}×${d.height}×${d.width} → ${d.cout}×${d.outH}×${d.outW}, ${d.kernel}×${d.kernel} s${d.stride} p${d.pad} d${d.dilation}`,
};

/**
 * Columns of the error heatmap: the product of the output's innermost dimensions (in memory
 * order) closest to √count, so each heatmap row is a contiguous stretch of the output and the
 * picture is roughly square.
 */
export function heatmapColumns(d: Conv2dDims): number {
  const dims = d.layout === 'nhwc' ? [d.batch, d.outH, d.outW, d.cout] : [d.batch, d.cout, d.outH, d.outW];
  const target = Math.sqrt(outputCount(d));
  let best = 1;
  let suffix = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    suffix *= dims[i];
    if (Math.abs(Math.log(suffix / target)) < Math.abs(Math.log(best / target))) best = suffix;
  }
  return best;
}

/** 2·B·P·Cout·C·R·S: every multiply-add of the definition, padding taps included (the usual count). */
export const conv2dFlops = (d: Conv2dDims) => 2 * d.batch * d.pixels * d.cout * d.depth;

/** The direct kernel at the same shape: what every other 2-D method is compared against. */
export function directBaseline(d: Conv2dDims) {
  const { layout, batch, cin, cout, height, width, kernel, stride, pad, dilation } = d;
  return { variant: 'direct', params: { layout, batch, cin, cout, height, width, kernel, stride, pad, dilation } };
}

/** The extras of a 2-D run: its memory, from the same model the panel shows before running. */
export function conv2dExtras(memory: ConvMemory): ConvExtras {
  return { family: 'conv', dims: '2d', memory };
}

/** Shape problems and buffer-size checks shared by every 2-D variant (plus the method's own buffers). */
export function conv2dProblems(d: Conv2dDims, caps: DeviceCaps, memory: ConvMemory): string[] {
  const shape = conv2dShapeProblems(d);
  if (shape.length) return shape;
  return checkBuffers(
    caps,
    memory.buffers.map((b) => [`${b.name} (${b.what})`, b.bytes]),
  );
}

// ---- WGSL helpers -------------------------------------------------------------------------------

/** The shape as WGSL constants (one pipeline per shape: the cache is keyed by the text). */
export function shapeConstants(d: Conv2dDims): string {
  return [
    `const B = ${d.batch}u;`,
    `const CIN = ${d.cin}u;`,
    `const COUT = ${d.cout}u;`,
    `const H = ${d.height}u;`,
    `const W = ${d.width}u;`,
    `const OH = ${d.outH}u;`,
    `const OW = ${d.outW}u;`,
    `const KS = ${d.kernel}u; // kernel side R = S`,
    `const STRIDE = ${d.stride}u;`,
    `const PAD = ${d.pad}i;`,
    `const DIL = ${d.dilation}u;`,
  ].join('\n');
}

/** WGSL index functions for the input, filter and output in this layout. */
export function layoutFunctions(d: Conv2dDims): string {
  return d.layout === 'nhwc'
    ? `fn xIndex(b : u32, c : u32, iy : u32, ix : u32) -> u32 { return ((b * H + iy) * W + ix) * CIN + c; } // NHWC
fn wIndex(co : u32, c : u32, r : u32, s : u32) -> u32 { return ((r * KS + s) * CIN + c) * COUT + co; } // HWIO
fn yIndex(b : u32, co : u32, oy : u32, ox : u32) -> u32 { return ((b * OH + oy) * OW + ox) * COUT + co; } // NHWC`
    : `fn xIndex(b : u32, c : u32, iy : u32, ix : u32) -> u32 { return ((b * CIN + c) * H + iy) * W + ix; } // NCHW
fn wIndex(co : u32, c : u32, r : u32, s : u32) -> u32 { return ((co * CIN + c) * KS + r) * KS + s; } // OIHW
fn yIndex(b : u32, co : u32, oy : u32, ox : u32) -> u32 { return ((b * COUT + co) * OH + oy) * OW + ox; } // NCHW`;
}

/** Invocations per workgroup of the one-invocation-per-element passes. */
export const FLAT_WG = 64;
/** Workgroups along x before the grid wraps into y (keeps well inside the 65535 limit). */
const FLAT_ROW = 16384;

/** A grid of FLAT_WG-wide workgroups covering `total` invocations: [x, y]. */
export function flatGrid(total: number): [number, number] {
  const groups = Math.max(1, Math.ceil(total / FLAT_WG));
  return groups <= FLAT_ROW ? [groups, 1] : [FLAT_ROW, Math.ceil(groups / FLAT_ROW)];
}

/** The WGSL that turns the global id of a flatGrid dispatch into the element index. */
export function flatIndex(grid: [number, number]): string {
  return `gid.x + gid.y * ${grid[0] * FLAT_WG}u`;
}

export function flatGridProblems(caps: DeviceCaps, total: number, what: string): string[] {
  return [...checkWorkgroup(caps, [FLAT_WG, 1, 1], 0, what), ...checkDispatch(caps, flatGrid(total), what)];
}
