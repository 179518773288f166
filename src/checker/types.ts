// WGSL types as the interpreter sees them, their memory layouts, and per-lane values.
//
// A value holds one entry per invocation of the workgroup ("lane"): a scalar is a Float64Array of
// L lanes (u32, i32, f32, f16 and bool all fit a double exactly), a composite is a list of parts
// (a vector's components, an array's elements, a struct's members, a matrix's columns). Values
// are never changed in place, so constants can be shared.

export type ScalarKind = 'bool' | 'i32' | 'u32' | 'f32' | 'f16' | 'aint' | 'afloat';

export interface StructMember {
  name: string;
  type: Type;
}

export type Type =
  | { k: 'scalar'; s: ScalarKind }
  | { k: 'vec'; n: number; s: ScalarKind }
  | { k: 'mat'; c: number; r: number; s: ScalarKind }
  | { k: 'array'; e: Type; n: number | null }
  | { k: 'struct'; name: string; members: StructMember[] }
  | { k: 'atomic'; s: 'i32' | 'u32' }
  | { k: 'ptr'; space: string; e: Type; access: string }
  /** Subgroup matrices (chromium_experimental_subgroup_matrix): c columns, r rows. */
  | { k: 'sgmat'; role: 'left' | 'right' | 'result'; s: ScalarKind; c: number; r: number };

export interface Val {
  t: Type;
  /** Scalars (and loaded atomics): one entry per lane. */
  d?: Float64Array;
  /** Composites. */
  p?: Val[];
  /** Pointers. */
  ref?: Ref;
}

export type Space = 'function' | 'private' | 'workgroup' | 'storage' | 'uniform';

/** A piece of memory: per-lane slots, shared slots (workgroup) or host-shareable bytes. */
export interface Mem {
  space: Space;
  name: string;
  type: Type;
  /** function/private: slots × L, slot-major ([slot * L + lane]). */
  lane?: Float64Array;
  /** workgroup: one slot each, shared by the workgroup. */
  shared?: Float64Array;
  /** storage/uniform: the buffer's bytes (offsets are byte offsets). */
  bytes?: DataView;
  byteLength: number;
  access: 'read' | 'read_write';
  /** storage, read_write: who last wrote each 2-byte unit in this dispatch (see interp.ts). */
  writers?: StorageWriters;
}

/**
 * Who last wrote each 2-byte unit of a read_write storage buffer in this dispatch: the writer
 * (workgroup linear index · L + lane, + 1; 0 = nobody), its storageBarrier epoch and line. Dense
 * typed arrays for buffers up to 2 MiB, a map of the written units above (a 32 MiB copy buffer
 * must not cost 200 MB of shadow).
 */
export class StorageWriters {
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number[]> | null;
  constructor(readonly units: number) {
    this.dense = units <= 1 << 20 ? new Int32Array(units * 3) : null;
    this.sparse = this.dense ? null : new Map();
  }
  /** [who, epoch, line] of a unit (who 0: not written). */
  get(unit: number): [number, number, number] {
    if (this.dense) return [this.dense[unit * 3], this.dense[unit * 3 + 1], this.dense[unit * 3 + 2]];
    const e = this.sparse!.get(unit);
    return e ? [e[0], e[1], e[2]] : [0, 0, 0];
  }
  set(unit: number, who: number, epoch: number, line: number): void {
    if (this.dense) {
      this.dense[unit * 3] = who;
      this.dense[unit * 3 + 1] = epoch;
      this.dense[unit * 3 + 2] = line;
    } else this.sparse!.set(unit, [who, epoch, line]);
  }
}

/**
 * A reference: memory, the store type and one offset per lane (−1: out of bounds, dropped), or
 * `u`, one offset for every lane (a variable not indexed per lane: the common case, kept cheap).
 * Read the offsets with offsetsOf().
 */
export interface Ref {
  mem: Mem;
  t: Type;
  off?: Float64Array;
  u?: number;
}

export function offsetsOf(ref: Ref, L: number): Float64Array {
  if (!ref.off) ref.off = new Float64Array(L).fill(ref.u ?? 0);
  return ref.off;
}

export const T = {
  bool: { k: 'scalar', s: 'bool' } as Type,
  i32: { k: 'scalar', s: 'i32' } as Type,
  u32: { k: 'scalar', s: 'u32' } as Type,
  f32: { k: 'scalar', s: 'f32' } as Type,
  f16: { k: 'scalar', s: 'f16' } as Type,
  aint: { k: 'scalar', s: 'aint' } as Type,
  afloat: { k: 'scalar', s: 'afloat' } as Type,
};

export function scalarType(s: ScalarKind): Type {
  return T[s];
}

export function isAbstract(s: ScalarKind): boolean {
  return s === 'aint' || s === 'afloat';
}

export function isFloat(s: ScalarKind): boolean {
  return s === 'f32' || s === 'f16' || s === 'afloat';
}

export function scalarOf(t: Type): ScalarKind | null {
  return t.k === 'scalar' || t.k === 'vec' || t.k === 'mat' || t.k === 'atomic' || t.k === 'sgmat' ? t.s : null;
}

export function typeName(t: Type): string {
  switch (t.k) {
    case 'scalar':
      return t.s === 'aint' ? 'abstract-int' : t.s === 'afloat' ? 'abstract-float' : t.s;
    case 'vec':
      return `vec${t.n}<${t.s}>`;
    case 'mat':
      return `mat${t.c}x${t.r}<${t.s}>`;
    case 'array':
      return t.n === null ? `array<${typeName(t.e)}>` : `array<${typeName(t.e)}, ${t.n}>`;
    case 'struct':
      return t.name;
    case 'atomic':
      return `atomic<${t.s}>`;
    case 'ptr':
      return `ptr<${t.space}, ${typeName(t.e)}>`;
    case 'sgmat':
      return `subgroup_matrix_${t.role}<${t.s}, ${t.c}, ${t.r}>`;
  }
}

const partCache = new WeakMap<Type, Type[]>();

/** The parts of a composite type, in order (vector components, array elements, members…). */
export function partTypes(t: Type): Type[] {
  let hit = partCache.get(t);
  if (!hit) {
    hit = computePartTypes(t);
    partCache.set(t, hit);
  }
  return hit;
}

function computePartTypes(t: Type): Type[] {
  switch (t.k) {
    case 'vec':
      return Array.from({ length: t.n }, () => T[t.s]);
    case 'mat':
      return Array.from({ length: t.c }, () => ({ k: 'vec', n: t.r, s: t.s }) as Type);
    case 'array':
      if (t.n === null) throw new Error('a runtime-sized array has no fixed parts');
      return Array.from({ length: t.n }, () => t.e);
    case 'struct':
      return t.members.map((m) => m.type);
    case 'sgmat':
      return Array.from({ length: t.c * t.r }, () => T[t.s]);
    default:
      return [];
  }
}

// ---- layouts -----------------------------------------------------------------------------------

const slotCache = new WeakMap<Type, number>();

/** Slots a value of this type takes in function, private or workgroup memory (one per scalar). */
export function slots(t: Type): number {
  const hit = slotCache.get(t);
  if (hit !== undefined) return hit;
  let n: number;
  switch (t.k) {
    case 'scalar':
    case 'atomic':
      n = 1;
      break;
    case 'vec':
      n = t.n;
      break;
    case 'mat':
    case 'sgmat':
      n = t.c * t.r;
      break;
    case 'array':
      n = (t.n ?? 0) * slots(t.e);
      break;
    case 'struct':
      n = t.members.reduce((s, m) => s + slots(m.type), 0);
      break;
    case 'ptr':
      n = 1;
      break;
  }
  slotCache.set(t, n);
  return n;
}

function scalarBytes(s: ScalarKind): number {
  return s === 'f16' ? 2 : 4;
}

/** WGSL's alignment (spec §14.4) for host-shareable memory; uniform arrays and structs align to 16. */
export function alignOf(t: Type, uniform = false): number {
  switch (t.k) {
    case 'scalar':
    case 'atomic':
      return scalarBytes(t.s);
    case 'vec':
      return scalarBytes(t.s) * (t.n === 2 ? 2 : 4);
    case 'mat':
      return alignOf({ k: 'vec', n: t.r, s: t.s });
    case 'array': {
      const a = alignOf(t.e, uniform);
      return uniform ? Math.max(16, a) : a;
    }
    case 'struct': {
      const a = Math.max(...t.members.map((m) => alignOf(m.type, uniform)));
      return uniform ? Math.ceil(a / 16) * 16 : a;
    }
    default:
      return 4;
  }
}

export function sizeOf(t: Type, uniform = false): number {
  switch (t.k) {
    case 'scalar':
    case 'atomic':
      return scalarBytes(t.s);
    case 'vec':
      return scalarBytes(t.s) * t.n;
    case 'mat':
      return t.c * roundUp(alignOf({ k: 'vec', n: t.r, s: t.s }), sizeOf({ k: 'vec', n: t.r, s: t.s }));
    case 'array':
      return (t.n ?? 0) * strideOf(t, uniform);
    case 'struct': {
      const offs = memberOffsets(t, uniform);
      const last = t.members[t.members.length - 1];
      return roundUp(alignOf(t, uniform), offs[offs.length - 1] + sizeOf(last.type, uniform));
    }
    case 'sgmat':
      return t.c * t.r * scalarBytes(t.s);
    default:
      return 4;
  }
}

export function strideOf(t: Extract<Type, { k: 'array' }>, uniform = false): number {
  const s = roundUp(alignOf(t.e, uniform), sizeOf(t.e, uniform));
  return uniform ? roundUp(16, s) : s;
}

const offsetCache = new WeakMap<Type, { host: number[]; uniform: number[] }>();

export function memberOffsets(t: Extract<Type, { k: 'struct' }>, uniform = false): number[] {
  let hit = offsetCache.get(t);
  if (!hit) {
    const compute = (u: boolean) => {
      const out: number[] = [];
      let end = 0;
      for (const m of t.members) {
        const o = roundUp(alignOf(m.type, u), end);
        out.push(o);
        end = o + sizeOf(m.type, u);
      }
      return out;
    };
    hit = { host: compute(false), uniform: compute(true) };
    offsetCache.set(t, hit);
  }
  return uniform ? hit.uniform : hit.host;
}

function roundUp(k: number, n: number): number {
  return Math.ceil(n / k) * k;
}

/** Offset of part i of a composite, in the memory's units (slots, or bytes for storage/uniform). */
export function partOffset(t: Type, i: number, mem: Mem): number {
  if (mem.bytes) {
    const uniform = mem.space === 'uniform';
    switch (t.k) {
      case 'vec':
      case 'sgmat':
        return i * scalarBytes(t.s);
      case 'mat':
        return i * roundUp(alignOf({ k: 'vec', n: t.r, s: t.s }), sizeOf({ k: 'vec', n: t.r, s: t.s }));
      case 'array':
        return i * strideOf(t, uniform);
      case 'struct':
        return memberOffsets(t, uniform)[i];
      default:
        return 0;
    }
  }
  switch (t.k) {
    case 'vec':
    case 'sgmat':
      return i;
    case 'mat':
      return i * t.r;
    case 'array':
      return i * slots(t.e);
    case 'struct': {
      let o = 0;
      for (let m = 0; m < i; m++) o += slots(t.members[m].type);
      return o;
    }
    default:
      return 0;
  }
}

/** Element stride of an array in the memory's units. */
export function elementStride(t: Extract<Type, { k: 'array' }>, mem: Mem): number {
  return mem.bytes ? strideOf(t, mem.space === 'uniform') : slots(t.e);
}

/** A readable path to a slot of a workgroup variable: `tile[3]`, `pairs[17].y`, `s.total.x`. */
export function describeSlot(t: Type, slot: number): string {
  let out = '';
  let cur = t;
  let rest = slot;
  for (let guard = 0; guard < 16; guard++) {
    if (cur.k === 'array') {
      const per = slots(cur.e);
      const i = Math.floor(rest / per);
      out += `[${i}]`;
      rest -= i * per;
      cur = cur.e;
    } else if (cur.k === 'vec') {
      out += `.${'xyzw'[rest]}`;
      break;
    } else if (cur.k === 'struct') {
      let m = 0;
      while (m < cur.members.length - 1 && rest >= slots(cur.members[m].type)) rest -= slots(cur.members[m++].type);
      out += `.${cur.members[m].name}`;
      cur = cur.members[m].type;
    } else if (cur.k === 'mat' || cur.k === 'sgmat') {
      out += `[${rest}]`;
      break;
    } else break;
  }
  return out;
}
