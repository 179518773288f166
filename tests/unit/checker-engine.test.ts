// The checker's interpreter on small hand-written kernels: WGSL's arithmetic and control flow as
// the spec defines them (each value below is worked out from the spec's rules, not from running
// the interpreter), subgroup builtins at a chosen subgroup size, and the ways a check can stop
// (budget, cancel, a construct it does not run, a shader it cannot read). CPU only: no device.
import { describe, expect, it } from 'vitest';
import { checkKernel, sampleWorkgroups, type CheckReport } from '../../src/checker';
import { readWrite } from '../../src/gpu/bindings';

async function run(
  wgsl: string,
  words: number,
  options: Parameters<typeof checkKernel>[2] = {},
  workgroups: [number, number?, number?] = [1],
): Promise<{ report: CheckReport; out: Uint32Array }> {
  const report = await checkKernel(
    null,
    {
      buffers: [{ name: 'out', bytes: words * 4, usage: 'storage' }],
      dispatches: [{ label: 'test', wgsl, bindings: [readWrite('out', 'array<u32>')], workgroups }],
    },
    { returnBuffers: true, ...options },
  );
  return { report, out: new Uint32Array(report.buffers?.out ?? new ArrayBuffer(0)) };
}

const f32bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];

describe('WGSL semantics in the interpreter', () => {
  it('integer and float arithmetic, conversions and bit builtins follow the spec', async () => {
    const { report, out } = await run(
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
@compute @workgroup_size(1)
fn main() {
  let zero = out[31]; // 0, but not a constant: the compiler cannot fold what follows
  out[0] = zero - 1u;                          // wraps to 2^32 − 1
  out[1] = (0xffffffffu + zero) * 3u;          // (2^32 − 1)·3 mod 2^32 = 2^32 − 3
  out[2] = bitcast<u32>(i32(zero) - 7 / 2);    // −7/2 truncates to −3
  out[3] = bitcast<u32>(-7 % (2 + i32(zero))); // remainder takes the dividend's sign: −1
  out[4] = (7u + zero) / zero;                 // integer division by zero gives the dividend
  out[5] = (1u << (31u + zero)) >> 31u;        // 1
  out[6] = bitcast<u32>((-8 + i32(zero)) >> 1u); // arithmetic shift: −4
  out[7] = bitcast<u32>(f32(zero) + 0.1 + 0.2);  // f32(0.1) + f32(0.2), rounded to f32
  out[8] = u32(-1.5 + f32(zero));              // float → u32 saturates at 0
  out[9] = bitcast<u32>(i32(3e10 + f32(zero))); // float → i32 saturates
  out[10] = countOneBits(0xf0f0u + zero) + firstLeadingBit(0x100u + zero) * 100u; // 8 + 8·100
  out[11] = extractBits(0xabcdu + zero, 4u, 8u); // 0xbc
  out[12] = select(10u, 20u, zero == 0u);      // 20
  out[13] = bitcast<u32>(fma(2.0, 3.0, f32(zero) + 1.0)); // 7
  out[14] = u32(round(2.5 + f32(zero))) * 10u + u32(round(3.5 + f32(zero))); // ties to even: 2, 4
  out[15] = dot4I8Packed(0xff020304u + zero, 0x01010101u); // −1 + 2 + 3 + 4 = 8
}`,
      32,
    );
    expect(report.verdict).toBe('clean');
    expect([...out.slice(0, 16)]).toEqual([
      4294967295,
      4294967293,
      4294967293,
      4294967295,
      7,
      1,
      4294967292,
      f32bits(Math.fround(Math.fround(0.1) + Math.fround(0.2))),
      0,
      2147483647,
      808,
      0xbc,
      20,
      f32bits(7),
      24,
      8,
    ]);
  });

  it('control flow: switch, loop/continuing/break if, continue, early return, structs, pointers', async () => {
    const { report, out } = await run(
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
struct Pair { a : u32, b : u32 }
fn classify(x : u32) -> u32 {
  if (x > 5u) {
    return 100u;
  }
  switch (x) {
    case 0u, 1u: { return 1u; }
    case 2u: { return 2u; }
    default: { }
  }
  return 7u;
}
fn bump(p : ptr<function, u32>, by : u32) {
  *p = *p + by;
}
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) i : u32) {
  var sum = 0u;
  for (var k = 0u; k < 10u; k++) {
    if (k % 2u == 1u) {
      continue;        // odd k skipped
    }
    if (k > i + 2u) {
      break;           // lane i stops after k = i + 2
    }
    sum += k;
  }
  var n = 0u;
  loop {
    n += 1u;
    continuing {
      break if n >= i;
    }
  }
  var pair = Pair(i, 2u * i);
  bump(&pair.b, 1u);
  out[i] = sum;
  out[8u + i] = classify(i);
  out[16u + i] = n * 1000u + pair.b;
}`,
      24,
      {},
    );
    expect(report.verdict).toBe('clean');
    const evenSum = (i: number) => [0, 2, 4, 6, 8].filter((k) => k <= i + 2).reduce((a, b) => a + b, 0);
    expect([...out.slice(0, 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(evenSum));
    expect([...out.slice(8, 16)]).toEqual([1, 1, 2, 7, 7, 7, 100, 100]);
    expect([...out.slice(16, 24)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.max(1, i) * 1000 + 2 * i + 1));
  });

  it('subgroup builtins at the subgroup size asked for', async () => {
    const wgsl = /* wgsl */ `
enable subgroups;
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) i : u32, @builtin(subgroup_invocation_id) lane : u32, @builtin(subgroup_size) size : u32) {
  out[i] = subgroupAdd(i);
  out[8u + i] = subgroupExclusiveAdd(1u);
  out[16u + i] = subgroupShuffle(i * 10u, (lane + 1u) % size);
  out[24u + i] = subgroupBallot(i % 2u == 0u).x;
  out[32u + i] = select(0u, 1u, subgroupElect());
}`;
    const { out } = await run(wgsl, 40, { subgroupSize: 4 });
    expect([...out.slice(0, 8)]).toEqual([6, 6, 6, 6, 22, 22, 22, 22]);
    expect([...out.slice(8, 16)]).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect([...out.slice(16, 24)]).toEqual([10, 20, 30, 0, 50, 60, 70, 40]);
    expect([...out.slice(24, 32)]).toEqual(Array(8).fill(0b0101));
    expect([...out.slice(32, 40)]).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
    const wide = await run(wgsl, 40, { subgroupSize: 32 });
    expect([...wide.out.slice(0, 8)]).toEqual(Array(8).fill(28));
  });

  it('two workgroups writing one storage element race, in small and in large buffers alike', async () => {
    const wgsl =
      '@group(0) @binding(0) var<storage, read_write> out : array<u32>;\n@compute @workgroup_size(4)\nfn main(@builtin(local_invocation_index) i : u32, @builtin(workgroup_id) wid : vec3u) {\n  out[i + 4u * wid.x] = i;\n  out[arrayLength(&out) - 1u - i] = wid.x;\n}';
    for (const words of [64, (4 << 20) / 4]) {
      const { report } = await run(wgsl, words, {}, [2]);
      const races = report.problems.filter((p) => p.kind === 'hazard');
      expect(races, `${words} words`).toHaveLength(1);
      expect(races[0].finding).toMatchObject({
        space: 'storage',
        hazard: 'write-after-write',
        first: { line: 5 },
        second: { line: 5 },
        workgroup: [1, 0, 0],
        firstWorkgroup: [0, 0, 0],
        count: 4,
      });
    }
  });

  it('out of bounds is measured against the data the harness made, and arrayLength agrees', async () => {
    const { report, out } = await run(
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
@compute @workgroup_size(4)
fn main(@builtin(local_invocation_index) i : u32) {
  if (i == 0u) {
    out[0] = arrayLength(&out);
  }
  out[i + 2u] = 9u; // lanes 1…3 write out[3…5]; only out[0…2] exist
}`,
      3,
    );
    expect(out[0]).toBe(3);
    const oob = report.problems.filter((p) => p.kind === 'out-of-bounds');
    expect(oob).toHaveLength(1);
    expect(oob[0].finding).toMatchObject({ array: 'out', index: 3, length: 3, line: 8, access: 'write', count: 3 });
  });
});

describe('how a check stops', () => {
  it('a kernel that never ends is stopped by the budget, and says so', async () => {
    const t0 = performance.now();
    const { report } = await run(
      '@group(0) @binding(0) var<storage, read_write> out : array<u32>;\n@compute @workgroup_size(1)\nfn main() {\n  loop {\n    out[0] += 1u;\n  }\n}',
      1,
      { budgetMs: 300 },
    );
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(report).toMatchObject({ verdict: 'incomplete', stoppedBy: 'budget' });
    expect(report.dispatches[0].stopped).toMatch(/time budget \(300 ms\)/);
  });

  it('a cancel between workgroups stops it', async () => {
    const token = { cancelled: false };
    setTimeout(() => (token.cancelled = true), 50);
    const wgsl =
      '@group(0) @binding(0) var<storage, read_write> out : array<u32>;\n@compute @workgroup_size(64)\nfn main() {\n  for (var k = 0u; k < 3000u; k++) {\n    out[0] += 1u;\n  }\n}';
    const { report } = await run(wgsl, 1, { cancel: token, maxWorkgroups: 1e9, budgetMs: 60_000 }, [4096]);
    expect(report.stoppedBy).toBe('cancel');
    expect(report.dispatches[0].checked.length).toBeLessThan(4096);
  });

  it('a construct the interpreter does not run is reported at its line, as incomplete', async () => {
    const { report } = await run(
      '@group(0) @binding(0) var<storage, read_write> out : array<u32>;\n@compute @workgroup_size(1)\nfn main() {\n  out[0] = 1u;\n  let m = transpose(mat2x2f(1.0, 0.0, 0.0, 1.0));\n}',
      1,
    );
    expect(report.verdict).toBe('incomplete');
    expect(report.problems.find((p) => p.kind === 'unsupported')).toMatchObject({ line: 5, message: expect.stringMatching(/`transpose` is not interpreted/) });
  });

  it('matrices and entry-point structs are interpreted', async () => {
    const { report, out } = await run(
      /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
struct Ids { @builtin(local_invocation_index) index : u32, @builtin(workgroup_id) group : vec3u }
@compute @workgroup_size(2)
fn main(ids : Ids) {
  let m = mat2x2f(1.0, 2.0, 3.0, 4.0); // columns (1, 2) and (3, 4)
  let v = m * vec2f(1.0, 10.0);        // (1 + 30, 2 + 40)
  let w = vec2f(1.0, 10.0) * m;        // (1 + 20, 3 + 40)
  let p = m * m;                       // columns m·(1, 2) = (7, 10), m·(3, 4) = (15, 22)
  out[ids.index * 4u] = u32(v[ids.index]);
  out[ids.index * 4u + 1u] = u32(w[ids.index]);
  out[ids.index * 4u + 2u] = u32(p[ids.index].x + p[ids.index].y);
  out[ids.index * 4u + 3u] = ids.group.x;
}`,
      8,
    );
    expect(report.verdict).toBe('clean');
    expect([...out]).toEqual([31, 21, 17, 0, 42, 43, 37, 0]);
  });

  it('a shader the checker cannot read gives the line', async () => {
    const { report } = await run('@compute @workgroup_size(1)\nfn main() {\n  let x = (1 + ;\n}', 1);
    expect(report.problems.find((p) => p.kind === 'parse')).toMatchObject({ severity: 'error', line: 3 });
  });
});

describe('reports are plain data', () => {
  it('a report with findings survives structured cloning (it crosses the worker boundary)', async () => {
    const { report } = await run(
      '@group(0) @binding(0) var<storage, read_write> out : array<u32>;\nvar<workgroup> slot : u32;\n@compute @workgroup_size(4)\nfn main(@builtin(local_invocation_index) i : u32) {\n  slot = i;\n  out[i + 1u] = slot;\n}',
      2,
    );
    expect(report.problems.map((p) => p.kind).sort()).toEqual(['hazard', 'hazard', 'out-of-bounds']);
    expect(structuredClone(report)).toEqual(report);
  });
});

describe('which workgroups are run', () => {
  it('every workgroup of a small grid; corners and spread ones of a large grid', () => {
    expect(sampleWorkgroups([2, 2, 1], 8)).toHaveLength(4);
    const picked = sampleWorkgroups([30, 20, 1], 8);
    expect(picked).toHaveLength(8);
    for (const corner of [
      [0, 0, 0],
      [29, 0, 0],
      [0, 19, 0],
      [29, 19, 0],
    ])
      expect(picked).toContainEqual(corner);
  });
});
