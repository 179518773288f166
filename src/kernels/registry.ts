// Every kernel family and variant the app knows. A new variant is one file in its family's
// folder plus one line in that family's index.ts.
import { matmulFamily } from './matmul';
import { quantFamily } from './quant';
import { sparseFamily } from './sparse';
import { scanFamily } from './scan';
import { convFamily } from './conv';
import { structuredFamily } from './structured';
import type { FamilyDef, FamilyId, KernelVariant } from './types';

export const FAMILIES: FamilyDef[] = [matmulFamily, quantFamily, sparseFamily, scanFamily, convFamily, structuredFamily];

export function findFamily(id: string): FamilyDef | undefined {
  return FAMILIES.find((f) => f.id === id);
}

export function findVariant(family: string, variant: string): KernelVariant | undefined {
  return findFamily(family)?.variants.find((v) => v.id === variant);
}

export function allVariants(): KernelVariant[] {
  return FAMILIES.flatMap((f) => f.variants);
}

export function isFamilyId(id: string): id is FamilyId {
  return FAMILIES.some((f) => f.id === id);
}
