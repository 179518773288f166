import type { BenchCase, FamilyDef } from '../types';
import { blelloch } from './blelloch';
import { copy } from './copy';
import { hillisSteele } from './hillisSteele';
import { lookback } from './lookback';
import { reduceThenScan } from './reduceThenScan';
import { s6Chunked } from './s6Chunked';
import { s6Chunkwise } from './s6Chunkwise';
import { s6Registers } from './s6Registers';
import { s6Sequential } from './s6Sequential';
import { sequential } from './sequential';
import { serialLookback } from './serialLookback';
import { serialLookbackSubgroup } from './serialLookbackSubgroup';
import { serialRts } from './serialRts';
import { sequentialF16 } from './sequentialF16';
import { spatial } from './spatial';
import { subgroup } from './subgroup';

export const LINEAR_SCAN_VARIANTS = [
  sequential,
  sequentialF16,
  hillisSteele,
  blelloch,
  subgroup,
  reduceThenScan,
  lookback,
  serialRts,
  serialLookback,
  serialLookbackSubgroup,
  copy,
];

export const scanFamily: FamilyDef = {
  id: 'scan',
  label: 'Scans and state-space models',
  summary: 'The linear recurrence h_t = a_t·h_{t−1} + b_t as parallel scans, and the Mamba selective scan, checked against float64.',
  variants: [...LINEAR_SCAN_VARIANTS, s6Sequential, s6Chunked, s6Chunkwise, s6Registers, spatial],
  benchSuite() {
    // GB/s of each linear-scan variant against the copy roof (same 12 bytes per element) in the
    // same run: one long channel at L = 2^12 … 2^22, then many channels; then the selective scan.
    // Cut to stay under about 10 minutes on SwiftShader (2 shared CPU cores, where every workgroup
    // barrier is expensive; 9.5 minutes measured with the machine loaded): Hillis–Steele and
    // Blelloch (one workgroup per channel) stop at 2^16, the subgroup scan and the staged chunked
    // scans at 2^20.
    const cases: BenchCase[] = [];
    // [variant, params, label suffix, largest log2 L]
    const scanVariants: [string, Record<string, number | boolean>, string, number][] = [
      ['copy', {}, '', 22],
      ['sequential', {}, '', 22],
      ['hillis-steele', { wg: 64 }, '', 16],
      ['blelloch', { wg: 64 }, '', 16],
      ['subgroup', { wg: 64 }, '', 20],
      // Staged through workgroup memory (the GPU layout) and unstaged, long contiguous runs per
      // invocation (the layout a CPU adapter such as SwiftShader wants).
      ['reduce-then-scan', { wg: 32, items: 16, stage: true }, ' staged', 20],
      ['reduce-then-scan', { wg: 16, items: 128, stage: false }, ' unstaged', 22],
      ['lookback', { wg: 32, items: 16, stage: true, spin: 1024 }, ' staged', 20],
      ['lookback', { wg: 16, items: 128, stage: false, spin: 1024 }, ' unstaged', 22],
      // Serial vec4 segments in registers, no barriers: 4·K elements per invocation.
      ['serial-rts', { wg: 64, vec4s: 16 }, ' K=16', 22],
      ['serial-lookback', { wg: 64, vec4s: 4, spin: 1024 }, ' K=4', 22],
      ['serial-lookback', { wg: 64, vec4s: 16, spin: 1024 }, ' K=16', 22],
      ['serial-lookback-subgroup', { wg: 128, vec4s: 16, spin: 1024 }, ' K=16', 22],
    ];
    for (const log2L of [12, 14, 16, 18, 20, 22]) {
      for (const [variant, extra, suffix, maxLog2] of scanVariants) {
        if (log2L > maxLog2) continue;
        const params = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay', ...extra };
        cases.push({ label: `${variant}${suffix} L=2^${log2L}`, experiment: { family: 'scan', variant, params, seed: 1, reps: 3 } });
      }
      // The roof once more at the end of the group: the spread between the two shows the noise.
      const again = { channels: 1, length: 2 ** log2L, mode: 'inclusive', decay: 'decay' };
      cases.push({ label: `copy L=2^${log2L} (again)`, experiment: { family: 'scan', variant: 'copy', params: again, seed: 1, reps: 3 } });
    }
    for (const [variant, extra, suffix] of scanVariants) {
      if (variant === 'hillis-steele' || variant === 'blelloch') continue;
      const params = { channels: 64, length: 4096, mode: 'inclusive', decay: 'decay', ...extra };
      cases.push({ label: `${variant}${suffix} 64×4096`, experiment: { family: 'scan', variant, params, seed: 1, reps: 3 } });
    }
    // Scan at copy speed: the copy roof and the best scans of one long channel, interleaved in
    // ROUNDS rounds so that the machine's drift hits all of them alike; compare medians of the
    // per-round ratios (scan GB/s ÷ the same round's copy GB/s).
    const ROUNDS = 5;
    const long = { channels: 1, length: 2 ** 22, mode: 'inclusive', decay: 'decay' };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [variant, extra, suffix] of [
        ['copy', {}, ''],
        ['serial-lookback', { wg: 64, vec4s: 16, spin: 1024 }, ' K=16'],
        ['serial-lookback-subgroup', { wg: 128, vec4s: 16, spin: 1024 }, ' K=16'],
        ['serial-rts', { wg: 64, vec4s: 16 }, ' K=16'],
      ] as const) {
        cases.push({
          label: `round ${round}: ${variant}${suffix} L=2^22`,
          experiment: { family: 'scan', variant, params: { ...long, ...extra }, seed: 1, reps: 3 },
        });
      }
    }
    const s6 = { batch: 1, channels: 64, state: 16, length: 1024, gate: true, deltaBias: true, softplus: true };
    cases.push({ label: 's6-sequential', experiment: { family: 'scan', variant: 's6-sequential', params: s6, seed: 1, reps: 3 } });
    for (const chunk of [64, 256]) {
      cases.push({ label: `s6-chunked T=${chunk}`, experiment: { family: 'scan', variant: 's6-chunked', params: { ...s6, chunk }, seed: 1, reps: 3 } });
    }
    for (const chunk of [64, 256]) {
      cases.push({ label: `s6-registers T=${chunk}`, experiment: { family: 'scan', variant: 's6-registers', params: { ...s6, chunk }, seed: 1, reps: 3 } });
    }
    for (const chunk of [16, 64]) {
      cases.push({ label: `s6-chunkwise T=${chunk}`, experiment: { family: 'scan', variant: 's6-chunkwise', params: { ...s6, chunk }, seed: 1, reps: 3 } });
    }
    return cases;
  },
};
