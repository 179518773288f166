// Devices in words: pure functions of the device vocabulary (gpu/types.ts), safe for views to
// import — they hold no GPU object and start nothing.
import type { AdapterDescription, DeviceCaps, SubgroupMatrixConfig } from './types';

export const ENABLE_WEBGPU_HELP =
  'WebGPU is on by default in Chrome and Edge 113+ (Windows, macOS, ChromeOS, Android), in ' +
  'Safari 26+, and in Firefox 141+ on Windows. On Linux Chrome/Chromium, start the browser with ' +
  '--enable-unsafe-webgpu (and --enable-features=Vulkan), or enable chrome://flags/#enable-unsafe-webgpu. ' +
  'The page must be served from https:// or http://localhost (a secure context).';

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
