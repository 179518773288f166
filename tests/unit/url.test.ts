import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FAMILIES, type Experiment, type ParamDef } from '../../src/kernels';
import { LINK_VERSION, migrate, parseLink, serializeLink } from '../../src/state/url';
import { classroomFields, parseClassroom } from '../../src/state/classroom';

function arbParam(def: ParamDef): fc.Arbitrary<number | string | boolean> {
  switch (def.kind) {
    case 'int':
      return def.pow2
        ? fc.integer({ min: Math.ceil(Math.log2(def.min)), max: Math.floor(Math.log2(def.max)) }).map((e) => 2 ** e)
        : fc.integer({ min: def.min, max: def.max });
    case 'enum':
      return fc.constantFrom(...def.options.map((o) => o.value));
    case 'bool':
      return fc.boolean();
  }
}

/** Any valid experiment of any registered variant. */
const arbExperiment: fc.Arbitrary<Experiment> = fc.constantFrom(...FAMILIES.flatMap((f) => f.variants)).chain((variant) =>
  fc.record({
    family: fc.constant(variant.family),
    variant: fc.constant(variant.id),
    params: fc.record(Object.fromEntries(variant.params.map((d) => [d.key, arbParam(d)]))),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    reps: fc.integer({ min: 1, max: 200 }),
  }),
);

describe('share links', () => {
  it('round-trip every valid experiment exactly', () => {
    fc.assert(
      fc.property(arbExperiment, (experiment) => {
        const parsed = parseLink(serializeLink(experiment));
        expect(parsed.problems).toEqual([]);
        expect(parsed.experiment).toEqual(experiment);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip sweeps', () => {
    const experiment: Experiment = {
      family: 'matmul',
      variant: 'tiled',
      params: { M: 64, N: 32, K: 17, tile: 8 },
      seed: 9,
      reps: 3,
      sweep: { param: 'tile', values: [1, 2, 4, 8, 16] },
    };
    const link = serializeLink(experiment);
    expect(link).toBe('#v=1&f=matmul&k=tiled&M=64&N=32&K=17&tile=8&seed=9&reps=3&sw=tile:1,2,4,8,16');
    expect(parseLink(link)).toMatchObject({ experiment, problems: [] });
  });

  it('never throws on arbitrary text, always yields a runnable experiment', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseLink(text);
        const variant = FAMILIES.find((f) => f.id === parsed.experiment.family)?.variants.find((v) => v.id === parsed.experiment.variant);
        expect(variant).toBeDefined();
        for (const def of variant!.params) expect(parsed.experiment.params[def.key]).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on damaged links built from real keys and hostile values', () => {
    const keys = fc.constantFrom('v', 'f', 'k', 'M', 'N', 'K', 'tile', 'wg', 'seed', 'reps', 'sw', '__proto__', 'constructor', '%', '');
    const values = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('%E0%A4%A', '-1', '1e9', 'NaN', '0x10', '9999999999999', 'tile:', 'tile:a,b', '<script>'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, values), { maxLength: 12 }), (pairs) => {
        const hash = `#${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
        const parsed = parseLink(hash);
        expect(Number.isInteger(parsed.experiment.seed)).toBe(true);
        expect(parsed.experiment.reps).toBeGreaterThanOrEqual(1);
        expect(Object.getPrototypeOf(parsed.experiment.params)).toBe(Object.prototype);
      }),
      { numRuns: 500 },
    );
  });

  it('says which fields were rejected and what was used', () => {
    const parsed = parseLink('#v=1&f=matmul&k=tiled&M=-5&N=abc&tile=999&seed=x&reps=0&zzz=1&sw=tile');
    expect(parsed.experiment).toMatchObject({ family: 'matmul', variant: 'tiled', seed: 1, reps: 5 });
    expect(parsed.experiment.params).toMatchObject({ M: 256, N: 256, tile: 16 });
    const text = parsed.problems.join('\n');
    expect(text).toContain('M (rows of A and C): -5 is outside 1…8192; using 256');
    expect(text).toContain('"abc" is not a whole number');
    expect(text).toContain('unknown field "zzz"');
    expect(text).toContain('Seed: "x" is not a whole number');
    expect(text).toContain('Repetitions: 0 is outside 1…200');
    expect(text).toContain('sweep "tile" is not');
  });

  it('reads links without a version (v0) through the migration chain, and warns on newer ones', () => {
    const old = parseLink('#f=matmul&k=naive&M=3&N=4&K=5&wg=4');
    expect(old.problems).toEqual([]);
    expect(old.experiment.params).toMatchObject({ M: 3, N: 4, K: 5, wg: 4 });
    const newer = parseLink(`#v=${LINK_VERSION + 1}&f=matmul&k=naive&M=3`);
    expect(newer.problems.join()).toContain('newer Kernel Lab');
    expect(newer.experiment.params.M).toBe(3);
    expect(migrate(new Map([['f', 'matmul']]), 0).get('f')).toBe('matmul');
  });

  it('passes foreign keys (lesson, mode…) through untouched', () => {
    const parsed = parseLink('#v=1&f=matmul&k=naive&lesson=tiling&step=2');
    expect(parsed.extra).toEqual({ lesson: 'tiling', step: '2' });
    expect(parsed.problems).toEqual([]);
  });
});

describe('link keys', () => {
  it('no variant parameter uses a key the link reserves for itself or for classroom fields', async () => {
    const { FOREIGN_KEYS } = await import('../../src/state/url');
    const reserved = new Set(['v', 'f', 'k', 'seed', 'reps', 'sw', ...FOREIGN_KEYS]);
    const clashes = FAMILIES.flatMap((f) => f.variants.flatMap((v) => v.params.filter((p) => reserved.has(p.key)).map((p) => `${f.id}/${v.id}: ${p.key}`)));
    expect(clashes).toEqual([]);
  });
});

describe('the canonical link the page writes back', () => {
  // What urlSync writes into the address bar for a link it opened: the experiment as decoded and
  // the classroom fields as parsed (the snapshot aside, which is checked by its own decoder).
  const canonical = (hash: string) => {
    const parsed = parseLink(hash);
    const { classroom } = parseClassroom(parsed.extra);
    return { hash: serializeLink(parsed.experiment, classroomFields(classroom)), experiment: parsed.experiment, classroom };
  };
  const keys = fc.constantFrom(
    'v',
    'f',
    'k',
    'M',
    'N',
    'K',
    'tile',
    'wg',
    'BM',
    'TM',
    'vec4',
    'staging',
    'seed',
    'reps',
    'sw',
    'ui',
    'hide',
    'lock',
    'lesson',
    'step',
    'zz',
    '',
  );
  const values = fc.oneof(
    fc.string({ maxLength: 16 }),
    fc.constantFrom(
      'matmul',
      'quant',
      'sparse',
      'scan',
      'tiled',
      'regblock',
      'naive',
      'present',
      'embed',
      'tiling',
      'seed,reps',
      'tile:1,2,3,4',
      'M:1,64,9999',
      '1',
      '0',
      '64',
      '-3',
      '1e3',
      '\u202E',
      '%E0%A4%A',
      'workgroup',
    ),
    fc.integer({ min: -10, max: 5000 }).map(String),
  );

  it('re-opens to the same experiment and classroom, with no problems listed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, values), { maxLength: 14 }), (pairs) => {
        const first = canonical(`#${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`);
        const reopened = parseLink(first.hash);
        expect(reopened.problems).toEqual([]);
        expect(parseClassroom(reopened.extra).problems).toEqual([]);
        expect(reopened.experiment).toEqual(first.experiment);
        expect(parseClassroom(reopened.extra).classroom).toEqual(first.classroom);
        // And it is a fixed point: writing it back again changes nothing.
        expect(canonical(first.hash).hash).toBe(first.hash);
      }),
      { numRuns: 2000 },
    );
  });

  it('messages escape control and bidirectional characters and clip what they quote', () => {
    const { problems } = parseLink(`#f=${encodeURIComponent(`ev\u202Eil\u0000${'x'.repeat(200)}`)}`);
    expect(problems[0]).toContain('evU+202EilU+0000');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts that no control character survives.
    expect(problems[0]).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
    expect(problems[0].length).toBeLessThan(120);
  });

  it('a sweep carries only values the single-value check accepts (powers of two stay powers of two)', () => {
    const parsed = parseLink('#f=matmul&k=regblock&sw=BM:16,24,32,48,64');
    expect(parsed.experiment.sweep).toEqual({ param: 'BM', values: [16, 32, 64] });
    expect(parsed.problems.join('\n')).toMatch(/24 is not a power of two/);
  });
});
