// Imported runs files are hostile input: the validator must never throw, must refuse duplicates,
// and whatever it accepts must render in every view that shows saved runs and in every export.
import fc from 'fast-check';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { runsFromJson, runsToCsv, runsToJson, type SavedRun } from '../../src/state/runFile';
import { validateStoredRuns } from '../../src/state/resultSchema';
import { useLab } from '../../src/state/store';
import { HistoryPanel } from '../../src/views/components/History';
import { ComparePanel } from '../../src/views/components/Compare';
import { ErrorHeatmap, ResultsTable, WgslView } from '../../src/views/components/Results';
import { sampleResult } from './fixtures';

const validRun = (id: string): SavedRun => ({ id, savedAt: '2026-11-24T00:00:00.000Z', pinned: id.endsWith('p'), result: sampleResult() });
// As the app writes files: non-finite numbers as strings (JSON has no Infinity).
const fileOf = (runs: unknown[]) =>
  JSON.stringify({ format: 'kernel-lab-runs', version: 1, runs }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

/** Every path (as keys) to a value inside a JSON-like object. */
function paths(x: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (x === null || typeof x !== 'object') return [prefix];
  const entries = Array.isArray(x) ? x.map((v, i) => [i, v] as const) : Object.entries(x);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = Array.isArray(root) ? [...root] : { ...(root as object) };
  (copy as Record<string | number, unknown>)[path[0]] = setAt((root as Record<string | number, unknown>)?.[path[0]], path.slice(1), value);
  return copy;
}

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 1e308, -0, 'Infinity', 'NaN', '', '\u202Eevil', '<img onerror=x>', [], {}, [[[[]]]], { toString: 'x' }, 2 ** 53, 0.5),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

/** Renders every view that shows saved runs, and every export, for these runs. */
function renderEverything(runs: SavedRun[]) {
  useLab.setState({ history: runs, view: 'history' });
  renderToString(createElement(HistoryPanel));
  useLab.setState({ history: runs.map((r) => ({ ...r, pinned: true })), view: 'compare' });
  renderToString(createElement(ComparePanel));
  for (const r of runs) {
    renderToString(createElement(ResultsTable, { result: r.result }));
    renderToString(createElement(ErrorHeatmap, { result: r.result }));
    renderToString(createElement(WgslView, { result: r.result }));
  }
  runsToCsv(runs);
  expect(runsFromJson(runsToJson(runs))).toMatchObject({ runs: runs.map((r) => ({ id: r.id })) });
}

describe('imported runs files (fuzzed)', () => {
  const base = [validRun('a'), validRun('b-p')];
  const basePaths = paths(base);

  it('a damaged field anywhere never throws; whatever is accepted renders everywhere and exports', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...basePaths), hostileValue), { minLength: 1, maxLength: 4 }), (edits) => {
        let runs: unknown = base;
        for (const [path, value] of edits) runs = setAt(runs, path, value);
        const parsed = runsFromJson(fileOf(runs as unknown[]));
        if ('runs' in parsed) {
          accepted++;
          renderEverything(parsed.runs);
        } else expect(parsed.error).toMatch(/\S/);
      }),
      { numRuns: 400 },
    );
    // The fuzzer must reach both outcomes, or it tests nothing.
    expect(accepted).toBeGreaterThan(0);
  });

  it('arbitrary JSON never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const parsed = runsFromJson(JSON.stringify({ format: 'kernel-lab-runs', version: 1, runs: [value] }));
        expect('runs' in parsed || typeof parsed.error === 'string').toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('deeply nested arrays are refused, not a stack overflow', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const parsed = runsFromJson(`{"format":"kernel-lab-runs","version":1,"runs":[{"id":"x","savedAt":"2026-01-01","result":${deep}}]}`);
    expect(parsed).toHaveProperty('error');
  });

  it('a file that repeats a run id is refused whole, saying which', () => {
    const parsed = runsFromJson(fileOf([validRun('same'), validRun('other'), validRun('same')]));
    expect(parsed).toEqual({ error: expect.stringMatching(/run 3 repeats the id same/) });
  });

  it('impossible heatmap dimensions, non-string provenance and a missing spread', () => {
    const bad = (edit: (r: Record<string, unknown>) => void) => {
      const r = structuredClone(validRun('z')) as unknown as { result: Record<string, unknown> };
      edit(r.result);
      return runsFromJson(fileOf([r]));
    };
    expect(bad((r) => ((r.heatmap as Record<string, unknown>).rows = 1e9))).toHaveProperty('error');
    expect(bad((r) => ((r.heatmap as Record<string, unknown>).rows = 3))).toEqual({ error: expect.stringMatching(/rows × cols/) });
    expect(bad((r) => ((r.provenance as Record<string, unknown>).userAgent = { a: 1 }))).toEqual({ error: expect.stringMatching(/provenance\.userAgent/) });
    // A missing spread is derived from the samples, so the CSV export still has its columns.
    const noSpread = bad((r) => delete r.spread);
    expect(noSpread).toHaveProperty('runs');
    if ('runs' in noSpread) expect(runsToCsv(noSpread.runs)).toContain('0.001,0.002');
  });

  it('bidirectional and control characters in text are escaped, never shown raw', () => {
    const r = validRun('bidi');
    r.result.provenance.adapter!.vendor = 'evil\u202Ereversed\u0007';
    const parsed = runsFromJson(fileOf([r]));
    expect(parsed).toHaveProperty('runs');
    if ('runs' in parsed) expect(parsed.runs[0].result.provenance.adapter!.vendor).toBe('evilU+202EreversedU+0007');
  });

  it('records read back from IndexedDB are checked the same way; the unreadable ones are listed, not shown', () => {
    const { runs, unreadable } = validateStoredRuns([validRun('ok'), { id: 'broken', result: 7 }, 'junk']);
    expect(runs.map((r) => r.id)).toEqual(['ok']);
    expect(unreadable.map((u) => u.id)).toEqual(['broken', null]);
    renderEverything(runs);
  });
});
