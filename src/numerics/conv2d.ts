// 2-D convolution (cross-correlation, as in deep-learning frameworks), its float64 reference with
// a per-element float32 bound, a float32 emulation, and the host-side layouts the kernels and the
// lab's pictures share: the im2col row of an output pixel, the indirection buffer, the Im2win
// window order. Layouts:
//   NHWC: input x[b][y][x][c], filter HWIO w[r][s][c][co], output y[b][oy][ox][co];
//   NCHW: input x[b][c][y][x], filter OIHW w[co][c][r][s], output y[b][co][oy][ox].
// y[b, co, oy, ox] = Σ_{c, r, s} w[co, c, r, s] · x[b, c, oy·stride + r·dilation − pad, ox·stride + s·dilation − pad],
// with x = 0 outside the image (zero padding).

export type ConvLayout = 'nhwc' | 'nchw';

export interface Conv2dShape {
  layout: ConvLayout;
  batch: number;
  cin: number;
  cout: number;
  height: number;
  width: number;
  /** Kernel side R = S. */
  kernel: number;
  stride: number;
  pad: number;
  dilation: number;
}

export interface Conv2dDims extends Conv2dShape {
  outH: number;
  outW: number;
  /** Output pixels per image, outH·outW. */
  pixels: number;
  /** Kernel taps R·S. */
  taps: number;
  /** Length of each output's dot product, cin·R·S (the GEMM's K). */
  depth: number;
}

/** Output size along one axis (PyTorch's formula); ≤ 0 when the dilated kernel does not fit. */
export function outputSize(input: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((input + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

export function conv2dDims(s: Conv2dShape): Conv2dDims {
  const outH = outputSize(s.height, s.kernel, s.stride, s.pad, s.dilation);
  const outW = outputSize(s.width, s.kernel, s.stride, s.pad, s.dilation);
  return { ...s, outH, outW, pixels: Math.max(0, outH) * Math.max(0, outW), taps: s.kernel * s.kernel, depth: s.cin * s.kernel * s.kernel };
}

/** Why this shape has no output, in words (empty when it has one). */
export function conv2dShapeProblems(d: Conv2dDims): string[] {
  const span = d.dilation * (d.kernel - 1) + 1;
  const problems: string[] = [];
  if (d.outH < 1) problems.push(`the dilated kernel spans ${span} rows, more than the padded height ${d.height + 2 * d.pad}: there is no output`);
  if (d.outW < 1) problems.push(`the dilated kernel spans ${span} columns, more than the padded width ${d.width + 2 * d.pad}: there is no output`);
  return problems;
}

export const inputCount = (d: Conv2dShape) => d.batch * d.cin * d.height * d.width;
export const filterCount = (d: Conv2dShape) => d.cout * d.cin * d.kernel * d.kernel;
export const outputCount = (d: Conv2dDims) => d.batch * d.cout * d.pixels;

export function inputIndex(d: Conv2dShape, b: number, c: number, y: number, x: number): number {
  return d.layout === 'nhwc' ? ((b * d.height + y) * d.width + x) * d.cin + c : ((b * d.cin + c) * d.height + y) * d.width + x;
}

export function filterIndex(d: Conv2dShape, co: number, c: number, r: number, s: number): number {
  return d.layout === 'nhwc' ? ((r * d.kernel + s) * d.cin + c) * d.cout + co : ((co * d.cin + c) * d.kernel + r) * d.kernel + s;
}

export function outputIndex(d: Conv2dDims, b: number, co: number, oy: number, ox: number): number {
  return d.layout === 'nhwc' ? ((b * d.outH + oy) * d.outW + ox) * d.cout + co : ((b * d.cout + co) * d.outH + oy) * d.outW + ox;
}

/** The input row and column tap (r, s) of output (oy, ox) reads; may lie in the padding. */
export function tapSource(d: Conv2dShape, oy: number, ox: number, r: number, s: number): { iy: number; ix: number; inside: boolean } {
  const iy = oy * d.stride + r * d.dilation - d.pad;
  const ix = ox * d.stride + s * d.dilation - d.pad;
  return { iy, ix, inside: iy >= 0 && iy < d.height && ix >= 0 && ix < d.width };
}

/**
 * The float64 result and, per output, Σ|w·x| over its cin·R·S products. Inputs are float32, so
 * every product is exact in float64, and the float64 sum's own error is ~2^-29 of float32's.
 */
export function conv2dReference(d: Conv2dDims, x: Float32Array, w: Float32Array): { values: Float64Array; absSum: Float64Array } {
  const values = new Float64Array(outputCount(d));
  const absSum = new Float64Array(values.length);
  for (let b = 0; b < d.batch; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        for (let co = 0; co < d.cout; co++) {
          let sum = 0;
          let abs = 0;
          for (let r = 0; r < d.kernel; r++) {
            for (let s = 0; s < d.kernel; s++) {
              const { iy, ix, inside } = tapSource(d, oy, ox, r, s);
              if (!inside) continue;
              for (let c = 0; c < d.cin; c++) {
                const p = w[filterIndex(d, co, c, r, s)] * x[inputIndex(d, b, c, iy, ix)];
                sum += p;
                abs += Math.abs(p);
              }
            }
          }
          const o = outputIndex(d, b, co, oy, ox);
          values[o] = sum;
          absSum[o] = abs;
        }
      }
    }
  }
  return { values, absSum };
}

const U32 = 2 ** -24;
/** γ_n = n·u/(1 − n·u) (Higham §3.1). */
const gamma = (n: number) => (n * U32 < 1 ? (n * U32) / (1 - n * U32) : Infinity);

/**
 * Per-element bound for any float32 kernel that computes each output as a sum of its cin·R·S
 * products in some order (direct loops, a GEMM over an im2col matrix, an indirection buffer, a
 * window-ordered buffer): |ŷ − y| ≤ γ_n·Σ|w·x| with n = cin·R·S (Higham §3.1, any summation
 * order, with or without fma). Padding contributes products with a zero factor, which are exact
 * and add nothing, so n = cin·R·S covers the im2col GEMM's zeros too. + u·|y| covers a final
 * rounding to float32 in a kernel that accumulates otherwise; 1e-30 keeps a zero bound positive.
 */
export function conv2dBound(d: Conv2dDims, ref: { values: Float64Array; absSum: Float64Array }): Float64Array {
  const g = gamma(d.depth);
  const bound = new Float64Array(ref.values.length);
  for (let i = 0; i < bound.length; i++) bound[i] = g * ref.absSum[i] + U32 * Math.abs(ref.values[i]) + 1e-30;
  return bound;
}

export function conv2dBoundNote(d: Conv2dDims): string {
  return `|error| ≤ γ_n·Σ|w·x| with n = C·R·S = ${d.cin}·${d.kernel}·${d.kernel} = ${d.depth}, γ_n ≈ ${gamma(d.depth).toExponential(2)}`;
}

/** The direct loops in float32 (fma-like: each product exact, one rounding per step), for the CPU path. */
export function conv2dFloat32(d: Conv2dDims, x: Float32Array, w: Float32Array): Float32Array {
  const y = new Float32Array(outputCount(d));
  for (let b = 0; b < d.batch; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        for (let co = 0; co < d.cout; co++) {
          let acc = 0;
          for (let r = 0; r < d.kernel; r++) {
            for (let s = 0; s < d.kernel; s++) {
              const { iy, ix, inside } = tapSource(d, oy, ox, r, s);
              if (!inside) continue;
              for (let c = 0; c < d.cin; c++) acc = Math.fround(w[filterIndex(d, co, c, r, s)] * x[inputIndex(d, b, c, iy, ix)] + acc);
            }
          }
          y[outputIndex(d, b, co, oy, ox)] = acc;
        }
      }
    }
  }
  return y;
}

// ---- what each method lays out in memory ------------------------------------------------------

/** One entry of an im2col row: the input element it copies, or null for padding (a stored zero). */
export interface ColumnEntry {
  c: number;
  r: number;
  s: number;
  iy: number;
  ix: number;
  inside: boolean;
}

/**
 * The im2col row of output pixel (oy, ox): its cin·R·S inputs, in the GEMM's K order — (r, s, c)
 * for NHWC (channels innermost, matching the HWIO filter), (c, r, s) for NCHW (Caffe's order,
 * matching the OIHW filter).
 */
export function im2colRow(d: Conv2dShape, oy: number, ox: number): ColumnEntry[] {
  const row: ColumnEntry[] = [];
  const push = (c: number, r: number, s: number) => row.push({ c, r, s, ...tapSource(d, oy, ox, r, s) });
  if (d.layout === 'nhwc') {
    for (let r = 0; r < d.kernel; r++) for (let s = 0; s < d.kernel; s++) for (let c = 0; c < d.cin; c++) push(c, r, s);
  } else {
    for (let c = 0; c < d.cin; c++) for (let r = 0; r < d.kernel; r++) for (let s = 0; s < d.kernel; s++) push(c, r, s);
  }
  return row;
}

/** NHWC: the zero row's offset in the indirect kernel's input buffer, just past the image data. */
export const zeroRowOffset = (d: Conv2dShape) => inputCount(d);

/** The pointer NCHW's indirection buffer stores for a tap in the padding (there is no zero row to point at). */
export const PADDED_TAP = 0xffffffff;

/**
 * The indirection buffer of the Indirect Convolution Algorithm (Dukhan 2019): for output pixel
 * m = (b·outH + oy)·outW + ox and tap t = r·S + s, the offset of channel 0 of the input pixel
 * that tap reads. The GEMM's A row m is then x[ptr[m][t] + c·stride] for t, c: no copy.
 *  - NHWC (the paper's layout): a pixel's C channels are adjacent (stride 1), and taps in the
 *    padding point at one row of C zeros stored past the image;
 *  - NCHW: a pixel's channels are H·W apart (stride H·W), so no row of zeros can serve every
 *    tap; padded taps hold PADDED_TAP and the kernel masks their loads to zero.
 */
export function indirectionBuffer(d: Conv2dDims): Uint32Array {
  const ptr = new Uint32Array(d.batch * d.pixels * d.taps);
  const padded = d.layout === 'nhwc' ? zeroRowOffset(d) : PADDED_TAP;
  let i = 0;
  for (let b = 0; b < d.batch; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        for (let r = 0; r < d.kernel; r++) {
          for (let s = 0; s < d.kernel; s++) {
            const { iy, ix, inside } = tapSource(d, oy, ox, r, s);
            ptr[i++] = inside ? inputIndex(d, b, 0, iy, ix) : padded;
          }
        }
      }
    }
  }
  return ptr;
}

/** Padded width of the Im2win strip: every input column plus the padding on both sides. */
export const im2winWidth = (d: Conv2dShape) => d.width + 2 * d.pad;

/**
 * Im2win (Lu et al.): for each output row oy, the R input rows it reads (iy = oy·stride + r·dil − pad)
 * are stored column by column — window order — so the elements of one window are adjacent and
 * neighbouring windows overlap in memory instead of being copied again. Element (column q of the
 * padded row, tap row r, channel c) of output row oy of image b sits at
 *   NHWC: (((b·outH + oy)·Wp + q)·R + r)·cin + c
 *   NCHW: (((b·cin + c)·outH + oy)·Wp + q)·R + r
 * and the window of output (oy, ox) starts at column q = ox·stride: for dilation 1 its S·R·cin
 * (NHWC) or, per channel, S·R (NCHW) elements are one contiguous run.
 */
export function im2winIndex(d: Conv2dDims, b: number, oy: number, q: number, r: number, c: number): number {
  const Wp = im2winWidth(d);
  return d.layout === 'nhwc' ? (((b * d.outH + oy) * Wp + q) * d.kernel + r) * d.cin + c : (((b * d.cin + c) * d.outH + oy) * Wp + q) * d.kernel + r;
}

export const im2winCount = (d: Conv2dDims) => d.batch * d.outH * im2winWidth(d) * d.kernel * d.cin;

/** The Im2win buffer built on the CPU (tests compare the GPU's transform with it). */
export function im2winBuffer(d: Conv2dDims, x: Float32Array): Float32Array {
  const out = new Float32Array(im2winCount(d));
  const Wp = im2winWidth(d);
  for (let b = 0; b < d.batch; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let q = 0; q < Wp; q++) {
        for (let r = 0; r < d.kernel; r++) {
          const iy = oy * d.stride + r * d.dilation - d.pad;
          const ix = q - d.pad;
          if (iy < 0 || iy >= d.height || ix < 0 || ix >= d.width) continue;
          for (let c = 0; c < d.cin; c++) out[im2winIndex(d, b, oy, q, r, c)] = x[inputIndex(d, b, c, iy, ix)];
        }
      }
    }
  }
  return out;
}

/** The column matrix (NHWC: pixels × depth; NCHW: depth × pixels), built on the CPU for tests. */
export function im2colMatrix(d: Conv2dDims, x: Float32Array): Float32Array {
  const M = d.batch * d.pixels;
  const out = new Float32Array(M * d.depth);
  for (let b = 0; b < d.batch; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      for (let ox = 0; ox < d.outW; ox++) {
        const m = (b * d.outH + oy) * d.outW + ox;
        im2colRow(d, oy, ox).forEach((e, k) => {
          const v = e.inside ? x[inputIndex(d, b, e.c, e.iy, e.ix)] : 0;
          out[d.layout === 'nhwc' ? m * d.depth + k : k * M + m] = v;
        });
      }
    }
  }
  return out;
}
