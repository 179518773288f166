// Lab panels given extras of an unexpected shape. History keeps the extras of runs this browser
// saved, so a run saved by an older version (a field renamed, missing, or of another type) reaches
// a lab panel as its `result`, and in the runs a panel reads from the store. Each variant's real
// extras (computed from its float64 reference at small sizes) are varied field by field and read
// back through History's validator (state/resultSchema.ts, state/extrasSchema.ts), as IndexedDB
// records are; whatever it keeps must render without throwing: a panel may say less, not fail.
import { createElement, type ComponentType } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, findFamily, runExperimentCpu, type FamilyId, type Params } from '../../src/kernels';
import { validateStoredRuns } from '../../src/state/resultSchema';
import { useLab } from '../../src/state/store';
import type { LabPanelProps } from '../../src/views/labs/types';
import ConvLab from '../../src/views/labs/convLab';
import MatmulLab from '../../src/views/labs/matmulLab';
import QuantLab from '../../src/views/labs/quantLab';
import ScanLab from '../../src/views/labs/scanLab';
import SparseLab from '../../src/views/labs/sparseLab';
import StructuredLab from '../../src/views/labs/structuredLab';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { nodeAssetLoader } from '../../src/gpu/node-device';
import { smallParams } from '../gpu/checker-small';

const PANELS: Record<FamilyId, ComponentType<LabPanelProps>> = {
  matmul: MatmulLab,
  quant: QuantLab,
  sparse: SparseLab,
  scan: ScanLab,
  conv: ConvLab,
  structured: StructuredLab,
};

/** Real extras of a variant: its extras() on its own float64 reference, rounded as a kernel's output would be. */
async function realExtras(family: FamilyId, id: string) {
  const variant = findFamily(family)!.variants.find((v) => v.id === id)!;
  const params = smallParams(family, id, defaultExperiment(family, id).params);
  const assets: Record<string, Uint8Array> = {};
  for (const path of variant.assets?.(params) ?? []) assets[path] = await nodeAssetLoader(path);
  const inputs = variant.makeInputs(params, 3, assets);
  const ref = variant.reference(params, inputs);
  // The output type from the plan where this (feature-less) device can make one; matmul's
  // feature-bound variants return no extras anyway.
  let type: 'f32' | 'u32' | 'i32' = 'f32';
  if (!variant.unavailableReason?.(SPEC_DEFAULT_CAPS)) type = variant.plan(params, inputs, SPEC_DEFAULT_CAPS).output.type;
  const output =
    type === 'f32' ? Float32Array.from(ref.values) : type === 'u32' ? Uint32Array.from(ref.values, (x) => Math.max(0, x)) : Int32Array.from(ref.values);
  return { params, extras: variant.extras?.(params, inputs, output, ref) };
}

/** Variations of one value: each field at depth ≤ 3 removed, replaced by null, by a number, by text, by a list or by an object. */
function* variations(value: unknown, depth = 0): Generator<unknown> {
  if (depth > 3 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    yield [];
    if (list.length > 0) {
      for (const v of [null, 7, 'x', {}]) yield [v, ...list.slice(1)];
      for (const inner of variations(list[0], depth + 1)) yield [inner, ...list.slice(1)];
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (depth === 0 && (key === 'family' || key === 'kind')) continue; // what extrasOf and the panels switch on
    const { [key]: _, ...without } = record;
    yield without;
    for (const v of [null, 7, 'x', [], {}]) yield { ...record, [key]: v };
    for (const inner of variations(record[key], depth + 1)) yield { ...record, [key]: inner };
  }
}

/** A saved run of this variant (IndexedDB's record shape) carrying these extras, as History reads it back. */
async function storedRun(family: FamilyId, id: string, params: Params, extras: unknown) {
  const base = await baseResult;
  return {
    id: 'old',
    savedAt: '2025-01-01T00:00:00.000Z',
    pinned: false,
    result: { ...base, experiment: { family, variant: id, params, seed: 3, reps: 1 }, extras },
  };
}
const baseResult = runExperimentCpu({ ...defaultExperiment('matmul', 'naive'), params: { M: 4, N: 4, K: 4 }, reps: 1 });

describe('lab panels given extras of an unexpected shape (an old saved run) do not throw', () => {
  for (const family of Object.keys(PANELS) as FamilyId[]) {
    for (const variant of findFamily(family)!.variants) {
      it(`${family}/${variant.id}`, async () => {
        const { params, extras } = await realExtras(family, variant.id);
        if (extras === undefined) return;
        const experiment = { family, variant: variant.id, params, seed: 3, reps: 1 };
        const failures: string[] = [];
        let tried = 0;
        let dropped = 0;
        // The real extras are kept: the check below is not passed by dropping everything.
        const real = validateStoredRuns([await storedRun(family, variant.id, params, extras)]);
        expect(real.unreadable).toEqual([]);
        expect(real.runs[0].result.extras, 'the real extras pass the extras schema').toBeDefined();
        for (const shaped of variations(extras)) {
          tried++;
          const { runs } = validateStoredRuns([await storedRun(family, variant.id, params, shaped)]);
          if (runs.length === 0) continue; // refused whole (e.g. the experiment): nothing reaches a panel
          const result = runs[0].result;
          if (result.extras === undefined) dropped++;
          useLab.setState({ history: runs });
          try {
            renderToString(createElement(PANELS[family], { experiment, result, sweepPoints: [], caps: null }));
          } catch (e) {
            failures.push(`${JSON.stringify(shaped).slice(0, 160)}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        useLab.setState({ history: [] });
        expect(tried).toBeGreaterThan(0);
        expect(dropped, 'some misshapen extras are dropped by the schema').toBeGreaterThan(0);
        expect(failures.slice(0, 12), `${failures.length} of ${tried} shapes threw`).toEqual([]);
      });
    }
  }
});
