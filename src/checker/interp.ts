// The checker's interpreter: runs one workgroup of a WGSL compute shader on the CPU, all its
// invocations in lockstep (SIMT: every statement runs for all active lanes, branches and loops
// narrow an active mask, as a GPU executes a subgroup), and watches memory as it goes:
//  - every workgroup-variable scalar has a shadow: the last writer (invocation, line, barrier
//    epoch) and up to two readers of the current epoch, so two invocations touching one element
//    with a write between two barriers is seen (read-after-write, write-after-read,
//    write-after-write), whatever order a GPU would pick;
//  - every array index is checked against its length (storage, workgroup, private, function
//    arrays, and values);
//  - every barrier checks that all invocations of the workgroup reached it.
import { f16Bits, f16Value, roundF16 } from '../numerics/f16';
import { builtinMath } from './builtins';
import { convertScalar, roundTo, scalarBinop, unify } from './scalar';
import type { Attr, Decl, Expr, IdExpr, Module, Stmt } from './parse';
import {
  T,
  describeSlot,
  elementStride,
  isAbstract,
  offsetsOf,
  partOffset,
  partTypes,
  scalarOf,
  scalarType,
  slots,
  StorageWriters,
  typeName,
  type Mem,
  type Ref,
  type ScalarKind,
  type Space,
  type Type,
  type Val,
} from './types';

// ---- findings ----------------------------------------------------------------------------------

export type Xyz = [number, number, number];

export interface Access {
  line: number;
  invocation: Xyz;
  access: 'read' | 'write';
}

export type Finding =
  | {
      kind: 'hazard';
      hazard: 'read-after-write' | 'write-after-read' | 'write-after-write';
      /** 'workgroup': a var<workgroup> between barriers; 'storage': two invocations writing one element of a storage buffer in one dispatch. */
      space: 'workgroup' | 'storage';
      variable: string;
      element: string;
      first: Access;
      second: Access;
      /** The workgroup of the second access (and of the first, unless firstWorkgroup says otherwise). */
      workgroup: Xyz;
      firstWorkgroup?: Xyz;
      count: number;
    }
  | {
      kind: 'out-of-bounds';
      array: string;
      space: Space | 'value';
      index: number;
      length: number;
      line: number;
      invocation: Xyz;
      workgroup: Xyz;
      access: 'read' | 'write' | 'read-write';
      count: number;
    }
  | {
      kind: 'barrier-divergence';
      /** The barrier, or the subgroup-matrix builtin, that not every invocation reached together. */
      barrier: string;
      /** 'workgroup' for barriers; 'subgroup' for subgroup-matrix builtins (subgroup-uniform control flow). */
      scope: 'workgroup' | 'subgroup';
      line: number;
      arrived: number;
      total: number;
      arrivedExample: Xyz;
      missingExample: Xyz;
      workgroup: Xyz;
      /** For scope 'subgroup': which subgroup of the workgroup. */
      subgroup?: number;
      count: number;
    };

export class Unsupported extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'Unsupported';
  }
}

/** Thrown to stop a run: the time budget is spent or the caller cancelled. */
export class Stop extends Error {
  constructor(readonly why: 'budget' | 'cancel') {
    super(why);
  }
}

// ---- masks -------------------------------------------------------------------------------------

type Mask = Uint8Array;

function any(m: Mask): boolean {
  for (let i = 0; i < m.length; i++) if (m[i]) return true;
  return false;
}

function andVal(m: Mask, c: Val): Mask {
  const out = new Uint8Array(m.length);
  const d = c.d!;
  for (let i = 0; i < m.length; i++) out[i] = m[i] && d[i] ? 1 : 0;
  return out;
}

function andNotVal(m: Mask, c: Val): Mask {
  const out = new Uint8Array(m.length);
  const d = c.d!;
  for (let i = 0; i < m.length; i++) out[i] = m[i] && !d[i] ? 1 : 0;
  return out;
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const i32buf = new Int32Array(f32buf.buffer);

// ---- the machine -------------------------------------------------------------------------------

interface Shadow {
  wInv: Int32Array;
  wEp: Int32Array;
  wLine: Int32Array;
  rInvA: Int32Array;
  rEpA: Int32Array;
  rLineA: Int32Array;
  rInvB: Int32Array;
  rEpB: Int32Array;
  rLineB: Int32Array;
}

function newShadow(n: number): Shadow {
  const filled = () => new Int32Array(n).fill(-1);
  return {
    wInv: filled(),
    wEp: filled(),
    wLine: filled(),
    rInvA: filled(),
    rEpA: filled(),
    rLineA: filled(),
    rInvB: filled(),
    rEpB: filled(),
    rLineB: filled(),
  };
}

type Entry = { v: Val } | { ref: Ref };

class Scope {
  private readonly vars = new Map<string, Entry>();
  constructor(readonly parent: Scope | null) {}
  get(name: string): Entry | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const e = s.vars.get(name);
      if (e) return e;
    }
    return undefined;
  }
  set(name: string, e: Entry): void {
    this.vars.set(name, e);
  }
}

interface Ctx {
  brk: Mask;
  cont: Mask | null;
}

class Frame {
  ret: Mask;
  retVal: Val | undefined;
  ctxs: Ctx[] = [];
  exits = 0;
  constructor(
    L: number,
    readonly retType: Type | null,
  ) {
    this.ret = new Uint8Array(L);
  }
  live(m: Mask): Mask {
    const out = new Uint8Array(m.length);
    for (let i = 0; i < m.length; i++) {
      let on = m[i] && !this.ret[i];
      for (let c = 0; on && c < this.ctxs.length; c++) on = !this.ctxs[c].brk[i] && !(this.ctxs[c].cont?.[i] ?? 0);
      out[i] = on ? 1 : 0;
    }
    return out;
  }
}

export interface BoundBuffer {
  name: string;
  bytes: Uint8Array;
  access: 'read' | 'read_write' | 'uniform';
  /** Writers of this dispatch (set by the machine; one per dispatch). */
  writers?: StorageWriters;
}

export interface WorkgroupRun {
  module: Module;
  entryPoint: string;
  /** Resources by @group(0) @binding(i). */
  bindings: (BoundBuffer | undefined)[];
  workgroupSize: Xyz;
  workgroupId: Xyz;
  numWorkgroups: Xyz;
  subgroupSize: number;
  /** Called every few thousand statements: throw Stop to end the run. */
  tick: () => void;
  findings: Finding[];
  maxFindings: number;
}

/** Largest per-lane or shared memory the interpreter allocates for one variable (doubles). */
const MAX_SLOTS = 1 << 24;

const VEC_SHORT = /^vec([234])([fiuh])$/;
const MAT_SHORT = /^mat([234])x([234])([fh])$/;
const SHORT_SCALAR: Record<string, ScalarKind> = { f: 'f32', i: 'i32', u: 'u32', h: 'f16' };
const SCALARS = new Set(['bool', 'i32', 'u32', 'f32', 'f16']);

/** Evaluates `@workgroup_size` and other module constants without running anything. */
export function workgroupSizeOf(module: Module, entryPoint: string): Xyz {
  const m = new Machine(module, 1);
  return m.workgroupSize(entryPoint);
}

export class Machine {
  readonly L: number;
  private readonly decls = new Map<string, Decl>();
  private readonly types = new Map<string, Type>();
  private readonly constVals = new Map<string, Val>();
  private readonly globals: Scope;
  private full: Mask;
  private epoch = 0;
  /** The line of the statement being run (for messages when something unexpected stops the run). */
  lastLine = 0;
  private storageEpoch = 0;
  private wgLinear = 0;
  private steps = 0;
  private run!: WorkgroupRun;
  private lanes: Xyz[] = [];
  private shadows = new Map<Mem, Shadow>();
  private findingKeys = new Map<string, Finding>();
  private readonly literals = new Map<Expr, Val>();

  constructor(
    readonly module: Module,
    L: number,
  ) {
    this.L = L;
    this.full = new Uint8Array(L).fill(1);
    for (const d of module.decls) if (d.k !== 'const' || d.name) this.decls.set(d.name, d);
    this.globals = new Scope(null);
  }

  workgroupSize(entryPoint: string): Xyz {
    const fn = this.decls.get(entryPoint);
    if (fn?.k !== 'fn') throw new Unsupported(`the shader has no function \`${entryPoint}\``, 1);
    const a = fn.attrs.find((x) => x.name === 'workgroup_size');
    if (!a) throw new Unsupported(`\`${entryPoint}\` has no @workgroup_size`, fn.line);
    const dims = a.args.map((e) => this.constNumber(e));
    return [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
  }

  private constNumber(e: Expr): number {
    return this.eval(e, this.full, this.globals).d![0];
  }

  // ---- one workgroup -----------------------------------------------------------------------

  runWorkgroup(run: WorkgroupRun): void {
    this.run = run;
    this.epoch = 0;
    this.storageEpoch = 0;
    const [gx, gy] = run.numWorkgroups;
    this.wgLinear = run.workgroupId[0] + gx * (run.workgroupId[1] + gy * run.workgroupId[2]);
    this.shadows.clear();
    this.findingKeys = new Map(run.findings.map((f) => [findingKey(f), f]));
    const [wx, wy] = run.workgroupSize;
    this.lanes = [];
    for (let l = 0; l < this.L; l++) this.lanes.push([l % wx, Math.floor(l / wx) % wy, Math.floor(l / (wx * wy))]);
    const scope = new Scope(null);
    // Module-scope variables: fresh private and workgroup memory for this workgroup.
    for (const d of this.module.decls) {
      if (d.k !== 'var') continue;
      const space = (d.space ?? 'private') as Space;
      const t = d.type ? this.resolveType(d.type) : this.defaultConcrete(this.eval(d.init!, this.full, this.globals)).t;
      if (space === 'storage' || space === 'uniform') {
        const binding = d.attrs.find((x) => x.name === 'binding');
        const group = d.attrs.find((x) => x.name === 'group');
        const index = binding ? this.constNumber(binding.args[0]) : -1;
        const buf = group && this.constNumber(group.args[0]) === 0 ? run.bindings[index] : undefined;
        const bytes = buf?.bytes ?? new Uint8Array(0);
        const mem: Mem = {
          space,
          name: d.name,
          type: t,
          bytes: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          byteLength: bytes.byteLength,
          access: d.access === 'read_write' ? 'read_write' : 'read',
        };
        if (buf && space === 'storage' && mem.access === 'read_write') {
          buf.writers ??= new StorageWriters(Math.ceil(bytes.byteLength / 2));
          mem.writers = buf.writers;
        }
        scope.set(d.name, { ref: { mem, t, u: 0 } });
      } else if (space === 'workgroup') {
        if (slots(t) > MAX_SLOTS) throw new Unsupported(`var<workgroup> \`${d.name}\` (${typeName(t)}) is too large to interpret`, d.line);
        const mem: Mem = { space, name: d.name, type: t, shared: new Float64Array(slots(t)), byteLength: 0, access: 'read_write' };
        this.shadows.set(mem, newShadow(slots(t)));
        scope.set(d.name, { ref: { mem, t, u: 0 } });
      } else {
        const ref = this.allocLane(space, d.name, t, d.line);
        if (d.init) this.store(ref, this.convert(this.eval(d.init, this.full, this.globals), t), this.full, d.line, true);
        scope.set(d.name, { ref });
      }
    }
    const fn = this.decls.get(run.entryPoint) as Extract<Decl, { k: 'fn' }>;
    this.moduleScope = scope;
    const args = fn.params.map((p) => this.builtinArg(p.attrs, p.type, fn.line));
    this.callWith(fn, args, this.full);
  }

  private builtinArg(attrs: Attr[], type: IdExpr, line: number): Val {
    const b = attrs.find((a) => a.name === 'builtin');
    const t = this.resolveType(type);
    if (!b) {
      const d = t.k === 'struct' ? this.decls.get(t.name) : undefined;
      if (d?.k === 'struct') return { t, p: d.members.map((m) => this.builtinArg(m.attrs, m.type, m.line)) };
      throw new Unsupported('an entry-point parameter without @builtin', line);
    }
    const name = (b.args[0] as IdExpr).name;
    const L = this.L;
    const run = this.run;
    const S = run.subgroupSize;
    const [wx, wy, wz] = run.workgroupSize;
    const vec3 = (f: (l: number, c: number) => number): Val => ({
      t: { k: 'vec', n: 3, s: 'u32' },
      p: [0, 1, 2].map((c) => ({ t: T.u32, d: Float64Array.from({ length: L }, (_, l) => f(l, c)) })),
    });
    const u32 = (f: (l: number) => number): Val => ({ t: T.u32, d: Float64Array.from({ length: L }, (_, l) => f(l)) });
    switch (name) {
      case 'local_invocation_id':
        return vec3((l, c) => this.lanes[l][c]);
      case 'local_invocation_index':
        return u32((l) => l);
      case 'workgroup_id':
        return vec3((_, c) => run.workgroupId[c]);
      case 'num_workgroups':
        return vec3((_, c) => run.numWorkgroups[c]);
      case 'global_invocation_id':
        return vec3((l, c) => run.workgroupId[c] * [wx, wy, wz][c] + this.lanes[l][c]);
      case 'subgroup_size':
        return u32(() => S);
      case 'subgroup_invocation_id':
        return u32((l) => l % S);
      case 'subgroup_id':
        return u32((l) => Math.floor(l / S));
      case 'num_subgroups':
        return u32(() => Math.ceil(L / S));
      default:
        throw new Unsupported(`the builtin \`${name}\` is not interpreted`, line);
    }
  }

  // ---- findings ----------------------------------------------------------------------------

  private report(f: Finding): void {
    const key = findingKey(f);
    const seen = this.findingKeys.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    if (this.run.findings.length >= this.run.maxFindings) return;
    this.findingKeys.set(key, f);
    this.run.findings.push(f);
  }

  private inv(lane: number): Xyz {
    return [...this.lanes[lane]] as Xyz;
  }

  private wg(): Xyz {
    return [...this.run.workgroupId] as Xyz;
  }

  private tick(): void {
    if (++this.steps % 2048 === 0) this.run.tick();
  }

  private barrier(name: string, mask: Mask, line: number): void {
    let arrived = 0;
    let inLane = -1;
    let outLane = -1;
    for (let l = 0; l < this.L; l++) {
      if (mask[l]) {
        arrived++;
        if (inLane < 0) inLane = l;
      } else if (outLane < 0) outLane = l;
    }
    if (arrived !== this.L) {
      this.report({
        kind: 'barrier-divergence',
        barrier: name,
        scope: 'workgroup',
        line,
        arrived,
        total: this.L,
        arrivedExample: this.inv(inLane),
        missingExample: this.inv(outLane),
        workgroup: this.wg(),
        count: 1,
      });
    }
    if (name === 'storageBarrier') this.storageEpoch++;
    else this.epoch++;
  }

  // ---- memory ------------------------------------------------------------------------------

  private allocLane(space: Space, name: string, t: Type, line: number): Ref {
    if (slots(t) * this.L > MAX_SLOTS) throw new Unsupported(`\`${name}\` (${typeName(t)}) is too large to interpret for ${this.L} invocations`, line);
    const mem: Mem = { space, name, type: t, lane: new Float64Array(slots(t) * this.L), byteLength: 0, access: 'read_write' };
    return { mem, t, u: 0 };
  }

  private readScalar(mem: Mem, o: number, lane: number, s: ScalarKind): number {
    if (mem.lane) return mem.lane[o * this.L + lane];
    if (mem.shared) return mem.shared[o];
    const dv = mem.bytes!;
    const width = s === 'f16' ? 2 : 4;
    if (o + width > mem.byteLength) return 0;
    switch (s) {
      case 'f32':
        return dv.getFloat32(o, true);
      case 'i32':
        return dv.getInt32(o, true);
      case 'f16':
        return f16Value(dv.getUint16(o, true));
      default:
        return dv.getUint32(o, true);
    }
  }

  private writeScalar(mem: Mem, o: number, lane: number, s: ScalarKind, x: number): void {
    if (mem.lane) mem.lane[o * this.L + lane] = x;
    else if (mem.shared) mem.shared[o] = x;
    else {
      const dv = mem.bytes!;
      const width = s === 'f16' ? 2 : 4;
      if (o + width > mem.byteLength) return;
      if (s === 'f32') dv.setFloat32(o, x, true);
      else if (s === 'i32') dv.setInt32(o, x, true);
      else if (s === 'f16') dv.setUint16(o, f16Bits(x), true);
      else dv.setUint32(o, x >>> 0, true);
    }
  }

  private track(mem: Mem, o: number, lane: number, line: number, write: boolean): void {
    const sh = this.shadows.get(mem);
    if (!sh) return;
    const ep = this.epoch;
    if (!write) {
      if (sh.wEp[o] === ep && sh.wInv[o] !== lane) this.hazard(mem, o, lane, line, write, 'read-after-write', sh.wInv[o], sh.wLine[o], true);
      if (sh.rEpA[o] !== ep) {
        sh.rEpA[o] = ep;
        sh.rInvA[o] = lane;
        sh.rLineA[o] = line;
      } else if (sh.rInvA[o] !== lane && sh.rEpB[o] !== ep) {
        sh.rEpB[o] = ep;
        sh.rInvB[o] = lane;
        sh.rLineB[o] = line;
      }
      return;
    }
    if (sh.wEp[o] === ep && sh.wInv[o] !== lane) this.hazard(mem, o, lane, line, write, 'write-after-write', sh.wInv[o], sh.wLine[o], true);
    else if (sh.rEpA[o] === ep && sh.rInvA[o] !== lane) this.hazard(mem, o, lane, line, write, 'write-after-read', sh.rInvA[o], sh.rLineA[o], false);
    else if (sh.rEpB[o] === ep && sh.rInvB[o] !== lane) this.hazard(mem, o, lane, line, write, 'write-after-read', sh.rInvB[o], sh.rLineB[o], false);
    sh.wEp[o] = ep;
    sh.wInv[o] = lane;
    sh.wLine[o] = line;
  }

  /**
   * Two invocations writing one storage element in one dispatch (not atomically) race unless
   * they are in one workgroup with a storageBarrier between them: the final value is either.
   */
  private trackStorageWrite(mem: Mem, o: number, lane: number, line: number): void {
    const w = mem.writers!;
    const unit = o >> 1;
    if (unit >= w.units) return;
    const me = this.wgLinear * this.L + lane + 1;
    const [prev, prevEpoch, prevLine] = w.get(unit);
    if (prev !== 0 && prev !== me) {
      const prevWg = Math.floor((prev - 1) / this.L);
      if (prevWg !== this.wgLinear || prevEpoch === this.storageEpoch) {
        const [gx, gy] = this.run.numWorkgroups;
        const prevLane = (prev - 1) % this.L;
        const firstWorkgroup: Xyz = [prevWg % gx, Math.floor(prevWg / gx) % gy, Math.floor(prevWg / (gx * gy))];
        const elem = mem.type.k === 'array' ? `[${Math.floor(o / elementStride(mem.type, mem))}]` : '';
        this.report({
          kind: 'hazard',
          hazard: 'write-after-write',
          space: 'storage',
          variable: mem.name,
          element: `${mem.name}${elem}`,
          first: { line: prevLine, invocation: this.inv(prevLane), access: 'write' },
          second: { line, invocation: this.inv(lane), access: 'write' },
          workgroup: this.wg(),
          ...(prevWg !== this.wgLinear ? { firstWorkgroup } : {}),
          count: 1,
        });
      }
    }
    w.set(unit, me, this.storageEpoch, line);
  }

  private hazard(
    mem: Mem,
    o: number,
    lane: number,
    line: number,
    write: boolean,
    h: 'read-after-write' | 'write-after-read' | 'write-after-write',
    other: number,
    otherLine: number,
    otherWrite: boolean,
  ): void {
    this.report({
      kind: 'hazard',
      hazard: h,
      space: 'workgroup',
      variable: mem.name,
      element: `${mem.name}${describeSlot(mem.type, o)}`,
      first: { line: otherLine, invocation: this.inv(other), access: otherWrite ? 'write' : 'read' },
      second: { line, invocation: this.inv(lane), access: write ? 'write' : 'read' },
      workgroup: this.wg(),
      count: 1,
    });
  }

  load(ref: Ref, mask: Mask, line: number): Val {
    const t = ref.t;
    if (t.k === 'scalar' || t.k === 'atomic') {
      const s = t.s;
      const tracked = t.k === 'scalar' && this.shadows.has(ref.mem);
      const rt = t.k === 'atomic' ? scalarType(t.s) : t;
      if (ref.u !== undefined && ref.mem.lane) return { t: rt, d: ref.mem.lane.slice(ref.u * this.L, ref.u * this.L + this.L) };
      const d = new Float64Array(this.L);
      const offs = offsetsOf(ref, this.L);
      for (let l = 0; l < this.L; l++) {
        if (!mask[l]) continue;
        const o = offs[l];
        if (o < 0) continue;
        d[l] = this.readScalar(ref.mem, o, l, s);
        if (tracked) this.track(ref.mem, o, l, line, false);
      }
      return { t: rt, d };
    }
    if (t.k === 'array' && t.n === null) throw new Unsupported('a runtime-sized array cannot be loaded whole', line);
    const parts = partTypes(t).map((pt, i) => this.load(this.sub(ref, pt, partOffset(t, i, ref.mem)), mask, line));
    return { t, p: parts };
  }

  store(ref: Ref, v: Val, mask: Mask, line: number, untracked = false): void {
    const t = ref.t;
    if (t.k === 'scalar' || t.k === 'atomic') {
      const d = v.d!;
      const tracked = !untracked && t.k === 'scalar' && this.shadows.has(ref.mem);
      const s = t.s;
      if (ref.u !== undefined && ref.mem.lane) {
        const lane = ref.mem.lane;
        const base = ref.u * this.L;
        for (let l = 0; l < this.L; l++) if (mask[l]) lane[base + l] = d[l];
        return;
      }
      const offs = offsetsOf(ref, this.L);
      for (let l = 0; l < this.L; l++) {
        if (!mask[l]) continue;
        const o = offs[l];
        if (o < 0) continue;
        this.writeScalar(ref.mem, o, l, s, d[l]);
        if (tracked) this.track(ref.mem, o, l, line, true);
        else if (ref.mem.writers && !untracked) this.trackStorageWrite(ref.mem, o, l, line);
      }
      return;
    }
    partTypes(t).forEach((pt, i) => {
      this.store(this.sub(ref, pt, partOffset(t, i, ref.mem)), v.p![i], mask, line, untracked);
    });
  }

  private sub(ref: Ref, t: Type, delta: number): Ref {
    if (ref.u !== undefined) return { mem: ref.mem, t, u: ref.u + delta };
    if (delta === 0) return { mem: ref.mem, t, off: ref.off };
    const src = offsetsOf(ref, this.L);
    const off = new Float64Array(this.L);
    for (let l = 0; l < this.L; l++) off[l] = src[l] < 0 ? -1 : src[l] + delta;
    return { mem: ref.mem, t, off };
  }

  /** ref[index], checked against the array's (or vector's) length lane by lane. */
  private refIndex(ref: Ref, idx: Val, mask: Mask, line: number, access: 'read' | 'write' | 'read-write'): Ref {
    const t = ref.t;
    const off = new Float64Array(this.L);
    let elem: Type;
    let stride: number;
    let fixedLength: number | null;
    if (t.k === 'array') {
      elem = t.e;
      stride = elementStride(t, ref.mem);
      fixedLength = t.n;
    } else if (t.k === 'vec') {
      elem = T[t.s];
      stride = partOffset(t, 1, ref.mem);
      fixedLength = t.n;
    } else if (t.k === 'mat') {
      elem = partTypes(t)[0];
      stride = partOffset(t, 1, ref.mem);
      fixedLength = t.c;
    } else throw new Unsupported(`cannot index a ${typeName(t)}`, line);
    const d = idx.d!;
    const base = offsetsOf(ref, this.L);
    for (let l = 0; l < this.L; l++) {
      if (!mask[l] || base[l] < 0) {
        off[l] = -1;
        continue;
      }
      const i = d[l];
      const length = fixedLength ?? Math.max(0, Math.floor((ref.mem.byteLength - base[l]) / stride));
      if (i < 0 || i >= length || !Number.isInteger(i)) {
        off[l] = -1;
        this.report({
          kind: 'out-of-bounds',
          array: ref.mem.name,
          space: ref.mem.space,
          index: i,
          length,
          line,
          invocation: this.inv(l),
          workgroup: this.wg(),
          access,
          count: 1,
        });
      } else off[l] = base[l] + i * stride;
    }
    return { mem: ref.mem, t: elem, off };
  }

  private valIndex(v: Val, idx: Val, mask: Mask, line: number): Val {
    const t = v.t;
    const parts = v.p;
    if (!parts) throw new Unsupported(`cannot index a ${typeName(t)}`, line);
    const n = parts.length;
    const d = idx.d!;
    // A constant index picks the part directly.
    let same = true;
    for (let l = 1; l < this.L && same; l++) if (d[l] !== d[0]) same = false;
    if (same && d[0] >= 0 && d[0] < n) return parts[d[0]];
    const rows: number[] = [];
    for (let l = 0; l < this.L; l++) {
      let i = d[l];
      if (mask[l] && (i < 0 || i >= n || !Number.isInteger(i))) {
        this.report({
          kind: 'out-of-bounds',
          array: 'a value',
          space: 'value',
          index: i,
          length: n,
          line,
          invocation: this.inv(l),
          workgroup: this.wg(),
          access: 'read',
          count: 1,
        });
        i = 0;
      }
      rows.push(Math.min(Math.max(0, i), n - 1) || 0);
    }
    return this.pickLanes(parts, rows);
  }

  /** A value whose lane l is lane l of parts[rows[l]]. */
  private pickLanes(parts: Val[], rows: number[]): Val {
    const first = parts[0];
    if (first.d) {
      const d = new Float64Array(this.L);
      for (let l = 0; l < this.L; l++) d[l] = parts[rows[l]].d![l];
      return { t: first.t, d };
    }
    if (first.ref) throw new Error('cannot pick pointers lane by lane');
    return {
      t: first.t,
      p: first.p!.map((_, j) =>
        this.pickLanes(
          parts.map((p) => p.p![j]),
          rows,
        ),
      ),
    };
  }

  // ---- types -------------------------------------------------------------------------------

  resolveType(e: IdExpr): Type {
    const name = e.name;
    if (!e.targs) {
      const cached = this.types.get(name);
      if (cached) return cached;
    }
    let t: Type | undefined;
    const vecShort = VEC_SHORT.exec(name);
    const matShort = MAT_SHORT.exec(name);
    if (SCALARS.has(name)) t = T[name as ScalarKind];
    else if (vecShort) t = { k: 'vec', n: Number(vecShort[1]), s: SHORT_SCALAR[vecShort[2]] };
    else if (matShort) t = { k: 'mat', c: Number(matShort[1]), r: Number(matShort[2]), s: SHORT_SCALAR[matShort[3]] };
    else if (/^vec[234]$/.test(name) && e.targs) t = { k: 'vec', n: Number(name[3]), s: scalarOf(this.resolveType(e.targs[0] as IdExpr))! };
    else if (/^mat[234]x[234]$/.test(name) && e.targs)
      t = { k: 'mat', c: Number(name[3]), r: Number(name[5]), s: scalarOf(this.resolveType(e.targs[0] as IdExpr))! };
    else if (name === 'array' && e.targs) t = { k: 'array', e: this.resolveType(e.targs[0] as IdExpr), n: e.targs[1] ? this.constNumber(e.targs[1]) : null };
    else if (name === 'atomic' && e.targs) t = { k: 'atomic', s: scalarOf(this.resolveType(e.targs[0] as IdExpr)) as 'u32' | 'i32' };
    else if (name === 'ptr' && e.targs) {
      const space = (e.targs[0] as IdExpr).name;
      t = { k: 'ptr', space, e: this.resolveType(e.targs[1] as IdExpr), access: e.targs[2] ? (e.targs[2] as IdExpr).name : 'read_write' };
    } else if (name.startsWith('subgroup_matrix_') && e.targs) {
      const role = name.slice('subgroup_matrix_'.length) as 'left' | 'right' | 'result';
      t = { k: 'sgmat', role, s: scalarOf(this.resolveType(e.targs[0] as IdExpr))!, c: this.constNumber(e.targs[1]), r: this.constNumber(e.targs[2]) };
    } else {
      const d = this.decls.get(name);
      if (d?.k === 'alias') t = this.resolveType(d.type);
      else if (d?.k === 'struct') {
        const st: Type = { k: 'struct', name, members: [] };
        this.types.set(name, st);
        for (const mem of d.members) (st as Extract<Type, { k: 'struct' }>).members.push({ name: mem.name, type: this.resolveType(mem.type) });
        return st;
      }
    }
    if (!t) throw new Unsupported(`unknown type \`${name}\``, e.line);
    if (!e.targs) this.types.set(name, t);
    return t;
  }

  private isTypeName(e: IdExpr): boolean {
    const n = e.name;
    if (SCALARS.has(n) || VEC_SHORT.test(n) || MAT_SHORT.test(n) || /^(vec[234]|mat[234]x[234]|array)$/.test(n) || n.startsWith('subgroup_matrix_'))
      return true;
    const d = this.decls.get(n);
    return d?.k === 'alias' || d?.k === 'struct';
  }

  // ---- values ------------------------------------------------------------------------------

  private splat(t: Type, x: number): Val {
    if (t.k === 'scalar') return { t, d: new Float64Array(this.L).fill(x) };
    if (t.k === 'atomic') return { t: T[t.s], d: new Float64Array(this.L).fill(x) };
    return { t, p: partTypes(t).map((pt) => this.splat(pt, x)) };
  }

  private zero(t: Type): Val {
    return this.splat(t, 0);
  }

  /** A value of type t from v: abstract numbers made concrete, scalars converted (WGSL rules). */
  convert(v: Val, t: Type): Val {
    if (v.t === t || v.ref) return v;
    if (t.k === 'scalar' || t.k === 'atomic') {
      if (!v.d) return v;
      const from = (v.t as { s: ScalarKind }).s;
      const to = t.s;
      if (from === to) return v;
      const d = new Float64Array(this.L);
      for (let l = 0; l < this.L; l++) d[l] = convertScalar(v.d[l], from, to);
      return { t: t.k === 'atomic' ? T[t.s] : t, d };
    }
    if (!v.p) return v;
    const pts = partTypes(t);
    if (pts.length !== v.p.length) return v;
    return { t, p: v.p.map((p, i) => this.convert(p, pts[i])) };
  }

  /** Abstract numbers take their default concrete type (i32, f32) where nothing else decides. */
  defaultConcrete(v: Val): Val {
    const t = concreteOf(v.t);
    return t === v.t ? v : this.convert(v, t);
  }

  // ---- expressions -------------------------------------------------------------------------

  private place(e: Expr, mask: Mask, scope: Scope, access: 'read' | 'write' | 'read-write' = 'read'): { ref?: Ref; v?: Val } {
    switch (e.k) {
      case 'id': {
        const entry = scope.get(e.name) ?? this.globals.get(e.name);
        if (entry) return 'ref' in entry ? { ref: entry.ref } : { v: entry.v };
        return { v: this.globalConst(e) };
      }
      case 'index': {
        const base = this.place(e.base, mask, scope, access);
        const idx = this.eval(e.index, mask, scope);
        const ref = base.ref ?? (base.v?.ref ? base.v.ref : undefined);
        if (ref) return { ref: this.refIndex(ref, idx, mask, e.line, access) };
        return { v: this.valIndex(base.v!, idx, mask, e.line) };
      }
      case 'member': {
        const base = this.place(e.base, mask, scope, access);
        const ref = base.ref ?? (base.v?.ref ? base.v.ref : undefined);
        if (ref) {
          const t = ref.t;
          if (t.k === 'struct') {
            const i = t.members.findIndex((m) => m.name === e.name);
            if (i < 0) throw new Unsupported(`${t.name} has no member ${e.name}`, e.line);
            return { ref: this.sub(ref, t.members[i].type, partOffset(t, i, ref.mem)) };
          }
          if (t.k === 'vec' && e.name.length === 1) {
            const c = swizzleIndex(e.name[0]);
            return { ref: this.sub(ref, T[t.s], partOffset(t, c, ref.mem)) };
          }
          return { v: this.member(this.load(ref, mask, e.line), e.name, e.line) };
        }
        return { v: this.member(base.v!, e.name, e.line) };
      }
      case 'unary':
        if (e.op === '*') {
          const p = this.eval(e.e, mask, scope);
          if (!p.ref) throw new Unsupported('dereference of a non-pointer', e.line);
          return { ref: p.ref };
        }
        return { v: this.eval(e, mask, scope) };
      default:
        return { v: this.eval(e, mask, scope) };
    }
  }

  private member(v: Val, name: string, line: number): Val {
    const t = v.t;
    if (t.k === 'struct') {
      const i = t.members.findIndex((m) => m.name === name);
      if (i < 0) throw new Unsupported(`${t.name} has no member ${name}`, line);
      return v.p![i];
    }
    if (t.k === 'vec') {
      const parts = [...name].map((ch) => v.p![swizzleIndex(ch)]);
      if (parts.length === 1) return parts[0];
      return { t: { k: 'vec', n: parts.length, s: t.s }, p: parts };
    }
    throw new Unsupported(`.${name} on a ${typeName(t)}`, line);
  }

  private globalConst(e: IdExpr): Val {
    const hit = this.constVals.get(e.name);
    if (hit) return hit;
    const d = this.decls.get(e.name);
    if (d && (d.k === 'const' || d.k === 'override')) {
      if (!d.init) throw new Unsupported(`override \`${d.name}\` has no default value (the harness sets no overrides)`, d.line);
      let v = this.eval(d.init, this.full, this.globals);
      if (d.type) v = this.convert(v, this.resolveType(d.type));
      else if (d.k === 'override') v = this.defaultConcrete(v);
      this.constVals.set(e.name, v);
      return v;
    }
    throw new Unsupported(`unknown name \`${e.name}\``, e.line);
  }

  eval(e: Expr, mask: Mask, scope: Scope): Val {
    switch (e.k) {
      case 'lit':
      case 'bool': {
        // Values are never changed in place, so one per literal serves every evaluation.
        let v = this.literals.get(e);
        if (!v) {
          v =
            e.k === 'bool'
              ? this.splat(T.bool, e.value ? 1 : 0)
              : this.splat(T[e.type], e.type === 'f32' ? Math.fround(e.value) : e.type === 'f16' ? roundF16(e.value) : e.value);
          this.literals.set(e, v);
        }
        return v;
      }
      case 'id':
      case 'index':
      case 'member': {
        const p = this.place(e, mask, scope);
        return p.ref ? this.load(p.ref, mask, e.line) : p.v!;
      }
      case 'unary': {
        if (e.op === '&') {
          const p = this.place(e.e, mask, scope);
          if (!p.ref) throw new Unsupported('& of a value', e.line);
          return { t: { k: 'ptr', space: p.ref.mem.space, e: p.ref.t, access: 'read_write' }, ref: p.ref };
        }
        if (e.op === '*') return this.load(this.place(e, mask, scope).ref!, mask, e.line);
        const v = this.eval(e.e, mask, scope);
        return this.mapScalar(v, (d, s) => {
          const out = new Float64Array(this.L);
          for (let l = 0; l < this.L; l++) out[l] = e.op === '-' ? roundTo(s, -d[l]) : e.op === '!' ? (d[l] ? 0 : 1) : s === 'u32' ? ~d[l] >>> 0 : ~d[l];
          return out;
        });
      }
      case 'bin':
        return this.binary(e, mask, scope);
      case 'call':
        return this.call(e, mask, scope) ?? this.zero(T.bool);
    }
  }

  private mapScalar(v: Val, f: (d: Float64Array, s: ScalarKind) => Float64Array): Val {
    if (v.d) return { t: v.t, d: f(v.d, (v.t as { s: ScalarKind }).s) };
    return { t: v.t, p: v.p!.map((p) => this.mapScalar(p, f)) };
  }

  private binary(e: Extract<Expr, { k: 'bin' }>, mask: Mask, scope: Scope): Val {
    if (e.op === '&&' || e.op === '||') {
      const l = this.eval(e.l, mask, scope);
      const rest = e.op === '&&' ? andVal(mask, l) : andNotVal(mask, l);
      if (!any(rest)) return l;
      const r = this.eval(e.r, rest, scope);
      const d = new Float64Array(this.L);
      for (let i = 0; i < this.L; i++) d[i] = e.op === '&&' ? (l.d![i] && r.d![i] ? 1 : 0) : l.d![i] || r.d![i] ? 1 : 0;
      return { t: T.bool, d };
    }
    return this.binop(e.op, this.eval(e.l, mask, scope), this.eval(e.r, mask, scope), e.line);
  }

  binop(op: string, a: Val, b: Val, line: number): Val {
    if (a.t.k === 'mat' || b.t.k === 'mat') return this.matop(op, a, b, line);
    if (a.p || b.p) {
      const n = (a.p ?? b.p)!.length;
      const parts: Val[] = [];
      for (let i = 0; i < n; i++) parts.push(this.binop(op, a.p ? a.p[i] : a, b.p ? b.p[i] : b, line));
      return { t: { k: 'vec', n, s: (parts[0].t as { s: ScalarKind }).s }, p: parts };
    }
    const sa = (a.t as { s: ScalarKind }).s;
    const sb = (b.t as { s: ScalarKind }).s;
    if (op === '<<' || op === '>>') {
      const s = sa === 'aint' && sb !== 'aint' ? 'i32' : sa;
      const x = this.convert(a, T[s]).d!;
      const r = scalarBinop(op, s, x, b.d!, this.L);
      return { t: T[r.s], d: r.d };
    }
    const s = unify(sa, sb);
    const x = this.convert(a, T[s]).d!;
    const y = this.convert(b, T[s]).d!;
    const r = scalarBinop(op, s, x, y, this.L);
    return { t: T[r.s], d: r.d };
  }

  /** Matrix arithmetic (columns are vectors): ±, scalar scaling, mat·vec, vec·mat, mat·mat. */
  private matop(op: string, a: Val, b: Val, line: number): Val {
    const dot = (x: Val[], y: Val[]) => x.map((xi, i) => this.binop('*', xi, y[i], line)).reduce((acc, v) => this.binop('+', acc, v, line));
    const A = a.t.k === 'mat' ? (a.t as Extract<Type, { k: 'mat' }>) : null;
    const B = b.t.k === 'mat' ? (b.t as Extract<Type, { k: 'mat' }>) : null;
    if ((op === '+' || op === '-') && A && B) return { t: a.t, p: a.p!.map((col, j) => this.binop(op, col, b.p![j], line)) };
    if (op === '*') {
      if (A && !B && b.d) return { t: a.t, p: a.p!.map((col) => this.binop('*', col, b, line)) };
      if (B && !A && a.d) return { t: b.t, p: b.p!.map((col) => this.binop('*', a, col, line)) };
      const colsTimes = (m: Val, v: Val) => m.p!.map((col, j) => this.binop('*', col, v.p![j], line)).reduce((acc, x) => this.binop('+', acc, x, line));
      if (A && !B) return colsTimes(a, b); // mat · vec: Σ_j column_j · v_j
      if (B && !A) return { t: { k: 'vec', n: B.c, s: B.s }, p: b.p!.map((col) => dot(a.p!, col.p!)) }; // vec · mat
      if (A && B) return { t: { k: 'mat', c: B.c, r: A.r, s: A.s }, p: b.p!.map((col) => colsTimes(a, col)) };
    }
    throw new Unsupported(`the matrix operation ${op} is not interpreted`, line);
  }

  // ---- calls -------------------------------------------------------------------------------

  private call(e: Extract<Expr, { k: 'call' }>, mask: Mask, scope: Scope): Val | undefined {
    const name = e.fn.name;
    const d = this.decls.get(name);
    if (d?.k === 'fn') {
      const args = e.args.map((a) => this.eval(a, mask, scope));
      return this.callWith(d, args, mask);
    }
    if (this.isTypeName(e.fn)) return this.construct(e, mask, scope);
    return this.builtin(e, mask, scope);
  }

  private callWith(fn: Extract<Decl, { k: 'fn' }>, args: Val[], mask: Mask): Val | undefined {
    const frame = new Frame(this.L, fn.ret ? this.resolveType(fn.ret) : null);
    const scope = new Scope(this.moduleScope);
    fn.params.forEach((p, i) => {
      const t = this.resolveType(p.type);
      scope.set(p.name, { v: t.k === 'ptr' ? args[i] : this.convert(args[i], t) });
    });
    this.block(fn.body, mask, scope, frame);
    return frame.retVal;
  }

  /** The module-scope variables of the workgroup being run. */
  private moduleScope: Scope = new Scope(null);

  private construct(e: Extract<Expr, { k: 'call' }>, mask: Mask, scope: Scope): Val {
    const args = e.args.map((a) => this.eval(a, mask, scope));
    const name = e.fn.name;
    let t: Type;
    if (e.fn.targs || !/^(vec[234]|mat[234]x[234]|array)$/.test(name)) t = this.resolveType(e.fn);
    else if (name === 'array') {
      const et = args.reduce<Type>((acc, a) => (isAbstractType(acc) ? a.t : acc), args[0].t);
      t = { k: 'array', e: et, n: args.length };
    } else {
      const s = args.map((a) => scalarOf(a.t) ?? 'afloat').reduce((x, y) => unify(x, y));
      t = name.startsWith('vec') ? { k: 'vec', n: Number(name[3]), s } : { k: 'mat', c: Number(name[3]), r: Number(name[5]), s };
    }
    if (args.length === 0) return this.zero(t);
    if (t.k === 'scalar') return this.convert(args[0], t);
    if (t.k === 'vec') {
      const comps: Val[] = [];
      for (const a of args) {
        if (a.p) comps.push(...a.p);
        else comps.push(a);
      }
      if (comps.length === 1 && t.n > 1) return { t, p: Array.from({ length: t.n }, () => this.convert(comps[0], T[t.s])) };
      return { t, p: comps.map((c) => this.convert(c, T[t.s])) };
    }
    if (t.k === 'mat' && args.length === t.c * t.r) {
      // Scalars, column by column.
      const col: Type = { k: 'vec', n: t.r, s: t.s };
      const cols = Array.from({ length: t.c }, (_, c) => ({ t: col, p: args.slice(c * t.r, (c + 1) * t.r).map((a) => this.convert(a, T[t.s])) }));
      return { t, p: cols };
    }
    if (t.k === 'array' || t.k === 'struct' || t.k === 'mat') {
      const pts = partTypes(t);
      if (pts.length !== args.length) throw new Unsupported(`${typeName(t)}(…) with ${args.length} arguments`, e.line);
      return { t, p: args.map((a, i) => this.convert(a, pts[i])) };
    }
    if (t.k === 'sgmat') return this.zero(t);
    throw new Unsupported(`cannot construct ${typeName(t)}`, e.line);
  }

  private builtin(e: Extract<Expr, { k: 'call' }>, mask: Mask, scope: Scope): Val | undefined {
    const name = e.fn.name;
    const line = e.line;
    switch (name) {
      case 'workgroupBarrier':
      case 'storageBarrier':
      case 'textureBarrier':
        this.barrier(name, mask, line);
        return undefined;
      case 'workgroupUniformLoad': {
        // A barrier, the load, and a barrier (as Tint lowers it): the value is the same everywhere.
        this.barrier(name, mask, line);
        const p = this.eval(e.args[0], mask, scope);
        const v = this.load(p.ref!, mask, line);
        this.epoch++;
        return v;
      }
      case 'arrayLength': {
        const p = this.eval(e.args[0], mask, scope);
        const ref = p.ref!;
        const t = ref.t as Extract<Type, { k: 'array' }>;
        const stride = elementStride(t, ref.mem);
        const d = new Float64Array(this.L);
        const offs = offsetsOf(ref, this.L);
        for (let l = 0; l < this.L; l++) d[l] = Math.max(0, Math.floor((ref.mem.byteLength - Math.max(0, offs[l])) / stride));
        return { t: T.u32, d };
      }
      case 'bitcast':
        return this.bitcast(this.resolveType(e.fn.targs![0] as IdExpr), this.eval(e.args[0], mask, scope), line);
    }
    if (name.startsWith('atomic')) return this.atomic(name, e, mask, scope);
    if (name.startsWith('subgroupMatrix')) return this.subgroupMatrix(name, e, mask, scope);
    if (name.startsWith('subgroup') || name.startsWith('quad'))
      return this.subgroup(
        name,
        e.args.map((a) => this.eval(a, mask, scope)),
        mask,
        line,
      );
    const args = e.args.map((a) => this.eval(a, mask, scope));
    const r = builtinMath(name, args, this.L);
    if (r === null) throw new Unsupported(`the builtin \`${name}\` is not interpreted`, line);
    return r;
  }

  private bitcast(t: Type, v: Val, line: number): Val {
    if (t.k === 'vec' && v.p) return { t, p: v.p.map((p) => this.bitcast(T[t.s], p, line)) };
    if (t.k !== 'scalar' || !v.d) throw new Unsupported(`bitcast to ${typeName(t)} is not interpreted`, line);
    const from = (v.t as { s: ScalarKind }).s;
    const src = from === 'aint' ? this.convert(v, t.s === 'i32' ? T.i32 : T.u32) : from === 'afloat' ? this.convert(v, T.f32) : v;
    const fs = (src.t as { s: ScalarKind }).s;
    const d = new Float64Array(this.L);
    for (let l = 0; l < this.L; l++) {
      const x = src.d![l];
      if (fs === 'f32') f32buf[0] = x;
      else if (fs === 'i32') i32buf[0] = x;
      else u32buf[0] = x;
      d[l] = t.s === 'f32' ? f32buf[0] : t.s === 'i32' ? i32buf[0] : u32buf[0];
    }
    return { t, d };
  }

  private atomic(name: string, e: Extract<Expr, { k: 'call' }>, mask: Mask, scope: Scope): Val | undefined {
    const p = this.eval(e.args[0], mask, scope);
    const ref = p.ref!;
    const s = (ref.t as { s: ScalarKind }).s;
    const args = e.args.slice(1).map((a) => this.convert(this.eval(a, mask, scope), T[s]));
    const old = new Float64Array(this.L);
    const ok = new Float64Array(this.L);
    const offs = offsetsOf(ref, this.L);
    for (let l = 0; l < this.L; l++) {
      if (!mask[l] || offs[l] < 0) continue;
      const o = offs[l];
      const cur = this.readScalar(ref.mem, o, l, s);
      old[l] = cur;
      const v = args[0]?.d?.[l] ?? 0;
      let next: number | null = null;
      switch (name) {
        case 'atomicLoad':
          break;
        case 'atomicStore':
        case 'atomicExchange':
          next = v;
          break;
        case 'atomicAdd':
          next = cur + v;
          break;
        case 'atomicSub':
          next = cur - v;
          break;
        case 'atomicMax':
          next = Math.max(cur, v);
          break;
        case 'atomicMin':
          next = Math.min(cur, v);
          break;
        case 'atomicAnd':
          next = cur & v;
          break;
        case 'atomicOr':
          next = cur | v;
          break;
        case 'atomicXor':
          next = cur ^ v;
          break;
        case 'atomicCompareExchangeWeak':
          if (cur === v) {
            next = args[1].d![l];
            ok[l] = 1;
          }
          break;
        default:
          throw new Unsupported(`the builtin \`${name}\` is not interpreted`, e.line);
      }
      if (next !== null) this.writeScalar(ref.mem, o, l, s, roundTo(s, next));
    }
    if (name === 'atomicStore') return undefined;
    if (name === 'atomicCompareExchangeWeak') {
      const t: Type = {
        k: 'struct',
        name: `__atomic_compare_exchange_result_${s}`,
        members: [
          { name: 'old_value', type: T[s] },
          { name: 'exchanged', type: T.bool },
        ],
      };
      return {
        t,
        p: [
          { t: T[s], d: old },
          { t: T.bool, d: ok },
        ],
      };
    }
    return { t: T[s], d: old };
  }

  // ---- subgroups ---------------------------------------------------------------------------

  private subgroup(name: string, args: Val[], mask: Mask, line: number): Val {
    const S = this.run.subgroupSize;
    const L = this.L;
    const groups = Math.ceil(L / S);
    const lanesOf = (g: number) => {
      const out: number[] = [];
      for (let l = g * S; l < Math.min(L, (g + 1) * S); l++) if (mask[l]) out.push(l);
      return out;
    };
    const boolOut = (f: (active: number[], l: number) => boolean): Val => {
      const d = new Float64Array(L);
      for (let g = 0; g < groups; g++) {
        const active = lanesOf(g);
        for (const l of active) d[l] = f(active, l) ? 1 : 0;
      }
      return { t: T.bool, d };
    };
    switch (name) {
      case 'subgroupElect':
        return boolOut((active, l) => l === active[0]);
      case 'subgroupAll':
        return boolOut((active) => active.every((l) => args[0].d![l]));
      case 'subgroupAny':
        return boolOut((active) => active.some((l) => args[0].d![l]));
      case 'subgroupBallot': {
        const words = [0, 1, 2, 3].map(() => new Float64Array(L));
        for (let g = 0; g < groups; g++) {
          const active = lanesOf(g);
          const bits = [0, 0, 0, 0];
          for (const l of active) if (args[0].d![l]) bits[Math.floor((l % S) / 32)] |= 1 << ((l % S) % 32);
          for (const l of active) for (let w = 0; w < 4; w++) words[w][l] = bits[w] >>> 0;
        }
        return { t: { k: 'vec', n: 4, s: 'u32' }, p: words.map((d) => ({ t: T.u32, d })) };
      }
    }
    const v = this.defaultConcrete(args[0]);
    const per = (x: Val): Val => {
      if (x.p) return { t: x.t, p: x.p.map(per) };
      const s = (x.t as { s: ScalarKind }).s;
      const d = new Float64Array(L);
      for (let g = 0; g < groups; g++) {
        const active = lanesOf(g);
        if (!active.length) continue;
        const pick = (l: number, src: number) => {
          const inGroup = src >= g * S && src < Math.min(L, (g + 1) * S);
          d[l] = inGroup ? x.d![src] : 0;
        };
        const arg1 = (l: number) => args[1].d![l];
        switch (name) {
          case 'subgroupBroadcast':
            for (const l of active) pick(l, g * S + arg1(l));
            break;
          case 'subgroupBroadcastFirst':
            for (const l of active) pick(l, active[0]);
            break;
          case 'subgroupShuffle':
            for (const l of active) pick(l, g * S + arg1(l));
            break;
          case 'subgroupShuffleXor':
            for (const l of active) pick(l, g * S + ((l % S) ^ arg1(l)));
            break;
          case 'subgroupShuffleUp':
            for (const l of active) pick(l, (l % S) - arg1(l) < 0 ? -1 : l - arg1(l));
            break;
          case 'subgroupShuffleDown':
            for (const l of active) pick(l, (l % S) + arg1(l) >= S ? -1 : l + arg1(l));
            break;
          case 'quadBroadcast':
            for (const l of active) pick(l, l - (l % 4) + arg1(l));
            break;
          case 'quadSwapX':
            for (const l of active) pick(l, l ^ 1);
            break;
          case 'quadSwapY':
            for (const l of active) pick(l, l ^ 2);
            break;
          case 'quadSwapDiagonal':
            for (const l of active) pick(l, l ^ 3);
            break;
          default: {
            const m = /^subgroup(Exclusive|Inclusive)?(Add|Mul|Min|Max|And|Or|Xor)$/.exec(name);
            if (!m) throw new Unsupported(`the builtin \`${name}\` is not interpreted`, line);
            const op = m[2];
            const f = (a: number, b: number) =>
              roundTo(
                s,
                op === 'Add'
                  ? a + b
                  : op === 'Mul'
                    ? s === 'u32' || s === 'i32'
                      ? Math.imul(a, b)
                      : a * b
                    : op === 'Min'
                      ? Math.min(a, b)
                      : op === 'Max'
                        ? Math.max(a, b)
                        : op === 'And'
                          ? a & b
                          : op === 'Or'
                            ? a | b
                            : a ^ b,
              );
            const identity =
              op === 'Add' || op === 'Or' || op === 'Xor'
                ? 0
                : op === 'Mul'
                  ? 1
                  : op === 'Min'
                    ? Infinity
                    : op === 'Max'
                      ? -Infinity
                      : s === 'u32'
                        ? 4294967295
                        : -1;
            let acc = identity;
            for (const l of active) {
              const next = f(acc, x.d![l]);
              d[l] = m[1] === 'Exclusive' ? acc : next;
              acc = next;
            }
            if (!m[1]) for (const l of active) d[l] = acc;
          }
        }
      }
      return { t: x.t, d };
    };
    return per(v);
  }

  private subgroupMatrix(name: string, e: Extract<Expr, { k: 'call' }>, mask: Mask, scope: Scope): Val | undefined {
    const line = e.line;
    const S = this.run.subgroupSize;
    // The matrix builtins need subgroup-uniform control flow: every invocation of the subgroup.
    for (let g = 0; g * S < this.L; g++) {
      const end = Math.min(this.L, (g + 1) * S);
      let on = -1;
      let off = -1;
      let count = 0;
      for (let l = g * S; l < end; l++) {
        if (mask[l]) {
          count++;
          if (on < 0) on = l;
        } else if (off < 0) off = l;
      }
      if (count > 0 && off >= 0) {
        this.report({
          kind: 'barrier-divergence',
          barrier: name,
          scope: 'subgroup',
          line,
          arrived: count,
          total: end - g * S,
          arrivedExample: this.inv(on),
          missingExample: this.inv(off),
          workgroup: this.wg(),
          subgroup: g,
          count: 1,
        });
      }
    }
    if (name === 'subgroupMatrixLoad' || name === 'subgroupMatrixStore') {
      const load = name === 'subgroupMatrixLoad';
      const targs = e.fn.targs ?? [];
      const t = load ? (this.resolveType(targs[0] as IdExpr) as Extract<Type, { k: 'sgmat' }>) : null;
      const layout = ((load ? targs[1] : targs[0]) as IdExpr | undefined)?.name ?? 'row_major';
      const p = this.eval(e.args[0], mask, scope);
      const offset = this.convert(this.eval(e.args[1], mask, scope), T.u32);
      const value = load ? null : this.eval(e.args[2], mask, scope);
      const stride = this.convert(this.eval(e.args[load ? 2 : 3], mask, scope), T.u32);
      const mt = (t ?? value!.t) as Extract<Type, { k: 'sgmat' }>;
      const parts: Val[] = [];
      // Stores are done by the first active invocation of each subgroup (the subgroup stores once).
      const storeMask = new Uint8Array(this.L);
      for (let g = 0; g * S < this.L; g++) {
        for (let l = g * S; l < Math.min(this.L, (g + 1) * S); l++)
          if (mask[l]) {
            storeMask[l] = 1;
            break;
          }
      }
      for (let r = 0; r < mt.r; r++) {
        for (let c = 0; c < mt.c; c++) {
          const idx = new Float64Array(this.L);
          for (let l = 0; l < this.L; l++) idx[l] = offset.d![l] + (layout === 'column_major' ? c * stride.d![l] + r : r * stride.d![l] + c);
          const m = load ? mask : storeMask;
          const ref = this.refIndex(p.ref!, { t: T.u32, d: idx }, m, line, load ? 'read' : 'write');
          if (load) parts.push(this.convert(this.load(ref, m, line), T[mt.s]));
          else this.store(ref, this.convert(value!.p![r * mt.c + c], ref.t), m, line);
        }
      }
      return load ? { t: mt, p: parts } : undefined;
    }
    if (name === 'subgroupMatrixMultiplyAccumulate' || name === 'subgroupMatrixMultiply') {
      const [a, b, acc0] = e.args.map((x) => this.eval(x, mask, scope));
      const at = a.t as Extract<Type, { k: 'sgmat' }>;
      const bt = b.t as Extract<Type, { k: 'sgmat' }>;
      const rt: Extract<Type, { k: 'sgmat' }> = acc0
        ? (acc0.t as Extract<Type, { k: 'sgmat' }>)
        : (this.resolveType(e.fn.targs![0] as IdExpr) as Extract<Type, { k: 'sgmat' }>);
      const parts: Val[] = [];
      for (let r = 0; r < at.r; r++) {
        for (let c = 0; c < bt.c; c++) {
          const d = new Float64Array(this.L);
          for (let l = 0; l < this.L; l++) {
            let sum = acc0 ? acc0.p![r * rt.c + c].d![l] : 0;
            for (let k = 0; k < at.c; k++) sum = roundTo(rt.s, sum + a.p![r * at.c + k].d![l] * b.p![k * bt.c + c].d![l]);
            d[l] = sum;
          }
          parts.push({ t: T[rt.s], d });
        }
      }
      return { t: rt, p: parts };
    }
    throw new Unsupported(`the builtin \`${name}\` is not interpreted`, line);
  }

  // ---- statements --------------------------------------------------------------------------

  private block(stmts: Stmt[], mask: Mask, scope: Scope, frame: Frame): void {
    let m = mask;
    let seen = frame.exits;
    for (const s of stmts) {
      this.stmt(s, m, scope, frame);
      if (frame.exits !== seen) {
        seen = frame.exits;
        m = frame.live(m);
        if (!any(m)) return;
      }
    }
  }

  private stmt(s: Stmt, mask: Mask, scope: Scope, frame: Frame): void {
    this.tick();
    this.lastLine = s.line;
    switch (s.k) {
      case 'nop':
        return;
      case 'decl': {
        if (s.kind === 'var') {
          const init = s.init ? this.eval(s.init, mask, scope) : undefined;
          const t = s.type ? this.resolveType(s.type) : this.defaultConcrete(init!).t;
          const ref = this.allocLane('function', s.name, t, s.line);
          if (init) this.store(ref, this.convert(init, t), mask, s.line);
          scope.set(s.name, { ref });
        } else {
          let v = this.eval(s.init!, mask, scope);
          if (s.type) v = this.convert(v, this.resolveType(s.type));
          else if (s.kind === 'let') v = this.defaultConcrete(v);
          scope.set(s.name, { v });
        }
        return;
      }
      case 'assign': {
        if (!s.lhs) {
          this.eval(s.rhs, mask, scope);
          return;
        }
        const ref = this.place(s.lhs, mask, scope, s.op === '=' ? 'write' : 'read-write').ref;
        if (!ref) throw new Unsupported('assignment to a value', s.line);
        let v = this.eval(s.rhs, mask, scope);
        if (s.op !== '=') v = this.binop(s.op, this.load(ref, mask, s.line), v, s.line);
        this.store(ref, this.convert(v, ref.t), mask, s.line);
        return;
      }
      case 'incdec': {
        const ref = this.place(s.lhs, mask, scope, 'read-write').ref!;
        const v = this.binop(s.op === '++' ? '+' : '-', this.load(ref, mask, s.line), this.splat(T.aint, 1), s.line);
        this.store(ref, this.convert(v, ref.t), mask, s.line);
        return;
      }
      case 'expr':
        this.eval(s.e, mask, scope);
        return;
      case 'block':
        this.block(s.body, mask, new Scope(scope), frame);
        return;
      case 'if': {
        const c = this.eval(s.cond, mask, scope);
        const yes = andVal(mask, c);
        const no = andNotVal(mask, c);
        if (any(yes)) this.block(s.then, yes, new Scope(scope), frame);
        if (s.else && any(no)) this.block(s.else, no, new Scope(scope), frame);
        return;
      }
      case 'for':
      case 'while':
      case 'loop':
        this.loop(s, mask, scope, frame);
        return;
      case 'switch': {
        const sel = this.defaultConcrete(this.eval(s.sel, mask, scope));
        const ctx: Ctx = { brk: new Uint8Array(this.L), cont: null };
        frame.ctxs.push(ctx);
        const matched = new Uint8Array(this.L);
        const masks = s.clauses.map((cl) => {
          const m = new Uint8Array(this.L);
          for (const sl of cl.selectors) {
            if (sl === 'default') continue;
            const v = this.convert(this.eval(sl, mask, scope), sel.t);
            for (let l = 0; l < this.L; l++) if (mask[l] && v.d![l] === sel.d![l]) m[l] = matched[l] = 1;
          }
          return m;
        });
        s.clauses.forEach((cl, i) => {
          if (cl.selectors.includes('default')) for (let l = 0; l < this.L; l++) if (mask[l] && !matched[l]) masks[i][l] = 1;
        });
        s.clauses.forEach((cl, i) => {
          const m = frame.live(masks[i]);
          if (any(m)) this.block(cl.body, m, new Scope(scope), frame);
        });
        frame.ctxs.pop();
        frame.exits++;
        return;
      }
      case 'break': {
        const ctx = frame.ctxs[frame.ctxs.length - 1];
        for (let l = 0; l < this.L; l++) if (mask[l]) ctx.brk[l] = 1;
        frame.exits++;
        return;
      }
      case 'continue': {
        const ctx = [...frame.ctxs].reverse().find((c) => c.cont)!;
        for (let l = 0; l < this.L; l++) if (mask[l]) ctx.cont![l] = 1;
        frame.exits++;
        return;
      }
      case 'return': {
        if (s.e) {
          let v = this.eval(s.e, mask, scope);
          if (frame.retType) v = this.convert(v, frame.retType);
          frame.retVal = frame.retVal ? this.merge(frame.retVal, v, mask) : v;
        }
        for (let l = 0; l < this.L; l++) if (mask[l]) frame.ret[l] = 1;
        frame.exits++;
        return;
      }
      case 'discard':
        throw new Unsupported('discard in a compute shader', s.line);
    }
  }

  private merge(dst: Val, src: Val, mask: Mask): Val {
    if (dst.d) {
      const d = dst.d.slice();
      for (let l = 0; l < this.L; l++) if (mask[l]) d[l] = src.d![l];
      return { t: dst.t, d };
    }
    return { t: dst.t, p: dst.p!.map((p, i) => this.merge(p, src.p![i], mask)) };
  }

  private loop(s: Extract<Stmt, { k: 'for' | 'while' | 'loop' }>, mask: Mask, outer: Scope, frame: Frame): void {
    const scope = new Scope(outer);
    if (s.k === 'for' && s.init) this.stmt(s.init, mask, scope, frame);
    const ctx: Ctx = { brk: new Uint8Array(this.L), cont: new Uint8Array(this.L) };
    frame.ctxs.push(ctx);
    let m = mask;
    for (;;) {
      this.tick();
      const cond = s.k === 'loop' ? undefined : s.cond;
      if (cond) m = andVal(m, this.eval(cond, m, scope));
      if (!any(m)) break;
      this.block(s.body, m, new Scope(scope), frame);
      ctx.cont!.fill(0);
      m = frame.live(m);
      if (!any(m)) break;
      if (s.k === 'for' && s.update) this.stmt(s.update, m, scope, frame);
      if (s.k === 'loop') {
        if (s.continuing) this.block(s.continuing, m, new Scope(scope), frame);
        m = frame.live(m);
        if (s.breakIf) m = andNotVal(m, this.eval(s.breakIf, m, scope));
        if (!any(m)) break;
      }
    }
    frame.ctxs.pop();
    frame.exits++;
  }
}

function findingKey(f: Finding): string {
  switch (f.kind) {
    case 'hazard':
      return `h|${f.space}|${f.hazard}|${f.variable}|${f.first.line}|${f.second.line}`;
    case 'out-of-bounds':
      return `o|${f.array}|${f.line}|${f.access}`;
    case 'barrier-divergence':
      return `b|${f.line}`;
  }
}

function swizzleIndex(ch: string): number {
  const i = 'xyzw'.indexOf(ch);
  return i >= 0 ? i : 'rgba'.indexOf(ch);
}

function isAbstractType(t: Type): boolean {
  const s = scalarOf(t);
  return s !== null && isAbstract(s);
}

function concreteOf(t: Type): Type {
  switch (t.k) {
    case 'scalar':
      return t.s === 'aint' ? T.i32 : t.s === 'afloat' ? T.f32 : t;
    case 'vec':
      return t.s === 'aint' ? { ...t, s: 'i32' } : t.s === 'afloat' ? { ...t, s: 'f32' } : t;
    case 'array': {
      const e = concreteOf(t.e);
      return e === t.e ? t : { ...t, e };
    }
    default:
      return t;
  }
}
