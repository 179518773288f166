// A 2D demonstration in the spirit of Spatial-Mamba (Xiao et al., "Spatial-Mamba: Effective Visual
// State Space Models via Structure-aware State Fusion", 2024): (1) one unidirectional scan over the
// pixels in raster order, h_p = a_p·h_{p−1} + b_p; (2) structure-aware state fusion: a dilated
// depthwise 3×3 convolution over the 2D map of states, ĥ_p = Σ_{dilation δ} Σ_{k∈3×3} w_k·h_{p+δ·k}
// (zero outside the image); the output is y = ĥ (C = 1, D = 0 for the demo).
// The receptive field of an output pixel, ∂y_p/∂b_q, is computed exactly with the adjoint: the
// fusion's transpose, then the reverse scan g_q = g'_q + a_{q+1}·g_{q+1}.
import { gamma } from './metrics';
import { linearScanReference } from './scan';

export const FUSION_WEIGHTS = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((w) => w / 16);

export interface SpatialInputs {
  image: Float32Array; // H×W intensities in [0, 1]
  a: Float32Array; // decays, raster order
  b: Float32Array; // inputs, raster order
}

/**
 * A procedural test image: a bright disc, a dark bar and a soft horizontal gradient, computed
 * with + − × ÷ only so the bits are the same everywhere.
 */
export function proceduralImage(width: number, height: number): Float32Array {
  const image = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      let value = 0.15 + 0.35 * u;
      const dx = u - 0.38;
      const dy = v - 0.42;
      if (dx * dx + dy * dy < 0.06) value = 0.9;
      if (u > 0.62 && u < 0.72 && v > 0.15 && v < 0.85) value = 0.05;
      image[y * width + x] = value;
    }
  }
  return image;
}

/**
 * Scan inputs for an image (H×W intensities in [0, 1], raster order). Decays are input-dependent
 * like a selective scan's: a = 1/(1 + 0.02 + 2·|I_p − I_{p−1}|) closes the state at edges;
 * b = (1 − a)·I.
 */
export function spatialInputsFromImage(image: Float32Array): SpatialInputs {
  const n = image.length;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const jump = p === 0 ? 0 : Math.abs(image[p] - image[p - 1]);
    a[p] = 1 / (1.02 + 2 * jump);
    b[p] = (1 - a[p]) * image[p];
  }
  return { image, a, b };
}

export function spatialInputs(width: number, height: number): SpatialInputs {
  return spatialInputsFromImage(proceduralImage(width, height));
}

/** Reads a binary greyscale PGM (P5, maxval ≤ 255) into intensities in [0, 1]. */
export function parsePgm(bytes: Uint8Array): { width: number; height: number; pixels: Float32Array } {
  // Header: "P5", width, height, maxval, separated by whitespace (comments start with #), then
  // one whitespace byte and the raster.
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    let text = '';
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]))) text += String.fromCharCode(bytes[pos++]);
    return text;
  };
  if (token() !== 'P5') throw new Error('not a binary PGM (P5) image');
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  pos++; // the single whitespace byte before the raster
  if (!(width > 0 && height > 0 && maxval > 0 && maxval < 256)) throw new Error('unsupported PGM header');
  if (bytes.length - pos < width * height) throw new Error('PGM raster is truncated');
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[pos + i] / maxval;
  return { width, height, pixels };
}

/** Bilinear resampling (pixel centres aligned), for fitting a sample image to the chosen size. */
export function resampleBilinear(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < dw; x++) {
      const sx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const fx = sx - x0;
      const top = src[y0 * sw + x0] * (1 - fx) + src[y0 * sw + x1] * fx;
      const bottom = src[y1 * sw + x0] * (1 - fx) + src[y1 * sw + x1] * fx;
      out[y * dw + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

export function fusionTaps(dilations: number[]): { dx: number; dy: number; w: number }[] {
  const taps: { dx: number; dy: number; w: number }[] = [];
  for (const d of dilations) {
    for (let k = 0; k < 9; k++) taps.push({ dx: d * ((k % 3) - 1), dy: d * (Math.floor(k / 3) - 1), w: FUSION_WEIGHTS[k] / dilations.length });
  }
  return taps;
}

/**
 * Float64 truth of y and the float32 bound: the scan's bound (src/numerics/scan.ts, with the
 * kernel's right-operand depth R) carried through the fusion, plus γ_K·Σ|w·h| for its K taps.
 */
export function spatialReference(
  width: number,
  height: number,
  inputs: SpatialInputs,
  dilations: number[],
  rightDepth: number,
): { values: Float64Array; bound: Float64Array; states: Float64Array } {
  const n = width * height;
  const scan = linearScanReference(inputs.a, inputs.b, 1, n, false, rightDepth);
  const taps = fusionTaps(dilations);
  const values = new Float64Array(n);
  const bound = new Float64Array(n);
  const g = gamma(taps.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let abs = 0;
      let err = 0;
      for (const t of taps) {
        const xx = x + t.dx;
        const yy = y + t.dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        const q = yy * width + xx;
        sum += t.w * scan.values[q];
        abs += Math.abs(t.w) * (Math.abs(scan.values[q]) + scan.bound[q]);
        err += Math.abs(t.w) * scan.bound[q];
      }
      values[y * width + x] = sum;
      bound[y * width + x] = 1.01 * (err + g * abs) + 1e-12 * abs + 2 ** -126 * (taps.length + 2);
    }
  }
  return { values, bound, states: scan.values };
}

/** |∂y_p/∂b_q| for one output pixel p, with and without the fusion (exact adjoint, float64). */
export function receptiveField(width: number, height: number, a: Float32Array, px: number, py: number, dilations: number[] | null): Float64Array {
  const n = width * height;
  const gh = new Float64Array(n); // ∂y_p/∂h_q
  if (dilations) {
    for (const t of fusionTaps(dilations)) {
      const xx = px + t.dx;
      const yy = py + t.dy;
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      gh[yy * width + xx] += t.w;
    }
  } else {
    gh[py * width + px] = 1;
  }
  // h_{q'} = Σ_{q≤q'} (Π_{r∈(q,q']} a_r)·b_q, so ∂y/∂b_q = Σ_{q'≥q} gh_{q'}·Π a: a reverse scan.
  const gb = new Float64Array(n);
  let carry = 0;
  for (let q = n - 1; q >= 0; q--) {
    carry = gh[q] + (q + 1 < n ? a[q + 1] : 0) * carry;
    gb[q] = Math.abs(carry);
  }
  return gb;
}
