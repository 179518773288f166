// Reading what a device offers, and which features Kernel Lab asks for. Code branches on these
// features and limits, never on the adapter's name.
import type { AdapterDescription, DeviceCaps, SubgroupMatrixConfig } from '../kernels/types';

/** Features used when the adapter offers them. */
export const WANTED_FEATURES = ['timestamp-query', 'subgroups', 'shader-f16', 'chromium-experimental-subgroup-matrix'] as const;

/** Limits raised to the adapter's maximum, so large tiles and buffers are possible. */
export const WANTED_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
] as const;

export function capsFromDevice(device: GPUDevice, adapterInfo?: GPUAdapterInfo): DeviceCaps {
  const l = device.limits;
  const caps: DeviceCaps = {
    features: [...device.features].map(String).sort(),
    limits: {
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxComputeWorkgroupSizeZ: l.maxComputeWorkgroupSizeZ,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
  const info = adapterInfo as
    | (GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number; subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[] })
    | undefined;
  if (info?.subgroupMinSize) caps.subgroupMinSize = info.subgroupMinSize;
  if (info?.subgroupMaxSize) caps.subgroupMaxSize = info.subgroupMaxSize;
  if (caps.features.includes('chromium-experimental-subgroup-matrix') && info?.subgroupMatrixConfigs) {
    // Copied field by field: the browser's objects do not survive structured cloning.
    caps.subgroupMatrixConfigs = [...info.subgroupMatrixConfigs].map((c) => ({
      componentType: String(c.componentType),
      resultComponentType: String(c.resultComponentType),
      M: Number(c.M),
      N: Number(c.N),
      K: Number(c.K),
    }));
  }
  return caps;
}

export function describeAdapter(info: GPUAdapterInfo | undefined, isFallback = false): AdapterDescription {
  return {
    vendor: info?.vendor || '',
    architecture: info?.architecture || '',
    device: info?.device || '',
    description: info?.description || '',
    isFallbackAdapter: isFallback,
  };
}

/** A short human name for an adapter, for tables and result provenance. */
export function adapterName(a: AdapterDescription | null): string {
  if (!a) return 'no GPU (CPU reference only)';
  const parts = [a.vendor, a.architecture, a.device || a.description].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'unnamed adapter';
}

/** e.g. "f16×f16→f32 16×16×16": a subgroup-matrix configuration in words. */
export function configLabel(c: SubgroupMatrixConfig): string {
  return `${c.componentType}×${c.componentType}→${c.resultComponentType} ${c.M}×${c.N}×${c.K}`;
}

/** The WGSL `enable` lines and feature names a variant needs, checked against caps. */
export function hasFeature(caps: DeviceCaps, feature: string): boolean {
  return caps.features.includes(feature);
}

/** The WebGPU spec's guaranteed minimum limits: a safe stand-in when no device is known. */
export const SPEC_DEFAULT_CAPS: DeviceCaps = {
  features: [],
  limits: {
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupStorageSize: 16384,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBufferBindingSize: 134217728,
    maxBufferSize: 268435456,
    maxStorageBuffersPerShaderStage: 8,
  },
};
