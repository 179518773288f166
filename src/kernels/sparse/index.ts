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

/** Each sparse kernel against dense at 50, 25, 10, 5 and 1% density on one shape. */
export function sparseBenchSuite(): BenchCase[] {
  const shape = { M: 1024, N: 64, K: 1024 };
  const cases: BenchCase[] = [];
  const add = (variant: string, params: Params, label: string) =>
    cases.push({ label, experiment: { family: 'sparse', variant, params: { ...shape, block: 8, ...params }, seed: 1, reps: 3 } });
  for (const density of [50, 25, 10, 5, 1]) {
    add('dense', { density, pattern: 'random', kernel: 'blocked', bsr: 8, tn: 64 }, `dense blocked ${density}%`);
    add('csr-row', { density, pattern: 'random', wg: 64 }, `csr-row ${density}%`);
    add('csr-balanced', { density, pattern: 'random', wg: 64, piece: 128 }, `csr-bal ${density}%`);
    add('csr-row', { density, pattern: 'skewed', wg: 64 }, `csr-row skew ${density}%`);
    add('csr-balanced', { density, pattern: 'skewed', wg: 64, piece: 128 }, `csr-bal skew ${density}%`);
    add('bsr', { density, pattern: 'block', bsr: 8, tn: 64, reorder: false }, `bsr8 block ${density}%`);
    add('dense', { density, pattern: 'block', kernel: 'blocked', bsr: 8, tn: 64 }, `dense block ${density}%`);
  }
  for (const pattern of ['nm24', 'nm14']) {
    add('nm', { density: 50, pattern, wg: 64 }, `nm ${pattern}`);
    add('csr-row', { density: 50, pattern, wg: 64 }, `csr-row ${pattern}`);
  }
  return cases;
}
