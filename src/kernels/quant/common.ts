// What the quantization variants share: the tensor fields of their schemas and seeded inputs.
import { DISTRIBUTIONS, makeTensor, type Distribution } from '../../numerics/quantInputs';
import { deriveSeed } from '../../numerics/prng';
import { int, oneOf } from '../params';

/** The distribution field (the label says which tensor it draws). */
export function distributionField(label = 'Value distribution') {
  return oneOf<Distribution>(
    label,
    'gaussian',
    DISTRIBUTIONS.map((d): [Distribution, string] => [d.value, d.label]),
  );
}

export const OUTLIER_FIELDS = {
  outliers: int('Outlier channels (columns scaled up)', 0, 0, 64, { choices: [0, 1, 2, 4, 8] }),
  outlierScale: int('Outlier channel scale factor', 20, 1, 1000, { choices: [5, 20, 100] }),
};

/** How a seeded tensor is drawn. */
export interface TensorSpec {
  dist: Distribution;
  outliers: number;
  outlierScale: number;
}

export function seededTensor(spec: TensorSpec, seed: number, rows: number, cols: number, stream = 0): Float32Array {
  return makeTensor({ rows, cols, distribution: spec.dist, seed: deriveSeed(seed, stream), outlierChannels: spec.outliers, outlierScale: spec.outlierScale });
}

/** A 1-D dispatch of `count` invocations in workgroups of 64, folded into 2-D past the axis limit. */
export function dispatch1d(count: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(count / 64));
  if (groups <= maxPerDim) return [groups, 1];
  return [maxPerDim, Math.ceil(groups / maxPerDim)];
}

/** Float32 bit patterns of a Float32Array (same bytes, read as u32). */
export function bitsOf(data: Float32Array): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, data.length);
}
