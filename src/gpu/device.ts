// Acquiring a GPUDevice step by step, with a specific message for each way it can fail.
import type { AdapterDescription, DeviceCaps } from './types';
import { WANTED_FEATURES, WANTED_LIMITS, capsFromDevice, describeAdapter } from './caps';
import { ENABLE_WEBGPU_HELP } from './describe';

export interface AcquiredDevice {
  device: GPUDevice;
  caps: DeviceCaps;
  adapter: AdapterDescription;
}

export class GpuUnavailableError extends Error {
  constructor(
    readonly step: 'no-api' | 'no-adapter' | 'device-request' | 'adapter-request',
    message: string,
  ) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

export { ENABLE_WEBGPU_HELP };

export async function acquireDevice(gpu: GPU | undefined, secureContext = true): Promise<AcquiredDevice> {
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-api',
      secureContext
        ? `This browser does not expose WebGPU (navigator.gpu is missing). ${ENABLE_WEBGPU_HELP}`
        : 'WebGPU needs a secure context: open the app from https:// or http://localhost.',
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new GpuUnavailableError('adapter-request', `requestAdapter() failed: ${errorText(e)}`);
  }
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'WebGPU is present but no GPU adapter is available (the GPU may be blocklisted, or the ' +
        'browser runs without hardware acceleration). ' +
        ENABLE_WEBGPU_HELP,
    );
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'kernel-lab' });
  } catch (e) {
    throw new GpuUnavailableError('device-request', `requestDevice() failed: ${errorText(e)}`);
  }
  const info = adapter.info;
  // A software adapter says so: GPUAdapterInfo.isFallbackAdapter (where browsers now report it),
  // or the older GPUAdapter.isFallbackAdapter. Never guessed from the adapter's name.
  const isFallback = Boolean(
    (info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined)?.isFallbackAdapter ??
      (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  return { device, caps: capsFromDevice(device, info), adapter: describeAdapter(info, isFallback) };
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
