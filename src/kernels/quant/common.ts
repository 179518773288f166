// What the quantization variants share: the tensor parameters and seeded inputs.
import { DISTRIBUTIONS, makeTensor, type Distribution } from '../../numerics/quantInputs';
import { deriveSeed } from '../../numerics/prng';
import { intParam } from '../schema';
import type { ParamDef, Params } from '../types';

export const DISTRIBUTION_PARAM: ParamDef = {
  key: 'dist',
  label: 'Value distribution',
  kind: 'enum',
  default: 'gaussian',
  options: DISTRIBUTIONS.map((d) => ({ value: d.value, label: d.label })),
};

export const OUTLIER_PARAMS: ParamDef[] = [
  { key: 'outliers', label: 'Outlier channels (columns scaled up)', kind: 'int', default: 0, min: 0, max: 64, choices: [0, 1, 2, 4, 8] },
  { key: 'outlierScale', label: 'Outlier channel scale factor', kind: 'int', default: 20, min: 1, max: 1000, choices: [5, 20, 100] },
];

export function tensorFromParams(params: Params, seed: number, rows: number, cols: number, stream = 0): Float32Array {
  return makeTensor({
    rows,
    cols,
    distribution: String(params.dist ?? 'gaussian') as Distribution,
    seed: deriveSeed(seed, stream),
    outlierChannels: typeof params.outliers === 'number' ? params.outliers : 0,
    outlierScale: typeof params.outlierScale === 'number' ? params.outlierScale : 20,
  });
}

export function boolParam(params: Params, key: string): boolean {
  return params[key] === true;
}

export function strParam(params: Params, key: string): string {
  return String(params[key]);
}

export { intParam };

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
