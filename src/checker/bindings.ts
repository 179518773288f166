// The binding contract: an (edited) shader's resource declarations against the Binding[] the
// harness binds for that dispatch (gpu/types.ts). The runner binds entry i of the list to
// @group(0) @binding(i) with layout 'auto', so every difference below either fails at pipeline or
// bind-group creation (with a message about layouts the user should not have to decode) or, worse,
// runs and reads the wrong bytes. Each kind of difference gets its own sentence.
import type { Binding } from '../gpu/types';
import { parseWgsl, WgslParseError, namesIn, type Decl, type Expr, type IdExpr, type Module } from './parse';

export type BindingProblemKind =
  | 'parse' // the shader could not be read
  | 'missing' // the harness binds a buffer where the shader declares nothing
  | 'extra' // the shader declares a binding the harness does not provide
  | 'group' // a declaration in a group other than 0
  | 'duplicate' // two declarations at one group/binding
  | 'address-space' // uniform where the harness binds storage, or the reverse
  | 'access' // read where the harness expects writes, or read_write on an input
  | 'type' // a different store type
  | 'unused' // declared but never used by the entry point: layout 'auto' drops it
  | 'name'; // a different variable name (harmless: bindings go by number)

export interface DeclaredBinding {
  group: number;
  binding: number;
  name: string;
  /** 'storage', 'uniform', or another address space / resource kind ('handle' for textures…). */
  space: string;
  access: 'read' | 'read_write' | 'uniform' | null;
  /** The store type, canonical (`array<vec4<f32>>`, aliases resolved). */
  type: string;
  line: number;
}

export interface BindingProblem {
  kind: BindingProblemKind;
  /** 'error': the run cannot work as the harness means it; 'warning': it runs but is wrong or
   *  risky; 'info': worth knowing, harmless. */
  severity: 'error' | 'warning' | 'info';
  group: number;
  binding: number;
  /** The declaration's line in the shader, where there is one. */
  line?: number;
  message: string;
}

export interface CheckBindingsOptions {
  /** The plan buffer that holds the result (GpuPlan.output.buffer), for clearer messages. */
  outputBuffer?: string;
  /** The entry point (default 'main'): bindings it never uses are reported. */
  entryPoint?: string;
}

/** The resource declarations of a shader (storage, uniform and handle variables with @group). */
export function declaredBindings(module: Module): DeclaredBinding[] {
  const ctx = typeContext(module);
  const out: DeclaredBinding[] = [];
  for (const d of module.decls) {
    if (d.k !== 'var') continue;
    const group = attrInt(d.attrs, 'group', ctx);
    const binding = attrInt(d.attrs, 'binding', ctx);
    if (group === null || binding === null) continue;
    const space = d.space ?? 'handle';
    const access = space === 'uniform' ? 'uniform' : space === 'storage' ? ((d.access ?? 'read') as 'read' | 'read_write') : null;
    out.push({ group, binding, name: d.name, space, access, type: d.type ? canonicalType(d.type, ctx) : '?', line: d.line });
  }
  return out;
}

/**
 * Compares the shader's declarations with the harness's bindings of that dispatch. `expected[i]`
 * is bound at @group(0) @binding(i); a bare string is the old form: a buffer name, access and
 * type unknown. Returns no problems when the two agree.
 */
export function checkBindings(wgsl: string, expected: (Binding | string)[], options: CheckBindingsOptions = {}): BindingProblem[] {
  let module: Module;
  try {
    module = parseWgsl(wgsl);
  } catch (e) {
    if (e instanceof WgslParseError) {
      return [
        {
          kind: 'parse',
          severity: 'error',
          group: 0,
          binding: -1,
          line: e.line,
          message: `The bindings cannot be checked: the shader does not parse at line ${e.line} (${e.message.replace(/^line \d+: /, '')}).`,
        },
      ];
    }
    // Anything else (e.g. nesting deep enough to exhaust the stack) is still an answer, not a crash.
    return [
      {
        kind: 'parse',
        severity: 'error',
        group: 0,
        binding: -1,
        message: `The bindings cannot be checked: the shader could not be read (${(e as Error).message}).`,
      },
    ];
  }
  const ctx = typeContext(module);
  const declared = declaredBindings(module);
  const problems: BindingProblem[] = [];
  const used = usedGlobals(module, options.entryPoint ?? 'main');

  const byGroup = new Map<number, DeclaredBinding[]>();
  for (const d of declared) byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d]);
  for (const [group, list] of byGroup) {
    if (group === 0) continue;
    for (const d of list) {
      problems.push({
        kind: 'group',
        severity: 'error',
        group,
        binding: d.binding,
        line: d.line,
        message: `group ${group} is not provided: the harness binds only @group(0), but \`${d.name}\` is declared at @group(${group}) @binding(${d.binding}).`,
      });
    }
  }

  const group0 = byGroup.get(0) ?? [];
  const at = new Map<number, DeclaredBinding>();
  for (const d of group0) {
    const other = at.get(d.binding);
    if (other) {
      problems.push({
        kind: 'duplicate',
        severity: 'error',
        group: 0,
        binding: d.binding,
        line: d.line,
        message: `binding ${d.binding} is declared twice: \`${other.name}\` (line ${other.line}) and \`${d.name}\` (line ${d.line}).`,
      });
    } else at.set(d.binding, d);
  }

  expected.forEach((want, index) => {
    const wantName = typeof want === 'string' ? want : want.name;
    const what = describeExpected(want);
    const isOutput = options.outputBuffer !== undefined && (typeof want === 'string' ? want : (want.buffer ?? want.name)) === options.outputBuffer;
    const d = at.get(index);
    if (!d) {
      problems.push({ kind: 'missing', severity: 'error', group: 0, binding: index, message: `binding ${index} is missing: the harness binds ${what} there.` });
      return;
    }
    const base = { group: 0, binding: index, line: d.line };
    const here = `\`${d.name}\``;
    if (typeof want !== 'string') {
      const wantUniform = want.access === 'uniform';
      if (d.space !== 'storage' && d.space !== 'uniform') {
        problems.push({
          ...base,
          kind: 'address-space',
          severity: 'error',
          message: `binding ${index} (${here}) is a ${d.space === 'handle' ? `\`${d.type}\` resource` : `var<${d.space}>`} here, but the harness binds ${wantUniform ? 'a uniform buffer' : 'a storage buffer'} there: ${what}.`,
        });
        return;
      }
      if (wantUniform !== (d.space === 'uniform')) {
        problems.push({
          ...base,
          kind: 'address-space',
          severity: 'error',
          message: wantUniform
            ? `binding ${index} (${here}) is a storage buffer here, but the harness binds a uniform buffer there (${what}): declare it \`var<uniform>\`.`
            : `binding ${index} (${here}) is a uniform buffer here, but the harness binds a storage buffer there (${what}): declare it \`var<storage, ${want.access}>\`.`,
        });
      } else if (!wantUniform && d.access !== want.access) {
        if (want.access === 'read_write') {
          problems.push({
            ...base,
            kind: 'access',
            severity: 'error',
            message: `binding ${index} is \`read\` storage here but the harness writes ${isOutput ? 'the output' : `\`${wantName}\``} there: the kernel cannot store its ${isOutput ? 'result' : 'values'} (declare \`var<storage, read_write>\`).`,
          });
        } else {
          problems.push({
            ...base,
            kind: 'access',
            severity: 'warning',
            message: `binding ${index} (${here}) is \`read_write\` storage here, but the harness hands an input there (${what}) and reuses it for every run: a kernel that writes it corrupts the next run (declare \`var<storage, read>\`).`,
          });
        }
      }
      const wantType = canonicalTypeText(want.type, ctx);
      if (wantType !== null && wantType !== d.type) {
        problems.push({
          ...base,
          kind: 'type',
          severity: 'error',
          message: `binding ${index} (${here}) holds \`${d.type}\` here, but the harness provides \`${wantType}\` there${want.note ? ` (${want.note})` : ''}: the kernel would read the buffer's bytes as the wrong type.`,
        });
      }
    }
    // A bare string names the plan buffer, not the variable: only a Binding's name can differ.
    if (typeof want !== 'string' && d.name !== wantName) {
      problems.push({
        ...base,
        kind: 'name',
        severity: 'info',
        message: `binding ${index} is named \`${d.name}\` here; the harness calls it \`${wantName}\` (harmless: buffers are bound by number).`,
      });
    }
    if (!used.has(d.name)) {
      problems.push({
        ...base,
        kind: 'unused',
        severity: 'error',
        message: `binding ${index} (${here}) is declared but the entry point never uses it: the pipeline's automatic layout leaves it out, and binding ${what} there then fails. Use it, or keep a read of it.`,
      });
    }
  });
  for (const d of group0) {
    if (d.binding >= expected.length && at.get(d.binding) === d) {
      const inUse = used.has(d.name);
      problems.push({
        kind: 'extra',
        // Unused by this entry point, the automatic layout leaves it out: harmless (a module
        // with several entry points declares what each of them needs).
        severity: inUse ? 'error' : 'info',
        group: 0,
        binding: d.binding,
        line: d.line,
        message:
          `binding ${d.binding} (\`${d.name}\`) is declared here, but the harness binds nothing there (it binds ${expected.length} buffer${expected.length === 1 ? '' : 's'}, at bindings 0–${expected.length - 1})` +
          (inUse ? '.' : `; harmless while the entry point does not use it.`),
      });
    }
  }
  return problems;
}

function describeExpected(want: Binding | string): string {
  if (typeof want === 'string') return `buffer \`${want}\``;
  const space = want.access === 'uniform' ? 'uniform' : `${want.access} storage`;
  return `\`${want.name}\` (${want.note ?? want.type}; ${space})`;
}

// ---- types, canonical --------------------------------------------------------------------------

interface TypeContext {
  aliases: Map<string, IdExpr>;
  consts: Map<string, Expr>;
}

function typeContext(module: Module): TypeContext {
  const aliases = new Map<string, IdExpr>();
  const consts = new Map<string, Expr>();
  for (const d of module.decls) {
    if (d.k === 'alias') aliases.set(d.name, d.type);
    if ((d.k === 'const' || d.k === 'override') && d.init) consts.set(d.name, d.init);
  }
  return { aliases, consts };
}

const SHORT_VEC = /^vec([234])([fiuh])$/;
const SHORT_MAT = /^mat([234])x([234])([fh])$/;
const SCALAR_OF: Record<string, string> = { f: 'f32', i: 'i32', u: 'u32', h: 'f16' };

/** `vec4f` → `vec4<f32>`, aliases resolved, array lengths evaluated where they are constant. */
export function canonicalType(t: IdExpr, ctx: TypeContext, depth = 0): string {
  if (depth > 32) return t.name;
  const alias = ctx.aliases.get(t.name);
  if (alias && !t.targs) return canonicalType(alias, ctx, depth + 1);
  let m = SHORT_VEC.exec(t.name);
  if (m) return `vec${m[1]}<${SCALAR_OF[m[2]]}>`;
  m = SHORT_MAT.exec(t.name);
  if (m) return `mat${m[1]}x${m[2]}<${SCALAR_OF[m[3]]}>`;
  if (!t.targs) return t.name;
  const args = t.targs.map((a) => {
    if (a.k === 'id' && !isConst(a.name, ctx)) return canonicalType(a, ctx, depth + 1);
    const v = constInt(a, ctx);
    return v === null ? exprText(a) : String(v);
  });
  return `${t.name}<${args.join(', ')}>`;
}

function isConst(name: string, ctx: TypeContext): boolean {
  return ctx.consts.has(name);
}

/** A type written as text (a Binding's `type`), canonical; null when it cannot be read. */
function canonicalTypeText(text: string, ctx: TypeContext): string | null {
  try {
    const m = parseWgsl(`alias T__ = ${text};`);
    const d = m.decls[0];
    return d.k === 'alias' ? canonicalType(d.type, ctx) : null;
  } catch {
    return null;
  }
}

function constInt(e: Expr, ctx: TypeContext, depth = 0): number | null {
  if (depth > 32) return null;
  if (e.k === 'lit') return e.type === 'aint' || e.type === 'i32' || e.type === 'u32' ? e.value : null;
  if (e.k === 'id' && !e.targs) {
    const c = ctx.consts.get(e.name);
    return c ? constInt(c, ctx, depth + 1) : null;
  }
  if (e.k === 'bin') {
    const l = constInt(e.l, ctx, depth + 1);
    const r = constInt(e.r, ctx, depth + 1);
    if (l === null || r === null) return null;
    switch (e.op) {
      case '+':
        return l + r;
      case '-':
        return l - r;
      case '*':
        return l * r;
      case '/':
        return r ? Math.trunc(l / r) : null;
      case '%':
        return r ? l % r : null;
    }
  }
  return null;
}

function exprText(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return String(e.value);
    case 'bool':
      return String(e.value);
    case 'id':
      return e.targs ? `${e.name}<${e.targs.map(exprText).join(', ')}>` : e.name;
    case 'bin':
      return `${exprText(e.l)} ${e.op} ${exprText(e.r)}`;
    default:
      return '…';
  }
}

function attrInt(attrs: { name: string; args: Expr[] }[], name: string, ctx: TypeContext): number | null {
  const a = attrs.find((x) => x.name === name);
  return a?.args[0] ? constInt(a.args[0], ctx) : null;
}

/** Module-scope names the entry point reaches, through the functions it calls. */
export function usedGlobals(module: Module, entryPoint: string): Set<string> {
  const fns = new Map<string, Extract<Decl, { k: 'fn' }>>();
  for (const d of module.decls) if (d.k === 'fn') fns.set(d.name, d);
  const seen = new Set<string>();
  const names = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const f = fns.get(name);
    if (!f) return;
    for (const n of namesIn([f.body, f.params])) {
      names.add(n);
      if (fns.has(n)) visit(n);
    }
  };
  visit(entryPoint);
  // Module-scope constants and variables used in initializers of used ones count too.
  for (const d of module.decls) {
    if ((d.k === 'var' || d.k === 'const') && names.has(d.name) && d.init) for (const n of namesIn(d.init)) names.add(n);
  }
  return names;
}
