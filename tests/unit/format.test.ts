// Times are printed to the clock's resolution, and to four significant digits at most (issue 12, item 10).
import { describe, expect, it } from 'vitest';
import { fmtResultSeconds, fmtSeconds } from '../../src/views/format';

describe('fmtSeconds', () => {
  it('a 100 µs clock prints no digit below 0.1 ms', () => {
    expect(fmtSeconds(0.0012345, 1e-4)).toBe('1.2 ms');
    expect(fmtSeconds(0.0123456, 1e-4)).toBe('12.3 ms');
    expect(fmtSeconds(0.00005, 1e-4)).toBe('< 100 µs');
  });
  it('a fine clock still prints four significant digits at most', () => {
    expect(fmtSeconds(0.002871952, 5e-10)).toBe('2.872 ms');
    expect(fmtSeconds(0.011868709, 5e-10)).toBe('11.87 ms');
    expect(fmtSeconds(1.23456)).toBe('1.235 s');
    expect(fmtSeconds(2.5e-7)).toBe('250 ns');
    expect(fmtSeconds(Number.NaN)).toBe('—');
  });
  it('the step per run is the clock step over the runs in one sample', () => {
    // 65.536 µs timestamps, 40 runs between two readings: 1.6 µs per run.
    const result = { timing: { method: 'timestamp-query' as const, resolutionSeconds: 65.536e-6, runsPerSample: 40 } };
    expect(fmtResultSeconds(result, 0.000123456)).toBe('123 µs');
    expect(fmtResultSeconds({ timing: null }, 0.000123456)).toBe('123.5 µs');
  });
});
