// Strassen's algorithm: the seven products, a float32 CPU emulation of ℓ levels (for the error by
// level), the normwise error bound derived below, and the checksum (ABFT) tolerances of the
// fault-tolerant form.
//
// One level splits A (M×K) and B (K×N) into 2×2 blocks (sizes padded to even) and forms
//   M1 = (A11 + A22)(B11 + B22)   M2 = (A21 + A22)B11   M3 = A11(B12 − B22)   M4 = A22(B21 − B11)
//   M5 = (A11 + A12)B22           M6 = (A21 − A11)(B11 + B12)                 M7 = (A12 − A22)(B21 + B22)
//   C11 = ((M1 + M4) − M5) + M7   C12 = M3 + M5   C21 = M2 + M4   C22 = ((M1 − M2) + M3) + M6
// (Strassen 1969): 7 block products instead of 8, 18 block additions.
//
// Error bound (max norm ‖X‖ = max|x_ij|, first order in u = 2⁻²⁴, after Higham, "Accuracy and
// Stability of Numerical Algorithms", §23.2.2, derived here for this order of additions). Let
// f_ℓ(K)·u·‖A‖‖B‖ bound the error of ℓ levels on inner dimension K, with h = K/2:
//  - an operand sum (A11 + A22) has entries ≤ 2‖A‖ and rounding ≤ u·2‖A‖;
//  - M1 (two sums): sub-product error f_{ℓ−1}(h)·u·(2‖A‖)(2‖B‖), plus the rounded operands'
//    effect h·(2u‖A‖)(2‖B‖) + h·(2‖A‖)(2u‖B‖): (4f + 8h)·u‖A‖‖B‖; M6, M7 the same;
//    M2…M5 (one sum): (2f + 2h)·u‖A‖‖B‖;
//  - C11's three additions round partial sums of size ≤ 6h, 8h and |C11| ≤ 2h (times ‖A‖‖B‖):
//    16h·u‖A‖‖B‖. C11 total: (4f+8h) + (2f+2h) + (2f+2h) + (4f+8h) + 16h = 12f + 36h; C22 the same;
//    C12, C21 less (4f + 6h).
// So f_ℓ(K) = 12·f_{ℓ−1}(K/2) + 18·K, with f_0(K) = K·γ_K/u for the conventional base product
// (|error| ≤ γ_K·Σ|a·b| ≤ γ_K·K·‖A‖‖B‖). One level: ≈ 3K² + 18K; two: ≈ 9K² + 126K — against K²
// for the conventional product: each level triples the worst case.

const U = 2 ** -24;

export function gamma32(k: number): number {
  const nu = k * U;
  return nu < 1 ? nu / (1 - nu) : Infinity;
}

/** f_ℓ(K) of the comment above: ‖Ĉ − C‖_max ≤ f_ℓ(K)·u·‖A‖_max·‖B‖_max (K padded to a multiple of 2^ℓ). */
export function strassenBoundFactor(K: number, levels: number): number {
  if (levels === 0) return (K * gamma32(K)) / U;
  return 12 * strassenBoundFactor(K / 2, levels - 1) + 18 * K;
}

/** Size padded to a multiple of 2^levels (zero padding: the padded rows and columns are exact). */
export function paddedSize(n: number, levels: number): number {
  const q = 2 ** levels;
  return Math.ceil(n / q) * q;
}

/** Which blocks of A and B (index 0 = X11, 1 = X12, 2 = X21, 3 = X22) each product combines, with signs. */
export const STRASSEN_PRODUCTS: { a: [number, number][]; b: [number, number][]; label: string }[] = [
  {
    a: [
      [0, 1],
      [3, 1],
    ],
    b: [
      [0, 1],
      [3, 1],
    ],
    label: 'M1 = (A11 + A22)(B11 + B22)',
  },
  {
    a: [
      [2, 1],
      [3, 1],
    ],
    b: [[0, 1]],
    label: 'M2 = (A21 + A22)·B11',
  },
  {
    a: [[0, 1]],
    b: [
      [1, 1],
      [3, -1],
    ],
    label: 'M3 = A11·(B12 − B22)',
  },
  {
    a: [[3, 1]],
    b: [
      [2, 1],
      [0, -1],
    ],
    label: 'M4 = A22·(B21 − B11)',
  },
  {
    a: [
      [0, 1],
      [1, 1],
    ],
    b: [[3, 1]],
    label: 'M5 = (A11 + A12)·B22',
  },
  {
    a: [
      [2, 1],
      [0, -1],
    ],
    b: [
      [0, 1],
      [1, 1],
    ],
    label: 'M6 = (A21 − A11)(B11 + B12)',
  },
  {
    a: [
      [1, 1],
      [3, -1],
    ],
    b: [
      [2, 1],
      [3, 1],
    ],
    label: 'M7 = (A12 − A22)(B21 + B22)',
  },
];

/** Each block of C as a signed sum of products, in the order the additions are done (0-based). */
export const STRASSEN_COMBINE: [number, number][][] = [
  [
    [0, 1],
    [3, 1],
    [4, -1],
    [6, 1],
  ], // C11 = ((M1 + M4) − M5) + M7
  [
    [2, 1],
    [4, 1],
  ], // C12 = M3 + M5
  [
    [1, 1],
    [3, 1],
  ], // C21 = M2 + M4
  [
    [0, 1],
    [1, -1],
    [2, 1],
    [5, 1],
  ], // C22 = ((M1 − M2) + M3) + M6
];

/** Which C blocks (0 = C11, 1 = C12, 2 = C21, 3 = C22) product p feeds. */
export function blocksFedBy(product: number): number[] {
  return STRASSEN_COMBINE.flatMap((terms, block) => (terms.some(([p]) => p === product) ? [block] : []));
}

const fr = Math.fround;

function block(x: Float32Array, rows: number, cols: number, bi: number, bj: number): Float32Array {
  const h = rows / 2;
  const w = cols / 2;
  const out = new Float32Array(h * w);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[i * w + j] = x[(bi * h + i) * cols + bj * w + j];
  return out;
}

function combine(parts: Float32Array[], terms: [number, number][]): Float32Array {
  const out = new Float32Array(parts[0].length);
  for (let e = 0; e < out.length; e++) {
    let acc = terms[0][1] * parts[terms[0][0]][e];
    for (let t = 1; t < terms.length; t++) acc = fr(acc + terms[t][1] * parts[terms[t][0]][e]);
    out[e] = acc;
  }
  return out;
}

function conventional32(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = fr(acc + fr(a[i * k + p] * b[p * n + j]));
      c[i * n + j] = acc;
    }
  }
  return c;
}

/** ℓ levels of Strassen in float32 arithmetic on the CPU (A: m×k, B: k×n, each a multiple of 2^ℓ). */
export function strassen32(a: Float32Array, b: Float32Array, m: number, k: number, n: number, levels: number): Float32Array {
  if (levels === 0) return conventional32(a, b, m, k, n);
  const A = [0, 1, 2, 3].map((q) => block(a, m, k, q >> 1, q & 1));
  const B = [0, 1, 2, 3].map((q) => block(b, k, n, q >> 1, q & 1));
  const products = STRASSEN_PRODUCTS.map((p) => strassen32(combine(A, p.a), combine(B, p.b), m / 2, k / 2, n / 2, levels - 1));
  const C = STRASSEN_COMBINE.map((terms) => combine(products, terms));
  const out = new Float32Array(m * n);
  const h = m / 2;
  const w = n / 2;
  for (let q = 0; q < 4; q++) {
    const bi = q >> 1;
    const bj = q & 1;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[(bi * h + i) * n + bj * w + j] = C[q][i * w + j];
  }
  return out;
}

/** Zero-pads a rows×cols matrix to rowsP×colsP. */
export function pad32(x: ArrayLike<number>, rows: number, cols: number, rowsP: number, colsP: number): Float32Array {
  const out = new Float32Array(rowsP * colsP);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * colsP + j] = x[i * cols + j];
  return out;
}

/** The top-left rows×cols of a rowsP×colsP matrix. */
export function crop(x: ArrayLike<number>, rowsP: number, colsP: number, rows: number, cols: number): Float32Array {
  void rowsP;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[i * colsP + j];
  return out;
}

// ---- fault tolerance: checksum (ABFT) tolerances ---------------------------------------------------

/**
 * Tolerance of the row check of one checksum-augmented product M = S·T (S: r×k, T: k×c).
 * The kernel appends e = Σ_j T_kj as an extra column of T and Σ_i S_ik as an extra row of S, so
 * M's extra column holds Σ_k S_ik·(Σ_j T_kj), which equals the row sum Σ_j M_ij exactly. In float32,
 *   |computed checksum − exact| ≤ (γ_k + γ_c)·Σ_k |S_ik|·Σ_j |T_kj|   (T's row sum, then a dot product)
 *   |computed row sum  − exact| ≤ (γ_c + γ_k)·Σ_k |S_ik|·Σ_j |T_kj|   (γ_k on each M_ij, then c terms)
 * so a clean product's difference stays within τ_i = 2(γ_k + γ_c)·(|S|·|T|·e)_i (times 1.01 for the
 * second-order terms): anything larger is a fault. Columns: the same with r for c.
 */
export function checksumTolerance(k: number, sums: number): number {
  return 2 * (gamma32(k) + gamma32(sums)) * 1.01;
}

/** Flips one bit of a float32 value (bit 0 = lowest mantissa bit, 31 = sign). */
export function flipBit32(x: number, bit: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] ^= (1 << bit) >>> 0;
  return f[0];
}
