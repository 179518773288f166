import type { BenchCase, FamilyDef, Params } from '../types';
import { bsr } from './bsr';
import { csrBalanced } from './csrBalanced';
import { csrRow } from './csrRow';
import { dense } from './dense';
import { nm } from './nm';
import { spmvSubgroup } from './spmvSubgroup';

export const sparseFamily: FamilyDef = {
  id: 'sparse',
  label: 'Sparse matrix multiplication',
  summary: 'C = A·B with a sparse A: patterns, formats (CSR, BSR, N:M) and where sparse kernels overtake dense.',
  variants: [csrRow, csrBalanced, bsr, nm, dense, spmvSubgroup],
  benchSuite() {
    return sparseBenchSuite();
  },
};

/**
 * Each sparse kernel against dense at 50, 25, 10, 5 and 1% density on one shape (1024×64×1024:
 * a weight matrix times 64 activations), dense first in each group so a reader compares
 * neighbouring rows; then N:M against CSR and dense, and BSR with and without reordering.
 */
export function sparseBenchSuite(): BenchCase[] {
  const shape = { M: 1024, N: 64, K: 1024 };
  const cases: BenchCase[] = [];
  const add = (variant: string, params: Params, label: string) =>
    cases.push({ label, experiment: { family: 'sparse', variant, params: { ...shape, block: 8, ...params }, seed: 1, reps: 5 } });
  for (const density of [50, 25, 10, 5, 1]) {
    add('dense', { density, pattern: 'random', kernel: 'blocked', bsr: 8, tn: 64 }, `dense ${density}%`);
    add('csr-row', { density, pattern: 'random', wg: 64 }, `csr-row ${density}%`);
    add('csr-balanced', { density, pattern: 'random', wg: 64, piece: 128 }, `csr-bal ${density}%`);
    add('csr-row', { density, pattern: 'skewed', wg: 64 }, `csr-row skew ${density}%`);
    add('csr-balanced', { density, pattern: 'skewed', wg: 64, piece: 128 }, `csr-bal skew ${density}%`);
    add('bsr', { density, pattern: 'block', bsr: 8, tn: 64, reorder: false }, `bsr8 block ${density}%`);
    add('bsr', { density, pattern: 'random', bsr: 8, tn: 64, reorder: false }, `bsr8 random ${density}%`);
  }
  // N:M: the same products as CSR on the same pattern, fewer bytes for A.
  for (const pattern of ['nm24', 'nm14']) {
    add('nm', { density: 50, pattern, wg: 64 }, `nm ${pattern}`);
    add('csr-row', { density: 50, pattern, wg: 64 }, `csr-row ${pattern}`);
  }
  // Reordering (SMaT idea): block-sparse with shuffled rows/columns, BSR before and after.
  for (const reorder of [false, true]) {
    add('bsr', { density: 10, pattern: 'block-shuffled', bsr: 8, tn: 64, reorder }, `bsr8 shuffled 10% ${reorder ? 'reordered' : 'as is'}`);
  }
  return cases;
}
