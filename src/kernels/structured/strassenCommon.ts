// Strassen's algorithm on the GPU: per product, a "split" dispatch forms the operand sums
// (e.g. A11 + A22 and B11 + B22) of a parent pair, the register-blocked kernel multiplies them, and
// a "merge" dispatch combines seven products into the four blocks of their parent
// (numerics/strassen.ts has the formulas and the error bound). Two levels recurse once more.
// Every product has its own buffers, so each dispatch binds at most eight.
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { STRASSEN_COMBINE, STRASSEN_PRODUCTS } from '../../numerics/strassen';
import { int, oneOf, paramSchema } from '../params';
import type { Binding, BufferSpec, DeviceCaps, DispatchSpec } from '../types';
import { WG, denseProduct, grid } from './common';

export const STRASSEN_SHAPE = {
  M: int('M (rows of A and C)', 256, 1, 4096, { choices: [64, 128, 256, 512, 1024] }),
  N: int('N (columns of B and C)', 256, 1, 4096, { choices: [64, 128, 256, 512, 1024] }),
  K: int('K (inner dimension)', 256, 1, 4096, { choices: [64, 128, 256, 512, 1024] }),
};

export const strassenLevelsSchema = paramSchema({
  ...STRASSEN_SHAPE,
  levels: int('Levels of recursion (0 = the base kernel alone)', 1, 0, 2, { choices: [0, 1, 2] }),
});

export const ABFT_FIELDS = {
  fault: oneOf('Fault injected', 'bitflip', [
    ['none', 'None'],
    ['bitflip', 'Flip one bit of one element of one product'],
  ]),
  product: int('Product hit (1–7: M1…M7)', 3, 1, 7, { choices: [1, 2, 3, 4, 5, 6, 7] }),
  row: int('Row of the element (taken modulo the block height)', 5, 0, 8192),
  col: int('Column of the element (taken modulo the block width)', 7, 0, 8192),
  bit: int('Bit flipped (0–22 mantissa, 23–29 exponent, 31 sign; 30 is refused: it can make an infinity)', 26, 0, 31, {
    choices: [10, 20, 22, 24, 26, 28, 31],
  }),
};

/** A matrix held in one plan buffer: its (padded) rows and columns, its row stride in memory, and the rows and columns that hold data. */
export interface Held {
  buffer: string;
  rows: number;
  cols: number;
  stride: number;
  /** Rows/columns beyond these read as zero (the unpadded original). */
  realRows: number;
  realCols: number;
}

const sumExpr = (name: string, terms: [number, number][], at: (q: number) => string) =>
  terms.map(([q, sign], i) => `${i === 0 ? (sign < 0 ? '-' : '') : sign < 0 ? ' - ' : ' + '}${name}(${at(q)})`).join('');

/**
 * Forms product p's operands from a parent pair: S = Σ ± A-blocks (h_M×h_K), T = Σ ± B-blocks
 * (h_K×h_N). The parent blocks are the quadrants of the padded parent; entries outside the
 * parent's real rows/columns read as zero. S and T are written with the given row strides.
 */
export function splitWgsl(p: number, a: Held, b: Held, s: { cols: number }, t: { cols: number }, gridX: number): string {
  const hM = a.rows / 2;
  const hK = a.cols / 2;
  const hN = b.cols / 2;
  const items = Math.max(hM * hK, hK * hN);
  const prod = STRASSEN_PRODUCTS[p];
  const bindings = splitBindings(p);
  const quadrant = (q: number) => `${q >> 1}u, ${q & 1}u, i, j`;
  return /* wgsl */ `
// ${prod.label}: operand sums of one product
const HM = ${hM}u;
const HK = ${hK}u;
const HN = ${hN}u;
const A_STRIDE = ${a.stride}u;
const A_REAL_ROWS = ${a.realRows}u;
const A_REAL_COLS = ${a.realCols}u;
const B_STRIDE = ${b.stride}u;
const B_REAL_ROWS = ${b.realRows}u;
const B_REAL_COLS = ${b.realCols}u;
const S_STRIDE = ${s.cols}u;
const T_STRIDE = ${t.cols}u;
const GRID_X = ${gridX}u;

${declareBindings(bindings)}

// Entry (i, j) of quadrant (qi, qj) of the parent, zero outside its real rows and columns.
fn blockA(qi : u32, qj : u32, i : u32, j : u32) -> f32 {
  let r = qi * HM + i;
  let c = qj * HK + j;
  if (r >= A_REAL_ROWS || c >= A_REAL_COLS) {
    return 0.0;
  }
  return pa[r * A_STRIDE + c];
}

fn blockB(qi : u32, qj : u32, i : u32, j : u32) -> f32 {
  let r = qi * HK + i;
  let c = qj * HN + j;
  if (r >= B_REAL_ROWS || c >= B_REAL_COLS) {
    return 0.0;
  }
  return pb[r * B_STRIDE + c];
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= ${items}u) {
    return;
  }
  if (id < HM * HK) {
    let i = id / HK;
    let j = id % HK;
    sa[i * S_STRIDE + j] = ${sumExpr('blockA', prod.a, quadrant)};
  }
  if (id < HK * HN) {
    let i = id / HN;
    let j = id % HN;
    tb[i * T_STRIDE + j] = ${sumExpr('blockB', prod.b, quadrant)};
  }
}
`;
}

export function splitBindings(p: number): Binding[] {
  const prod = STRASSEN_PRODUCTS[p];
  return [
    readOnly('pa', 'array<f32>', 'the parent A'),
    readOnly('pb', 'array<f32>', 'the parent B'),
    readWrite('sa', 'array<f32>', `S of ${prod.label.split(' = ')[0]}`),
    readWrite('tb', 'array<f32>', `T of ${prod.label.split(' = ')[0]}`),
  ];
}

/**
 * Combines seven products (each hM×hN, row stride `stride`) into the four quadrants of their
 * parent C in the order of STRASSEN_COMBINE (C11 = ((M1 + M4) − M5) + M7, …), storing the parent's
 * real rows and columns only.
 */
export function mergeWgsl(
  hM: number,
  hN: number,
  stride: number,
  dest: { cols: number; realRows: number; realCols: number; offset: number },
  gridX: number,
): string {
  const bindings = mergeBindings();
  const term = ([q, sign]: [number, number], i: number) => `${i === 0 ? (sign < 0 ? '-' : '') : sign < 0 ? ' - ' : ' + '}m${q + 1}[e]`;
  const combine = (terms: [number, number][]) => {
    // Left to right, each partial sum rounded: the order the bound in numerics/strassen.ts assumes.
    let expr = term(terms[0], 0);
    for (let i = 1; i < terms.length; i++) expr = `(${expr}${term(terms[i], i)})`;
    return expr;
  };
  return /* wgsl */ `
// C11 = ((M1 + M4) − M5) + M7,  C12 = M3 + M5,  C21 = M2 + M4,  C22 = ((M1 − M2) + M3) + M6
const HM = ${hM}u;
const HN = ${hN}u;
const STRIDE = ${stride}u; // row stride of the products
const DEST_COLS = ${dest.cols}u;
const DEST_ROWS_REAL = ${dest.realRows}u;
const DEST_COLS_REAL = ${dest.realCols}u;
const DEST_OFFSET = ${dest.offset}u;
const GRID_X = ${gridX}u;

${declareBindings(bindings)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let id = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (id >= HM * HN) {
    return;
  }
  let i = id / HN;
  let j = id % HN;
  let e = i * STRIDE + j;
  let quadrants = array<f32, 4>(
    ${STRASSEN_COMBINE.map(combine).join(',\n    ')},
  );
  for (var q = 0u; q < 4u; q++) {
    let r = (q / 2u) * HM + i;
    let c = (q % 2u) * HN + j;
    if (r < DEST_ROWS_REAL && c < DEST_COLS_REAL) {
      dest[DEST_OFFSET + r * DEST_COLS + c] = quadrants[q];
    }
  }
}
`;
}

export function mergeBindings(): Binding[] {
  return [...Array.from({ length: 7 }, (_, q) => readOnly(`m${q + 1}`, 'array<f32>', `product M${q + 1}`)), readWrite('dest', 'array<f32>', 'the parent C')];
}

/** Names of the buffers of product `path` (e.g. "2" at level 1, "2_5" at level 2). */
export const bufferNames = (path: string) => ({ s: `s${path}`, t: `t${path}`, m: `m${path}` });

export interface StrassenPlanParts {
  buffers: BufferSpec[];
  dispatches: DispatchSpec[];
}

/**
 * The split → product → merge dispatches of `levels` levels of Strassen on padded sizes
 * MP×KP×NP, writing the real M×N of C into buffer 'c' (from offset 0). With `checksums`, each
 * leaf product's operands also get their checksum vectors (the fault-tolerant form); the hook
 * `afterProducts` adds dispatches between the products and the merge.
 */
export function strassenDispatches(
  dims: { M: number; N: number; K: number; MP: number; NP: number; KP: number },
  levels: number,
  caps: DeviceCaps,
  hooks: { checksums: boolean; afterProducts?: (paths: string[]) => DispatchSpec[] } = { checksums: false },
): StrassenPlanParts {
  const buffers: BufferSpec[] = [];
  const dispatches: DispatchSpec[] = [];
  const leaves: string[] = [];

  // Walk down: split each parent into its seven operand pairs.
  type Node = { path: string; a: Held; b: Held; level: number };
  const roots: Node[] = [
    {
      path: '',
      level: 0,
      a: { buffer: 'a', rows: dims.MP, cols: dims.KP, stride: dims.K, realRows: dims.M, realCols: dims.K },
      b: { buffer: 'b', rows: dims.KP, cols: dims.NP, stride: dims.N, realRows: dims.K, realCols: dims.N },
    },
  ];
  const split = (node: Node): Node[] => {
    const hM = node.a.rows / 2;
    const hK = node.a.cols / 2;
    const hN = node.b.cols / 2;
    const sRows = hM;
    const tCols = hN;
    return STRASSEN_PRODUCTS.map((_, p) => {
      const path = node.path ? `${node.path}_${p + 1}` : `${p + 1}`;
      const names = bufferNames(path);
      buffers.push({ name: names.s, bytes: 4 * sRows * hK, usage: 'storage' }, { name: names.t, bytes: 4 * hK * tCols, usage: 'storage' });
      const g = grid(Math.max(hM * hK, hK * hN), WG, caps);
      const bindings = splitBindings(p);
      dispatches.push({
        label: `split ${path}: ${STRASSEN_PRODUCTS[p].label.split(' = ')[1]}`,
        wgsl: splitWgsl(p, node.a, node.b, { cols: hK }, { cols: tCols }, g.gridX),
        bindings: bindings.map((bd, i) => ({ ...bd, buffer: [node.a.buffer, node.b.buffer, names.s, names.t][i] })),
        workgroups: g.workgroups,
      });
      return {
        path,
        level: node.level + 1,
        a: { buffer: names.s, rows: hM, cols: hK, stride: hK, realRows: hM, realCols: hK },
        b: { buffer: names.t, rows: hK, cols: hN, stride: tCols, realRows: hK, realCols: hN },
      };
    });
  };
  let frontier = roots;
  for (let level = 0; level < levels; level++) frontier = frontier.flatMap(split);

  // The leaves: one register-blocked product each (and, if asked, their checksum vectors first).
  for (const leaf of frontier) {
    const names = bufferNames(leaf.path);
    buffers.push({ name: names.m, bytes: 4 * leaf.a.rows * leaf.b.cols, usage: 'storage' });
    if (hooks.checksums) buffers.push({ name: `sums${leaf.path}`, bytes: 4 * 4 * leaf.a.cols, usage: 'storage' });
    leaves.push(leaf.path);
  }
  if (hooks.checksums) dispatches.push(...checksumDispatches(frontier, caps));
  for (const leaf of frontier) {
    const names = bufferNames(leaf.path);
    dispatches.push(denseProduct(`product ${leaf.path}`, { M: leaf.a.rows, K: leaf.a.cols, N: leaf.b.cols }, { a: names.s, b: names.t, c: names.m }));
  }
  if (hooks.afterProducts) dispatches.push(...hooks.afterProducts(leaves));

  // Walk up: merge each group of seven into its parent (the root's parent is C).
  let stride = dims.NP / 2 ** levels;
  for (let level = levels; level >= 1; level--) {
    const hM = dims.MP / 2 ** level;
    const hN = dims.NP / 2 ** level;
    const parents =
      level === 1
        ? ['']
        : [
            ...new Set(
              frontier.map((n) =>
                n.path
                  .split('_')
                  .slice(0, level - 1)
                  .join('_'),
              ),
            ),
          ];
    for (const parent of parents) {
      const children = Array.from({ length: 7 }, (_, q) => bufferNames(parent ? `${parent}_${q + 1}` : `${q + 1}`).m);
      const root = level === 1;
      const destName = root ? 'c' : bufferNames(parent).m;
      const dest = root ? { cols: dims.N, realRows: dims.M, realCols: dims.N, offset: 0 } : { cols: 2 * hN, realRows: 2 * hM, realCols: 2 * hN, offset: 0 };
      if (!root) buffers.push({ name: destName, bytes: 4 * 4 * hM * hN, usage: 'storage' });
      const g = grid(hM * hN, WG, caps);
      const bindings = mergeBindings();
      dispatches.push({
        label: `merge ${parent || 'C'}: four blocks from seven products`,
        wgsl: mergeWgsl(hM, hN, stride, dest, g.gridX),
        bindings: bindings.map((bd, i) => ({ ...bd, buffer: i < 7 ? children[i] : destName })),
        workgroups: g.workgroups,
      });
    }
    stride = 2 * hN;
  }
  return { buffers, dispatches };
}

// ---- checksums of the fault-tolerant form ----------------------------------------------------------

/**
 * For each leaf product S·T, per k: the column sum of S (eᵀS), the row sum of T (T·e), and the
 * absolute sums Σ_i|S_ik|, Σ_j|T_kj| that the tolerances need — into buffer sums<path> as
 * [eᵀS | T·e | Σ|S| | Σ|T|]. Computed from the operands, independently of the product.
 */
function checksumDispatches(leaves: { path: string; a: Held; b: Held }[], caps: DeviceCaps): DispatchSpec[] {
  return leaves.map((leaf) => {
    const names = bufferNames(leaf.path);
    const hM = leaf.a.rows;
    const hK = leaf.a.cols;
    const hN = leaf.b.cols;
    const g = grid(hK, WG, caps);
    const bindings = [
      readOnly('sa', 'array<f32>', 'S, hM×hK', names.s),
      readOnly('tb', 'array<f32>', 'T, hK×hN', names.t),
      readWrite('sums', 'array<f32>', 'per k: eᵀS, T·e, Σ_i|S_ik|, Σ_j|T_kj|', `sums${leaf.path}`),
    ];
    return {
      label: `checksums ${leaf.path}: column sums of S, row sums of T`,
      wgsl: /* wgsl */ `
const HM = ${hM}u;
const HK = ${hK}u;
const HN = ${hN}u;
const GRID_X = ${g.gridX}u;

${declareBindings(bindings)}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_id) lid : vec3u) {
  let k = (wid.x + wid.y * GRID_X) * ${WG}u + lid.x;
  if (k >= HK) {
    return;
  }
  var colSum = 0.0;
  var colAbs = 0.0;
  for (var i = 0u; i < HM; i++) {
    let v = sa[i * HK + k];
    colSum += v;
    colAbs += abs(v);
  }
  var rowSum = 0.0;
  var rowAbs = 0.0;
  for (var j = 0u; j < HN; j++) {
    let v = tb[k * HN + j];
    rowSum += v;
    rowAbs += abs(v);
  }
  sums[k] = colSum; // (eᵀS)_k
  sums[HK + k] = rowSum; // (T·e)_k
  sums[2u * HK + k] = colAbs;
  sums[3u * HK + k] = rowAbs;
}
`,
      bindings,
      workgroups: g.workgroups,
    };
  });
}
