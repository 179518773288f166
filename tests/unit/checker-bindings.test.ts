// The binding contract: each kind of mismatch between an edited shader's declarations and the
// harness's Binding[] gives its own message. The shaders are the tiled matmul's generated WGSL
// with one declaration changed, so each test changes exactly one thing.
import { describe, expect, it } from 'vitest';
import { readOnly, readWrite, uniform } from '../../src/gpu/bindings';
import { checkBindings, declaredBindings } from '../../src/checker';
import { parseWgsl } from '../../src/checker/parse';
import { MATMUL_BINDINGS } from '../../src/kernels/matmul/common';
import { tiledWgsl } from '../../src/kernels/matmul/tiled';

const GENERATED = tiledWgsl(32, 32, 32, 8);
const DECL = {
  a: '@group(0) @binding(0) var<storage, read> a : array<f32>;',
  b: '@group(0) @binding(1) var<storage, read> b : array<f32>;',
  c: '@group(0) @binding(2) var<storage, read_write> c : array<f32>;',
};

function edit(from: string, to: string, source = GENERATED): string {
  expect(source, `the generated shader contains ${from}`).toContain(from);
  return source.replace(from, to);
}

const check = (wgsl: string, expected = MATMUL_BINDINGS) => checkBindings(wgsl, expected, { outputBuffer: 'c' });

describe('the binding contract', () => {
  it('the generated shader agrees with its bindings (no problems at all)', () => {
    expect(check(GENERATED)).toEqual([]);
  });

  it('reads every declaration: group, binding, address space, access, type, name', () => {
    const decls = declaredBindings(parseWgsl(edit(DECL.b, '@group(0) @binding(1) var<storage, read> b : array<vec4f>;')));
    expect(decls.map(({ group, binding, name, space, access, type }) => ({ group, binding, name, space, access, type }))).toEqual([
      { group: 0, binding: 0, name: 'a', space: 'storage', access: 'read', type: 'array<f32>' },
      { group: 0, binding: 1, name: 'b', space: 'storage', access: 'read', type: 'array<vec4<f32>>' },
      { group: 0, binding: 2, name: 'c', space: 'storage', access: 'read_write', type: 'array<f32>' },
    ]);
  });

  it('read storage where the harness writes the output', () => {
    const problems = check(edit(DECL.c, '@group(0) @binding(2) var<storage, read> c : array<f32>;'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'access', severity: 'error', binding: 2 });
    expect(problems[0].message).toMatch(/^binding 2 is `read` storage here but the harness writes the output there/);
  });

  it('read_write storage where the harness hands an input', () => {
    const [p] = check(edit(DECL.a, '@group(0) @binding(0) var<storage, read_write> a : array<f32>;'));
    expect(p).toMatchObject({ kind: 'access', severity: 'warning', binding: 0 });
    expect(p.message).toMatch(/binding 0 \(`a`\) is `read_write` storage here, but the harness hands an input there .*corrupts the next run/);
  });

  it('a missing binding names what the harness binds there', () => {
    const withScales = [...MATMUL_BINDINGS, readOnly('scales', 'array<f32>', 'f32 per group')];
    const [p] = check(GENERATED, withScales);
    expect(p).toMatchObject({ kind: 'missing', severity: 'error', binding: 3 });
    expect(p.message).toBe('binding 3 is missing: the harness binds `scales` (f32 per group; read storage) there.');
  });

  it('a group other than 0 is not provided', () => {
    const problems = check(edit(DECL.b, '@group(1) @binding(1) var<storage, read> b : array<f32>;'));
    const group = problems.find((p) => p.kind === 'group')!;
    expect(group.message).toMatch(/^group 1 is not provided: the harness binds only @group\(0\), but `b` is declared at @group\(1\) @binding\(1\)/);
    // …and binding 1 of group 0 is then missing.
    expect(problems.find((p) => p.kind === 'missing')?.message).toMatch(/^binding 1 is missing: the harness binds `b`/);
  });

  it('a different store type', () => {
    const [p] = check(edit(DECL.b, '@group(0) @binding(1) var<storage, read> b : array<vec4<f32>>;'));
    expect(p).toMatchObject({ kind: 'type', severity: 'error', binding: 1 });
    expect(p.message).toBe(
      "binding 1 (`b`) holds `array<vec4<f32>>` here, but the harness provides `array<f32>` there (B, K×N, row-major): the kernel would read the buffer's bytes as the wrong type.",
    );
  });

  it('shorthands and aliases are the same type (no false mismatch)', () => {
    const aliased = edit(DECL.b, 'alias Floats = array<f32>;\n@group(0) @binding(1) var<storage, read> b : Floats;');
    expect(check(aliased)).toEqual([]);
    const vec = [readOnly('a', 'array<vec4<f32>>'), readOnly('b', 'array<f32>'), readWrite('c', 'array<f32>')];
    expect(check(edit(DECL.a, '@group(0) @binding(0) var<storage, read> a : array<vec4f>;').replace('a[row * K + aCol]', 'a[row * K + aCol].x'), vec)).toEqual(
      [],
    );
  });

  it('an extra binding the harness does not provide', () => {
    const withExtra = edit('var<workgroup> tileA', '@group(0) @binding(3) var<storage, read_write> debug : array<u32>;\nvar<workgroup> tileA').replace(
      'c[row * N + col] = acc;',
      'c[row * N + col] = acc;\n    debug[0] = 1u;',
    );
    const [p] = check(withExtra);
    expect(p).toMatchObject({ kind: 'extra', severity: 'error', binding: 3 });
    expect(p.message).toBe('binding 3 (`debug`) is declared here, but the harness binds nothing there (it binds 3 buffers, at bindings 0–2).');
  });

  it('an extra declaration the entry point does not use is only information (the layout drops it)', () => {
    const unusedExtra = edit('var<workgroup> tileA', '@group(0) @binding(3) var<storage, read> table : array<f32, 31>;\nvar<workgroup> tileA');
    const [p] = check(unusedExtra);
    expect(p).toMatchObject({ kind: 'extra', severity: 'info', binding: 3 });
    expect(p.message).toMatch(/harmless while the entry point does not use it\.$/);
  });

  it('uniform where the harness binds storage, and storage where it binds a uniform buffer', () => {
    const [toUniform] = check(edit(DECL.a, '@group(0) @binding(0) var<uniform> a : array<vec4f, 4>;').replace('a[row * K + aCol]', 'a[0].x'));
    expect(toUniform).toMatchObject({ kind: 'address-space', severity: 'error', binding: 0 });
    expect(toUniform.message).toMatch(
      /^binding 0 \(`a`\) is a uniform buffer here, but the harness binds a storage buffer there .*declare it `var<storage, read>`/,
    );

    const withParams = [...MATMUL_BINDINGS, uniform('params', 'Params', 'sizes M, N, K')];
    const paramsAsStorage = edit(
      'var<workgroup> tileA',
      'struct Params { m : u32, n : u32, k : u32 }\n@group(0) @binding(3) var<storage, read> params : Params;\nvar<workgroup> tileA',
    ).replace('var acc = 0.0;', 'var acc = f32(params.m) * 0.0;');
    const [toStorage] = check(paramsAsStorage, withParams);
    expect(toStorage).toMatchObject({ kind: 'address-space', binding: 3 });
    expect(toStorage.message).toMatch(
      /^binding 3 \(`params`\) is a storage buffer here, but the harness binds a uniform buffer there \(`params` \(sizes M, N, K; uniform\)\): declare it `var<uniform>`/,
    );
  });

  it('two declarations at one binding', () => {
    const twice = edit(DECL.b, `${DECL.b}\n@group(0) @binding(1) var<storage, read> b2 : array<f32>;`).replace('b[bRow * N + col]', 'b2[bRow * N + col]');
    const p = check(twice).find((x) => x.kind === 'duplicate')!;
    expect(p.message).toMatch(/^binding 1 is declared twice: `b` \(line \d+\) and `b2` \(line \d+\)\.$/);
  });

  it('a binding the entry point never uses (the automatic layout drops it)', () => {
    const unused = edit('bValue = b[bRow * N + col];', 'bValue = 1.0;');
    const [p] = check(unused);
    expect(p).toMatchObject({ kind: 'unused', severity: 'error', binding: 1 });
    expect(p.message).toMatch(/^binding 1 \(`b`\) is declared but the entry point never uses it/);
  });

  it('a different variable name is only information', () => {
    const renamed = edit(DECL.a, '@group(0) @binding(0) var<storage, read> lhs : array<f32>;').replace('a[row * K + aCol]', 'lhs[row * K + aCol]');
    const [p] = check(renamed);
    expect(p).toMatchObject({ kind: 'name', severity: 'info' });
    expect(p.message).toBe('binding 0 is named `lhs` here; the harness calls it `a` (harmless: buffers are bound by number).');
  });

  it('a bare string binding is name-only: access and type are not judged, presence is', () => {
    const asRead = edit(DECL.c, '@group(0) @binding(2) var<storage, read> c : array<vec2f>;').replace('c[row * N + col] = acc;', 'let keep = c[0].x;');
    expect(check(asRead, ['a', 'b', 'c'] as never)).toEqual([]);
    expect(check(GENERATED, ['a', 'b', 'c', 'scales'] as never)[0].message).toBe('binding 3 is missing: the harness binds buffer `scales` there.');
  });

  it('a shader that does not parse gives its line, and no crash', () => {
    const [p] = check(edit('var acc = 0.0;', 'var acc = ;'));
    expect(p).toMatchObject({ kind: 'parse', severity: 'error' });
    expect(p.line).toBe(GENERATED.split('\n').findIndex((l) => l.includes('var acc = 0.0;')) + 1);
  });
});
