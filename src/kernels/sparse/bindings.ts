// The buffers the sparse kernels bind, declared once (src/gpu/bindings.ts): A in CSR or stored
// densely, then B and C, moved as f32 or as vec4f (four adjacent columns). Each shader's WGSL
// declarations are generated from these lists and each dispatch binds by the same list.
import { readOnly, readWrite } from '../../gpu/bindings';
import type { Binding } from '../types';

export type Element = 'f32' | 'vec4f';

/** A in CSR, as every CSR kernel binds it. */
export const CSR_A_BINDINGS: Binding[] = [
  readOnly('rowPtr', 'array<u32>', 'row r holds non-zeros rowPtr[r] … rowPtr[r + 1] − 1'),
  readOnly('colIdx', 'array<u32>', 'column of each non-zero'),
  readOnly('values', 'array<f32>', 'value of each non-zero'),
];

/** B (K×N) and C (M×N), row-major, as f32 or as vec4f. */
export function productBindings(element: Element): Binding[] {
  const layout = element === 'f32' ? 'row-major' : 'row-major, four columns per vec4';
  return [readOnly('b', `array<${element}>`, `B, K×N, ${layout}`), readWrite('c', `array<${element}>`, `C = A·B, M×N, ${layout}`)];
}

/** CSR A, B and C. */
export function csrProductBindings(element: Element): Binding[] {
  return [...CSR_A_BINDINGS, ...productBindings(element)];
}

/** A stored densely, its zeros included (the dense baseline's kernels). */
export const DENSE_A_BINDING = readOnly('a', 'array<f32>', 'A with its zeros, M×K, row-major');

/** Dense A, B and C. */
export function denseProductBindings(element: Element): Binding[] {
  return [DENSE_A_BINDING, ...productBindings(element)];
}
