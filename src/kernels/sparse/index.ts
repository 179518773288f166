import type { BenchCase, FamilyDef, Params } from '../types';
import { bsr } from './bsr';
import { csrBalanced } from './csrBalanced';
import { csrRow } from './csrRow';
import { csrVec4 } from './csrVec4';
import { dense } from './dense';
import { loadSparseComputeDense } from './loadSparseComputeDense';
import { moeGrouped } from './moeGrouped';
import { nm } from './nm';
import { spgemmHash } from './spgemmHash';
import { spmvSubgroup } from './spmvSubgroup';

export const sparseFamily: FamilyDef = {
  id: 'sparse',
  label: 'Sparse matrix multiplication',
  summary:
    'C = A·B with a sparse A, or both sparse: patterns, formats (CSR, BSR, N:M), where sparse kernels overtake dense, mixture-of-experts layouts and SpGEMM merges.',
  variants: [csrRow, csrVec4, csrBalanced, bsr, nm, loadSparseComputeDense, dense, spmvSubgroup, moeGrouped, spgemmHash],
  benchSuite() {
    return sparseBenchSuite();
  },
};

/**
 * Each sparse kernel against dense at 50, 25, 10, 5 and 1% density (and 100, 75%) on one shape (512×64×512:
 * a weight matrix times 64 activations), dense first in each group so a reader compares
 * neighbouring rows; then N:M against CSR and dense, BSR with and without reordering, a
 * skinny, decode-shaped product (N = 8) where reading A dominates, and last the mixture-of-experts
 * layouts and the SpGEMM merges, each problem's strategies in neighbouring rows.
 */
export function sparseBenchSuite(): BenchCase[] {
  const shape = { M: 512, N: 64, K: 512 };
  const cases: BenchCase[] = [];
  const add = (variant: string, params: Params, label: string, at: Params = shape) =>
    cases.push({ label, experiment: { family: 'sparse', variant, params: { ...at, block: 8, ...params }, seed: 1, reps: 5 } });
  // 100% and 75% are extra points so the crossover shows even when sparse already wins at 50%.
  for (const density of [100, 75, 50, 25, 10, 5, 1]) {
    const required = density <= 50;
    // Two dense baselines: vec4 rows (the vec4 CSR kernel's twin) and the register-blocked
    // micro-kernel over every 16×16 block (the BSR kernel's twin); the faster is the baseline.
    add('dense', { density, pattern: 'random', kernel: 'rows4', wg: 4, rows: 4 }, `dense vec4 ${density}%`);
    add('dense', { density, pattern: 'random', kernel: 'blocked', bsr: 16, tn: 16 }, `dense blocked ${density}%`);
    add('csr-vec4', { density, pattern: 'random', wg: 4, rows: 4 }, `csr-vec4 ${density}%`);
    add('csr-row', { density, pattern: 'random', wg: 64 }, `csr-row ${density}%`);
    add('csr-balanced', { density, pattern: 'random', wg: 64, piece: 128 }, `csr-bal ${density}%`);
    add('bsr', { density, pattern: 'block', bsr: 8, tn: 16, reorder: false }, `bsr8 block ${density}%`);
    if (!required) continue;
    add('csr-row', { density, pattern: 'skewed', wg: 64 }, `csr-row skew ${density}%`);
    add('csr-vec4', { density, pattern: 'skewed', wg: 4, rows: 4 }, `csr-vec4 skew ${density}%`);
    add('csr-balanced', { density, pattern: 'skewed', wg: 64, piece: 128 }, `csr-bal skew ${density}%`);
    add('bsr', { density, pattern: 'random', bsr: 8, tn: 16, reorder: false }, `bsr8 random ${density}%`);
  }
  // N:M: the same products as CSR on the same pattern, fewer bytes for A.
  for (const pattern of ['nm24', 'nm14']) {
    add('nm', { density: 50, pattern, wg: 64 }, `nm ${pattern}`);
    add('csr-row', { density: 50, pattern, wg: 64 }, `csr-row ${pattern}`);
  }
  // Reordering (SMaT idea): block-sparse with shuffled rows/columns, BSR before and after.
  for (const reorder of [false, true]) {
    add('bsr', { density: 10, pattern: 'block-shuffled', bsr: 8, tn: 16, reorder }, `bsr8 shuffled 10% ${reorder ? 'reordered' : 'as is'}`);
  }
  // Skinny (decode-shaped) products: 1024×8×1024, where reading A matters most. Dense skinny vs
  // load-as-sparse-compute-as-dense, CSR and N:M (8 invocations per row, 8 rows per workgroup),
  // at 2:4 (50%) and at 10% / 1% unstructured.
  const skinny = { M: 1024, N: 8, K: 1024 };
  const tiles = { tm: 64, tk: 32 };
  const rows8 = { wg: 8, rows: 8 };
  add('dense', { density: 50, pattern: 'nm24', kernel: 'skinny', ...tiles }, 'N=8 dense skinny', skinny);
  add('dense', { density: 50, pattern: 'nm24', kernel: 'rows', ...rows8 }, 'N=8 dense rows', skinny);
  add('sparse-to-dense', { density: 50, pattern: 'nm24', ...tiles }, 'N=8 s2d 2:4', skinny);
  add('nm', { density: 50, pattern: 'nm24', ...rows8 }, 'N=8 nm 2:4', skinny);
  add('csr-row', { density: 50, pattern: 'nm24', ...rows8 }, 'N=8 csr 2:4', skinny);
  for (const density of [10, 1]) {
    add('sparse-to-dense', { density, pattern: 'random', ...tiles }, `N=8 s2d ${density}%`, skinny);
    add('csr-row', { density, pattern: 'random', ...rows8 }, `N=8 csr ${density}%`, skinny);
  }
  // Matrix-vector (N = 1): one invocation per row for CSR and N:M, a subgroup per row for SpMV.
  const gemv = { M: 1024, N: 1, K: 1024 };
  const rowEach = { wg: 1, rows: 64 };
  add('dense', { density: 50, pattern: 'nm24', kernel: 'rows', ...rowEach }, 'N=1 dense gemv', gemv);
  add('nm', { density: 50, pattern: 'nm24', ...rowEach }, 'N=1 nm 2:4', gemv);
  add('csr-row', { density: 50, pattern: 'nm24', ...rowEach }, 'N=1 csr 2:4', gemv);
  for (const density of [10, 1]) {
    add('csr-row', { density, pattern: 'random', ...rowEach }, `N=1 csr ${density}%`, gemv);
    add('spmv-subgroup', { density, pattern: 'random', wg: 64, workgroups: 64 }, `N=1 spmv subgroup ${density}%`, { M: 1024, K: 1024 });
  }
  cases.push(...moeBenchCases(), ...spgemmBenchCases());
  return cases;
}

/**
 * Mixture of experts (MegaBlocks): 512 tokens, D = F = 128, 8 experts, routed uniformly (skew 0,
 * still uneven by chance), mildly (20%) and strongly (50%) skewed; each routing under the three
 * layouts, block-sparse first, so the padded and per-expert rows read as ratios to it.
 */
function moeBenchCases(): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const skew of [0, 20, 50]) {
    for (const strategy of ['block-sparse', 'padded', 'per-expert']) {
      cases.push({
        label: `moe skew ${skew}% ${strategy}`,
        experiment: {
          family: 'sparse',
          variant: 'moe-grouped',
          params: { tokens: 512, hidden: 128, ffn: 128, experts: 8, skew, strategy, tile: 16, tn: 16 },
          seed: 1,
          reps: 5,
        },
      });
    }
  }
  return cases;
}

/**
 * SpGEMM (SMASH): 256×256×256, A and B uniformly random at 4%, and a skewed A (Zipf row lengths,
 * 8%) whose longest rows exceed a 128-slot table and take the fallback; each under the hash
 * merge, the sort-based merge and the dense product.
 */
function spgemmBenchCases(): BenchCase[] {
  const cases: BenchCase[] = [];
  const problems = [
    { name: 'random 4%', pattern: 'random', density: 4, table: 256 },
    { name: 'skewed A 8%, 128-slot table', pattern: 'skewed', density: 8, table: 128 },
  ];
  for (const p of problems) {
    for (const strategy of ['hash', 'sort', 'dense']) {
      cases.push({
        label: `spgemm ${p.name} ${strategy}`,
        experiment: {
          family: 'sparse',
          variant: 'spgemm-hash',
          params: { M: 256, N: 256, K: 256, pattern: p.pattern, density: p.density, block: 8, densityB: 4, strategy, table: p.table, wg: 32 },
          seed: 1,
          reps: 5,
        },
      });
    }
  }
  return cases;
}
