// A blank kernel for any dispatch of any family: the harness's bindings declared (generated with
// declareBindings, a one-line comment each), the constants and structs the generated shader
// defines (so the declarations compile), and an empty entry point of the same workgroup size.
import { declareBindings } from '../../gpu/bindings';
import type { Binding } from '../../gpu/types';
import type { EditorDispatch } from '../../workers/protocol';

/** Top-level `enable`/`requires` directives, `const` lines and the structs the bindings use. */
function prelude(wgsl: string, bindings: (Binding | string)[]): string[] {
  const lines = wgsl.split('\n');
  const directives = lines.filter((l) => /^\s*(enable|requires)\s+[^;]+;/.test(l));
  const consts = lines.filter((l) => /^const\s+\w+/.test(l));
  const types = bindings
    .filter((b): b is Binding => typeof b !== 'string')
    .map((b) => b.type)
    .join(' ');
  const structs: string[] = [];
  for (const m of wgsl.matchAll(/^struct\s+(\w+)\s*\{[^}]*\}/gm)) if (new RegExp(`\\b${m[1]}\\b`).test(types)) structs.push(m[0]);
  return [...directives, ...(directives.length ? [''] : []), ...consts, ...(consts.length ? [''] : []), ...structs, ...(structs.length ? [''] : [])];
}

function bindingLine(b: Binding | string, i: number): string {
  if (typeof b === 'string') return `// @group(0) @binding(${i}): the harness binds its buffer "${b}" here; declare it with the type your kernel reads.`;
  const note = b.note ?? `${b.access === 'read' ? 'input' : b.access === 'uniform' ? 'parameters' : 'written by the kernel'} (${b.type})`;
  return declareBindings([{ ...b, note }]).replace('@binding(0)', `@binding(${i})`);
}

export function blankKernel(d: EditorDispatch, outputBuffer: string): string {
  const size = d.workgroupSize ?? [64, 1, 1];
  const sizeText = size[2] > 1 ? size.join(', ') : size[1] > 1 ? `${size[0]}, ${size[1]}` : String(size[0]);
  return [
    `// A blank kernel for "${d.label}": the harness's bindings are declared below, as it binds them.`,
    `// It runs on ${d.workgroups.join(' × ')} workgroups (change the count beside the code); the result is read from "${outputBuffer}".`,
    '',
    ...prelude(d.wgsl, d.bindings),
    ...d.bindings.map(bindingLine),
    '',
    `@compute @workgroup_size(${sizeText})`,
    `fn ${d.entryPoint}(@builtin(global_invocation_id) gid : vec3u, @builtin(local_invocation_id) lid : vec3u, @builtin(workgroup_id) wid : vec3u) {`,
    `  // Your kernel: write "${outputBuffer}" from the inputs. Every binding above must be used (layout 'auto' drops unused ones).`,
    '}',
    '',
  ].join('\n');
}
