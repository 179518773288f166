// Small kernels the matrix-function iterations share (the products themselves run on the
// register-blocked kernel): a Gram product X·Xᵀ, and elementwise updates written as one WGSL
// expression over named buffers. Every iteration's result is also copied into the output, so the
// per-iteration error against float64 can be shown.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { roundF16 } from '../../numerics/f16';
import { roundBf16 } from '../../numerics/matfun';
import { oneOf } from '../params';
import type { Binding, DeviceCaps, DispatchSpec } from '../types';
import { WG, grid } from './common';

export type InputPrecision = 'f32' | 'f16' | 'bf16';

export const PRECISION = oneOf('Input precision (emulated: values rounded, then stored as f32)', 'f32', [
  ['f32', 'float32'],
  ['f16', 'float16-rounded input'],
  ['bf16', 'bfloat16-rounded input'],
]);

export function roundTo(precision: InputPrecision, x: number): number {
  return precision === 'f16' ? roundF16(x) : precision === 'bf16' ? roundBf16(x) : Math.fround(x);
}

/** A = X·Xᵀ for X m×n (each entry a dot product of two rows: length n). */
export function gramDispatch(m: number, n: number, x: string, out: string, caps: DeviceCaps): DispatchSpec {
  const bindings = [readOnly('x', 'array<f32>', `X, ${m}×${n}`, x), readWrite('g', 'array<f32>', `X·Xᵀ, ${m}×${m}`, out)];
  const g = grid(m * m, WG, caps);
  return {
    label: `A = X·Xᵀ (${m}×${m}, dots of ${n})`,
    wgsl: /* wgsl */ `
const M = ${m}u;
const N = ${n}u;
const GRID_X = ${g.gridX}u;

${declareBindings(bindings)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= M * M) {
    return;
  }
  let i = id / M;
  let j = id % M;
  var acc = 0.0;
  for (var k = 0u; k < N; k++) {
    acc = fma(x[i * N + k], x[j * N + k], acc);
  }
  g[id] = acc;
}
`,
    bindings,
    workgroups: g.workgroups,
  };
}

/**
 * An elementwise update over `count` entries: `assignments` are WGSL statements using `e` (the
 * entry) and `diag` (true on the diagonal of an n×n matrix). Buffers are bound in the order given.
 */
export function elementwiseDispatch(
  label: string,
  count: number,
  cols: number,
  buffers: { name: string; buffer: string; write: boolean; note: string }[],
  assignments: string[],
  caps: DeviceCaps,
  consts: Record<string, number> = {},
): DispatchSpec {
  const bindings: Binding[] = buffers.map((b) =>
    b.write ? readWrite(b.name, 'array<f32>', b.note, b.buffer) : readOnly(b.name, 'array<f32>', b.note, b.buffer),
  );
  const g = grid(count, WG, caps);
  const constLines = Object.entries(consts).map(([k, v]) => `const ${k} = ${Number.isInteger(v) ? `${v}.0` : v};`);
  return {
    label,
    wgsl: /* wgsl */ `
const COUNT = ${count}u;
const COLS = ${cols}u;
const GRID_X = ${g.gridX}u;
${constLines.join('\n')}

${declareBindings(bindings)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let e = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (e >= COUNT) {
    return;
  }
  let diag = (e / COLS) == (e % COLS);
  ${assignments.join('\n  ')}
}
`,
    bindings,
    workgroups: g.workgroups,
  };
}
