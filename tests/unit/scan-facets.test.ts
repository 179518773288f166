// The scan family describes itself: every dispatch's WGSL declarations are generated from the
// bindings its plan lists, and the facets the scan lab reads (baseline, role, dataflow, notes)
// come from the variants, not from tables in the views.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SPEC_DEFAULT_CAPS } from '../../src/gpu/caps';
import { declareBindings } from '../../src/gpu/bindings';
import { defaultExperiment, findFamily, findVariant, type DispatchSpec, type Params } from '../../src/kernels';
import { LINEAR_SCAN_VARIANTS } from '../../src/kernels/scan';
import { DATAFLOW_ALGORITHMS } from '../../src/numerics/scanDataflow';
import ScanLab from '../../src/views/labs/scanLab';

const CAPS = { ...SPEC_DEFAULT_CAPS, features: ['subgroups', 'shader-f16'] };

/** Why a dispatch's shader and its binding list could disagree, or null when they cannot. */
function bindingProblem(d: DispatchSpec): string | null {
  const declared = d.wgsl.match(/@binding\(\d+\)/g) ?? [];
  if (declared.length !== d.bindings.length) return `${d.label}: ${declared.length} declarations for ${d.bindings.length} bindings`;
  if (!d.wgsl.includes(declareBindings(d.bindings.filter((b) => typeof b !== 'string')))) return `${d.label}: declarations not generated from the bindings`;
  return null;
}

// Settings that change which bindings a shader has (staging, gate, Δ bias, the chunkwise walk).
const SETTINGS: Record<string, Params[]> = {
  'reduce-then-scan': [{ stage: false }],
  lookback: [{ stage: false }],
  's6-sequential': [{ gate: false, deltaBias: false }],
  's6-chunked': [{ gate: false }, { deltaBias: false }],
  's6-chunkwise': [{ gate: false, deltaBias: false }],
  's6-registers': [{ gate: false, deltaBias: false }],
  'spatial-mamba': [{ image: 'procedural' }],
};

describe('scan bindings are declared once', () => {
  const scan = findFamily('scan')!;
  for (const v of scan.variants) {
    it(`${v.id}: every dispatch's WGSL declares exactly its plan's bindings`, () => {
      const base = defaultExperiment('scan', v.id).params;
      // The spatial demo's default image is a file; its plan does not depend on the pixels.
      for (const extra of [{ ...(v.id === 'spatial-mamba' ? { image: 'procedural' } : {}) }, ...(SETTINGS[v.id] ?? [])]) {
        const params = { ...base, ...extra };
        const plan = v.plan(params, v.makeInputs(params, 1), CAPS);
        expect(plan.dispatches.length).toBeGreaterThan(0);
        for (const d of plan.dispatches) expect(bindingProblem(d)).toBeNull();
      }
    });
  }

  it('the check catches a declaration written by hand (a check that cannot fail is no check)', () => {
    const params = defaultExperiment('scan', 'blelloch').params;
    const v = findVariant('scan', 'blelloch')!;
    const d = v.plan(params, v.makeInputs(params, 1), CAPS).dispatches[0];
    expect(bindingProblem({ ...d, wgsl: d.wgsl.replace('var<storage, read> b', 'var<storage, read_write> b') })).toMatch(/not generated/);
    expect(bindingProblem({ ...d, bindings: d.bindings.slice(0, 2) })).toMatch(/2 bindings/);
  });
});

describe('scan facets', () => {
  const params = { channels: 3, length: 1000, mode: 'exclusive', decay: 'signed', wg: 64, items: 4, stage: true, spin: 16 };

  it('each linear scan names the copy experiment of the same shape and the same compulsory bytes as its baseline', () => {
    const copy = findVariant('scan', 'copy')!;
    expect(copy.role).toBe('baseline');
    expect(copy.baseline!(params)).toBeNull(); // the roof is its own baseline
    for (const v of LINEAR_SCAN_VARIANTS.filter((x) => x !== copy)) {
      expect(v.role, v.id).toBe('kernel');
      const ref = v.baseline!(params)!;
      expect(ref, v.id).toEqual({ variant: 'copy', params: { channels: 3, length: 1000, mode: 'exclusive', decay: 'signed' } });
      expect(findVariant('scan', ref.variant)!.role).toBe('baseline');
      expect(copy.work(ref.params).bytes, v.id).toBe(v.work(params).bytes);
    }
  });

  it('the selective scans and the 2D demo have no copy baseline (their compulsory bytes are their own)', () => {
    for (const id of ['s6-sequential', 's6-chunked', 's6-chunkwise', 's6-registers', 'spatial-mamba']) {
      const v = findVariant('scan', id)!;
      expect(v.baseline?.(defaultExperiment('scan', id).params) ?? null, id).toBeNull();
    }
  });

  it('every variant names a dataflow the diagram can draw (or none)', () => {
    const drawable = new Set(DATAFLOW_ALGORITHMS.map((a) => a.value));
    const want: Record<string, string | null> = {
      copy: null,
      sequential: 'sequential',
      'sequential-f16': 'sequential',
      'hillis-steele': 'hillis-steele',
      subgroup: 'hillis-steele',
      blelloch: 'blelloch',
      'reduce-then-scan': 'chunked',
      lookback: 'chunked',
      'serial-rts': 'chunked',
      'serial-lookback': 'chunked',
      'serial-lookback-subgroup': 'chunked',
      's6-sequential': 'sequential',
      's6-chunked': 'chunked',
      's6-chunkwise': 'chunked',
      's6-registers': 'chunked',
      'spatial-mamba': 'chunked',
    };
    for (const v of findFamily('scan')!.variants) {
      const flow = v.dataflow?.(defaultExperiment('scan', v.id).params) ?? null;
      expect(flow, v.id).toBe(want[v.id]);
      if (flow) expect(drawable.has(flow)).toBe(true);
    }
  });

  it('the lab shows what the variant says: its dataflow, its notes, and the copy roof only where there is a baseline', () => {
    const render = (variant: string) => {
      const experiment = defaultExperiment('scan', variant);
      return renderToString(createElement(ScanLab, { experiment, result: null, sweepPoints: [], caps: null })).replace(/<!-- -->/g, '');
    };
    const lookback = render('lookback');
    expect(lookback).toContain(findVariant('scan', 'lookback')!.notes!(defaultExperiment('scan', 'lookback').params)[0]);
    expect(lookback).toContain('aria-label="Dataflow of chunked');
    expect(lookback).toContain('scan-copy-roof');
    expect(render('subgroup')).toContain('aria-label="Dataflow of hillis-steele');
    // The copy roof draws no dataflow of its own: the diagram starts on the sequential walk.
    expect(render('copy')).toContain('aria-label="Dataflow of sequential');
    expect(render('copy')).toContain('scan-copy-roof');
    expect(render('s6-chunked')).not.toContain('scan-copy-roof');
    expect(render('spatial-mamba')).not.toContain('scan-copy-roof');
  });
});
