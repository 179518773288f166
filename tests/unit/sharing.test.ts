import { describe, expect, it } from 'vitest';
import { parseClassroom, classroomFields } from '../../src/state/classroom';
import { runsFromJson, runsToCsv, runsToJson, type SavedRun } from '../../src/state/runFile';
import { decodeSnapshot, encodeSnapshot, makeSnapshot, MAX_SNAPSHOT_CHARS } from '../../src/state/snapshot';
import type { ExperimentResult } from '../../src/kernels';
import { sampleResult as fakeResult } from './fixtures';

const run = (id: string, over: Partial<ExperimentResult> = {}): SavedRun => ({
  id,
  savedAt: '2026-11-24T00:00:00.000Z',
  pinned: false,
  result: fakeResult(over),
});

describe('runs files', () => {
  it('JSON export then import gives back the same runs, including an infinite SQNR', () => {
    const runs = [run('a'), run('b', { gflops: 1.5 })];
    const back = runsFromJson(runsToJson(runs));
    expect('runs' in back && back.runs).toEqual(runs);
  });

  it('refuses bad files whole, saying why', () => {
    expect(runsFromJson('{')).toMatchObject({ error: expect.stringContaining('not valid JSON') });
    expect(runsFromJson('{"format":"other"}')).toMatchObject({ error: expect.stringContaining('not a Kernel Lab runs file') });
    expect(runsFromJson('{"format":"kernel-lab-runs","version":99,"runs":[]}')).toMatchObject({ error: expect.stringContaining('version 99') });
    const file = JSON.parse(runsToJson([run('a'), run('b')]));
    file.runs[1].result.experiment.variant = 'nope';
    expect(runsFromJson(JSON.stringify(file))).toMatchObject({ error: 'Nothing was imported: run 2: unknown variant "nope" of matmul; using naive.' });
    const file2 = JSON.parse(runsToJson([run('a')]));
    file2.runs[0].result.seconds = [-1];
    expect(runsFromJson(JSON.stringify(file2))).toMatchObject({ error: expect.stringContaining('seconds') });
  });

  it('CSV has a header and one quoted-where-needed row per run', () => {
    const csv = runsToCsv([run('a'), run('b, "quoted"')]);
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^id,savedAt,family,variant,shape,params/);
    expect(lines[2].startsWith('"b, ""quoted""",')).toBe(true);
    expect(lines[1]).toContain('Infinity');
  });
});

describe('results snapshots in links', () => {
  it('round-trip through deflate + base64url, short enough for a link', async () => {
    const snapshot = makeSnapshot(
      [1, 2, 4, 8, 16].map((x) => ({ x, result: fakeResult({ gflops: x / 10 }) })),
      'tile',
    );
    const encoded = await encodeSnapshot(snapshot);
    if (!('text' in encoded)) throw new Error(encoded.error);
    expect(encoded.text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded.text.length).toBeLessThan(600);
    const decoded = await decodeSnapshot(encoded.text);
    expect('snapshot' in decoded && decoded.snapshot).toEqual(snapshot);
    expect(snapshot.device).toBe('google · swiftshader');
    expect(snapshot.browser).toBe('Chrome 156');
  });

  it('refuses snapshots too large for a link, pointing to file export', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ x: i, result: fakeResult({ gflops: Math.sin(i) * 1e3, medianSeconds: Math.cos(i) }) }));
    const encoded = await encodeSnapshot(makeSnapshot(many, 'N'));
    expect('error' in encoded && encoded.error).toContain('Export JSON');
    expect(MAX_SNAPSHOT_CHARS).toBeGreaterThan(1000);
  });

  it('damaged snapshot text is reported, never thrown', async () => {
    for (const text of ['', '!!!', 'AAAA', 'x'.repeat(50)]) {
      const decoded = await decodeSnapshot(text);
      expect('error' in decoded).toBe(true);
    }
  });
});

describe('classroom fields', () => {
  it('parse and write back', () => {
    const { classroom, problems } = parseClassroom({ ui: 'present', hide: 'seed,reps', lock: 'tile', lesson: 'tiling', step: '2' });
    expect(problems).toEqual([]);
    expect(classroom).toEqual({ mode: 'present', hide: ['seed', 'reps'], lock: ['tile'], lesson: { id: 'tiling', step: 2 } });
    expect(classroomFields(classroom)).toEqual({ ui: 'present', hide: 'seed,reps', lock: 'tile', lesson: 'tiling', step: '2' });
  });

  it('explains what it could not use', () => {
    const { classroom, problems } = parseClassroom({ ui: 'party', hide: 'seed,<b>', lesson: 'gone', step: '9' });
    expect(classroom.mode).toBe('normal');
    expect(classroom.hide).toEqual(['seed']);
    expect(classroom.lesson).toBeNull();
    expect(problems.join('\n')).toContain('ui "party"');
    expect(problems.join('\n')).toContain('the lesson "gone" does not exist');
    const badStep = parseClassroom({ lesson: 'tiling', step: '9' });
    expect(badStep.classroom.lesson).toEqual({ id: 'tiling', step: 1 });
    expect(badStep.problems[0]).toContain('step "9"');
  });
});
