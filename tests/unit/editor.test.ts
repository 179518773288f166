// The editor's pure parts: the loop guard's rewrite, the edit link codec, the blank kernel.
import { describe, expect, it } from 'vitest';
import { guardLoops } from '../../src/workers/editorGuard';
import { decodeEdit, encodeEdit, MAX_EDIT_CHARS } from '../../src/state/editorLink';
import { blankKernel } from '../../src/views/editor/blank';
import { checkBindings } from '../../src/checker';
import { readOnly, readWrite } from '../../src/gpu/bindings';

const LOOPS = `// a comment with for (;;) { inside
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
fn helper(n : u32) -> u32 {
  var s = 0u;
  for (var i = 0u; i < n; i++) { s += i; }
  return s;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  if (gid.x >= 64u) { return; }
  var k = 0u;
  while (k < 4u) { k++; }
  loop {
    workgroupBarrier();
    k--;
    if (k == 0u) { break; }
  }
  out[gid.x] = helper(k);
}
`;

describe('loop guard', () => {
  it('guards every loop (not the one in a comment), keeps line numbers, and records at every return', () => {
    const g = guardLoops(LOOPS, { cap: 100, binding: 1 });
    expect(g.applied).toBe(true);
    expect(g.loops).toBe(3);
    const lines = g.wgsl.split('\n');
    // No line breaks added before the appended declarations: every original line keeps its number.
    LOOPS.split('\n').forEach((line, i) => {
      // (the entry point's closing brace gets the record before it, on its line)
      if (line.trim()) expect(lines[i].startsWith(line.split('{')[0]) || lines[i].endsWith(line)).toBe(true);
    });
    // helper has no barrier: the private counter; main calls workgroupBarrier: a function counter (uniformity).
    expect(lines[4]).toContain('kl_iterations += 1u');
    expect(lines[8]).toContain('var kl_local_iterations = 0u;');
    // …and, in a function with barriers, each loop trips on its own counter (a counter shared with
    // the data-dependent `while` would make the barrier loop's break non-uniform).
    expect(lines[8]).toContain('var kl_loop_2 = 0u; var kl_loop_3 = 0u;');
    expect(lines[11]).toContain('kl_local_iterations += 1u; kl_loop_2 += 1u; if (kl_loop_2 > KL_LOOP_CAP) { atomicMax(&kl_guard[0], 12u);');
    expect(lines[12]).toContain('kl_local_iterations += 1u; kl_loop_3 += 1u; if (kl_loop_3 > KL_LOOP_CAP) { atomicMax(&kl_guard[0], 13u);');
    expect(lines[9]).toContain('{ atomicMax(&kl_guard[1], kl_iterations + kl_local_iterations); return; }');
    expect(g.wgsl).toContain('@group(0) @binding(1) var<storage, read_write> kl_guard : array<atomic<u32>, 3>;');
    expect(g.wgsl).toContain('const KL_LOOP_CAP = 100u;');
    expect(lines[0]).toBe(LOOPS.split('\n')[0]);
  });

  it('leaves a shader without the entry point alone (the compiler judges it)', () => {
    const g = guardLoops('fn other() { loop { break; } }', { cap: 10, binding: 0 });
    expect(g).toEqual({ wgsl: 'fn other() { loop { break; } }', loops: 0, applied: false });
  });
});

describe('edit links', () => {
  it('round-trip sources and grids, and refuse damage and a wrong version', async () => {
    const encoded = await encodeEdit({ sources: { 0: LOOPS, 2: 'x' }, workgroups: { 1: [2, 3, 1] } });
    if (!('text' in encoded)) throw new Error(encoded.error);
    expect(encoded.text).toMatch(/^[\w-]+$/);
    expect(await decodeEdit(encoded.text)).toEqual({ edit: { sources: { 0: LOOPS, 2: 'x' }, workgroups: { 1: [2, 3, 1] } } });
    expect(await decodeEdit('not-base64-deflate!!')).toHaveProperty('error');
    expect(await decodeEdit(encoded.text.slice(0, 20))).toHaveProperty('error');
  });

  it('refuses an edit above the link budget, pointing to file export', async () => {
    // Incompressible text: hex of a pseudo-random sequence.
    let x = 1;
    const noise = Array.from({ length: 6000 }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 16).toString(16);
    }).join('');
    const encoded = await encodeEdit({ sources: { 0: noise }, workgroups: {} });
    expect(encoded).toHaveProperty('error');
    expect((encoded as { error: string }).error).toMatch(new RegExp(`more than a link should carry \\(${MAX_EDIT_CHARS}\\).*Export JSON`));
  });
});

describe('blank kernel', () => {
  it('declares the harness bindings with a comment each, keeps the constants, and meets the contract but for the unused bindings', () => {
    const bindings = [readOnly('a', 'array<f32>', 'A, M×K row-major'), readOnly('b', 'array<f32>'), readWrite('c', 'array<f32>', 'C = A·B')];
    const generated = 'const M = 4u;\nconst K = 2u;\n@compute @workgroup_size(8, 8)\nfn main() {}\n';
    const text = blankKernel({ label: 'matmul', wgsl: generated, entryPoint: 'main', bindings, workgroups: [1, 1, 1], workgroupSize: [8, 8, 1] }, 'c');
    expect(text).toContain('const M = 4u;');
    expect(text).toContain('@group(0) @binding(0) var<storage, read> a : array<f32>; // A, M×K row-major');
    expect(text).toContain('@group(0) @binding(1) var<storage, read> b : array<f32>; // input (array<f32>)');
    expect(text).toContain('@group(0) @binding(2) var<storage, read_write> c : array<f32>; // C = A·B');
    expect(text).toContain('@compute @workgroup_size(8, 8)');
    const problems = checkBindings(text, bindings, { outputBuffer: 'c' });
    expect(problems.filter((p) => p.severity === 'error' && p.kind !== 'unused')).toEqual([]);
    expect(problems.filter((p) => p.kind === 'unused').length).toBe(3);
  });
});
