// The form never lies: a field holds a draft (what was typed), and the experiment — the store,
// the link, the next run — changes only when a draft is committed (Enter, leaving the field,
// pressing Run) and valid. An invalid draft stays on the field, marked, with the text typed, why
// it is refused, what is allowed, and which value the experiment keeps. Nothing is clamped,
// truncated or replaced by a default on the way.
//
// Pure functions of the schema (the same parseParam that links and files go through), so the
// property test in tests/unit/fields.test.ts drives exactly what the form runs.
import { MAX_SWEEP_POINTS } from '../kernels/experiment';
import { allowedValues, escapeUntrusted, paramText, parseParam } from '../kernels/schema';
import type { KernelVariant, ParamDef, ParamValue, SweepSpec } from '../kernels/types';

export interface FieldState {
  /** What the field shows: the text as typed. */
  draft: string;
  /** The value the experiment holds for this field (the last valid commit, or the value it came with). */
  committed: ParamValue;
  /** Why the draft is refused, naming the value kept; null while the draft is valid (or empty and not yet committed). */
  problem: string | null;
}

export function fieldOf(value: ParamValue): FieldState {
  return { draft: paramText(value), committed: value, problem: null };
}

/** The sentence shown on a refused field. */
export function refusal(def: ParamDef, reason: string, kept: ParamValue): string {
  return `${reason} (allowed: ${allowedValues(def)}). The experiment keeps ${def.label} = ${paramText(kept)}.`;
}

/**
 * A keystroke: the draft changes and nothing else. The draft is judged at once, so a value that
 * will be refused is marked while typing; an empty field is judged only when committed (the
 * user is between two values).
 */
export function typeDraft(def: ParamDef, state: FieldState, text: string): FieldState {
  if (text.trim() === '') return { ...state, draft: text, problem: null };
  const parsed = parseParam(def, text);
  return { ...state, draft: text, problem: parsed.reason === null ? null : refusal(def, parsed.reason, state.committed) };
}

/**
 * Commit: a valid draft becomes the field's value (`commit`, for the store; null when nothing
 * changes) and is shown in its canonical form; an invalid one stays, marked, and the value stays.
 */
export function commitDraft(def: ParamDef, state: FieldState): { state: FieldState; commit: ParamValue | null } {
  const parsed = parseParam(def, state.draft);
  if (parsed.reason !== null) return { state: { ...state, problem: refusal(def, parsed.reason, state.committed) }, commit: null };
  return { state: fieldOf(parsed.value), commit: parsed.value === state.committed ? null : parsed.value };
}

/** The experiment's value changed from elsewhere (a lesson step, a link, History): the field shows it. */
export function syncField(state: FieldState, value: ParamValue): FieldState {
  return value === state.committed ? state : fieldOf(value);
}

// ---- the sweep's value list ----------------------------------------------------------------------

export interface SweepField {
  draft: string;
  /** The sweep the experiment holds (undefined: none). */
  committed: SweepSpec | undefined;
  problem: string | null;
}

export function sweepText(sweep: SweepSpec | undefined): string {
  return sweep ? sweep.values.join(', ') : '';
}

/** Checks a typed list of sweep values: every value as a single value of that parameter would be, none twice, at most MAX_SWEEP_POINTS. */
export function parseSweepValues(variant: KernelVariant, param: string, text: string): { values: number[] } | { reason: string } {
  const def = variant.params.find((p) => p.key === param);
  if (def?.kind !== 'int') return { reason: `${escapeUntrusted(param)} is not a numeric parameter of ${variant.label}` };
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  if (tokens.length === 0) return { reason: 'the list of values is empty' };
  const values: number[] = [];
  const refused: string[] = [];
  for (const token of tokens) {
    const parsed = parseParam(def, token);
    if (parsed.reason !== null) refused.push(parsed.reason);
    else if (values.includes(parsed.value as number)) refused.push(`${def.label}: ${parsed.value} appears twice`);
    else values.push(parsed.value as number);
  }
  if (refused.length) return { reason: refused.slice(0, 3).join('; ') + (refused.length > 3 ? `; and ${refused.length - 3} more` : '') };
  if (values.length > MAX_SWEEP_POINTS) return { reason: `${values.length} values; a sweep has at most ${MAX_SWEEP_POINTS}` };
  return { values };
}

function keptSweep(sweep: SweepSpec | undefined): string {
  return sweep ? `the sweep ${sweep.param}: ${sweep.values.join(', ')}` : 'no sweep';
}

export function typeSweep(variant: KernelVariant, param: string, state: SweepField, text: string): SweepField {
  if (text.trim() === '') return { ...state, draft: text, problem: null };
  const parsed = parseSweepValues(variant, param, text);
  return {
    ...state,
    draft: text,
    problem: 'reason' in parsed ? `Sweep values refused: ${parsed.reason}. The experiment keeps ${keptSweep(state.committed)}.` : null,
  };
}

export function commitSweep(variant: KernelVariant, param: string, state: SweepField): { state: SweepField; commit: SweepSpec | null } {
  const parsed = parseSweepValues(variant, param, state.draft);
  if ('reason' in parsed)
    return { state: { ...state, problem: `Sweep values refused: ${parsed.reason}. The experiment keeps ${keptSweep(state.committed)}.` }, commit: null };
  const sweep = { param, values: parsed.values };
  const same = state.committed?.param === param && state.committed.values.join() === parsed.values.join();
  return { state: { draft: sweepText(sweep), committed: sweep, problem: null }, commit: same ? null : sweep };
}
