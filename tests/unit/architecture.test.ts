// The layering rules of ARCHITECTURE.md, checked by reading every import in src/. A rule kept by
// hand drifts; this test fails on a breach and names the file and the import.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf } from './sourceAst';

const SRC = resolve(__dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(SRC, from)} imports ${spec}, which does not resolve`);
}

const files = walk(SRC);
const graph = new Map<string, string[]>();
for (const file of files) {
  const deps = importsOf(readFileSync(file, 'utf8'), file)
    .map((spec) => resolveImport(file, spec))
    .filter((d): d is string => d?.startsWith(SRC) === true);
  graph.set(file, [...new Set(deps)]);
}

const rel = (p: string) => relative(SRC, p).replace(/\\/g, '/');
const room = (p: string) => {
  const r = rel(p);
  return r.includes('/') ? r.slice(0, r.indexOf('/')) : r;
};

/** For each room, the rooms (or exact files) it may import; anything else is a breach. */
const MAY_IMPORT: Record<string, { rooms: string[]; files?: string[]; never?: string[] }> = {
  numerics: { rooms: ['numerics'] },
  gpu: { rooms: ['gpu', 'numerics'] },
  kernels: { rooms: ['kernels', 'gpu', 'numerics'] },
  checker: { rooms: ['checker', 'kernels', 'gpu', 'numerics'] },
  workers: { rooms: ['workers', 'kernels', 'gpu', 'numerics', 'checker', 'exercises'] },
  state: {
    rooms: ['state', 'kernels', 'numerics', 'lessons', 'exercises'],
    files: ['workers/protocol.ts', 'gpu/types.ts', 'gpu/describe.ts'],
    never: ['kernels/run.ts'],
  },
  lessons: { rooms: ['lessons', 'kernels', 'numerics'], never: ['kernels/run.ts'] },
  exercises: { rooms: ['exercises', 'kernels', 'numerics', 'lessons'], files: ['gpu/types.ts', 'gpu/bindings.ts'], never: ['kernels/run.ts'] },
  views: {
    rooms: ['views', 'state', 'kernels', 'numerics', 'lessons', 'exercises'],
    files: ['workers/protocol.ts', 'gpu/types.ts', 'gpu/bindings.ts', 'gpu/describe.ts'],
    never: ['kernels/run.ts'],
  },
  'main.tsx': { rooms: ['views', 'state'] },
};

describe('architecture (ARCHITECTURE.md)', () => {
  it('every file lives in a room with rules', () => {
    const unknown = files.map(room).filter((r) => !(r in MAY_IMPORT));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('no room imports outside its rules', () => {
    const breaches: string[] = [];
    for (const [file, deps] of graph) {
      const rules = MAY_IMPORT[room(file)];
      if (!rules) continue;
      for (const dep of deps) {
        const target = rel(dep);
        const allowed = (rules.rooms.includes(room(dep)) || rules.files?.includes(target)) && !rules.never?.includes(target);
        if (!allowed) breaches.push(`${rel(file)} → ${target}`);
      }
    }
    expect(breaches).toEqual([]);
  });

  it('views never reach the device, the runner or the worker', () => {
    const breaches = [...graph]
      .filter(([file]) => room(file) === 'views')
      .flatMap(([file, deps]) =>
        deps
          .filter((d) => ['gpu/device.ts', 'gpu/runner.ts', 'gpu/node-device.ts', 'kernels/run.ts', 'workers/lab.worker.ts'].includes(rel(d)))
          .map((d) => `${rel(file)} → ${rel(d)}`),
      );
    expect(breaches).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components over the file graph.
    let index = 0;
    const stack: string[] = [];
    const onStack = new Set<string>();
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index);
      index++;
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(rel(w));
        } while (w !== v);
        if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) visit(v);
    expect(cycles).toEqual([]);
  });

  it('the import reader sees static, type-only, re-exported and dynamic imports (a checker that cannot fail is no checker)', () => {
    const text = `import a from './a';\nimport type { B } from "./b";\nexport * from './c';\nconst d = import('./d');\nimport './e';\n// import x from './commented';`;
    expect(importsOf(text).sort()).toEqual(['./a', './b', './c', './d', './e']);
  });
});
