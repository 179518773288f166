// The class board, without a server: the teacher pastes result links or imports files, every one
// is checked (state/submission.ts) and kept in this browser only. Correctness and speed are shown
// per device, and students are ranked only against others on the same device class — times from
// different GPUs are not comparable, and on one device class they are.
import { readSubmission, type Refusal, type Submission } from './submission';

export interface BoardEntry {
  /** The submission's seal: two links with one seal are the same submission. */
  key: string;
  submission: Submission;
  addedAt: string;
  /** The teacher re-judged the source on this browser's device: what that verdict said. */
  rejudged?: { passed: boolean; kind: string; device: string; date: string };
}

export interface BoardInput {
  /** Where it came from, for messages ("pasted line 3", "class.json, entry 2"). */
  from: string;
  /** A link, or a submission object from a file. */
  value: string | object;
}

export type BoardReport = { from: string; added: true; entry: BoardEntry } | { from: string; added: false; refusal: Refusal };

/** Each non-empty line of pasted text (links are one per line; spaces and commas separate too). */
export function pastedInputs(text: string): BoardInput[] {
  return text
    .split(/[\s,]+/)
    .filter((t) => t.trim())
    .slice(0, 2000)
    .map((value, i) => ({ from: `pasted link ${i + 1}`, value }));
}

/** The entries of an exported file: { kind: 'kernel-lab-submissions', submissions: [...] }, one submission, or links. */
export function fileInputs(name: string, text: string): BoardInput[] | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON: a text file of links.
    const links = pastedInputs(text);
    return links.length ? links.map((l, i) => ({ ...l, from: `${name}, line ${i + 1}` })) : { problem: `${name} holds neither JSON nor links` };
  }
  const d = data as { kind?: unknown; submissions?: unknown };
  if (d && typeof d === 'object' && d.kind === 'kernel-lab-submissions' && Array.isArray(d.submissions)) {
    return d.submissions.slice(0, 2000).map((value, i) => ({ from: `${name}, entry ${i + 1}`, value: typeof value === 'string' ? value : (value as object) }));
  }
  if (d && typeof d === 'object' && !Array.isArray(d)) return [{ from: name, value: d as object }];
  if (Array.isArray(data))
    return data.slice(0, 2000).map((value, i) => ({ from: `${name}, entry ${i + 1}`, value: typeof value === 'string' ? value : (value as object) }));
  return { problem: `${name} is not a Kernel Lab results file` };
}

/** The board with the inputs added: each either added, or refused with its reason. */
export async function addToBoard(
  entries: BoardEntry[],
  inputs: BoardInput[],
  now = new Date().toISOString(),
): Promise<{ entries: BoardEntry[]; reports: BoardReport[] }> {
  const out = [...entries];
  const seen = new Map(out.map((e, i) => [e.key, i]));
  const reports: BoardReport[] = [];
  for (const input of inputs) {
    const read = await readSubmission(input.value);
    if ('refusal' in read) {
      reports.push({ from: input.from, added: false, refusal: read.refusal });
      continue;
    }
    const s = read.submission;
    const at = seen.get(s.seal);
    if (at !== undefined) {
      reports.push({
        from: input.from,
        added: false,
        refusal: {
          kind: 'duplicate',
          reason: `already on the board (${who(out[at].submission)}, ${s.exercise}, added ${out[at].addedAt.slice(0, 16).replace('T', ' ')})`,
        },
      });
      continue;
    }
    const entry: BoardEntry = { key: s.seal, submission: s, addedAt: now };
    seen.set(s.seal, out.length);
    out.push(entry);
    reports.push({ from: input.from, added: true, entry });
  }
  return { entries: out, reports };
}

export function who(s: Submission): string {
  return s.student || 'an unnamed student';
}

// ---- ranking ----------------------------------------------------------------------------------

/**
 * The speed a ranking compares (higher is faster): the ratio to the built-in variant when the
 * exercise has a speed goal (measured in the student's own run), else 1 / the summed median
 * seconds over the hidden shapes. Null for a failing kernel: it is not ranked.
 */
export function speedKey(s: Submission): number | null {
  if (!s.verdict.passed) return null;
  if (s.timings.speed) return s.timings.speed.ratio;
  const total = s.timings.shapes.reduce((a, x) => a + x.seconds, 0);
  return total > 0 ? 1 / total : null;
}

export interface Ranked {
  key: string;
  /** Exercise and device class: rankings never cross groups. */
  group: string;
  /** 1 = fastest in its group (equal speeds share a rank); null: not ranked (failed, or not the student's best). */
  rank: number | null;
  /** Passing entries ranked in the group (the rank's denominator). */
  of: number;
}

export const groupOf = (s: Submission) => `${s.exercise}\u0000${s.device.class}`;

/** A student's identity within a group: their name, or the entry itself when unnamed. */
const studentOf = (e: BoardEntry) => (e.submission.student ? `name:${e.submission.student.toLowerCase()}` : `entry:${e.key}`);

/**
 * Competition ranking ("1, 2, 2, 4") per exercise and device class, of each student's best
 * passing entry. A property test (tests/unit/board.test.ts) checks it over random boards.
 */
export function rankBoard(entries: BoardEntry[]): Map<string, Ranked> {
  const out = new Map<string, Ranked>();
  const groups = new Map<string, BoardEntry[]>();
  for (const e of entries) {
    const g = groupOf(e.submission);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(e);
  }
  for (const [group, list] of groups) {
    // Each student's best passing entry (ties: the earlier seal, so the pick never depends on order).
    const best = new Map<string, { entry: BoardEntry; speed: number }>();
    for (const e of list) {
      const speed = speedKey(e.submission);
      if (speed === null) continue;
      const id = studentOf(e);
      const current = best.get(id);
      if (!current || speed > current.speed || (speed === current.speed && e.key < current.entry.key)) best.set(id, { entry: e, speed });
    }
    const speeds = [...best.values()].map((b) => b.speed);
    for (const e of list) out.set(e.key, { key: e.key, group, rank: null, of: speeds.length });
    for (const { entry, speed } of best.values()) {
      out.set(entry.key, { key: entry.key, group, rank: 1 + speeds.filter((x) => x > speed).length, of: speeds.length });
    }
  }
  return out;
}
