// Seeded test tensors for the quantization lab: Gaussian, uniform, Laplace and Student-t values,
// optionally with outlier channels (a few columns scaled up, as LLM activations have).
// Same bits on every machine: the integer PRNG plus + − × ÷ and sqrt only (all correctly rounded
// in IEEE arithmetic). Math.log / Math.cos are not used because engines may differ in their last
// bit; the logarithm below is a fixed series of basic operations.
import { Rng } from './prng';

export type Distribution = 'gaussian' | 'uniform' | 'laplace' | 'student-t';

export const DISTRIBUTIONS: { value: Distribution; label: string }[] = [
  { value: 'gaussian', label: 'Gaussian' },
  { value: 'uniform', label: 'Uniform [−1, 1)' },
  { value: 'laplace', label: 'Laplace (heavy tails)' },
  { value: 'student-t', label: 'Student-t, ν = 3 (heavier tails)' },
];

const LN2 = Math.LN2;
const f64 = new DataView(new ArrayBuffer(8));

/**
 * ln(x) for finite x > 0 from basic operations only: x = m·2^k with m ∈ [√½, √2), then
 * ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.172, by its series to t^41 (error < 1e-16 relative).
 */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  f64.setFloat64(0, x);
  let k = ((f64.getUint32(0) >>> 20) & 0x7ff) - 1023;
  if (k === -1023) return detLog(x * 2 ** 64) - 64 * LN2; // subnormal
  let m = x / 2 ** k; // [1, 2), exact
  if (m > Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let sum = 0;
  for (let n = 41; n >= 1; n -= 2) sum = sum * t2 + 1 / n;
  return 2 * t * sum + k * LN2;
}

/** Standard normal by Marsaglia's polar method (needs only ln and sqrt). */
export class GaussianSource {
  private spare: number | null = null;
  constructor(private readonly rng: Rng) {}
  next(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    for (;;) {
      const u = 2 * this.rng.nextUnit() - 1;
      const v = 2 * this.rng.nextUnit() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const f = Math.sqrt((-2 * detLog(s)) / s);
      this.spare = v * f;
      return u * f;
    }
  }
}

export interface TensorSpec {
  rows: number;
  cols: number;
  distribution: Distribution;
  seed: number;
  /** Number of columns (channels) scaled by `outlierScale` (chosen with the seed); default 0. */
  outlierChannels?: number;
  outlierScale?: number;
  /** Overall scale of the values (default 1). */
  scale?: number;
}

/** A rows×cols row-major float32 tensor, reproducible from the spec. */
export function makeTensor(spec: TensorSpec): Float32Array {
  const { rows, cols, distribution, seed } = spec;
  const rng = new Rng(seed);
  const gauss = new GaussianSource(rng);
  const out = new Float32Array(rows * cols);
  const scale = spec.scale ?? 1;
  const nu = 3;
  for (let i = 0; i < out.length; i++) {
    let v: number;
    switch (distribution) {
      case 'uniform':
        v = 2 * rng.nextUnit() - 1;
        break;
      case 'laplace': {
        // Inverse CDF with b = 1/√2 (unit variance): −b·sign(u)·ln(1 − 2|u|), u ∈ (−½, ½).
        let u = rng.nextUnit() - 0.5;
        while (u === -0.5) u = rng.nextUnit() - 0.5;
        const mag = -detLog(1 - 2 * Math.abs(u)) / Math.SQRT2;
        v = u < 0 ? -mag : mag;
        break;
      }
      case 'student-t': {
        // t_ν = Z / sqrt(χ²_ν / ν) with χ²_ν a sum of ν squared standard normals.
        const z = gauss.next();
        let chi = 0;
        for (let j = 0; j < nu; j++) {
          const g = gauss.next();
          chi += g * g;
        }
        v = z / Math.sqrt(chi / nu);
        break;
      }
      default:
        v = gauss.next();
    }
    out[i] = v * scale;
  }
  const outliers = Math.min(cols, spec.outlierChannels ?? 0);
  if (outliers > 0) {
    const factor = spec.outlierScale ?? 20;
    const channels = new Set<number>();
    const pick = new Rng(seed ^ 0x5bd1e995);
    while (channels.size < outliers) channels.add(Math.floor(pick.nextUnit() * cols));
    for (const c of channels) for (let r = 0; r < rows; r++) out[r * cols + c] *= factor;
  }
  return out;
}

/** The columns makeTensor scales up, for labelling charts. */
export function outlierChannelsOf(spec: TensorSpec): number[] {
  const outliers = Math.min(spec.cols, spec.outlierChannels ?? 0);
  const channels = new Set<number>();
  const pick = new Rng(spec.seed ^ 0x5bd1e995);
  while (channels.size < outliers) channels.add(Math.floor(pick.nextUnit() * spec.cols));
  return [...channels].sort((a, b) => a - b);
}
