import type { TuneCandidate } from '../../src/kernels/matmul/grid';

// Candidates of different speeds on a software adapter for the autotuner's GPU tests: one row and
// four columns per invocation in 4×4 tiles (many tiny workgroups) is several times slower than
// the rest; B transposed and quads in between or ahead.
export const TUNER_TEST_GRID: TuneCandidate[] = [
  { variant: 'regblock', config: { BM: 4, BN: 4, BK: 8, TM: 1, TN: 4, staging: 'global', vec4: false } },
  { variant: 'regblock', config: { BM: 16, BN: 64, BK: 8, TM: 8, TN: 8, staging: 'global', vec4: false } },
  { variant: 'regblock-bt', config: { BM: 32, BN: 32, TM: 4, TN: 4, vec4: true } },
  { variant: 'regblock-quad', config: { BM: 64, BN: 64, TM: 8, TN: 8 } },
  { variant: 'regblock-quad', config: { BM: 64, BN: 32, TM: 16, TN: 4 } },
];

/** The slow one. */
export const SLOW_CANDIDATE = TUNER_TEST_GRID[0];
