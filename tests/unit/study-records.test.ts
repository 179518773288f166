// Records the studies remembered, read back from IndexedDB, are validated before any view or run
// sees them: a tuned configuration must still be a valid register-blocked experiment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullTuneGrid } from '../../src/kernels/matmul/grid';
import { REGBLOCK_DEFAULT } from '../../src/kernels/matmul/regblock';
import { validateRoofsRecord, validateTunedRecord } from '../../src/state/studyRecords';

const tuned = {
  adapter: 'google · swiftshader',
  date: '2026-12-01T10:00:00.000Z',
  shape: { M: 512, N: 512, K: 512 },
  config: { ...REGBLOCK_DEFAULT },
  gflops: 1.5,
  beatDefault: false,
  speedupOverDefault: null,
  reason: 'the default stays: the pick did not beat it when re-timed alternately',
  reachesBarOfSweep: null,
};
const roofs = { adapter: 'google · swiftshader', date: '2026-12-01T10:00:00.000Z', peakGflops: 8.4, bandwidthGBs: 3.1, barrierSeconds: 2e-8 };

describe('remembered study records', () => {
  it('a record as the tuner and the roofs write it is kept', () => {
    expect(validateTunedRecord(tuned)).toEqual(tuned);
    expect(validateRoofsRecord(roofs)).toEqual(roofs);
  });

  it('a configuration the variant schema refuses is not offered', () => {
    expect(validateTunedRecord({ ...tuned, config: { ...tuned.config, BM: 48 } })).toBeNull(); // not a power of two
    expect(validateTunedRecord({ ...tuned, config: { ...tuned.config, staging: 'shared' } })).toBeNull();
    expect(validateTunedRecord({ ...tuned, gflops: '9000' })).toBeNull();
    expect(validateRoofsRecord({ ...roofs, peakGflops: -1 })).toBeNull();
    expect(validateTunedRecord({ ...tuned, variant: 'naive' })).toBeNull(); // not a tuned variant
  });

  it('a record of each tuned variant is kept with its variant', () => {
    const candidates = fullTuneGrid();
    for (const variant of ['regblock', 'regblock-bt', 'regblock-quad'] as const) {
      const candidate = candidates.find((c) => c.variant === variant)!;
      expect(validateTunedRecord({ ...tuned, variant, config: candidate.config })?.variant).toBe(variant);
    }
  });

  it('text is escaped', () => {
    expect(validateTunedRecord({ ...tuned, reason: 'ok\u202Eevil' })?.reason).toBe('okU+202Eevil');
  });

  it('never throws, whatever IndexedDB holds', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        validateTunedRecord(raw);
        validateRoofsRecord(raw);
      }),
      { numRuns: 500 },
    );
  });
});
