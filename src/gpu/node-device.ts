// A GPUDevice in Node through the `webgpu` package (Dawn), for the benchmark CLI and the tests.
// Never imported by the browser bundle.
import type { DeviceCaps } from './types';
import { capsFromDevice } from './caps';
import { acquireDevice, type AcquiredDevice } from './device';

let shared: Promise<AcquiredDevice> | undefined;
// Dawn lives as long as the object create() returns is referenced: keep it, or pending GPU
// promises never settle and Node exits early.
let gpuHandle: GPU | undefined;

/** The `webgpu` package, with its GPU* classes installed as globals (as in a browser). */
async function loadWebgpu() {
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  return webgpu;
}

export async function nodeDevice(): Promise<AcquiredDevice> {
  if (!shared) {
    shared = (async () => {
      const webgpu = await loadWebgpu();
      // allow_unsafe_apis exposes timestamp-query and the experimental features Dawn gates.
      gpuHandle = webgpu.create(['enable-dawn-features=allow_unsafe_apis', 'disable-dawn-features=timestamp_quantization']);
      return acquireDevice(gpuHandle);
    })();
  }
  return shared;
}

/** Lets Node exit: drops the reference that keeps Dawn alive. */
export function releaseNodeDevice(): void {
  gpuHandle = undefined;
  shared = undefined;
}

/** Loads a file of public/ (the app's static files) for variants that need one, in Node. */
export async function nodeAssetLoader(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  // The bench bundle (npm run bench:bundle) carries public/ beside itself and says where.
  const dir = process.env.KERNEL_LAB_PUBLIC_DIR;
  return new Uint8Array(await readFile(dir ? `${dir.replace(/\/$/, '')}/${path}` : new URL(`../../public/${path}`, import.meta.url)));
}

let nullGpu: GPU | undefined;

/**
 * A device on Dawn's null backend: it compiles and validates WGSL and pipelines exactly as Dawn
 * does for a real GPU, offers every feature (shader-f16, subgroup matrices…), and runs nothing.
 * For checking the WGSL of variants that no adapter on the test machine can run; never for results.
 */
export async function nodeCompileOnlyDevice(features: string[]): Promise<{ device: GPUDevice; subgroupMaxSize: number; caps: DeviceCaps }> {
  const webgpu = await loadWebgpu();
  nullGpu ??= webgpu.create(['backend=null', 'enable-dawn-features=allow_unsafe_apis']);
  const adapter = await nullGpu.requestAdapter();
  if (!adapter) throw new Error("Dawn's null backend offered no adapter");
  const missing = features.filter((f) => !adapter.features.has(f));
  if (missing.length) throw new Error(`Dawn's null backend lacks ${missing.join(', ')}`);
  const device = await adapter.requestDevice({ requiredFeatures: features as GPUFeatureName[] });
  const caps = capsFromDevice(device, adapter.info);
  return { device, subgroupMaxSize: caps.subgroupMaxSize ?? 0, caps };
}

/** Compiles WGSL (and, when entryPoint is given, a compute pipeline) and returns Dawn's messages. */
export async function compileMessages(device: GPUDevice, code: string, entryPoint?: string): Promise<{ errors: string[]; warnings: string[] }> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const moduleError = await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
  const warnings = info.messages.filter((m) => m.type === 'warning').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
  if (moduleError && !errors.length) errors.push(moduleError.message);
  if (entryPoint && !errors.length) {
    device.pushErrorScope('validation');
    device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint } });
    const pipelineError = await device.popErrorScope();
    if (pipelineError) errors.push(`pipeline: ${pipelineError.message}`);
  }
  return { errors, warnings };
}
