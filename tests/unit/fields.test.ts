// The form-honesty property (issue 12, item 3): random keystroke sequences typed into a field,
// with commits (Enter, leaving the field, Run) and outside changes in between. Whatever is typed,
// the value that runs is the field's parsed value, or — when the field is flagged invalid — the
// last valid value, which the message names. Typing alone never changes the experiment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_FIELDS } from '../../src/kernels/experiment';
import { findVariant } from '../../src/kernels/registry';
import { allowedValues, escapeUntrusted, paramText, parseParam } from '../../src/kernels/schema';
import type { ParamDef, ParamValue } from '../../src/kernels/types';
import { commitDraft, commitSweep, fieldOf, sweepText, syncField, typeDraft, typeSweep, type FieldState, type SweepField } from '../../src/state/fields';

const tiled = findVariant('matmul', 'tiled')!;
const DEFS: ParamDef[] = [
  tiled.params.find((p) => p.key === 'M')!,
  tiled.params.find((p) => p.key === 'tile')!,
  findVariant('matmul', 'regblock')!.params.find((p) => p.key === 'BM')!, // a power-of-two field
  { ...EXPERIMENT_FIELDS.seed },
  { ...EXPERIMENT_FIELDS.reps },
];

type Key =
  | { type: 'char'; c: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  | { type: 'paste'; text: string }
  | { type: 'commit' }
  | { type: 'run' }
  | { type: 'external'; value: number };

const keyArb: fc.Arbitrary<Key> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'0123456789').map((c) => ({ type: 'char' as const, c })) },
  { weight: 2, arbitrary: fc.constantFrom('-', '.', 'e', 'x', ' ', '+', '\u202e').map((c) => ({ type: 'char' as const, c })) },
  { weight: 2, arbitrary: fc.constant({ type: 'backspace' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'clear' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.string({ maxLength: 30 }), fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String))
      .map((text) => ({ type: 'paste' as const, text })),
  },
  { weight: 2, arbitrary: fc.constant({ type: 'commit' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'run' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }).map((value) => ({ type: 'external' as const, value })) },
);

const valid = (def: ParamDef, v: ParamValue) => parseParam(def, paramText(v)).reason === null;

describe('a field holds a draft; the experiment keeps the last valid value', () => {
  it('random keystroke sequences never put a partial, clamped or default value into the experiment', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEFS), fc.array(keyArb, { maxLength: 60 }), (def, keys) => {
        let store: ParamValue = def.default; // what the store, the link and the next run hold
        let field: FieldState = fieldOf(store);
        let lastValidCommit: ParamValue = store;
        const ran: ParamValue[] = [];
        for (const key of keys) {
          const before = store;
          if (key.type === 'char' || key.type === 'backspace' || key.type === 'clear' || key.type === 'paste') {
            const text = key.type === 'char' ? field.draft + key.c : key.type === 'backspace' ? field.draft.slice(0, -1) : key.type === 'clear' ? '' : key.text;
            field = typeDraft(def, field, text);
            // Typing alone changes nothing outside the field.
            expect(store).toBe(before);
            expect(field.draft).toBe(text);
          } else if (key.type === 'external') {
            // A lesson step or a link sets another (valid) value from elsewhere.
            if (!valid(def, key.value) || key.value === store) continue;
            store = key.value;
            lastValidCommit = store;
            field = syncField(field, store);
            expect(field.draft).toBe(String(store));
          } else {
            const draft = field.draft;
            const committed = commitDraft(def, field);
            field = committed.state;
            if (committed.commit !== null) store = committed.commit;
            const parsed = parseParam(def, draft);
            if (parsed.reason === null) {
              // The field's parsed value is what the experiment now holds, shown canonically.
              expect(store).toBe(parsed.value);
              expect(field.problem).toBeNull();
              expect(field.draft).toBe(paramText(parsed.value));
              lastValidCommit = store;
            } else {
              // Flagged: the experiment keeps the last valid value, and the message says which,
              // what was typed, why it is refused and what is allowed.
              expect(store).toBe(before);
              expect(store).toBe(lastValidCommit);
              expect(field.draft).toBe(draft);
              expect(field.problem).toContain(`The experiment keeps ${def.label} = ${paramText(store)}.`);
              expect(field.problem).toContain(parsed.reason);
              expect(field.problem).toContain(allowedValues(def));
              if (draft.trim()) expect(field.problem).toContain(escapeUntrusted(draft.trim(), 24));
            }
            if (key.type === 'run') ran.push(store);
          }
          expect(field.committed).toBe(store);
          expect(valid(def, store)).toBe(true);
        }
        for (const v of ran) expect(valid(def, v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('examples: past the limit, a huge seed, letters, an empty field', () => {
    const M = DEFS[0];
    let f = typeDraft(M, fieldOf(256), '');
    for (const c of '10000') {
      f = typeDraft(M, f, f.draft + c);
      expect(f.committed).toBe(256); // no prefix (1, 10, 100, 1000) reaches the experiment
    }
    expect(f.problem).toContain('10000 is outside 1…8192');
    const c = commitDraft(M, f);
    expect(c.commit).toBeNull();
    expect(c.state.draft).toBe('10000');
    expect(c.state.problem).toBe(
      'M (rows of A and C): 10000 is outside 1…8192 (allowed: a whole number from 1 to 8192). The experiment keeps M (rows of A and C) = 256.',
    );
    const seed = { ...EXPERIMENT_FIELDS.seed };
    expect(commitDraft(seed, typeDraft(seed, fieldOf(1), '99999999999999999999')).state.problem).toContain('outside 0…4294967295');
    expect(commitDraft(seed, typeDraft(seed, fieldOf(1), 'abc')).state.problem).toContain('"abc" is not a whole number');
    const reps = { ...EXPERIMENT_FIELDS.reps };
    expect(commitDraft(reps, typeDraft(reps, fieldOf(5), '500')).commit).toBeNull();
    const empty = typeDraft(reps, fieldOf(5), '');
    expect(empty.problem).toBeNull(); // between two values: not judged yet
    expect(commitDraft(reps, empty).state.problem).toContain('The experiment keeps Repetitions = 5.');
  });
});

describe('the sweep list is checked like single values, whole or not at all', () => {
  it('random lists: a commit takes every value or none', () => {
    const tokenArb = fc.oneof(fc.integer({ min: -3, max: 80 }).map(String), fc.constantFrom('x', '1.5', '', ' ', ',,', '\u200b'));
    fc.assert(
      fc.property(fc.array(tokenArb, { maxLength: 30 }), fc.constantFrom(', ', ' ', ','), (tokens, sep) => {
        const kept = { param: 'tile', values: [4, 8] };
        let field: SweepField = { draft: sweepText(kept), committed: kept, problem: null };
        const text = tokens.join(sep);
        field = typeSweep(tiled, 'tile', field, text);
        const { state, commit } = commitSweep(tiled, 'tile', field);
        const tileDef = tiled.params.find((p) => p.key === 'tile')!;
        const parts = text.split(/[\s,]+/).filter(Boolean);
        const allValid =
          parts.length > 0 &&
          parts.length <= 24 &&
          parts.every((t) => parseParam(tileDef, t).reason === null) &&
          new Set(parts.map(Number)).size === parts.length;
        if (allValid) {
          expect(state.problem).toBeNull();
          expect(state.committed!.values).toEqual(parts.map(Number));
          if (parts.map(Number).join() !== '4,8') expect(commit).toEqual({ param: 'tile', values: parts.map(Number) });
        } else {
          expect(commit).toBeNull();
          expect(state.committed).toBe(kept);
          expect(state.problem).toContain('The experiment keeps the sweep tile: 4, 8.');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a non-power of two in a power-of-two sweep is refused with its reason', () => {
    const regblock = findVariant('matmul', 'regblock')!;
    const field = typeSweep(regblock, 'BM', { draft: '', committed: undefined, problem: null }, '16, 24, 32');
    expect(field.problem).toBe('Sweep values refused: Workgroup tile rows BM: 24 is not a power of two. The experiment keeps no sweep.');
  });
});
