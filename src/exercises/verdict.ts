// The verdict from what the judge measured (plain data in, plain data out; no GPU here, so the
// page and the tests can read it and the worker can call it).
//
// The judge runs, in this order: the device's compiler, the harness's contract (bindings and
// workgroup size), every hidden shape against float64 with the exercise's bound, then the race and
// bounds checker over every workgroup of a small shape with partial workgroups, then (when asked
// and everything passed) the speed goal. The headline names the root cause:
//   compile error › contract › a loop that never ends › an out-of-bounds index, a race or a
//   divergent barrier the checker proved (in that order) › the first failing shape.
// A proved race outranks a wrong result because it explains it (and a race that happened to give
// the right numbers on this GPU is still a bug on the next); the first failing shape is named in
// the same verdict either way.
import type { Exercise, ShapeOutcome, SourceFinding, SpeedOutcome, Verdict, VerdictKind, WorstElement } from './types';

export interface JudgedParts {
  /** The compiler's messages and the contract's problems (kind 'compile' / 'contract'). */
  static: SourceFinding[];
  /** A tripped loop guard, when one ran. */
  loop?: SourceFinding;
  /** One per shape run (the judge stops running shapes only for a compile or contract error). */
  shapes: ShapeOutcome[];
  /** The checker's findings (null: it did not run). */
  check: SourceFinding[] | null;
  checked?: string;
  speed?: SpeedOutcome;
  speedSkipped?: string;
  judgeSeconds: number;
}

/** A number in a message: 4 significant digits, exponent form when tiny or huge. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** "936 of 1000 outputs are outside the bound; the worst is y[64]: got 0, expected 0.25 (error 0.25, bound 1.5e-8)". */
export function worstText(w: WorstElement): string {
  const many = w.outside === 1 ? `1 of ${w.count} outputs is outside the bound` : `${w.outside} of ${w.count} outputs are outside the bound`;
  const err = Number.isFinite(w.got) ? `error ${num(w.error)}, bound ${num(w.bound)}` : `not a finite number`;
  return `${many}; the worst is ${w.where}: got ${num(w.got)}, expected ${num(w.expected)} (${err})`;
}

const CHECKER_KINDS: VerdictKind[] = ['out-of-bounds', 'hazard', 'barrier'];

export function assembleVerdict(exercise: Exercise, parts: JudgedParts): Verdict {
  const base = {
    exercise: exercise.id,
    shapes: parts.shapes,
    findings: [...parts.static, ...(parts.loop ? [parts.loop] : []), ...(parts.check ?? [])],
    ...(parts.checked ? { checked: parts.checked } : {}),
    judgeSeconds: parts.judgeSeconds,
  };
  const fail = (kind: Exclude<VerdictKind, 'passed'>, message: string, line?: number): Verdict => {
    const failedShape = parts.shapes.findIndex((s) => !s.passed);
    return { ...base, passed: false, kind, message, ...(failedShape >= 0 ? { failedShape } : {}), ...(line ? { line } : {}) };
  };
  const errors = (kind: SourceFinding['kind']) => parts.static.filter((f) => f.kind === kind && f.severity === 'error');

  const compile = errors('compile');
  if (compile.length) {
    return fail(
      'compile',
      `The shader does not compile: ${compile[0].message}${compile.length > 1 ? ` (and ${compile.length - 1} more)` : ''}`,
      compile[0].line,
    );
  }
  const contract = errors('contract');
  if (contract.length) {
    return fail(
      'contract',
      `The shader does not match the harness's contract: ${contract[0].message}${contract.length > 1 ? ` (and ${contract.length - 1} more)` : ''}`,
      contract[0].line,
    );
  }
  if (parts.loop) return fail('endless-loop', parts.loop.message, parts.loop.line);

  const firstFailing = parts.shapes.find((s) => !s.passed);
  const shapeSentence = firstFailing ? `First failing shape: ${firstFailing.failure ?? firstFailing.text}.` : '';
  // An index out of bounds first: it is often why two invocations meet on one element.
  const errorsOf = (kind: VerdictKind) => (parts.check ?? []).filter((f) => f.severity === 'error' && f.kind === kind);
  const proved = CHECKER_KINDS.flatMap(errorsOf)[0];
  if (proved) {
    const results = firstFailing
      ? ` The results were wrong too. ${shapeSentence}`
      : ' The results happened to be within the bound on every shape on this GPU, but another GPU (or another run) may order the accesses differently.';
    return fail(proved.kind as Exclude<VerdictKind, 'passed'>, `${proved.message}${results}`, proved.line);
  }
  if (firstFailing) return fail(firstFailing.failureKind ?? 'wrong', shapeSentence);

  const n = parts.shapes.length;
  const checked = parts.checked ? `; the checker found no race, out-of-bounds index or divergent barrier in ${parts.checked}` : '';
  const speed = parts.speed
    ? ` Speed: ${num(parts.speed.ratio)}× ${parts.speed.label} at ${parts.speed.shapeText} (goal ${parts.speed.goal}×: ${parts.speed.met ? 'met' : 'not met yet'}).`
    : '';
  return {
    ...base,
    passed: true,
    kind: 'passed',
    message: `Passed: all ${n} hidden shapes are within the float64 bound${checked}.${speed}`,
    ...(parts.speed ? { speed: parts.speed } : {}),
    ...(parts.speedSkipped ? { speedSkipped: parts.speedSkipped } : {}),
  };
}

/** The sentence for a shape whose results break the bound (or are not finite). */
export function shapeFailure(
  text: string,
  worst: WorstElement | undefined,
  repeatFailure: string | undefined,
): { kind: ShapeOutcome['failureKind']; failure: string } {
  if (repeatFailure) return { kind: 'repeat', failure: `${text}: ${repeatFailure}` };
  if (!worst) return { kind: 'wrong', failure: `${text}: outside the bound` };
  return { kind: Number.isFinite(worst.got) ? 'wrong' : 'not-finite', failure: `${text}: ${worstText(worst)}` };
}
