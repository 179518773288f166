// What an SSM initialisation remembers, next to the float32 error of the scan that ran it: the
// `ssm` part of the scan extras (see extras.ts), for the linear scans with SSM decays and for S6.
import type { S6Inputs, S6Shape } from '../../numerics/scan';
import { stepWithError } from '../../numerics/scan';
import {
  SSM_DT,
  SSM_INITS,
  channelRole,
  diagonalSsm,
  discretize,
  impulseResponses,
  isComplexInit,
  memoryLag,
  modesForChannels,
  type SsmInit,
} from '../../numerics/ssmInit';
import type { HostArray, ReferenceResult } from '../types';
import type { SsmMemory, SsmModeRow } from './extras';

const MAX_ROWS = 64;

function labelOf(init: SsmInit): string {
  return SSM_INITS.find((i) => i.value === init)?.label ?? init;
}

/** Up to four modes to draw: the first, the second, the middle and the last. */
function shownModes(count: number): number[] {
  return [...new Set([0, 1, Math.floor(count / 2), count - 1].filter((m) => m >= 0 && m < count))];
}

/** The linear scan's channels as modes of the SSM `init` (inputs from ssmScanInputs). */
export function linearScanSsm(init: SsmInit, channels: number, length: number, output: HostArray, ref: ReferenceResult): SsmMemory {
  const modeCount = modesForChannels(init, channels);
  const ssm = diagonalSsm(init, modeCount);
  const d = discretize(ssm, SSM_DT);
  const rows: SsmModeRow[] = [];
  for (let m = 0; m < Math.min(modeCount, MAX_ROWS); m++) {
    const decay = Math.hypot(d.aRe[m], d.aIm[m]);
    const lag = memoryLag(decay);
    rows.push({ re: ssm.lambdaRe[m], im: ssm.lambdaIm[m], decay, memoryLag: Number.isFinite(lag) ? lag : null, maxError: 0, maxBound: 0 });
  }
  for (let c = 0; c < channels; c++) {
    const row = rows[channelRole(init, c).mode];
    if (!row) continue;
    for (let t = 0; t < length; t++) {
      const i = c * length + t;
      const err = Math.abs(output[i] - ref.values[i]);
      row.maxError = Math.max(row.maxError, Number.isNaN(err) ? Infinity : err);
      row.maxBound = Math.max(row.maxBound, ref.bound ? ref.bound[i] : 0);
    }
  }
  const shown = shownModes(rows.length);
  const longest = Math.max(...shown.map((m) => rows[m].memoryLag ?? length));
  return {
    init,
    label: labelOf(init),
    size: ssm.size,
    dt: SSM_DT,
    mapping: isComplexInit(init)
      ? 'Each complex mode h_t = exp(Δλ)·h_{t−1} + B̄·u_t is demodulated, g_t = exp(−iθt)·h_t with θ = Δ·Im λ: its real and imaginary parts are two ' +
        'real channels (2m, 2m+1) with the real decay |exp(Δλ)|, scanned exactly as every channel; h_t = exp(iθt)·g_t. ' +
        'The chart samples 160 lags, so fast oscillations alias.'
      : 'Each real mode is one channel with decay exp(Δλ).',
    conditionF: ssm.conditionF,
    modes: rows,
    impulse: impulseResponses(ssm, SSM_DT, shown, Math.max(8, Math.min(length, Math.ceil(1.25 * longest)))),
  };
}

/** S6's states: A_n = Re λ_n; the memory of each state over this sequence's Δ (batch 0, channel 0). */
export function s6Ssm(shape: S6Shape, x: S6Inputs, output: HostArray, ref: ReferenceResult): SsmMemory {
  const init = shape.init ?? 's4d-real';
  const { state: N, length: L } = shape;
  const ssm = diagonalSsm(init, N);
  const steps = Array.from({ length: L }, (_, l) => stepWithError(shape, x, 0, l).dt);
  const meanDt = steps.reduce((s, v) => s + v, 0) / Math.max(1, L);
  const rows: SsmModeRow[] = [];
  // The state an impulse at token 0 leaves in state n after t tokens: Π_{r=1..t} e^{Δ_r·A_n}.
  const decays: number[][] = [];
  for (let n = 0; n < N; n++) {
    const An = x.A[n];
    const series: number[] = [1];
    let lag: number | null = null;
    for (let t = 1; t < L; t++) {
      series.push(series[t - 1] * Math.exp(steps[t] * An));
      if (lag === null && series[t] < 0.01) lag = t;
    }
    decays.push(series);
    if (n < MAX_ROWS) rows.push({ re: ssm.lambdaRe[n], im: ssm.lambdaIm[n], decay: Math.exp(meanDt * An), memoryLag: lag, maxError: 0, maxBound: 0 });
  }
  // The last states' errors, over every (batch, channel) row.
  const row = L + N;
  for (let r = 0; r < shape.batch * shape.channels; r++) {
    for (let n = 0; n < rows.length; n++) {
      const i = r * row + L + n;
      rows[n].maxError = Math.max(rows[n].maxError, Math.abs(output[i] - ref.values[i]));
      rows[n].maxBound = Math.max(rows[n].maxBound, ref.bound ? ref.bound[i] : 0);
    }
  }
  const shown = shownModes(N);
  const points = Math.min(L, 160);
  const lags = Array.from({ length: points }, (_, i) => Math.round(((L - 1) * i) / Math.max(1, points - 1)));
  return {
    init,
    label: labelOf(init),
    size: isComplexInit(init) ? ssm.size : N,
    dt: meanDt,
    mapping: isComplexInit(init)
      ? "The S6 kernels are real (as Mamba's for language): state n uses A_n = Re λ_n; the imaginary parts (the oscillation) are not run."
      : 'A_n = λ_n (real).',
    conditionF: ssm.conditionF,
    modes: rows,
    impulse: { lags, series: shown.map((n) => ({ mode: n, re: lags.map((t) => decays[n][t]), envelope: lags.map((t) => decays[n][t]) })) },
  };
}
