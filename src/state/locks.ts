// Classroom locks hold on every path: whatever asks to change the experiment (the form, the lesson
// picker and its steps, the sweep menu, History's "open", a lab panel's button, a keyboard
// shortcut), the store passes the change through guardExperiment first (store.ts), so a locked
// field keeps its value. Only a new link — which brings its own locks — replaces locked values.
import { findFamily, findVariant } from '../kernels/registry';
import { coerceParam, paramText } from '../kernels/schema';
import type { Experiment } from '../kernels/types';

export interface Guarded {
  experiment: Experiment;
  /** What the locks kept, in words (empty when nothing locked was touched). */
  kept: string[];
}

const TEACHER = 'locked by the teacher';

/**
 * The change from `prev` to `next` with every locked field at the value the teacher's link gave it
 * (`base`, the experiment the link opened; a parameter the link's variant lacks keeps its value in
 * `prev`). A change that cannot keep a locked field (another family or variant while those are
 * locked, or a variant in which a locked value is not valid) is refused whole: `prev` comes back.
 */
export function guardExperiment(prev: Experiment, next: Experiment, lock: readonly string[], base: Experiment = prev): Guarded {
  if (lock.length === 0 || prev === next) return { experiment: next, kept: [] };
  const locked = new Set(lock);
  const refuse = (why: string): Guarded => ({ experiment: prev, kept: [why] });
  if (locked.has('family') && next.family !== prev.family) {
    return refuse(`The family is ${TEACHER}: it stays ${findFamily(prev.family)?.label ?? prev.family}.`);
  }
  if (locked.has('variant') && (next.variant !== prev.variant || next.family !== prev.family)) {
    return refuse(`The variant is ${TEACHER}: it stays ${findVariant(prev.family, prev.variant)?.label ?? prev.variant}.`);
  }
  const variant = findVariant(next.family, next.variant);
  if (!variant) return { experiment: next, kept: [] };
  const kept: string[] = [];
  const params = { ...next.params };
  for (const def of variant.params) {
    const source = def.key in base.params ? base.params : prev.params;
    if (!locked.has(def.key) || !(def.key in source) || params[def.key] === source[def.key]) continue;
    const value = coerceParam(def, paramText(source[def.key]));
    if (value.problem) return refuse(`${def.label} is ${TEACHER} at ${paramText(source[def.key])}, which ${variant.label} cannot take.`);
    params[def.key] = value.value;
    kept.push(`${def.label} is ${TEACHER}: kept ${paramText(value.value)}.`);
  }
  const experiment: Experiment = { ...next, params };
  if (locked.has('seed') && next.seed !== base.seed) {
    experiment.seed = base.seed;
    kept.push(`The seed is ${TEACHER}: kept ${base.seed}.`);
  }
  if (locked.has('reps') && next.reps !== base.reps) {
    experiment.reps = base.reps;
    kept.push(`Repetitions are ${TEACHER}: kept ${base.reps}.`);
  }
  const sameSweep = (a = prev.sweep, b = experiment.sweep) => (a?.param ?? '') === (b?.param ?? '') && (a?.values ?? []).join() === (b?.values ?? []).join();
  if (locked.has('sweep') && !sameSweep()) {
    if (prev.sweep) experiment.sweep = prev.sweep;
    else delete experiment.sweep;
    kept.push(`The sweep is ${TEACHER}: kept ${prev.sweep ? `${prev.sweep.param}: ${prev.sweep.values.join(', ')}` : 'no sweep'}.`);
  }
  // A sweep over a locked parameter would change it behind the lock.
  if (experiment.sweep && locked.has(experiment.sweep.param) && !sameSweep()) {
    if (prev.sweep && !locked.has(prev.sweep.param)) experiment.sweep = prev.sweep;
    else delete experiment.sweep;
    kept.push(`${experiment.sweep ? 'The sweep stays as it was' : 'No sweep'}: a sweep would change a parameter ${TEACHER}.`);
  }
  return { experiment: kept.length === 0 ? next : experiment, kept };
}
