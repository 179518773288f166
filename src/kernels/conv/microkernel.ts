// A register-blocked GEMM micro-kernel whose A operand is addressed by the convolution method
// instead of as a row-major matrix: rows are output pixels, columns output channels. The tile
// geometry is the matmul lab's register-blocked kernel's (regblock.ts): a workgroup owns BM×BN of
// the output; invocation (tx, ty) accumulates rows ty + i·WY (i < TM) and columns tx + (4g+e)·WX
// (g < TN/4, e < 4) in vec4 registers; edge rows and columns are clamped for reads and skipped
// for stores. What changes per method is only where A(m, k) comes from:
//   indirect: x[ptr[m][tap] + c] (a pointer per pixel and tap into the input, or a zero row);
//   Im2win:   win[window(m) + offset(k)] (a window-ordered copy of the input rows).
import { declareBindings } from '../../gpu/bindings';
import type { Binding } from '../types';
import { tileWorkgroup, type GemmTile } from './gemm';

export interface MicroKernelSpec {
  title: string;
  /** WGSL constants of the problem. */
  constants: string;
  bindings: Binding[];
  /** GEMM rows (output pixels of the batch) and columns (output channels). */
  M: number;
  N: number;
  tile: GemmTile;
  /** Lines run once per row i, with m${i} the (clamped) output pixel of that row. */
  rowSetup(i: number): string[];
  /** The reduction loops, outermost first: `shared` lines run once, `perRow` lines once per row. */
  loops: { head: string; shared?: string[]; perRow?(i: number): string[] }[];
  /** A(m_i, k) at the innermost level. */
  aValue(i: number): string;
  /** The filter index of B(k, n) for the (clamped) column expression `col`. */
  bIndex(col: string): string;
  /** The store of row i (unclamped row${i}, in range), column `col`. */
  store(i: number, col: string, value: string): string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function microKernelWgsl(k: MicroKernelSpec): string {
  const { BM, BN, TM, TN } = k.tile;
  const [WX, WY] = tileWorkgroup(k.tile);
  const G = TN / 4;
  const rows = range(TM);
  const groups = range(G);
  const lines: string[] = [];
  const emit = (indent: number, s: string) => lines.push(' '.repeat(indent) + s);
  emit(0, `// ${k.title}: register-blocked, tile ${BM}×${BN}, micro-tile ${TM}×${TN}`);
  lines.push(k.constants);
  emit(0, `const M = ${k.M}u; // GEMM rows: output pixels`);
  emit(0, `const N = ${k.N}u; // GEMM columns: output channels`);
  emit(0, `const BM = ${BM}u;`);
  emit(0, `const BN = ${BN}u;`);
  emit(0, `const WX = ${WX}u; // invocations along x (columns)`);
  emit(0, `const WY = ${WY}u; // invocations along y (rows)`);
  emit(0, '');
  lines.push(declareBindings(k.bindings));
  emit(0, '');
  emit(0, `@compute @workgroup_size(${WX}, ${WY})`);
  emit(0, `fn main(@builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {`);
  emit(2, `let tileRow = wid.y * BM;`);
  emit(2, `let tileCol = wid.x * BN;`);
  for (const i of rows) {
    emit(2, `let row${i} = tileRow + lid.y + ${i * WY}u;`);
    emit(2, `let m${i} = min(row${i}, M - 1u); // edge rows read a valid pixel; their result is not stored`);
    for (const line of k.rowSetup(i)) emit(2, line);
  }
  for (const g of groups) {
    for (const e of range(4)) {
      emit(2, `let col${g}_${e} = tileCol + ${(4 * g + e) * WX}u + lid.x;`);
      emit(2, `let n${g}_${e} = min(col${g}_${e}, N - 1u);`);
    }
  }
  for (const i of rows) for (const g of groups) emit(2, `var acc${i}_${g} = vec4<f32>(0.0);`);
  let indent = 2;
  for (const loop of k.loops) {
    emit(indent, `${loop.head} {`);
    indent += 2;
    for (const s of loop.shared ?? []) emit(indent, s);
    if (loop.perRow) for (const i of rows) for (const s of loop.perRow(i)) emit(indent, s);
  }
  for (const i of rows) emit(indent, `let a${i} = ${k.aValue(i)};`);
  for (const g of groups)
    emit(
      indent,
      `let b${g} = vec4<f32>(${range(4)
        .map((e) => `w[${k.bIndex(`n${g}_${e}`)}]`)
        .join(', ')});`,
    );
  for (const i of rows) for (const g of groups) emit(indent, `acc${i}_${g} = fma(vec4<f32>(a${i}), b${g}, acc${i}_${g});`);
  for (const _ of k.loops) {
    void _;
    indent -= 2;
    emit(indent, `}`);
  }
  for (const i of rows) {
    for (const g of groups) {
      for (const e of range(4)) emit(2, `if (row${i} < M && col${g}_${e} < N) { ${k.store(i, `col${g}_${e}`, `acc${i}_${g}.${'xyzw'[e]}`)} }`);
    }
  }
  emit(0, `}`);
  return `${lines.join('\n')}\n`;
}
