// A GPUDevice in Node through the `webgpu` package (Dawn), for the benchmark CLI and the tests.
// Never imported by the browser bundle.
import { acquireDevice, type AcquiredDevice } from './device';

let shared: Promise<AcquiredDevice> | undefined;
// Dawn lives as long as the object create() returns is referenced: keep it, or pending GPU
// promises never settle and Node exits early.
let gpuHandle: GPU | undefined;

export async function nodeDevice(): Promise<AcquiredDevice> {
  if (!shared) {
    shared = (async () => {
      const webgpu = await import('webgpu');
      Object.assign(globalThis, webgpu.globals);
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
  return new Uint8Array(await readFile(new URL(`../../public/${path}`, import.meta.url)));
}
