// The dataflow of scan algorithms on a small length, as plain data for the lab's diagram: which
// slots combine at each level, the depth (levels) and the work (number of ∘ operations). Every
// dataflow is executed symbolically (each slot holds the interval of elements it has combined) so
// a diagram can never show an algorithm that does not compute the scan.

export type DataflowAlgorithm = 'sequential' | 'hillis-steele' | 'blelloch' | 'chunked';

/**
 * The algorithms the diagram draws, in the order a picker lists them (the first, the sequential
 * walk, is what the others are compared with). `takesChunk`: the chunk length shapes the diagram.
 */
export const DATAFLOW_ALGORITHMS: { value: DataflowAlgorithm; label: string; takesChunk: boolean }[] = [
  { value: 'sequential', label: 'Sequential', takesChunk: false },
  { value: 'hillis-steele', label: 'Hillis–Steele', takesChunk: false },
  { value: 'blelloch', label: 'Blelloch (up/down sweep)', takesChunk: false },
  { value: 'chunked', label: 'Chunked two-level (reduce-then-scan, look-back)', takesChunk: true },
];

export interface DataflowOp {
  /** Slot read (the earlier segment for 'combine'). */
  from: number;
  /** Slot written. */
  to: number;
  /**
   * combine: to ← from ∘ to; append: to ← to ∘ from (Blelloch's down-sweep: prefix ∘ left subtree);
   * copy: to ← from (the down-sweep hand-off); clear: to ← identity.
   */
  kind: 'combine' | 'append' | 'copy' | 'clear';
}

/** One op in words, e.g. "x3 ← x1 ∘ x3" (the diagram's text alternative). */
export function describeOp(op: DataflowOp): string {
  switch (op.kind) {
    case 'combine':
      return `x${op.to} ← x${op.from} ∘ x${op.to}`;
    case 'append':
      return `x${op.to} ← x${op.to} ∘ x${op.from}`;
    case 'copy':
      return `x${op.to} ← x${op.from}`;
    case 'clear':
      return `x${op.to} ← identity`;
  }
}

export interface DataflowLevel {
  label: string;
  ops: DataflowOp[];
}

export interface Dataflow {
  algorithm: DataflowAlgorithm;
  n: number;
  /** Slots drawn (Blelloch pads to a power of two with identity elements). */
  slots: number;
  levels: DataflowLevel[];
  /** Levels that contain at least one combine. */
  depth: number;
  /** Total combines. */
  work: number;
  /** Inclusive prefixes [0, i], or exclusive [0, i−1] (null = identity) for Blelloch. */
  result: 'inclusive' | 'exclusive';
  /** What slot i holds at the end, executed symbolically: [lo, hi] or null (identity). */
  finalIntervals: ([number, number] | null)[];
}

type Interval = [number, number] | null;

function combineIntervals(first: Interval, second: Interval): Interval {
  if (!first) return second;
  if (!second) return first;
  if (first[1] + 1 !== second[0]) throw new Error(`combining non-adjacent segments [${first}] and [${second}]`);
  return [first[0], second[1]];
}

/** Executes levels (all ops of a level read the state before the level, as in a double buffer). */
function execute(initial: Interval[], levels: DataflowLevel[]): Interval[] {
  let state = initial.slice();
  for (const level of levels) {
    const next = state.slice();
    for (const op of level.ops) {
      if (op.kind === 'combine') next[op.to] = combineIntervals(state[op.from], state[op.to]);
      else if (op.kind === 'append') next[op.to] = combineIntervals(state[op.to], state[op.from]);
      else if (op.kind === 'copy') next[op.to] = state[op.from];
      else next[op.to] = null;
    }
    state = next;
  }
  return state;
}

export function scanDataflow(algorithm: DataflowAlgorithm, n: number, chunk = 4): Dataflow {
  const levels: DataflowLevel[] = [];
  let slots = n;
  let result: Dataflow['result'] = 'inclusive';
  if (algorithm === 'sequential') {
    for (let t = 1; t < n; t++) levels.push({ label: `step ${t}`, ops: [{ from: t - 1, to: t, kind: 'combine' }] });
  } else if (algorithm === 'hillis-steele') {
    for (let offset = 1; offset < n; offset *= 2) {
      const ops: DataflowOp[] = [];
      for (let i = offset; i < n; i++) ops.push({ from: i - offset, to: i, kind: 'combine' });
      levels.push({ label: `offset ${offset}`, ops });
    }
  } else if (algorithm === 'blelloch') {
    result = 'exclusive';
    slots = 1;
    while (slots < n) slots *= 2;
    for (let offset = 1; offset < slots; offset *= 2) {
      const ops: DataflowOp[] = [];
      for (let right = 2 * offset - 1; right < slots; right += 2 * offset) ops.push({ from: right - offset, to: right, kind: 'combine' });
      levels.push({ label: `up-sweep ${offset}`, ops });
    }
    levels.push({ label: 'clear root', ops: [{ from: slots - 1, to: slots - 1, kind: 'clear' }] });
    for (let offset = slots / 2; offset >= 1; offset /= 2) {
      const ops: DataflowOp[] = [];
      for (let right = 2 * offset - 1; right < slots; right += 2 * offset) {
        const left = right - offset;
        // left ← parent prefix (held at right); right ← parent prefix ∘ old left subtree.
        ops.push({ from: right, to: left, kind: 'copy' });
        ops.push({ from: left, to: right, kind: 'append' });
      }
      levels.push({ label: `down-sweep ${offset}`, ops });
    }
  } else {
    // Chunked two-level scan (the dataflow of reduce-then-scan and look-back): scan inside each
    // chunk, scan the chunk totals, then fold each chunk's entering prefix into its elements.
    const chunks = Math.ceil(n / chunk);
    for (let step = 1; step < chunk; step++) {
      const ops: DataflowOp[] = [];
      for (let c = 0; c < chunks; c++) {
        const t = c * chunk + step;
        if (t < n) ops.push({ from: t - 1, to: t, kind: 'combine' });
      }
      if (ops.length) levels.push({ label: `in-chunk step ${step}`, ops });
    }
    const last = (c: number) => Math.min(n, (c + 1) * chunk) - 1;
    for (let c = 1; c < chunks; c++) levels.push({ label: `chunk totals ${c}`, ops: [{ from: last(c - 1), to: last(c), kind: 'combine' }] });
    const fix: DataflowOp[] = [];
    for (let c = 1; c < chunks; c++) for (let t = c * chunk; t < last(c); t++) fix.push({ from: last(c - 1), to: t, kind: 'combine' });
    if (fix.length) levels.push({ label: 'fix-up', ops: fix });
  }
  const initial: Interval[] = Array.from({ length: slots }, (_, i) => (i < n ? [i, i] : null));
  const final = execute(initial, levels).slice(0, n);
  const isCombine = (o: DataflowOp) => o.kind === 'combine' || o.kind === 'append';
  const work = levels.reduce((s, l) => s + l.ops.filter(isCombine).length, 0);
  const depth = levels.filter((l) => l.ops.some(isCombine)).length;
  return { algorithm, n, slots, levels, depth, work, result, finalIntervals: final };
}
