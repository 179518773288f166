// Each family's own lab panel, loaded only when that family is opened.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { FamilyId } from '../../kernels/types';
import type { LabPanelProps } from './types';

export const LAB_PANELS: Partial<Record<FamilyId, LazyExoticComponent<ComponentType<LabPanelProps>>>> = {};

// Keeps `lazy` in use until the first family panel is registered here.
export const lazyPanel = (load: () => Promise<{ default: ComponentType<LabPanelProps> }>) => lazy(load);
