import type { FamilyDef } from '../types';
import { naive } from './naive';
import { tiled } from './tiled';

export const matmulFamily: FamilyDef = {
  id: 'matmul',
  label: 'Matrix multiplication',
  summary: 'C = A·B in float32: how tiling and data reuse change speed, checked against float64.',
  variants: [naive, tiled],
};
