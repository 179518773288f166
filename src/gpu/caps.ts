// Reading what a device offers, and which features Kernel Lab asks for. Code branches on these
// features and limits, never on the adapter's name.
import type { AdapterDescription, DeviceCaps, SubgroupMatrixConfig } from './types';

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

export { adapterName, configLabel, hasFeature, SPEC_DEFAULT_CAPS } from './describe';
