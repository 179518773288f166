// Each family's own lab panel, loaded only when that family is opened.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { FamilyId } from '../../kernels/types';
import type { LabPanelProps } from './types';

export const LAB_PANELS: Record<FamilyId, LazyExoticComponent<ComponentType<LabPanelProps>>> = {
  matmul: lazy(() => import('./matmulLab')),
  quant: lazy(() => import('./quantLab')),
  sparse: lazy(() => import('./sparseLab')),
  scan: lazy(() => import('./scanLab')),
  conv: lazy(() => import('./convLab')),
  structured: lazy(() => import('./structuredLab')),
};
