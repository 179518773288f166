import { adapterName, configLabel } from '../../gpu/describe';
import { ENABLE_WEBGPU_HELP } from '../../gpu/describe';
import { formatBytes } from '../../kernels/schema';
import { useLab } from '../../state/store';

export function DevicePanel() {
  const gpu = useLab((s) => s.gpu);
  const pageHasWebGpu = useLab((s) => s.pageHasWebGpu);
  if (!gpu) {
    return (
      <section className="device" aria-label="GPU device" data-testid="device-panel">
        <span className="status probing">Looking for a WebGPU device…</span>
      </section>
    );
  }
  if (!gpu.available) {
    return (
      <section className="device unavailable" aria-label="GPU device" data-testid="device-panel">
        <h2>No WebGPU device</h2>
        <p data-testid="gpu-reason">{gpu.reason}</p>
        {pageHasWebGpu && gpu.step === 'no-api' && (
          <p>This page sees WebGPU, but the lab's web worker does not: this browser exposes WebGPU only on the main thread.</p>
        )}
        {!gpu.reason.includes('--enable-unsafe-webgpu') && <p>{ENABLE_WEBGPU_HELP}</p>}
        <p>
          You can still run the <strong>CPU float32 emulation</strong> of every kernel that has one against the float64 reference (a kernel without one says why
          beside its Run button): the error metrics are real, the timings are of JavaScript on your CPU and are labelled so.
        </p>
      </section>
    );
  }
  const l = gpu.caps.limits;
  const software = Boolean(gpu.adapter.isFallbackAdapter);
  return (
    <section className="device chip" aria-label="GPU device" data-testid="device-panel">
      <details>
        <summary>
          <span className="status ok">WebGPU</span> <strong data-testid="adapter-name">{adapterName(gpu.adapter)}</strong>
          {software && (
            <span className="badge software" data-testid="software-adapter">
              software adapter
            </span>
          )}
        </summary>
        <div className="device-details">
          {software && (
            <p className="hint">
              This adapter reports itself as a fallback (software) adapter: WebGPU runs on the CPU here, so every speed is a CPU speed — good for comparing
              variants with each other, not for judging a GPU.
            </p>
          )}
          <dl className="limits">
            <dt>Features</dt>
            <dd data-testid="gpu-features">{gpu.caps.features.join(', ') || 'none'}</dd>
            <dt>Invocations per workgroup</dt>
            <dd>{l.maxComputeInvocationsPerWorkgroup}</dd>
            <dt>Workgroup size (x, y, z)</dt>
            <dd>
              {l.maxComputeWorkgroupSizeX}, {l.maxComputeWorkgroupSizeY}, {l.maxComputeWorkgroupSizeZ}
            </dd>
            <dt>Workgroup memory</dt>
            <dd>{formatBytes(l.maxComputeWorkgroupStorageSize)}</dd>
            <dt>Storage buffer binding</dt>
            <dd>{formatBytes(l.maxStorageBufferBindingSize)}</dd>
            <dt>Workgroups per dimension</dt>
            <dd>{l.maxComputeWorkgroupsPerDimension}</dd>
            {gpu.caps.subgroupMinSize !== undefined && (
              <>
                <dt>Subgroup size</dt>
                <dd>
                  {gpu.caps.subgroupMinSize}–{gpu.caps.subgroupMaxSize}
                </dd>
              </>
            )}
            {gpu.caps.subgroupMatrixConfigs !== undefined && (
              <>
                <dt>Subgroup matrices (in→out M×N×K)</dt>
                <dd data-testid="gpu-subgroup-matrices">{gpu.caps.subgroupMatrixConfigs.map(configLabel).join('; ') || 'none reported'}</dd>
              </>
            )}
          </dl>
        </div>
      </details>
    </section>
  );
}
