// Result links and the class board: the link round-trips; tampered, malformed and duplicate
// links are refused with a message; the ranking holds its properties over random boards.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXERCISES, findExercise } from '../../src/exercises';
import type { Verdict } from '../../src/exercises/types';
import { addToBoard, fileInputs, pastedInputs, rankBoard, speedKey, type BoardEntry } from '../../src/state/board';
import { sha256Hex } from '../../src/state/sha256';
import { canonicalJson, codeOf, encodeSubmission, makeSubmission, readSubmission, sealOf, type Submission } from '../../src/state/submission';

const DEVICE = { name: 'google · swiftshader · SwiftShader Device', class: 'google · swiftshader (software)', software: true, browser: 'HeadlessChrome 140' };

/** A verdict as the judge returns it (the judge itself is tested on the GPU in tests/gpu/exercises.test.ts). */
function verdictFor(exercise: string, passed: boolean, ratio?: number): Verdict {
  const ex = findExercise(exercise)!;
  const shapes = ex.shapes.map((s, i) => ({ text: ex.shapeText(s.params), passed: passed || i < 1, seconds: 1e-4 * (i + 1), maxAbs: 0, worstBoundRatio: 0.2 }));
  return {
    exercise,
    passed,
    kind: passed ? 'passed' : 'wrong',
    message: passed ? 'Passed' : 'First failing shape: …',
    ...(passed ? {} : { failedShape: 1 }),
    shapes,
    findings: [],
    ...(ratio !== undefined && ex.speedGoal
      ? {
          speed: {
            label: ex.speedGoal.label,
            goal: ex.speedGoal.ratio,
            ratio,
            met: ratio >= ex.speedGoal.ratio,
            studentSeconds: 0.01,
            builtInSeconds: 0.01 * ratio,
            shapeText: 'M×N×K = 128×128×128',
          },
        }
      : {}),
    judgeSeconds: 1.5,
  };
}

function submission(
  over: { exercise?: string; student?: string; source?: string; passed?: boolean; ratio?: number; includeSource?: boolean; device?: typeof DEVICE } = {},
): Submission {
  const exercise = over.exercise ?? 'map';
  return makeSubmission({
    exercise,
    student: over.student ?? 'Ada',
    source: over.source ?? findExercise(exercise)!.solution,
    verdict: verdictFor(exercise, over.passed ?? true, over.ratio),
    device: over.device ?? DEVICE,
    hintsUsed: 1,
    solutionViewed: false,
    includeSource: over.includeSource ?? true,
    date: '2026-05-01T10:00:00.000Z',
  });
}

async function linkOf(s: unknown): Promise<string> {
  const encoded = await encodeSubmission(s as Submission);
  if ('error' in encoded) throw new Error(encoded.error);
  return `https://example.org/kernel-lab/#sub=${encoded.code}`;
}

describe('SHA-256', () => {
  it('matches the standard’s examples and Node’s crypto', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('result links', () => {
  it('round-trip a submission, with its source', async () => {
    const s = submission();
    const link = await linkOf(s);
    expect(codeOf(link)).not.toBeNull();
    const read = await readSubmission(link);
    expect('submission' in read && read.submission).toEqual(s);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('refuse a tampered link: any changed field breaks the seal', async () => {
    const s = submission({ passed: false });
    for (const change of [
      (x: Submission) => (x.verdict.passed = true),
      (x: Submission) => (x.student = 'Mallory'),
      (x: Submission) => (x.timings.shapes[0].seconds = 1e-9),
      (x: Submission) => (x.device.class = 'nvidia · ampere'),
      (x: Submission) => (x.hintsUsed = 0),
      (x: Submission) => (x.solutionViewed = true),
    ]) {
      const changed = structuredClone(s);
      change(changed);
      const read = await readSubmission(await linkOf(changed));
      expect('refusal' in read && read.refusal.kind).toBe('tampered');
      expect('refusal' in read && read.refusal.reason).toMatch(/seal does not match/);
    }
  });

  it('refuse a resealed link whose verdict does not match its hash, its shapes or its speed goal', async () => {
    const reseal = (x: Submission) => {
      const { seal, ...rest } = x;
      void seal;
      return { ...rest, seal: sealOf(rest) };
    };
    const cases: [Submission, RegExp][] = [];
    // Another source under the first source's hash.
    const a = submission();
    cases.push([reseal({ ...a, source: `${a.source}\n// changed` }), /does not match its hash/]);
    // "passed" on a failing verdict.
    const f = submission({ passed: false });
    cases.push([reseal({ ...f, verdict: { ...f.verdict, passed: true, kind: 'passed' } }), /passed, yet a shape failed/]);
    cases.push([reseal({ ...f, verdict: { ...f.verdict, passed: true } }), /says passed with the verdict "wrong"/]);
    // A speed goal marked met below its ratio.
    const t = submission({ exercise: 'tiled-matmul', ratio: 0.3 });
    cases.push([reseal({ ...t, timings: { ...t.timings, speed: { ...t.timings.speed!, met: true } } }), /marked met at 0.3×/]);
    cases.push([
      reseal({ ...t, timings: { ...t.timings, speed: { ...t.timings.speed!, goal: 0.1, met: true } } }),
      /speed goal is 0.1×, and the exercise's is 0.5×/,
    ]);
    // Fewer shapes than the exercise has.
    cases.push([reseal({ ...a, timings: { ...a.timings, shapes: a.timings.shapes.slice(1) } }), /passed on 4 shapes, and the exercise has 5/]);
    for (const [changed, reason] of cases) {
      const read = await readSubmission(await linkOf(changed));
      expect('refusal' in read && read.refusal.kind, String(reason)).toBe('tampered');
      expect('refusal' in read && read.refusal.reason).toMatch(reason);
    }
  });

  it('refuse malformed links with a message', async () => {
    const good = await linkOf(submission());
    const code = codeOf(good)!;
    const reseal = (x: Record<string, unknown>) => {
      const { seal, ...rest } = x;
      void seal;
      return { ...rest, seal: sealOf(rest as never) };
    };
    const cases: [string | object, RegExp][] = [
      ['hello', /not a Kernel Lab result link/],
      [`https://example.org/#sub=${code.slice(0, code.length / 2)}`, /damaged|not a Kernel Lab result/],
      [`#sub=${'A'.repeat(40)}`, /damaged|not a Kernel Lab result/],
      [{ v: 1 }, /not a Kernel Lab result: exercise/],
      [{ ...submission(), v: 2 }, /is not version 1/],
      [{ ...submission(), extra: 1 }, /not a Kernel Lab result/],
      [reseal({ ...submission(), student: 'Ada\u202eevil' }), /control or direction-changing/],
      [reseal({ ...submission(), timings: { ...submission().timings, judgeSeconds: -1 } }), /judgeSeconds/],
    ];
    for (const [input, reason] of cases) {
      const read = await readSubmission(input);
      expect('refusal' in read, String(reason)).toBe(true);
      if ('refusal' in read) {
        expect(read.refusal.kind).toBe('malformed');
        expect(read.refusal.reason).toMatch(reason);
      }
    }
    const unknown = reseal({ ...submission(), exercise: 'no-such-exercise' });
    const read = await readSubmission(await linkOf(unknown));
    expect('refusal' in read && read.refusal).toEqual({
      kind: 'unknown-exercise',
      reason: 'there is no exercise "no-such-exercise" in this version of Kernel Lab',
    });
  });

  it('refuse a link too long for a link, pointing at the file', async () => {
    const s = submission({
      source: Array.from({ length: 6000 }, (_, i) => `// line ${i} ${sha256Hex(String(i))}`)
        .join('\n')
        .slice(0, 63_000),
    });
    const encoded = await encodeSubmission(s);
    expect('error' in encoded && encoded.error).toMatch(/Download it as a file instead, or leave the source out/);
  });
});

describe('the class board', () => {
  it('adds valid links, and refuses duplicates, tampered and malformed ones, each with its reason', async () => {
    const a = await linkOf(submission({ student: 'Ada' }));
    const b = await linkOf(submission({ student: 'Grace', exercise: 'zip' }));
    const tampered = structuredClone(submission({ student: 'Linus', passed: false }));
    tampered.verdict.passed = true;
    const pasted = `${a}\n${b}\n${a}\n${await linkOf(tampered)}\nnot-a-link`;
    const { entries, reports } = await addToBoard([], pastedInputs(pasted));
    expect(entries.map((e) => e.submission.student)).toEqual(['Ada', 'Grace']);
    expect(reports.map((r) => (r.added ? 'added' : r.refusal.kind))).toEqual(['added', 'added', 'duplicate', 'tampered', 'malformed']);
    expect(reports[2].added === false && reports[2].refusal.reason).toMatch(/already on the board \(Ada, map/);
    expect(reports.map((r) => r.from)).toEqual(['pasted link 1', 'pasted link 2', 'pasted link 3', 'pasted link 4', 'pasted link 5']);
    // A second import of the same links adds nothing.
    const again = await addToBoard(entries, pastedInputs(a));
    expect(again.entries.length).toBe(2);
  });

  it('imports files: an export of submissions, a single one, or a list of links', async () => {
    const s1 = submission({ student: 'Ada' });
    const s2 = submission({ student: 'Grace' });
    const file = fileInputs('class.json', JSON.stringify({ kind: 'kernel-lab-submissions', submissions: [s1, s2, { nonsense: true }] }));
    if ('problem' in file) throw new Error(file.problem);
    const { entries, reports } = await addToBoard([], file);
    expect(entries.length).toBe(2);
    expect(reports[2].added === false && reports[2].from).toBe('class.json, entry 3');
    const single = fileInputs('one.json', JSON.stringify(s1));
    expect(!('problem' in single) && single.length).toBe(1);
    const links = fileInputs('links.txt', `${await linkOf(s1)}\n${await linkOf(s2)}\n`);
    expect(!('problem' in links) && links.length).toBe(2);
    expect(fileInputs('empty.txt', '   ')).toEqual({ problem: 'empty.txt holds neither JSON nor links' });
  });
});

// ---- the ranking, over random boards ----------------------------------------------------------

const CLASSES = ['google · swiftshader (software)', 'apple · metal-3', 'nvidia · ampere'];
const STUDENTS = ['Ada', 'Grace', 'Linus', 'Barbara', ''];
const RANKED_EXERCISES = ['map', 'tiled-matmul'];

/** A board entry without going through links (the ranking reads only the submission). */
function entry(i: number, exercise: string, student: string, cls: string, passed: boolean, speed: number): BoardEntry {
  const ex = findExercise(exercise)!;
  const s: Submission = {
    v: 1,
    exercise,
    student,
    sourceHash: '0'.repeat(32),
    verdict: { passed, kind: passed ? 'passed' : 'wrong', message: '' },
    timings: {
      judgeSeconds: 1,
      shapes: ex.shapes.map(() => ({ text: '', passed, seconds: 1 / (speed * ex.shapes.length) })),
      ...(ex.speedGoal && passed
        ? { speed: { goal: ex.speedGoal.ratio, ratio: speed, met: speed >= ex.speedGoal.ratio, studentSeconds: 1, builtInSeconds: speed, shapeText: '' } }
        : {}),
    },
    device: { ...DEVICE, class: cls },
    hintsUsed: 0,
    solutionViewed: false,
    date: '2026-05-01T10:00:00.000Z',
    seal: i.toString(16).padStart(32, '0'),
  };
  return { key: s.seal, submission: s, addedAt: '2026-05-01T10:00:00.000Z' };
}

const boardArb = fc
  .array(
    fc.record({
      exercise: fc.constantFrom(...RANKED_EXERCISES),
      student: fc.constantFrom(...STUDENTS),
      cls: fc.constantFrom(...CLASSES),
      passed: fc.boolean(),
      // Few distinct speeds, so ties are common.
      speed: fc.constantFrom(0.25, 0.5, 1, 2, 4),
    }),
    { maxLength: 40 },
  )
  .map((rows) => rows.map((r, i) => entry(i, r.exercise, r.student, r.cls, r.passed, r.speed)));

describe('ranking (property test over random boards)', () => {
  it('ranks each student’s best passing entry within its exercise and device class, ties sharing a rank', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const ranks = rankBoard(board);
        expect(ranks.size).toBe(board.length);
        for (const e of board) {
          const r = ranks.get(e.key)!;
          const s = e.submission;
          const peers = board.filter((x) => x.submission.exercise === s.exercise && x.submission.device.class === s.device.class);
          if (!s.verdict.passed) {
            expect(r.rank).toBeNull();
            continue;
          }
          // The student's best entry is ranked; their others are not.
          const mine = s.student ? peers.filter((x) => x.submission.student === s.student && x.submission.verdict.passed) : [e];
          const bestSpeed = Math.max(...mine.map((x) => speedKey(x.submission)!));
          if (speedKey(s) !== bestSpeed) expect(r.rank).toBeNull();
          if (r.rank === null) continue;
          // Competition ranking: 1 + the number of students in the group strictly faster (their best).
          const bests = new Map<string, number>();
          for (const x of peers) {
            const k = speedKey(x.submission);
            if (k === null) continue;
            const id = x.submission.student || x.key;
            bests.set(id, Math.max(bests.get(id) ?? -Infinity, k));
          }
          expect(r.rank).toBe(1 + [...bests.values()].filter((k) => k > speedKey(s)!).length);
          expect(r.of).toBe(bests.size);
        }
        // One ranked entry per named student per group.
        const rankedIds = board
          .filter((e) => ranks.get(e.key)!.rank !== null && e.submission.student)
          .map((e) => `${e.submission.exercise}|${e.submission.device.class}|${e.submission.student}`);
        expect(new Set(rankedIds).size).toBe(rankedIds.length);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the board, and entries of another device class change nothing', () => {
    fc.assert(
      fc.property(boardArb, boardArb, fc.nat(), (board, other, seed) => {
        const ranks = rankBoard(board);
        const shuffled = [...board].sort(
          (a, b) => ((parseInt(a.key.slice(-6), 16) * 7919 + seed) % 101) - ((parseInt(b.key.slice(-6), 16) * 7919 + seed) % 101),
        );
        const again = rankBoard(shuffled);
        for (const e of board) expect(again.get(e.key)).toEqual(ranks.get(e.key));
        // Entries from a device class this board does not have.
        const foreign = other.map((e, i) => {
          const x = entry(
            10_000 + i,
            e.submission.exercise,
            e.submission.student,
            'another vendor · another architecture',
            e.submission.verdict.passed,
            speedKey(e.submission) ?? 1,
          );
          return x;
        });
        const mixed = rankBoard([...board, ...foreign]);
        for (const e of board) expect(mixed.get(e.key)).toEqual(ranks.get(e.key));
      }),
      { numRuns: 200 },
    );
  });

  it('a faster passing entry never ranks behind a slower one in its group', () => {
    fc.assert(
      fc.property(boardArb, (board) => {
        const ranks = rankBoard(board);
        const ranked = board.filter((e) => ranks.get(e.key)!.rank !== null);
        for (const a of ranked) {
          for (const b of ranked) {
            if (ranks.get(a.key)!.group !== ranks.get(b.key)!.group) continue;
            const ka = speedKey(a.submission)!;
            const kb = speedKey(b.submission)!;
            if (ka > kb) expect(ranks.get(a.key)!.rank!).toBeLessThan(ranks.get(b.key)!.rank!);
            if (ka === kb) expect(ranks.get(a.key)!.rank).toBe(ranks.get(b.key)!.rank);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

it('every exercise can be submitted and read back', async () => {
  for (const ex of EXERCISES) {
    const read = await readSubmission(await linkOf(submission({ exercise: ex.id, ratio: ex.speedGoal ? 0.8 : undefined })));
    expect('submission' in read, ex.id).toBe(true);
  }
});
